// SPDX-License-Identifier: GPL-2.0
/*
 * A crafted SQE against a target in isolated mode, with the public
 * initiator API alone.  Initiator A writes its own SQ slot word by word
 * with dbi_probe_write() and rings its own doorbell, as any initiator
 * may; the PRPs of each SQE point at memory of initiator B, whose session
 * runs on another controller: B's data slot, B's SQ and CQ, the admin
 * queue of B's controller, and an IOVA nobody mapped.  A's controller's
 * IOMMU domain holds none of them, so:
 *
 *  - every such access faults in the vIOMMU: QEMU's trace (vtd_dmar_fault)
 *    shows a fault from A's controller at that address, in that
 *    direction;
 *  - a PRP list the controller must fetch from there fails the command
 *    with Data Transfer Error.  (QEMU's controller model completes a
 *    command whose data pages fault with success: its DMA layer drops a
 *    faulted page silently, so only the list fetch shows it the error);
 *  - a Write that names B's namespace is refused;
 *  - B's namespace (its whole backing file) is unchanged, A's block does
 *    not hold B's data, and B goes on working.
 *
 *   dma_attack_test SERVER SOURCE BACKING_FILE TARGET_LOG QEMU_TRACE_LOG
 *
 * BACKING_FILE has a "%u" for the namespace ID.  TARGET_LOG is the log
 * of a target run with --verbose, where the IOVAs of every queue are.
 *
 * A forged command's completion is read back through the library: the
 * SQE goes into the slot the library fills next and carries the command
 * identifier it uses next (the library numbers a session's commands from
 * 1), so its next Read finds the forged command's CQE and returns that
 * command's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing_file.h"
#include "check.h"
#include "nvme_spec.h"
#include "qemu_trace.h"
#include "test_hooks.h"

/* NVMe generic status: Data Transfer Error, Invalid Namespace. */
#define SC_DATA_TRANSFER_ERROR 0x004
#define SC_INVALID_NAMESPACE 0x00b
#define STATUS_CODE(st) ((st)&0x7ff) /* without More and DNR */

/* Far above every IOVA the target hands out, below the 39-bit limit. */
#define UNMAPPED_IOVA 0x7000000000ull

/* A's blocks the forged commands read and write: 8 from here on each. */
#define A_LBA 4096u
/* B's blocks: a pattern it writes before the attack and reads after. */
#define B_LBA 2048u
#define B_BLOCKS 8u

static const char *server, *source, *backing, *target_log, *trace;

/* What the target's verbose log says of a session's controller and queue. */
struct layout {
	char bdf[16];
	uint64_t admin_sq, admin_cq, sq, cq, data;
};

static struct dbi_session *connect_or_die(void)
{
	struct dbi_options o = { .server = server,
				 .source = source,
				 .mode = DBI_MODE_ONE_SIDED,
				 .depth = 8 };
	struct dbi_session *s;
	int ret = dbi_connect(&o, &s);

	if (ret) {
		printf("FAIL - connecting: %s\n", dbi_strerror(ret));
		exit(check_summary() | 1);
	}
	return s;
}

/* Find a controller by its namespace, then its admin and I/O queues. */
static bool find_layout(uint32_t nsid, uint16_t qid, struct layout *v)
{
	char line[512], bdf[16];
	unsigned long long a, b, c;
	unsigned int n, q;
	bool found = false;
	FILE *f = fopen(target_log, "r");

	if (!f)
		return false;
	memset(v, 0, sizeof(*v));
	while (fgets(line, sizeof(line), f)) {
		/* "doorbell-target: BDF: ..." or "doorbell-target: I/O ..." */
		const char *p = strstr(line, ": ");
		const char *ns = strstr(line, ", namespace ");

		if (!p)
			continue;
		p += 2;
		if (sscanf(p,
			   "I/O queue %u of %12[0-9a-f:.]: SQ at IOVA %llx, CQ "
			   "at %llx, data at %llx",
			   &q, bdf, &a, &b, &c) == 5) {
			if (q == qid && !strcmp(bdf, v->bdf)) {
				v->sq = a;
				v->cq = b;
				v->data = c;
				found = true;
			}
			continue;
		}
		if (sscanf(p, "%12[0-9a-f:.]", bdf) != 1 || p[12] != ':')
			continue;
		if (ns && sscanf(ns, ", namespace %u:", &n) == 1 && n == nsid)
			snprintf(v->bdf, sizeof(v->bdf), "%s", bdf);
		if (!strcmp(bdf, v->bdf) &&
		    sscanf(p + 12, ": admin SQ at IOVA %llx, CQ at %llx", &a,
			   &b) == 2) {
			v->admin_sq = a;
			v->admin_cq = b;
		}
	}
	fclose(f);
	return found && v->admin_sq;
}

/* FNV-1a over the whole backing file of namespace @nsid. */
static uint64_t backing_digest(uint32_t nsid)
{
	static uint8_t buf[1 << 20];
	uint64_t h = 0xcbf29ce484222325ull;
	int fd = backing_file_open(backing, nsid);
	ssize_t n, i;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
	close(fd);
	return h;
}

static bool backing_block(uint32_t nsid, uint64_t lba, uint32_t bs,
			  uint8_t *out)
{
	int fd = backing_file_open(backing, nsid);
	bool ok = fd >= 0 && pread(fd, out, bs, lba * bs) == (ssize_t)bs;

	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Run @sqe on A's queue behind the library's back, as its command number
 * *@issued, and return the NVMe status the controller gave it (or a
 * negative errno from the transport).
 */
static int forge(struct dbi_session *a, unsigned int *issued,
		 struct dbnvme_sqe sqe)
{
	const struct db_ready *r = dbi_ready(a);
	unsigned int slot = *issued % r->depth, i;
	uint32_t words[16];
	uint8_t buf[4096];
	int ret;

	sqe.cid = *issued + 1;
	memcpy(words, &sqe, sizeof(words));
	for (i = 0; i < 16; i++) {
		ret = dbi_probe_write(a,
				      r->sq.addr + slot * sizeof(sqe) + 4 * i,
				      r->sq.rkey, words[i]);
		if (ret)
			return ret;
	}
	ret = dbi_probe_write(a, r->doorbells.addr, r->doorbells.rkey,
			      (slot + 1) % r->depth);
	if (ret)
		return ret;
	/*
	 * The controller fetches the entry after the doorbell; let it,
	 * before the library's own Read writes that slot again.
	 */
	usleep(200 * 1000);
	(*issued)++;
	return dbi_read(a, A_LBA, 1, buf);
}

static struct dbnvme_sqe io(uint8_t opcode, uint32_t nsid, uint64_t iova,
			    uint64_t slba)
{
	struct dbnvme_sqe sqe;

	dbnvme_build_io(&sqe, opcode, nsid, 9, slba, 1, iova);
	return sqe;
}

/*
 * Three pages into A's own data slot, whose PRP list (PRP2) the
 * controller must fetch from @list.
 */
static struct dbnvme_sqe listed_read(uint32_t nsid, uint64_t slot,
				     uint64_t list)
{
	struct dbnvme_sqe sqe;

	dbnvme_build_io(&sqe, NVME_CMD_READ, nsid, 9, A_LBA, 24, slot);
	sqe.prp2 = list;
	return sqe;
}

/* vIOMMU faults so far from @sid at the page of @iova, in @dir (1 write). */
static unsigned int iommu_faults(unsigned int sid, uint64_t iova, int dir)
{
	return qemu_traced_dmar_faults(trace, sid, iova, dir);
}

struct attack {
	const char *what;
	struct dbnvme_sqe sqe;
	uint64_t at; /* the victim address */
	int dir; /* of the controller's access: 1 writes memory */
	bool listed; /* @at is a PRP list: the controller sees the fault */
};

/*
 * Run @x from A; the vIOMMU must refuse A's controller (@sid) the access,
 * and a listed attack must fail with a DMA error.
 */
static void run_attack(struct dbi_session *a, unsigned int *issued,
		       unsigned int sid, const struct attack *x)
{
	unsigned int before = iommu_faults(sid, x->at, x->dir), after;
	int status = forge(a, issued, x->sqe);

	after = iommu_faults(sid, x->at, x->dir);
	check(after > before,
	      "A's %s: the IOMMU refuses A's controller the DMA %s %#" PRIx64
	      " (%u fault%s); the command completes with %s",
	      x->what, x->dir ? "write to" : "read of", x->at, after - before,
	      after - before == 1 ? "" : "s", dbi_strerror(status));
	if (x->listed)
		check(status > 0 &&
			      STATUS_CODE(status) == SC_DATA_TRANSFER_ERROR,
		      "A's %s: the controller reports the DMA error (%s)",
		      x->what, dbi_strerror(status));
}

static bool holds_pattern(const uint8_t *block, const uint8_t *pattern,
			  size_t len)
{
	size_t off;

	for (off = 0; off + 512 <= len; off += 512)
		if (!memcmp(block, pattern + off, 512))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	uint8_t pattern[B_BLOCKS * 512], back[sizeof(pattern)];
	uint8_t a_block[512];
	struct dbi_session *a, *b;
	struct db_ready ra, rb;
	struct layout la, lb;
	unsigned int issued = 0, nr_attacks, i, sid;
	uint64_t b_digest;
	int ret;

	if (argc != 6 || !strstr(argv[3], "%u")) {
		fprintf(stderr, "usage: dma_attack_test SERVER SOURCE "
				"BACKING_FILE(with %%u) TARGET_LOG "
				"QEMU_TRACE_LOG\n");
		return 2;
	}
	server = argv[1];
	source = argv[2];
	backing = argv[3];
	target_log = argv[4];
	trace = argv[5];

	a = connect_or_die();
	b = connect_or_die();
	ra = *dbi_ready(a);
	rb = *dbi_ready(b);
	{
		struct dbi_options o = { .server = server, .source = source };
		struct dbi_session *c;

		ret = dbi_connect(&o, &c);
		check(ret == -EBUSY,
		      "a third initiator finds no free controller: EBUSY (%s)",
		      dbi_strerror(ret));
		if (!ret)
			dbi_disconnect(c);
	}
	check(ra.nsid != rb.nsid && ra.block_size == 512,
	      "A and B are served by controllers of their own (namespaces "
	      "%u and %u)",
	      ra.nsid, rb.nsid);
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = i * 7 + 3;
	ret = dbi_write(b, B_LBA, B_BLOCKS, pattern);
	check(!ret, "B writes %u blocks, which stay in its data slot (%s)",
	      B_BLOCKS, dbi_strerror(ret));
	if (!find_layout(ra.nsid, ra.qid, &la) ||
	    !find_layout(rb.nsid, rb.qid, &lb)) {
		printf("FAIL - the target log lacks the IOVAs of A or B\n");
		return check_summary() | 1;
	}
	sid = qemu_source_id(la.bdf);
	printf("# A on %s (source ID %#x), B on %s: admin SQ %#" PRIx64
	       " CQ %#" PRIx64 ", I/O SQ %#" PRIx64 " CQ %#" PRIx64
	       ", data %#" PRIx64 "\n",
	       la.bdf, sid, lb.bdf, lb.admin_sq, lb.admin_cq, lb.sq, lb.cq,
	       lb.data);
	check(lb.data == rb.data_iova && la.data == ra.data_iova,
	      "the log's data IOVAs are the ones A and B were told");
	b_digest = backing_digest(rb.nsid);

	{
		const struct attack attacks[] = {
			/* The controller reads B's memory into A's block... */
			{ "Write from B's data slot",
			  io(NVME_CMD_WRITE, ra.nsid, lb.data, A_LBA), lb.data,
			  0 },
			{ "Write from B's CQ",
			  io(NVME_CMD_WRITE, ra.nsid, lb.cq, A_LBA), lb.cq, 0 },
			{ "Write from the admin CQ of B's controller",
			  io(NVME_CMD_WRITE, ra.nsid, lb.admin_cq, A_LBA),
			  lb.admin_cq, 0 },
			/* ...or writes A's block over B's memory. */
			{ "Read into B's data slot",
			  io(NVME_CMD_READ, ra.nsid, lb.data, A_LBA), lb.data,
			  1 },
			{ "Read into B's SQ",
			  io(NVME_CMD_READ, ra.nsid, lb.sq, A_LBA), lb.sq, 1 },
			{ "Read into B's CQ",
			  io(NVME_CMD_READ, ra.nsid, lb.cq, A_LBA), lb.cq, 1 },
			{ "Read into the admin SQ of B's controller",
			  io(NVME_CMD_READ, ra.nsid, lb.admin_sq, A_LBA),
			  lb.admin_sq, 1 },
			{ "Read into an IOVA nobody mapped",
			  io(NVME_CMD_READ, ra.nsid, UNMAPPED_IOVA, A_LBA),
			  UNMAPPED_IOVA, 1 },
			{ "Write from an IOVA nobody mapped",
			  io(NVME_CMD_WRITE, ra.nsid, UNMAPPED_IOVA, A_LBA),
			  UNMAPPED_IOVA, 0 },
			/* A PRP list the controller must fetch first. */
			{ "Read with its PRP list in B's data slot",
			  listed_read(ra.nsid, ra.data_iova, lb.data), lb.data,
			  0, true },
			{ "Read with its PRP list in the admin SQ of B's "
			  "controller",
			  listed_read(ra.nsid, ra.data_iova, lb.admin_sq),
			  lb.admin_sq, 0, true },
			{ "Read with its PRP list at an IOVA nobody mapped",
			  listed_read(ra.nsid, ra.data_iova, UNMAPPED_IOVA),
			  UNMAPPED_IOVA, 0, true },
		};

		nr_attacks = sizeof(attacks) / sizeof(attacks[0]);
		for (i = 0; i < nr_attacks; i++) {
			struct attack x = attacks[i];

			/* Blocks of its own, so no attack hides another's. */
			x.sqe.cdw10 = A_LBA + 8 * i;
			run_attack(a, &issued, sid, &x);
		}
	}
	/* Its own buffer, but B's namespace: not on A's controller. */
	ret = forge(a, &issued,
		    io(NVME_CMD_WRITE, rb.nsid, ra.data_iova,
		       A_LBA + 8 * nr_attacks));
	check(ret > 0 && (STATUS_CODE(ret) == SC_INVALID_NAMESPACE ||
			  STATUS_CODE(ret) == NVME_SC_INVALID_FIELD),
	      "A's Write to B's namespace %u is refused (%s)", rb.nsid,
	      dbi_strerror(ret));

	for (i = 0, ret = 0; i < nr_attacks && !ret; i++)
		ret = !backing_block(ra.nsid, A_LBA + 8 * i, 512, a_block) ||
		      holds_pattern(a_block, pattern, sizeof(pattern));
	check(!ret, "the blocks A's commands wrote hold none of B's data");
	check(backing_digest(rb.nsid) == b_digest,
	      "B's namespace %u is unchanged, every byte of its backing file",
	      rb.nsid);
	ret = dbi_read(b, B_LBA, B_BLOCKS, back);
	check(!ret && !memcmp(back, pattern, sizeof(back)),
	      "B still reads back its %u blocks (%s)", B_BLOCKS,
	      dbi_strerror(ret));
	ret = dbi_write(b, B_LBA + B_BLOCKS, B_BLOCKS, pattern);
	check(!ret, "B still writes (%s)", dbi_strerror(ret));
	/* A's own queue still works too: the failures were A's commands. */
	ret = dbi_write(a, A_LBA + 8, 1, pattern);
	check(!ret, "A's own queue still serves A (%s)", dbi_strerror(ret));
	dbi_disconnect(a);
	dbi_disconnect(b);
	return check_summary();
}
