// SPDX-License-Identifier: GPL-2.0
/*
 * doorbell-target seen from its initiators, in one VM: rxea's address
 * connects to the target on rxeb's.
 *
 *  - data integrity: blocks written at random LBAs through each mode read
 *    back the same, and the host's backing file of the namespace holds
 *    them; the controller interrupts once per command in the event-driven
 *    two-sided mode and never in the others;
 *  - queue wrap-around: many more commands than a small queue's depth;
 *  - commands in flight: a queue of 32 kept full through several laps
 *    one-sided, and the ring and two-sided modes at depth 8;
 *  - several initiators at once, each on its own I/O queue;
 *  - isolation: an initiator cannot ring another's doorbells, reach
 *    doorbells past its own, the admin doorbells or the controller
 *    registers, or write another's SQ or data; QEMU's trace of the
 *    controller's registers shows that no such store arrived;
 *  - bad inputs get clear errors.
 *
 *   target_test [--isolated | --kernel-paths] SERVER SOURCE BACKING_FILE
 *		 QEMU_TRACE_LOG [EXTENTS]
 *
 * EXTENTS (default 40; at most 60, which the initiators' stripes hold)
 * sets the load: extents per mode and per initiator, and half as many
 * again for the wrap-around.  A "%u" in BACKING_FILE stands for the
 * namespace's ID, for a target whose controllers each have their own.
 * --isolated is for a target in isolated mode, whose controllers serve
 * one initiator each: it runs the integrity and wrap-around tests only,
 * since the others need more initiators at once than it has
 * controllers.  --kernel-paths, for the debug kernel, leaves out the
 * checks whose kernel paths others already take and which only repeat
 * the initiator's user space there: the wrap-around, the depth test's
 * batched and ring-busy variants (one-sided and two-sided remain) and the
 * caller-buffer reads.  The normal kernel runs them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing_file.h"
#include "check.h"
#include "proc_interrupts.h"
#include "qemu_trace.h"
#include "test_hooks.h"

#define DOORBELLS 0x1000u
#define NR_INITIATORS 4

static const char *server, *source, *backing, *trace;
static unsigned int extents = 40;

static struct dbi_options options(enum dbi_mode mode, uint16_t depth)
{
	return (struct dbi_options){
		.server = server, .source = source, .mode = mode, .depth = depth
	};
}

static struct dbi_session *
connect_flags_or_die(enum dbi_mode mode, uint16_t depth, unsigned int flags)
{
	struct dbi_options o = options(mode, depth);
	struct dbi_session *s;
	int ret;

	o.flags = flags;
	ret = dbi_connect(&o, &s);

	if (ret) {
		printf("FAIL - connecting in mode %s: %s\n",
		       dbi_mode_name(mode), dbi_strerror(ret));
		exit(check_summary() | 1);
	}
	return s;
}

static struct dbi_session *connect_or_die(enum dbi_mode mode, uint16_t depth)
{
	return connect_flags_or_die(mode, depth, 0);
}

static void fill(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = seed >> 16;
	}
}

/* Does the backing file of @s's namespace hold @buf at block @lba? */
static bool on_backing_file(struct dbi_session *s, uint64_t lba,
			    const uint8_t *buf, size_t len)
{
	uint32_t bs = dbi_block_size(s);
	uint8_t *got = malloc(len);
	int fd = backing_file_open(backing, dbi_nsid(s));
	bool same;

	same = fd >= 0 && got &&
	       pread(fd, got, len, lba * bs) == (ssize_t)len &&
	       !memcmp(got, buf, len);
	if (fd >= 0)
		close(fd);
	free(got);
	return same;
}

/* Extent @i of a run: 1-24 blocks, placed at random in its stripe. */
static void extent(uint64_t base, uint32_t seed, unsigned int i, uint64_t *lba,
		   unsigned int *nblocks)
{
	unsigned int r = (seed + i) * 2654435761u;

	r ^= r >> 13;
	*nblocks = 1 + r % 24;
	*lba = base + i * 32 + (r >> 8) % (32 - *nblocks + 1);
}

/*
 * Write @n extents of 1-24 blocks at random LBAs in [@base, @base +
 * @span), then read each back and find it in the backing file.  Extents
 * do not overlap: extent i starts in its own 32-block stripe.
 */
static int write_verify(struct dbi_session *s, uint64_t base, unsigned int n,
			uint32_t seed, char *why, size_t whylen)
{
	uint32_t bs = dbi_block_size(s);
	uint8_t *buf = malloc(24 * bs), *back = malloc(24 * bs);
	unsigned int i, nblocks;
	uint64_t lba;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		extent(base, seed, i, &lba, &nblocks);
		fill(buf, nblocks * bs, seed * 1000 + i);
		ret = dbi_write(s, lba, nblocks, buf);
		if (ret)
			snprintf(why, whylen, "write of %u blocks at %llu: %s",
				 nblocks, (unsigned long long)lba,
				 dbi_strerror(ret));
	}
	for (i = 0; i < n && !ret; i++) {
		extent(base, seed, i, &lba, &nblocks);
		fill(buf, nblocks * bs, seed * 1000 + i);
		memset(back, 0, nblocks * bs);
		ret = dbi_read(s, lba, nblocks, back);
		if (ret)
			snprintf(why, whylen, "read at %llu: %s",
				 (unsigned long long)lba, dbi_strerror(ret));
		else if (memcmp(back, buf, nblocks * bs))
			ret = -EILSEQ,
			snprintf(why, whylen,
				 "read-back of %u "
				 "blocks at %llu differs",
				 nblocks, (unsigned long long)lba);
		else if (!on_backing_file(s, lba, buf, nblocks * bs))
			ret = -EILSEQ,
			snprintf(why, whylen,
				 "the backing "
				 "file lacks %u blocks at %llu",
				 nblocks, (unsigned long long)lba);
	}
	free(buf);
	free(back);
	return ret;
}

/* Interrupts so far on the vfio MSI-X vectors routed to an eventfd. */
static unsigned long long vfio_msix_interrupts(void)
{
	long long n = proc_interrupts("vfio-msix[");

	return n < 0 ? 0 : n;
}

static void test_integrity(void)
{
	unsigned long long irqs;
	enum dbi_mode m;
	char why[160] = "";

	for (m = DBI_MODE_ONE_SIDED; m <= DBI_MODE_TWO_SIDED_EVENT; m++) {
		struct dbi_session *s = connect_or_die(m, 0);
		int ret;

		irqs = vfio_msix_interrupts();
		ret = write_verify(s, 10000 * m, extents, 7 * m, why,
				   sizeof(why));
		irqs = vfio_msix_interrupts() - irqs;
		check(!ret,
		      "%s: %u extents of 1-24 blocks at random LBAs "
		      "read back the same and are in the backing file%s%s",
		      dbi_mode_name(m), extents, ret ? ": " : "",
		      ret ? why : "");
		/* A Write and a Read per extent, one at a time. */
		if (m == DBI_MODE_TWO_SIDED_EVENT)
			check(irqs >= 2 * extents,
			      "%s: the controller interrupted for each of "
			      "the %u commands (%llu interrupts)",
			      dbi_mode_name(m), 2 * extents, irqs);
		else
			check(!irqs,
			      "%s: the controller never interrupted (%llu)",
			      dbi_mode_name(m), irqs);
		dbi_disconnect(s);
	}
}

static void test_wrap(void)
{
	struct dbi_session *s = connect_or_die(DBI_MODE_ONE_SIDED, 4);
	unsigned int n = extents * 3 / 2;
	char why[160] = "";
	int ret;

	check(dbi_queue_depth(s) == 4, "a queue of depth 4 granted (%u)",
	      dbi_queue_depth(s));
	/* Up to 24 blocks each: two commands per extent, four per lap. */
	ret = write_verify(s, 60000, n, 99, why, sizeof(why));
	check(!ret,
	      "%u extents: the SQ and CQ wrap around about %u times, every "
	      "block reads back%s%s",
	      n, n / 2, ret ? ": " : "", ret ? why : "");
	dbi_disconnect(s);
}

/*
 * Run @n commands of @nb blocks each at @base + i * @nb, tag i, from
 * @buf + i * @nb blocks, kept as many in flight as the queue takes.
 * Every tag must come back once, with status 0.  *@max_out: the most in
 * flight at once; *@eagain: whether a submit beyond them was refused.
 */
static int run_in_flight(struct dbi_session *s, bool write, uint64_t base,
			 unsigned int n, uint32_t nb, uint8_t *buf,
			 unsigned int *max_out, bool *eagain, char *why,
			 size_t whylen)
{
	size_t bytes = (size_t)nb * dbi_block_size(s);
	struct dbi_completion done[64];
	unsigned int sub = 0, completed = 0;
	bool *seen = calloc(n, sizeof(bool));
	int ret = 0, k, i;

	while (!ret && completed < n) {
		while (sub < n) {
			ret = write ? dbi_submit_write(s, base + sub * nb, nb,
						       buf + sub * bytes, sub) :
				      dbi_submit_read(s, base + sub * nb, nb,
						      buf + sub * bytes, sub);
			if (ret)
				break;
			sub++;
			if (dbi_in_flight(s) > *max_out)
				*max_out = dbi_in_flight(s);
		}
		if (ret == -EAGAIN) {
			*eagain = true;
			ret = 0;
		} else if (ret) {
			snprintf(why, whylen, "submit %u: %s", sub,
				 dbi_strerror(ret));
			break;
		}
		k = dbi_complete(s, done, 64);
		if (k <= 0) {
			snprintf(why, whylen, "complete with %u in flight: %s",
				 dbi_in_flight(s),
				 k ? dbi_strerror(k) : "none");
			ret = k ? k : -EIO;
			break;
		}
		for (i = 0; i < k && !ret; i++) {
			if (done[i].tag >= sub || seen[done[i].tag]) {
				snprintf(why, whylen,
					 "tag %llu came back "
					 "unasked or twice",
					 (unsigned long long)done[i].tag);
				ret = -EBADMSG;
			} else if (done[i].status) {
				snprintf(why, whylen, "command %llu: %s",
					 (unsigned long long)done[i].tag,
					 dbi_strerror(done[i].status));
				ret = done[i].status;
			}
			if (done[i].tag < n)
				seen[done[i].tag] = true;
			completed++;
		}
	}
	free(seen);
	return ret;
}

/*
 * The @len bytes @want written at @base came back as @got (NULL: the
 * reads failed) and are on the backing file.
 */
static void check_read_back(struct dbi_session *s, const char *name,
			    uint64_t base, const uint8_t *want,
			    const uint8_t *got, size_t len)
{
	check(got && !memcmp(want, got, len),
	      "%s: the %zu bytes read back are those written", name, len);
	check(on_backing_file(s, base, want, len),
	      "%s: the backing file holds them, blocks %llu-%llu", name,
	      (unsigned long long)base,
	      (unsigned long long)(base + len / dbi_block_size(s) - 1));
}

/*
 * Commands in flight: a queue of @depth entries kept at depth - 1
 * commands of max_transfer bytes, around the SQ and CQ several times,
 * writes and then reads of the same blocks; every byte read back and on
 * the backing file.  The blocking calls refuse to run beside them.
 */
static void test_depth(enum dbi_mode m, uint16_t depth, uint64_t base,
		       unsigned int flags)
{
	struct dbi_session *s = connect_flags_or_die(m, depth, flags);
	struct dbi_session_stats before, after;
	const char *name = flags & DBI_F_BATCH_RING ? "one-sided, batched" :
						      dbi_mode_name(m);
	uint32_t bs = dbi_block_size(s), nb = dbi_max_transfer(s) / bs;
	unsigned int n = 3 * depth + 5, wmax = 0, rmax = 0;
	size_t len = (size_t)n * nb * bs;
	uint8_t *want = malloc(len), *got = calloc(1, len), one[512];
	bool weagain = false, reagain = false;
	char why[160] = "";
	int ret;

	check(dbi_queue_depth(s) == depth,
	      "%s: a queue of depth %u granted "
	      "(%u)",
	      name, depth, dbi_queue_depth(s));
	fill(want, len, 4242 + m);
	ret = run_in_flight(s, true, base, n, nb, want, &wmax, &weagain, why,
			    sizeof(why));
	check(!ret && wmax == depth - 1u && weagain,
	      "%s: %u writes of %u bytes, %u in flight at most (want %u), "
	      "one more refused with EAGAIN: %s",
	      name, n, nb * bs, wmax, depth - 1u,
	      ret     ? why :
	      weagain ? "all completed once, status 0" :
			"never refused");
	dbi_session_stats(s, &before);
	if (!ret)
		ret = run_in_flight(s, false, base, n, nb, got, &rmax, &reagain,
				    why, sizeof(why));
	dbi_session_stats(s, &after);
	check(!ret && rmax == depth - 1u,
	      "%s: %u reads of the same blocks, %u in flight at most: %s", name,
	      n, rmax, ret ? why : "all completed once");
	/* Each Read writes its SQE; alone, it also rings the doorbell. */
	if (flags & DBI_F_BATCH_RING)
		check(after.rdma_writes - before.rdma_writes < 3 * n / 2,
		      "%s: doorbells batched: %llu RDMA WRITEs for %u reads",
		      name,
		      (unsigned long long)(after.rdma_writes -
					   before.rdma_writes),
		      n);
	check_read_back(s, name, base, want, !ret ? got : NULL, len);

	ret = dbi_submit_read(s, base, 1, one, 7);
	check(!ret, "%s: one read submitted (%s)", name, dbi_strerror(ret));
	ret = dbi_read(s, base, 1, one);
	check(ret == -EBUSY, "%s: a blocking read beside it: EBUSY (%s)", name,
	      dbi_strerror(ret));
	ret = dbi_submit_read(s, dbi_blocks(s), 1, one, 8);
	check(ret == -ERANGE,
	      "%s: a submit past the namespace's end: ERANGE "
	      "(%s)",
	      name, dbi_strerror(ret));
	ret = dbi_submit_write(s, base, nb + 1, want, 9);
	check(ret == -EINVAL, "%s: a submit over max_transfer: EINVAL (%s)",
	      name, dbi_strerror(ret));
	{
		struct dbi_completion c;
		int k = dbi_complete(s, &c, 1);

		check(k == 1 && c.tag == 7 && !c.status && !dbi_in_flight(s) &&
			      !memcmp(one, want, bs),
		      "%s: its completion alone came back, tag 7, the data "
		      "in place (%d)",
		      name, k);
		k = dbi_complete(s, &c, 1);
		check(k == 0,
		      "%s: nothing in flight: complete returns 0 "
		      "(%d)",
		      name, k);
	}
	free(want);
	free(got);
	dbi_disconnect(s);
}

static uint64_t copied_bytes(struct dbi_session *s)
{
	struct dbi_session_stats st;

	dbi_session_stats(s, &st);
	return st.copied_bytes;
}

/*
 * Registered buffers: writes and reads at @depth - 1 in flight, around
 * the queue several times, from and into the caller's registered memory
 * with not a byte copied; data read back and on the backing file.  A
 * buffer in use cannot be deregistered, and one that leaves the
 * registered range is staged and counted.
 */
static void test_no_copy(enum dbi_mode m, uint16_t depth, uint64_t base)
{
	struct dbi_session *s = connect_or_die(m, depth);
	uint32_t bs = dbi_block_size(s), nb = dbi_max_transfer(s) / bs;
	unsigned int n = 3 * depth + 5, wmax = 0, rmax = 0;
	size_t len = (size_t)n * nb * bs;
	/* A command's worth beyond what is registered: see the end. */
	uint8_t *want = malloc(len + nb * bs), *got = calloc(1, len);
	struct dbi_buffer *bw = NULL, *bg = NULL;
	bool eagain = false;
	struct dbi_completion c;
	uint64_t before;
	char why[160] = "";
	int ret, k;

	fill(want, len + nb * bs, 5151 + m);
	ret = dbi_reg_buffer(s, want, len, &bw);
	if (!ret)
		ret = dbi_reg_buffer(s, got, len, &bg);
	check(!ret, "%s: %zu bytes twice registered (%s)", dbi_mode_name(m),
	      len, dbi_strerror(ret));
	if (ret)
		goto out;
	before = copied_bytes(s);
	ret = run_in_flight(s, true, base, n, nb, want, &wmax, &eagain, why,
			    sizeof(why));
	if (!ret)
		ret = run_in_flight(s, false, base, n, nb, got, &rmax, &eagain,
				    why, sizeof(why));
	check(!ret && wmax == depth - 1u && rmax == depth - 1u,
	      "%s: %u writes and %u reads of %u bytes from and into "
	      "registered memory, %u/%u in flight: %s",
	      dbi_mode_name(m), n, n, nb * bs, wmax, rmax,
	      ret ? why : "all completed");
	check(copied_bytes(s) == before,
	      "%s: no byte copied through the stage (%llu)", dbi_mode_name(m),
	      (unsigned long long)(copied_bytes(s) - before));
	check_read_back(s, dbi_mode_name(m), base, want, !ret ? got : NULL,
			len);

	ret = dbi_submit_read(s, base, nb, got, 1);
	check(!ret, "%s: a read into registered memory submitted (%s)",
	      dbi_mode_name(m), dbi_strerror(ret));
	ret = dbi_dereg_buffer(bg);
	check(ret == -EBUSY,
	      "%s: its buffer deregistered meanwhile: EBUSY (%s)",
	      dbi_mode_name(m), dbi_strerror(ret));
	k = dbi_complete(s, &c, 1);
	ret = dbi_dereg_buffer(bg);
	check(k == 1 && !c.status && !ret,
	      "%s: deregistered once it completed (%s)", dbi_mode_name(m),
	      dbi_strerror(ret));
	bg = NULL;

	/* Past the registered range's end by one block: staged. */
	before = copied_bytes(s);
	ret = dbi_write(s, base, nb, want + len - (size_t)(nb - 1) * bs);
	check(!ret && copied_bytes(s) == before + nb * bs,
	      "%s: a buffer leaving the registered range is staged, %u bytes "
	      "copied (%llu, %s)",
	      dbi_mode_name(m), nb * bs,
	      (unsigned long long)(copied_bytes(s) - before),
	      dbi_strerror(ret));
out:
	/* bw is left for dbi_disconnect() to release. */
	dbi_disconnect(s);
	free(want);
	free(got);
}

struct initiator {
	pthread_t thread;
	struct dbi_session *s;
	unsigned int index;
	int ret;
	char why[160];
};

static void *initiator_run(void *arg)
{
	struct initiator *in = arg;

	in->ret = write_verify(in->s, 80000 + in->index * 2000, extents,
			       500 + in->index, in->why, sizeof(in->why));
	return NULL;
}

static void test_several(void)
{
	struct initiator in[NR_INITIATORS];
	uint64_t qids = 0;
	unsigned int i;

	for (i = 0; i < NR_INITIATORS; i++) {
		in[i] = (struct initiator){ .index = i };
		in[i].s = connect_or_die(DBI_MODE_ONE_SIDED, 8);
		qids |= 1ull << dbi_queue_id(in[i].s);
	}
	check(__builtin_popcountll(qids) == NR_INITIATORS,
	      "%d initiators connected, each on its own I/O queue",
	      NR_INITIATORS);
	for (i = 0; i < NR_INITIATORS; i++)
		pthread_create(&in[i].thread, NULL, initiator_run, &in[i]);
	for (i = 0; i < NR_INITIATORS; i++) {
		pthread_join(in[i].thread, NULL);
		check(!in[i].ret,
		      "initiator %u (queue %u), running with the "
		      "others: %u extents verified%s%s",
		      i, dbi_queue_id(in[i].s), extents, in[i].ret ? ": " : "",
		      in[i].ret ? in[i].why : "");
		dbi_disconnect(in[i].s);
	}
}

/* Probe (@addr, @rkey) from a fresh session; it dies if refused. */
static int probe(uint64_t addr, uint32_t rkey, uint32_t value)
{
	struct dbi_session *s = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	int ret = dbi_probe_write(s, addr, rkey, value);

	dbi_disconnect(s);
	return ret;
}

static int doorbell_stores(unsigned int offset)
{
	return qemu_traced_writes(trace, offset, NULL, 0);
}

/*
 * Every probe stores PROBE, a value no doorbell or register of this
 * test ever takes otherwise, so QEMU's trace shows whether any landed.
 */
#define PROBE 0xbad0u

static void test_isolation(void)
{
	struct dbi_session *a = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	struct dbi_session *b = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	const struct db_ready ra = *dbi_ready(a);
	struct db_ready rb = *dbi_ready(b);
	unsigned int a_sq = DOORBELLS + 2 * ra.qid * ra.doorbell_stride;
	unsigned int b_sq, next;
	int before_a, before_b, ret;
	char why[160] = "";

	check(ra.doorbells.addr == a_sq &&
		      ra.doorbells.length == ra.doorbell_stride + 4,
	      "A's doorbell window: its SQ tail and CQ head, BAR0 %#x + %u",
	      a_sq, ra.doorbells.length);
	before_a = doorbell_stores(a_sq);

	/* B's QP with A's windows: type 2 windows answer their QP only. */
	ret = dbi_probe_write(b, ra.doorbells.addr, ra.doorbells.rkey, PROBE);
	check(ret == -EACCES,
	      "B rings A's SQ doorbell with A's window: "
	      "remote access error (%s)",
	      dbi_strerror(ret));
	dbi_disconnect(b);
	ret = probe(ra.sq.addr, ra.sq.rkey, PROBE);
	check(ret == -EACCES,
	      "another initiator writes A's SQ ring with "
	      "A's key: remote access error (%s)",
	      dbi_strerror(ret));
	ret = probe(ra.data.addr, ra.data.rkey, PROBE);
	check(ret == -EACCES,
	      "another initiator writes A's data slots "
	      "with A's key: remote access error (%s)",
	      dbi_strerror(ret));

	/* Its own window, aimed outside it. */
	b = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	rb = *dbi_ready(b);
	next = DOORBELLS + 2 * (rb.qid + 1) * rb.doorbell_stride;
	ret = dbi_probe_write(b, next, rb.doorbells.rkey, PROBE);
	check(ret == -EACCES,
	      "B's window aimed at the next queue's SQ "
	      "doorbell (%#x): remote access error (%s)",
	      next, dbi_strerror(ret));
	dbi_disconnect(b);
	b = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	rb = *dbi_ready(b);
	ret = dbi_probe_write(b, DOORBELLS, rb.doorbells.rkey, PROBE);
	check(ret == -EACCES,
	      "B's window aimed at the admin SQ doorbell: "
	      "remote access error (%s)",
	      dbi_strerror(ret));
	dbi_disconnect(b);
	b = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	rb = *dbi_ready(b);
	ret = dbi_probe_write(b, 0x14, rb.doorbells.rkey, PROBE);
	check(ret == -EACCES,
	      "B's window aimed at CC (BAR0 0x14, the "
	      "controller registers' page): remote access error (%s)",
	      dbi_strerror(ret));
	dbi_disconnect(b);

	ret = qemu_traced_values(trace, PROBE);
	check(ret == 0 && doorbell_stores(a_sq) == before_a,
	      "QEMU saw none of the refused stores (%d of value %#x) and "
	      "nothing at A's SQ doorbell (%d stores, as before)",
	      ret, PROBE, doorbell_stores(a_sq));

	/* The probe itself works where it is allowed. */
	b = connect_or_die(DBI_MODE_ONE_SIDED, 8);
	rb = *dbi_ready(b);
	b_sq = DOORBELLS + 2 * rb.qid * rb.doorbell_stride;
	before_b = doorbell_stores(b_sq);
	ret = dbi_probe_write(b, rb.doorbells.addr, rb.doorbells.rkey, 0);
	check(!ret && doorbell_stores(b_sq) == before_b + 1,
	      "control: B writes its own SQ tail (0, nothing new) and QEMU "
	      "sees that store (%s)",
	      dbi_strerror(ret));
	dbi_disconnect(b);

	ret = write_verify(a, 120000, 10, 4242, why, sizeof(why));
	check(!ret, "A still writes and reads back 10 extents%s%s",
	      ret ? ": " : "", ret ? why : "");
	dbi_disconnect(a);
}

static void test_bad_inputs(void)
{
	struct dbi_options o = options(DBI_MODE_ONE_SIDED, 0);
	struct dbi_session *s;
	uint8_t buf[512];
	int ret;

	o.depth = 1000;
	ret = dbi_connect(&o, &s);
	check(ret == -EINVAL,
	      "queue depth 1000: the target refuses, EINVAL "
	      "(%s)",
	      dbi_strerror(ret));
	o = options(9, 0);
	ret = dbi_connect(&o, &s);
	check(ret == -EINVAL, "mode 9: EINVAL (%s)", dbi_strerror(ret));
	o = options(DBI_MODE_ONE_SIDED, 0);
	o.port = "4999";
	ret = dbi_connect(&o, &s);
	check(ret == -ECONNREFUSED, "nobody on port 4999: ECONNREFUSED (%s)",
	      dbi_strerror(ret));

	s = connect_or_die(DBI_MODE_ONE_SIDED, 0);
	ret = dbi_read(s, dbi_blocks(s), 1, buf);
	check(ret == -ERANGE, "read past the namespace's end: ERANGE (%s)",
	      dbi_strerror(ret));
	ret = dbi_write(s, dbi_blocks(s) - 1, 2, buf);
	check(ret == -ERANGE, "write across the namespace's end: ERANGE (%s)",
	      dbi_strerror(ret));
	ret = dbi_read(s, 0, 0, buf);
	check(ret == -EINVAL, "read of 0 blocks: EINVAL (%s)",
	      dbi_strerror(ret));
	ret = dbi_flush(s);
	check(!ret, "flush completes (%s)", dbi_strerror(ret));
	dbi_disconnect(s);
}

int main(int argc, char **argv)
{
	bool isolated = argc > 1 && !strcmp(argv[1], "--isolated");
	bool kernel_paths = argc > 1 && !strcmp(argv[1], "--kernel-paths");

	if (isolated || kernel_paths) {
		argv++;
		argc--;
	}
	if (argc != 5 && argc != 6) {
		fprintf(stderr,
			"usage: target_test [--isolated | --kernel-paths] "
			"SERVER SOURCE BACKING_FILE QEMU_TRACE_LOG "
			"[EXTENTS]\n");
		return 2;
	}
	if (argc == 6) {
		extents = strtoul(argv[5], NULL, 0);
		if (extents < 4 || extents > 60) {
			fprintf(stderr, "target_test: EXTENTS must be 4-60\n");
			return 2;
		}
	}
	server = argv[1];
	source = argv[2];
	backing = argv[3];
	trace = argv[4];
	test_integrity();
	if (!kernel_paths)
		test_wrap();
	if (!isolated) {
		test_depth(DBI_MODE_ONE_SIDED, 32, 92000, 0);
		if (!kernel_paths) {
			test_depth(DBI_MODE_ONE_SIDED, 32, 108000,
				   DBI_F_BATCH_RING);
			test_depth(DBI_MODE_RING_BUSY, 8, 96000, 0);
		}
		test_depth(DBI_MODE_TWO_SIDED_BUSY, 8, 98000, 0);
		if (!kernel_paths) {
			test_no_copy(DBI_MODE_ONE_SIDED, 32, 100000);
			test_no_copy(DBI_MODE_TWO_SIDED_BUSY, 8, 106000);
		}
		test_several();
		test_isolation();
		test_bad_inputs();
	}
	return check_summary();
}
