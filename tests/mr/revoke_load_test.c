// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation of a dma-buf MR while a remote peer streams RDMA WRITEs
 * into it.  For each trigger the initiator keeps a window of writes in
 * flight; once enough have completed the target revokes the memory:
 *
 *   memory-disable  ivshmem BAR2, memory decode off in the Command register
 *   reset           the NVMe doorbell page, VFIO_DEVICE_RESET
 *   close           ivshmem BAR2, the vfio device closed
 *
 * The initiator must see IBV_WC_REM_ACCESS_ERR and nothing else before
 * the flushes; the old MR stays dead even when the memory comes back; and
 * a new export and registration then carry writes again.
 *
 *   revoke_load_test DEV_A GID_A DEV_B GID_B IVSHMEM_BDF IVSHMEM_FILE \
 *                    NVME_BDF WRITES_BEFORE_REVOKE [QEMU_TRACE]
 *
 * With QEMU's trace of the NVMe controller's register writes, the reset
 * case also checks that no store reaches the device once the reset has
 * revoked the MR: what the device saw, not what rxe reported.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "check.h"
#include "qemu_trace.h"
#include "vfio_setup.h"
#include "rc_pair.h"

#define DEPTH 48		/* writes in flight, at most */
#define BATCH 8			/* writes per post, the last one signaled */
#define SLOTS 512		/* 4-byte slots the writes cycle through */
#define MR_IOVA 0x6600000000ull
/* Writes through the new registration: half the count before, at most 1000 */
#define AFTER_MAX 1000

enum trigger { MEMORY_DISABLE, RESET, CLOSE };

static const char *const trigger_name[] = {
	[MEMORY_DISABLE] = "memory decode off",
	[RESET] = "VFIO_DEVICE_RESET",
	[CLOSE] = "vfio device close",
};

static struct rc_side a, b;
static uint32_t *src;
static struct ibv_mr *src_mr;
static const char *shm_bdf, *shm_file, *nvme_bdf, *trace;
static unsigned long total_writes;

/* One stream of writes; the initiator thread fills in the outcome. */
struct stream {
	uint32_t rkey;
	unsigned long max;		/* stop after this many writes */
	atomic_ulong done;		/* writes known to have succeeded */
	enum ibv_wc_status first_error;	/* IBV_WC_SUCCESS if none */
	unsigned long flushed;		/* completions after the error */
	bool stuck;			/* a completion never came */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Post writes @first .. @first + @n - 1 in one call; only the last asks
 * for a completion.  RC completes in order, so its completion stands for
 * the batch; an error completes the failing write whether it asked or not.
 */
static int post_batch(struct stream *s, unsigned long first, unsigned int n)
{
	struct ibv_send_wr wr[BATCH], *bad;
	struct ibv_sge sge[BATCH];
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned long seq = first + i;
		unsigned int slot = seq % SLOTS;

		src[slot] = seq;
		sge[i] = (struct ibv_sge){
			.addr = (uintptr_t)&src[slot], .length = 4,
			.lkey = src_mr->lkey,
		};
		wr[i] = (struct ibv_send_wr){
			.wr_id = seq, .sg_list = &sge[i], .num_sge = 1,
			.opcode = IBV_WR_RDMA_WRITE,
			.send_flags = i == n - 1 ? IBV_SEND_SIGNALED : 0,
			.wr.rdma = { .remote_addr = MR_IOVA + slot * 4,
				     .rkey = s->rkey },
			.next = i == n - 1 ? NULL : &wr[i + 1],
		};
	}
	return ibv_post_send(a.qp, wr, &bad);
}

/* Keep up to DEPTH writes in flight until s->max succeed or one fails. */
static void *stream_writes(void *arg)
{
	struct stream *s = arg;
	unsigned long posted = 0, completed = 0;
	double last = now();
	struct ibv_wc wc[DEPTH];
	bool failed = false;
	unsigned int n;
	int got, i;

	for (;;) {
		while (!failed && posted - completed + BATCH <= DEPTH &&
		       posted < s->max) {
			n = s->max - posted < BATCH ? s->max - posted : BATCH;
			if (post_batch(s, posted, n))
				break;
			posted += n;
		}
		if (completed == posted)
			break;
		got = ibv_poll_cq(a.cq, DEPTH, wc);
		if (got <= 0) {
			if (now() - last > 20) {
				s->stuck = true;
				break;
			}
			continue;
		}
		last = now();
		for (i = 0; i < got; i++) {
			completed = wc[i].wr_id + 1;
			if (wc[i].status == IBV_WC_SUCCESS && !failed) {
				atomic_store(&s->done, completed);
				continue;
			}
			if (!failed)
				s->first_error = wc[i].status;
			else
				s->flushed++;
			failed = true;
		}
	}
	total_writes += posted;
	return NULL;
}

static void run_stream(struct stream *s, unsigned long max)
{
	pthread_t t;

	s->max = max;
	atomic_store(&s->done, 0);
	s->first_error = IBV_WC_SUCCESS;
	s->flushed = 0;
	s->stuck = false;
	pthread_create(&t, NULL, stream_writes, s);
	pthread_join(t, NULL);
}

struct target {
	struct dbvfio_dev *dev;
	unsigned int bar;
	uint64_t off, len;
	int fd;
	struct ibv_mr *mr;
};

static bool target_register(struct target *t)
{
	t->fd = export_bar(t->dev, t->bar, t->off, t->len);
	t->mr = ibv_reg_dmabuf_mr(b.pd, 0, t->len, MR_IOVA, t->fd,
				  IBV_ACCESS_LOCAL_WRITE |
				  IBV_ACCESS_REMOTE_WRITE);
	return t->mr != NULL;
}

static void revoke_memory(struct target *t, enum trigger how)
{
	switch (how) {
	case MEMORY_DISABLE:
		set_memory_decode(t->dev, 0);
		break;
	case RESET:
		if (ioctl(dbvfio_device_fd(t->dev), VFIO_DEVICE_RESET))
			perror("VFIO_DEVICE_RESET");
		break;
	case CLOSE:
		dbvfio_close(t->dev);
		t->dev = NULL;
		break;
	}
}

/* Undo what revoke_memory() did to the device, not to the MR. */
static void restore_memory(struct target *t, enum trigger how)
{
	if (how == MEMORY_DISABLE)
		set_memory_decode(t->dev, 1);
	else if (how == CLOSE)
		t->dev = open_vfio(shm_bdf);
}

static void test_trigger(enum trigger how, unsigned long before)
{
	const char *name = trigger_name[how];
	struct target t = {
		.bar = how == RESET ? 0 : 2,
		.off = how == RESET ? 0x1000 : 0,
		.len = 4096,
	};
	unsigned long after = before / 2 < AFTER_MAX ? before / 2 : AFTER_MAX;
	struct stream s = {};
	unsigned long at, last_seq;
	int seen = -1;
	pthread_t thread;
	double shown;
	uint32_t got;
	bool ok;

	t.dev = open_vfio(how == RESET ? nvme_bdf : shm_bdf);
	check(target_register(&t), "%s: export and register a BAR page",
	      name);
	if (!t.mr)
		exit(1);
	s.rkey = t.mr->rkey;
	s.max = ~0ul;
	pthread_create(&thread, NULL, stream_writes, &s);
	shown = now();
	while (atomic_load(&s.done) < before && !s.first_error && !s.stuck) {
		usleep(1000);
		if (now() - shown < 10)
			continue;
		fprintf(stderr, "revoke_load: %s: %lu of %lu writes\n", name,
			atomic_load(&s.done), before);
		shown = now();
	}
	at = atomic_load(&s.done);
	revoke_memory(&t, how);
	if (how == RESET && trace)
		seen = qemu_traced_all(trace);
	pthread_join(thread, NULL);
	check(at >= before && s.first_error == IBV_WC_REM_ACCESS_ERR &&
	      !s.stuck,
	      "%s after %lu writes: the initiator sees %s after %lu writes "
	      "(%lu flushed)", name, at, ibv_wc_status_str(s.first_error),
	      atomic_load(&s.done), s.flushed);

	/* The memory may come back; the revoked MR must not. */
	restore_memory(&t, how);
	if (rc_reconnect(&a, &b))
		exit(2);
	run_stream(&s, 1);
	check(s.first_error == IBV_WC_REM_ACCESS_ERR,
	      "%s: the old MR stays revoked with the memory back (%s)", name,
	      ibv_wc_status_str(s.first_error));
	if (seen >= 0) {
		int now_seen = qemu_traced_all(trace);

		check(now_seen == seen,
		      "%s: QEMU saw no register write after the revoke "
		      "(%d before, %d after)", name, seen, now_seen);
	}
	check(!ibv_dereg_mr(t.mr), "%s: dereg the revoked MR", name);
	close(t.fd);

	ok = target_register(&t);
	check(ok, "%s: re-export and re-register (%s)", name,
	      ok ? "ok" : strerror(errno));
	if (!ok || rc_reconnect(&a, &b))
		exit(1);
	s.rkey = t.mr->rkey;
	run_stream(&s, after);
	check(atomic_load(&s.done) == after && !s.first_error,
	      "%s: %lu writes through the new MR succeed", name, after);
	if (how != RESET) {
		last_seq = after - 1;
		ok = !read_file(shm_file, t.off + (last_seq % SLOTS) * 4, &got,
				4);
		check(ok && got == last_seq,
		      "%s: the last one is in the BAR (%u)", name, got);
	}
	ibv_dereg_mr(t.mr);
	close(t.fd);
	dbvfio_close(t.dev);
}

int main(int argc, char **argv)
{
	unsigned long before;

	if (argc != 9 && argc != 10) {
		fprintf(stderr, "usage: %s DEV_A GID_A DEV_B GID_B IVSHMEM_BDF "
			"IVSHMEM_FILE NVME_BDF WRITES_BEFORE_REVOKE "
			"[QEMU_TRACE]\n", argv[0]);
		return 2;
	}
	shm_bdf = argv[5];
	shm_file = argv[6];
	nvme_bdf = argv[7];
	before = strtoul(argv[8], NULL, 0);
	if (before < 2) {
		fprintf(stderr, "revoke_load: WRITES must be 2 or more\n");
		return 2;
	}
	trace = argc == 10 ? argv[9] : NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rc_side_open(&a, argv[1], atoi(argv[2])) ||
	    rc_side_open(&b, argv[3], atoi(argv[4])) || rc_connect(&a, &b))
		return 2;
	src = aligned_alloc(4096, SLOTS * 4);
	src_mr = src ? ibv_reg_mr(a.pd, src, SLOTS * 4,
				  IBV_ACCESS_LOCAL_WRITE) : NULL;
	if (!src_mr)
		return 2;

	test_trigger(MEMORY_DISABLE, before);
	test_trigger(RESET, before);
	test_trigger(CLOSE, before);
	printf("# %lu RDMA WRITEs posted in this run\n", total_writes);
	check(total_writes >= 3 * before, "at least %lu writes streamed",
	      3 * before);
	return check_summary();
}
