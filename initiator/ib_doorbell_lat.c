// SPDX-License-Identifier: GPL-2.0
/*
 * ib_doorbell_lat: what ringing an NVMe doorbell by RDMA WRITE saves,
 * against a doorbell-target.  See ib_doorbell_lat(1).
 *
 * A. The doorbell path alone.  Each mode writes the SQE by RDMA WRITE and
 *    learns of the completion by RDMA READ of the CQ; only the ring of the
 *    SQ tail doorbell differs: an RDMA WRITE into the doorbell window, or
 *    a SEND that a busy-polling or a sleeping target thread turns into a
 *    store.  The command is a Read of one block left in the target's
 *    buffer.
 * B. The storage round trip of a 4 KiB Read with the data at the
 *    initiator: one-sided against a target whose CPU runs the command and
 *    answers with RDMA WRITE and SEND, busy-polling or event-driven, and
 *    against one-sided with CQ reads timed by the service times measured
 *    (DBI_F_TIMED_POLL), to show what that saves in RDMA READs and costs
 *    in latency.
 *
 * Modes take turns in rounds, each on a fresh connection (a busy-polling
 * target thread spins for as long as its session lives, so only one
 * session is open at a time).  The target CPU per command is what the
 * session's target thread spent over a round, as the target reports it
 * (less its cost of answering the statistics requests), per command.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "doorbell_initiator.h"
#include "parse.h"

#define WARMUP 16

struct mode_run {
	enum dbi_mode mode;
	unsigned int flags; /* DBI_F_* */
	const char *label;
	double *us; /* one sample per command */
	unsigned int n;
	double *round_typical; /* each round's median */
	double target_cpu_ns; /* summed over rounds */
	uint64_t target_sleeps;
	uint64_t rdma_ops, cq_reads; /* the initiator's, summed over rounds */
};

struct bench {
	struct dbi_options opts;
	unsigned int iters;
	unsigned int rounds;
	uint32_t nblocks_b; /* table B's command */
	uint32_t block_size;
	uint64_t blocks;
	void *buf;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int one_command(struct bench *b, struct dbi_session *s, bool table_a,
		       unsigned int i)
{
	uint64_t span = table_a ? 1 : b->nblocks_b;
	uint64_t lba = (i * 7919ull * span) % (b->blocks - span + 1);

	if (table_a)
		return dbi_read_in_place(s, lba, 1);
	return dbi_read(s, lba, b->nblocks_b, b->buf);
}

static double median_of(const double *v, unsigned int n)
{
	double *c = malloc(n * sizeof(*c));
	double m;

	if (!c)
		return NAN;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = c[n / 2];
	free(c);
	return m;
}

/* One round of @count commands of @m on a fresh connection. */
static int run_round(struct bench *b, struct mode_run *m, bool table_a,
		     unsigned int count)
{
	struct dbi_options o = b->opts;
	struct dbi_target_stats st[2];
	struct dbi_session_stats ss[2];
	struct dbi_buffer *reg;
	struct dbi_session *s;
	unsigned int i;
	double t0;
	int ret;

	o.mode = m->mode;
	o.flags = m->flags;
	ret = dbi_connect(&o, &s);
	if (ret) {
		fprintf(stderr, "ib_doorbell_lat: connecting in mode %s: %s\n",
			dbi_mode_name(m->mode), dbi_strerror(ret));
		return ret;
	}
	/*
	 * Table B's data lands in registered memory, as perftest's does,
	 * with no copy; disconnecting releases it.
	 */
	if (!table_a) {
		ret = dbi_reg_buffer(
			s, b->buf, (size_t)b->nblocks_b * b->block_size, &reg);
		if (ret)
			fprintf(stderr,
				"ib_doorbell_lat: registering the buffer: %s\n",
				dbi_strerror(ret));
	}
	for (i = 0; i < WARMUP && !ret; i++)
		ret = one_command(b, s, table_a, i);
	if (!ret)
		ret = dbi_target_stats(s, &st[0]);
	dbi_session_stats(s, &ss[0]);
	for (i = 0; i < count && !ret; i++) {
		t0 = util_now_ns() / 1e3;
		ret = one_command(b, s, table_a, m->n);
		m->us[m->n++] = util_now_ns() / 1e3 - t0;
	}
	dbi_session_stats(s, &ss[1]);
	if (!ret)
		ret = dbi_target_stats(s, &st[1]);
	if (ret) {
		fprintf(stderr, "ib_doorbell_lat: mode %s, command %u: %s\n",
			dbi_mode_name(m->mode), i, dbi_strerror(ret));
	} else {
		m->target_cpu_ns += st[1].thread_cpu_ns - st[0].thread_cpu_ns;
		m->target_sleeps += st[1].thread_sleeps - st[0].thread_sleeps;
		m->rdma_ops += ss[1].rdma_writes + ss[1].rdma_reads +
			       ss[1].sends - ss[0].rdma_writes -
			       ss[0].rdma_reads - ss[0].sends;
		m->cq_reads += ss[1].cq_reads - ss[0].cq_reads;
	}
	dbi_disconnect(s);
	return ret;
}

struct summary {
	double min, max, typical, avg, stdev, p99, p999, cpu_us, wakeups;
	double rdma_ops, cq_reads; /* per command */
};

static void summarize(struct mode_run *m, struct summary *r)
{
	double sum = 0, sq = 0;
	unsigned int i;

	qsort(m->us, m->n, sizeof(double), cmp_double);
	for (i = 0; i < m->n; i++)
		sum += m->us[i];
	r->avg = sum / m->n;
	for (i = 0; i < m->n; i++)
		sq += (m->us[i] - r->avg) * (m->us[i] - r->avg);
	r->min = m->us[0];
	r->max = m->us[m->n - 1];
	r->typical = m->us[m->n / 2];
	r->stdev = sqrt(sq / m->n);
	r->p99 = m->us[(unsigned int)(m->n * 0.99)];
	r->p999 = m->us[(unsigned int)(m->n * 0.999)];
	r->cpu_us = m->target_cpu_ns / 1000.0 / m->n;
	r->wakeups = (double)m->target_sleeps / m->n;
	r->rdma_ops = (double)m->rdma_ops / m->n;
	r->cq_reads = (double)m->cq_reads / m->n;
}

static void print_header(void)
{
	printf(" %-16s %-7s %-11s %-11s %-11s %-15s %-11s %-13s "
	       "%-20s %-22s %-20s %-18s %-12s %s\n",
	       "mode", "#bytes", "#iterations", "t_min[usec]", "t_max[usec]",
	       "t_typical[usec]", "t_avg[usec]", "t_stdev[usec]",
	       "99% percentile[usec]", "99.9% percentile[usec]",
	       "target_cpu[usec/cmd]", "target_wakeups/cmd", "rdma_ops/cmd",
	       "cq_reads/cmd");
}

static void print_row(const struct mode_run *m, const struct summary *r,
		      uint32_t bytes)
{
	printf(" %-16s %-7u %-11u %-11.2f %-11.2f %-15.2f %-11.2f %-13.2f "
	       "%-20.2f %-22.2f %-20.2f %-18.2f %-12.2f %.2f\n",
	       m->label, bytes, m->n, r->min, r->max, r->typical, r->avg,
	       r->stdev, r->p99, r->p999, r->cpu_us, r->wakeups, r->rdma_ops,
	       r->cq_reads);
}

static int run_table(struct bench *b, struct mode_run *modes,
		     unsigned int nmodes, bool table_a, struct summary *sum)
{
	unsigned int r, i, per_round = (b->iters + b->rounds - 1) / b->rounds;
	unsigned int left, first;
	int ret;

	for (i = 0; i < nmodes; i++) {
		modes[i].us = calloc(b->iters, sizeof(double));
		modes[i].round_typical = calloc(b->rounds, sizeof(double));
		if (!modes[i].us || !modes[i].round_typical)
			return -ENOMEM;
	}
	for (r = 0; r < b->rounds; r++) {
		fprintf(stderr, "ib_doorbell_lat: table %c, round %u of %u\n",
			table_a ? 'A' : 'B', r + 1, b->rounds);
		for (i = 0; i < nmodes; i++) {
			first = modes[i].n;
			left = b->iters - first;
			ret = run_round(b, &modes[i], table_a,
					left < per_round ? left : per_round);
			if (ret)
				return ret;
			modes[i].round_typical[r] = median_of(
				modes[i].us + first, modes[i].n - first);
		}
	}
	for (i = 0; i < nmodes; i++)
		summarize(&modes[i], &sum[i]);
	return 0;
}

/*
 * How @x compares with @y over the whole run, and the lowest and highest
 * ratio of their typical latencies in a single round: a wide range says
 * the run was too short for the machine's noise.
 */
static void print_ratio(const char *what, const struct mode_run *xm,
			const struct mode_run *ym, const struct summary *x,
			const struct summary *y, unsigned int rounds)
{
	double lo = INFINITY, hi = 0, q;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		q = xm->round_typical[r] / ym->round_typical[r];
		lo = q < lo ? q : lo;
		hi = q > hi ? q : hi;
	}
	printf(" %-28s %s - %s = %+8.2f usec typical, %s/%s = %.2f "
	       "(rounds %.2f-%.2f)\n",
	       what, ym->label, xm->label, y->typical - x->typical, xm->label,
	       ym->label, x->typical / y->typical, lo, hi);
}

/*
 * One table: its @n modes in turns, the rows, and how the first mode
 * compares with each other one (@ratio[i - 1] introduces the line of
 * mode i).
 */
static int run_and_print(struct bench *b, struct mode_run *m, unsigned int n,
			 bool table_a, uint32_t bytes, const char *title,
			 const char *const *ratio)
{
	struct summary s[8];
	unsigned int i;
	int ret;

	if (n > sizeof(s) / sizeof(s[0]))
		return -EINVAL;
	ret = run_table(b, m, n, table_a, s);
	if (!ret) {
		printf("\n%s\n", title);
		print_header();
		for (i = 0; i < n; i++)
			print_row(&m[i], &s[i], bytes);
		for (i = 1; i < n; i++)
			print_ratio(ratio[i - 1], &m[0], &m[i], &s[0], &s[i],
				    b->rounds);
	}
	for (i = 0; i < n; i++) {
		free(m[i].us);
		free(m[i].round_typical);
	}
	return ret;
}

static int table_a(struct bench *b)
{
	struct mode_run m[] = {
		{ .mode = DBI_MODE_ONE_SIDED, .label = "direct" },
		{ .mode = DBI_MODE_RING_BUSY, .label = "send+busy-poll" },
		{ .mode = DBI_MODE_RING_EVENT, .label = "send+event" },
	};

	static const char *const ratio[] = { "CPU ring, busy-polling:",
					     "CPU ring, event-driven:" };

	return run_and_print(b, m, 3, true, b->block_size,
			     "A. Doorbell path: SQE by RDMA WRITE, CQ polled "
			     "by RDMA READ; only the ring differs",
			     ratio);
}

static int table_b(struct bench *b)
{
	struct mode_run m[] = {
		{ .mode = DBI_MODE_ONE_SIDED, .label = "one-sided" },
		{ .mode = DBI_MODE_TWO_SIDED_BUSY, .label = "two-sided-busy" },
		{ .mode = DBI_MODE_TWO_SIDED_EVENT,
		  .label = "two-sided-event" },
		{ .mode = DBI_MODE_ONE_SIDED,
		  .flags = DBI_F_TIMED_POLL,
		  .label = "one-sided-timed" },
		{ .mode = DBI_MODE_ONE_SIDED,
		  .flags = DBI_F_SLEEP_WAIT,
		  .label = "one-sided-sleep" },
	};
	static const char *const ratio[] = {
		"against busy-polling:", "against event-driven:",
		"against timed CQ reads:", "against sleeping waits:"
	};
	char title[96];

	snprintf(title, sizeof(title),
		 "B. Storage round trip: %u-byte Read, "
		 "data into registered memory at the initiator",
		 b->nblocks_b * b->block_size);
	return run_and_print(b, m, 5, false, b->nblocks_b * b->block_size,
			     title, ratio);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ib_doorbell_lat [options] SERVER\n"
		"  -n, --iters N      commands per mode (default 1000)\n"
		"  -r, --rounds N     rounds the modes take turns in "
		"(default 10)\n"
		"  -t, --table A|B|all  which measurement (default all)\n"
		"  -p, --port PORT    target port (default %s)\n"
		"  -S, --source ADDR  local address to connect from\n"
		"  -q, --depth N      NVMe queue depth to ask for\n"
		"  -h, --help\n",
		DBI_DEFAULT_PORT);
}

static bool parse_uint(const char *s, unsigned int min, unsigned int max,
		       unsigned int *v)
{
	uint64_t x;

	if (util_parse_u64(s, min, max, &x))
		return false;
	*v = x;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iters", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "table", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "source", required_argument, NULL, 'S' },
		{ "depth", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct bench b = { .iters = 1000, .rounds = 10 };
	const char *table = "all";
	struct dbi_session *s;
	unsigned int v;
	int c, ret;

	while ((c = getopt_long(argc, argv, "n:r:t:p:S:q:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			if (!parse_uint(optarg, 10, 10000000, &b.iters))
				goto bad_range;
			break;
		case 'r':
			if (!parse_uint(optarg, 1, 1000, &b.rounds))
				goto bad_range;
			break;
		case 't':
			table = optarg;
			if (strcmp(table, "A") && strcmp(table, "B") &&
			    strcmp(table, "all"))
				goto bad;
			break;
		case 'p':
			b.opts.port = optarg;
			break;
		case 'S':
			b.opts.source = optarg;
			break;
		case 'q':
			if (!parse_uint(optarg, 2, 4096, &v))
				goto bad_range;
			b.opts.depth = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	b.opts.server = argv[optind];
	if (b.rounds > b.iters)
		b.rounds = b.iters;

	/* Learn the namespace's geometry first. */
	ret = dbi_connect(&b.opts, &s);
	if (ret) {
		fprintf(stderr, "ib_doorbell_lat: cannot connect to %s: %s\n",
			b.opts.server, dbi_strerror(ret));
		return 1;
	}
	b.block_size = dbi_block_size(s);
	b.blocks = dbi_blocks(s);
	b.nblocks_b = 4096 / b.block_size ? 4096 / b.block_size : 1;
	dbi_disconnect(s);
	if (b.blocks < b.nblocks_b) {
		fprintf(stderr,
			"ib_doorbell_lat: the namespace is too small\n");
		return 1;
	}
	b.buf = malloc((size_t)b.nblocks_b * b.block_size);
	if (!b.buf)
		return 1;

	printf("------------------------------------------------------------"
	       "---------------------------\n");
	printf("                    NVMe doorbell latency over RDMA\n");
	printf(" Target: %s port %s, namespace blocks of %u bytes\n",
	       b.opts.server, b.opts.port ? b.opts.port : DBI_DEFAULT_PORT,
	       b.block_size);
	printf(" Iterations: %u per mode in %u rounds; latency is post to "
	       "completion seen\n",
	       b.iters, b.rounds);
	printf("------------------------------------------------------------"
	       "---------------------------\n");
	ret = 0;
	if (strcmp(table, "B"))
		ret = table_a(&b);
	if (!ret && strcmp(table, "A"))
		ret = table_b(&b);
	printf("------------------------------------------------------------"
	       "---------------------------\n");
	free(b.buf);
	return ret ? 1 : 0;
bad_range:
	fprintf(stderr,
		"ib_doorbell_lat: -%c wants a number: iterations "
		"10-10000000, rounds 1-1000, depth 2-4096\n",
		c);
	return 2;
bad:
	fprintf(stderr, "ib_doorbell_lat: bad value '%s' for -%c\n", optarg, c);
	return 2;
}
