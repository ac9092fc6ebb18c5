// SPDX-License-Identifier: GPL-2.0
/*
 * RDMA WRITE into a BAR dma-buf MR against into a host-memory MR, in one
 * run: rxea writes, rxeb is the target.  Latency is ib_write_lat-style
 * with one difference: each sample is one signaled write from post to
 * completion (the responder has executed it and acknowledged), not half
 * a ping-pong.  Bandwidth is ib_write_bw-style: a window of writes in
 * flight, bytes over wall time.  The two targets take turns write by
 * write (latency) or in rounds (bandwidth), so drifts of this shared
 * machine hit both alike; the table ends with the ratios BAR / host.
 *
 *   mr_bench DEV_A GID_A DEV_B GID_B IVSHMEM_BDF [ROUNDS [ITERS]]
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vfio_setup.h"
#include "rc_pair.h"

#define MAX_SIZE 65536
#define BW_DEPTH 64
#define MR_IOVA 0x7700000000ull

enum { HOST, BAR, TARGETS };
static const char *const target_name[] = { "host-memory", "BAR(ivshmem)" };

static const uint32_t lat_sizes[] = { 4, 8, 64, 4096 };
static const uint32_t bw_sizes[] = { 8, 4096, 65536 };
#define NLAT (sizeof(lat_sizes) / sizeof(lat_sizes[0]))
#define NBW (sizeof(bw_sizes) / sizeof(bw_sizes[0]))

static struct rc_side a, b;
static uint8_t *src;
static struct ibv_mr *src_mr, *target_mr[TARGETS];

struct lat {
	double *us;
	int n;
};

struct bw {
	double bytes, secs, peak;	/* peak: best round, MB/s */
	unsigned long msgs;
};

/* The lowest and highest BAR/host ratio of a single round. */
struct spread {
	double lo, hi;
};

static void spread_add(struct spread *sp, double ratio)
{
	if (!sp->hi || ratio < sp->lo)
		sp->lo = ratio;
	if (ratio > sp->hi)
		sp->hi = ratio;
}

static int cmp_double(const void *a, const void *b);

/* The median of @n samples from @v, which stay in their order. */
static double median_of(const double *v, int n)
{
	double *c = malloc(n * sizeof(*c)), m;

	if (!c)
		exit(1);
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = c[n / 2];
	free(c);
	return m;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void post(int target, uint32_t size, uint64_t wr_id)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)src, .length = size, .lkey = src_mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = wr_id, .sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE, .send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = MR_IOVA,
			     .rkey = target_mr[target]->rkey },
	}, *bad;

	if (ibv_post_send(a.qp, &wr, &bad)) {
		fprintf(stderr, "ibv_post_send failed\n");
		exit(1);
	}
}

static void reap(int count)
{
	struct ibv_wc wc[BW_DEPTH];
	int n, i;

	while (count > 0) {
		n = ibv_poll_cq(a.cq, count < BW_DEPTH ? count : BW_DEPTH, wc);
		for (i = 0; i < n; i++)
			if (wc[i].status != IBV_WC_SUCCESS) {
				fprintf(stderr, "write failed: %s\n",
					ibv_wc_status_str(wc[i].status));
				exit(1);
			}
		count -= n > 0 ? n : 0;
	}
}

static double one_write(int target, uint32_t size)
{
	double t0 = now();

	post(target, size, 0);
	reap(1);
	return (now() - t0) * 1e6;
}

/*
 * The targets alternate write by write, each going first every other
 * time, so that both see the same moments of this shared machine.
 */
static void lat_round(uint32_t size, int iters, struct lat *l)
{
	int i, first;

	for (i = 0; i < iters; i++) {
		first = i % TARGETS;
		l[first].us[l[first].n++] = one_write(first, size);
		l[!first].us[l[!first].n++] = one_write(!first, size);
	}
}

static void bw_round(int target, uint32_t size, int iters, struct bw *bw)
{
	double t0 = now(), secs;
	int posted = 0, inflight = 0;

	while (posted < iters || inflight) {
		while (posted < iters && inflight < BW_DEPTH) {
			post(target, size, posted++);
			inflight++;
		}
		reap(1);
		inflight--;
	}
	secs = now() - t0;
	bw->bytes += (double)size * iters;
	bw->secs += secs;
	bw->msgs += iters;
	if (size * iters / secs / 1e6 > bw->peak)
		bw->peak = size * iters / secs / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* Sorts l->us.  Fills t_typical (the median) into *typical. */
static void print_lat(const char *name, uint32_t size, struct lat *l,
		      double *typical)
{
	double sum = 0, sq = 0, avg;
	int i, n = l->n;

	qsort(l->us, n, sizeof(double), cmp_double);
	for (i = 0; i < n; i++)
		sum += l->us[i];
	avg = sum / n;
	for (i = 0; i < n; i++)
		sq += (l->us[i] - avg) * (l->us[i] - avg);
	*typical = l->us[n / 2];
	printf(" %-13s %-7u %-11d %-11.2f %-11.2f %-15.2f %-11.2f "
	       "%-13.2f %-19.2f %.2f\n", name, size, n, l->us[0], l->us[n - 1],
	       *typical, avg, sqrt(sq / n), l->us[(int)(n * 0.99)],
	       l->us[(int)(n * 0.999)]);
}

static struct ibv_mr *reg_target(int target, int dmabuf, void *host)
{
	int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE;
	struct ibv_mr *mr;

	if (target == BAR)
		mr = ibv_reg_dmabuf_mr(b.pd, 0, MAX_SIZE, MR_IOVA, dmabuf,
				       access);
	else
		mr = ibv_reg_mr_iova(b.pd, host, MAX_SIZE, MR_IOVA, access);
	if (!mr) {
		fprintf(stderr, "cannot register the %s target: %s\n",
			target_name[target], strerror(errno));
		exit(1);
	}
	return mr;
}

int main(int argc, char **argv)
{
	double lat_typ[NLAT][TARGETS], bw_avg[NBW][TARGETS];
	struct spread lat_spread[NLAT] = {}, bw_spread[NBW] = {};
	double round_mbs[TARGETS];
	int first;
	struct lat lat[NLAT][TARGETS] = {};
	struct bw bw[NBW][TARGETS] = {};
	int rounds, iters, r, t, dmabuf;
	struct dbvfio_dev *shm;
	unsigned int s;

	if (argc < 6) {
		fprintf(stderr, "usage: %s DEV_A GID_A DEV_B GID_B IVSHMEM_BDF "
			"[ROUNDS [ITERS]]\n", argv[0]);
		return 2;
	}
	rounds = argc > 6 ? atoi(argv[6]) : 5;
	iters = argc > 7 ? atoi(argv[7]) : 1000;
	if (rc_side_open(&a, argv[1], atoi(argv[2])) ||
	    rc_side_open(&b, argv[3], atoi(argv[4])) || rc_connect(&a, &b))
		return 2;
	shm = open_vfio(argv[5]);
	dmabuf = export_bar(shm, 2, 0, MAX_SIZE);
	src = aligned_alloc(4096, MAX_SIZE);
	memset(src, 0x5a, MAX_SIZE);
	src_mr = ibv_reg_mr(a.pd, src, MAX_SIZE, IBV_ACCESS_LOCAL_WRITE);
	target_mr[HOST] = reg_target(HOST, -1, aligned_alloc(4096, MAX_SIZE));
	target_mr[BAR] = reg_target(BAR, dmabuf, NULL);
	for (s = 0; s < NLAT; s++)
		for (t = 0; t < TARGETS; t++)
			lat[s][t].us = calloc(rounds * iters, sizeof(double));

	fprintf(stderr, "mr_bench: %d rounds of %d writes per size and "
		"target\n", rounds, iters);
	for (r = 0; r < rounds; r++) {
		for (s = 0; s < NLAT; s++) {
			first = lat[s][HOST].n;
			lat_round(lat_sizes[s], iters, lat[s]);
			spread_add(&lat_spread[s],
				   median_of(lat[s][BAR].us + first, iters) /
					   median_of(lat[s][HOST].us + first,
						     iters));
		}
		for (s = 0; s < NBW; s++) {
			for (t = 0; t < TARGETS; t++) {
				int u = (r + t) % TARGETS;
				struct bw *x = &bw[s][u];
				double bytes = x->bytes, secs = x->secs;

				bw_round(u, bw_sizes[s], iters / 2, x);
				round_mbs[u] = (x->bytes - bytes) /
					       (x->secs - secs);
			}
			spread_add(&bw_spread[s], round_mbs[BAR] / round_mbs[HOST]);
		}
		fprintf(stderr, "mr_bench: round %d of %d done\n", r + 1,
			rounds);
	}

	printf("# RDMA WRITE latency, %s -> %s, post to completion\n",
	       argv[1], argv[3]);
	printf(" %-13s %-7s %-11s %-11s %-11s %-15s %-11s %-13s %-19s %s\n",
	       "#target", "#bytes", "#iterations", "t_min[usec]",
	       "t_max[usec]", "t_typical[usec]", "t_avg[usec]",
	       "t_stdev[usec]", "99% percentile[usec]",
	       "99.9% percentile[usec]");
	for (s = 0; s < NLAT; s++)
		for (t = 0; t < TARGETS; t++)
			print_lat(target_name[t], lat_sizes[s], &lat[s][t],
				  &lat_typ[s][t]);

	printf("# RDMA WRITE bandwidth, %d in flight\n", BW_DEPTH);
	printf(" %-13s %-7s %-11s %-15s %-18s %s\n", "#target", "#bytes",
	       "#iterations", "BW peak[MB/sec]", "BW average[MB/sec]",
	       "MsgRate[Mpps]");
	for (s = 0; s < NBW; s++)
		for (t = 0; t < TARGETS; t++) {
			struct bw *x = &bw[s][t];

			bw_avg[s][t] = x->bytes / x->secs / 1e6;
			printf(" %-13s %-7u %-11lu %-15.2f %-18.2f %.6f\n",
			       target_name[t], bw_sizes[s], x->msgs, x->peak,
			       bw_avg[s][t], x->msgs / x->secs / 1e6);
		}

	/*
	 * The rounds column: the lowest and highest ratio within a single
	 * round.  A wide range says the run was too short for the noise.
	 */
	printf("# BAR / host, same run\n");
	printf(" %-34s %10s %10s %9s %s\n", "#metric", "host", "BAR",
	       "BAR/host", "rounds");
	for (s = 0; s < NLAT; s++)
		printf(" t_typical[usec] %-6u B           %10.2f %10.2f %9.2f "
		       "%.2f-%.2f\n",
		       lat_sizes[s], lat_typ[s][HOST], lat_typ[s][BAR],
		       lat_typ[s][BAR] / lat_typ[s][HOST], lat_spread[s].lo,
		       lat_spread[s].hi);
	for (s = 0; s < NBW; s++)
		printf(" BW average[MB/sec] %-6u B        %10.2f %10.2f %9.2f "
		       "%.2f-%.2f\n",
		       bw_sizes[s], bw_avg[s][HOST], bw_avg[s][BAR],
		       bw_avg[s][BAR] / bw_avg[s][HOST], bw_spread[s].lo,
		       bw_spread[s].hi);

	ibv_dereg_mr(target_mr[BAR]);
	ibv_dereg_mr(target_mr[HOST]);
	close(dmabuf);
	dbvfio_close(shm);
	return 0;
}
