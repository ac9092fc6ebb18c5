// SPDX-License-Identifier: GPL-2.0
/*
 * ib_doorbell_bw: the bandwidth and IOPS of a doorbell-target's modes at
 * queue depth, in perftest's BW table.  See ib_doorbell_bw(1).
 *
 * For each mode and depth, on a fresh connection (a busy-polling target
 * thread spins for as long as its session lives), the initiator keeps
 * DEPTH Reads of SIZE bytes in flight at LBAs spread over the namespace,
 * the data fetched into its own buffers, until ITERS have completed.  The
 * buffers are registered with the session, as perftest's are, so the
 * data lands in them with no copy; a mode's "-staged" row leaves them
 * unregistered, and the library copies each Read out of its stage.
 * Beside the rates: the target's session thread CPU per I/O, as the
 * target reports it, and the CPU of the whole machine per I/O, from
 * /proc/stat, which counts both ends when they share a machine.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "doorbell_initiator.h"
#include "parse.h"

#define WARMUP 16
#define MAX_DEPTH 32

/* A row's mode: the target's, and the session's flags. */
struct bw_mode {
	enum dbi_mode mode;
	unsigned int flags;
	bool staged; /* buffers not registered: copied through the stage */
	const char *label;
};

struct bw_bench {
	struct dbi_options opts;
	unsigned int iters;
	uint32_t bytes;
	unsigned int depths[8], nr_depths;
	struct bw_mode modes[8];
	unsigned int nr_modes;
	uint8_t *buf; /* MAX_DEPTH buffers of bytes */
};

/* What one run of a mode at a depth measured. */
struct bw_result {
	double seconds;
	double peak_ios; /* the best rate over a tenth of the run */
	double target_cpu_us; /* per I/O */
	double machine_cpu_us; /* per I/O */
	double rdma_ops, cq_reads; /* the initiator's, per I/O */
	double copied; /* bytes copied through the stage, per I/O */
};

/* CPU seconds the whole machine has spent outside idle and iowait. */
static double machine_busy_s(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal;
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user,
		   &nice, &sys, &idle, &iowait, &irq, &softirq, &steal);
	fclose(f);
	if (n != 8)
		return 0;
	return (double)(user + nice + sys + irq + softirq + steal) /
	       sysconf(_SC_CLK_TCK);
}

/* Submit Read @i of the run into buffer @slot. */
static int submit(struct bw_bench *b, struct dbi_session *s, unsigned int i,
		  unsigned int slot)
{
	uint32_t nb = b->bytes / dbi_block_size(s);
	uint64_t span = dbi_blocks(s) / nb;
	uint64_t lba = (i * 7919ull % span) * nb;

	return dbi_submit_read(s, lba, nb, b->buf + (size_t)slot * b->bytes,
			       slot);
}

/*
 * Keep @depth Reads in flight until @count have completed; @t, if given,
 * gets each completion's time.
 */
static int run_reads(struct bw_bench *b, struct dbi_session *s,
		     unsigned int depth, unsigned int count, double *t)
{
	struct dbi_completion done[MAX_DEPTH];
	unsigned int sent = 0, completed = 0, slot;
	int n, i, ret;

	for (slot = 0; slot < depth && sent < count; slot++) {
		ret = submit(b, s, sent++, slot);
		if (ret)
			return ret;
	}
	while (completed < count) {
		n = dbi_complete(s, done, MAX_DEPTH);
		if (n <= 0)
			return n ? n : -EIO;
		for (i = 0; i < n; i++) {
			if (done[i].status)
				return done[i].status;
			if (t)
				t[completed] = util_now_ns() / 1e9;
			completed++;
			if (sent < count) {
				ret = submit(b, s, sent++, done[i].tag);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/* The best rate over any @w consecutive completions of @t[0..@n). */
static double peak_rate(const double *t, unsigned int n, double start)
{
	unsigned int w = n / 10 ? n / 10 : 1, i;
	double best = 0, dt;

	for (i = 0; i + w <= n; i++) {
		dt = t[i + w - 1] - (i ? t[i - 1] : start);
		if (dt > 0 && w / dt > best)
			best = w / dt;
	}
	return best;
}

static int run_one(struct bw_bench *b, const struct bw_mode *m,
		   unsigned int depth, struct bw_result *r)
{
	struct dbi_options o = b->opts;
	struct dbi_target_stats st[2];
	struct dbi_session_stats ss[2];
	enum dbi_mode mode = m->mode;
	struct dbi_buffer *reg;
	struct dbi_session *s;
	double *t, t0, cpu0;
	int ret;

	o.mode = mode;
	o.flags = m->flags;
	o.depth = depth + 1; /* a queue holds one entry less in flight */
	if (o.depth < 2)
		o.depth = 2;
	ret = dbi_connect(&o, &s);
	if (ret) {
		fprintf(stderr, "ib_doorbell_bw: connecting in mode %s: %s\n",
			dbi_mode_name(mode), dbi_strerror(ret));
		return ret;
	}
	t = calloc(b->iters, sizeof(*t));
	if (!t) {
		dbi_disconnect(s);
		return -ENOMEM;
	}
	if (!m->staged) {
		/* Released with the session. */
		ret = dbi_reg_buffer(s, b->buf, (size_t)MAX_DEPTH * b->bytes,
				     &reg);
		if (ret)
			fprintf(stderr,
				"ib_doorbell_bw: registering the buffers: %s\n",
				dbi_strerror(ret));
	}
	if (b->bytes % dbi_block_size(s) || b->bytes > dbi_max_transfer(s)) {
		fprintf(stderr,
			"ib_doorbell_bw: %u bytes is no whole number of %u-byte "
			"blocks within the target's %u-byte transfers\n",
			b->bytes, dbi_block_size(s), dbi_max_transfer(s));
		ret = -EINVAL;
	}
	if (!ret)
		ret = run_reads(b, s, depth, WARMUP, NULL);
	if (!ret)
		ret = dbi_target_stats(s, &st[0]);
	dbi_session_stats(s, &ss[0]);
	cpu0 = machine_busy_s();
	t0 = util_now_ns() / 1e9;
	if (!ret)
		ret = run_reads(b, s, depth, b->iters, t);
	if (!ret) {
		r->seconds = t[b->iters - 1] - t0;
		r->machine_cpu_us = (machine_busy_s() - cpu0) * 1e6 / b->iters;
		r->peak_ios = peak_rate(t, b->iters, t0);
		dbi_session_stats(s, &ss[1]);
		r->rdma_ops = (double)(ss[1].rdma_writes + ss[1].rdma_reads +
				       ss[1].sends - ss[0].rdma_writes -
				       ss[0].rdma_reads - ss[0].sends) /
			      b->iters;
		r->cq_reads =
			(double)(ss[1].cq_reads - ss[0].cq_reads) / b->iters;
		r->copied = (double)(ss[1].copied_bytes - ss[0].copied_bytes) /
			    b->iters;
		ret = dbi_target_stats(s, &st[1]);
	}
	if (!ret)
		r->target_cpu_us = (st[1].thread_cpu_ns - st[0].thread_cpu_ns) /
				   1e3 / b->iters;
	else
		fprintf(stderr, "ib_doorbell_bw: %s at depth %u: %s\n",
			m->label, depth, dbi_strerror(ret));
	free(t);
	dbi_disconnect(s);
	return ret;
}

static void print_header(struct bw_bench *b)
{
	unsigned int i;

	puts("---------------------------------------------------------------"
	     "------------------------");
	puts("                    NVMe Read bandwidth over RDMA, at queue "
	     "depth");
	printf(" Target: %s port %s; %u-byte Reads, data at the initiator\n",
	       b->opts.server, b->opts.port ? b->opts.port : DBI_DEFAULT_PORT,
	       b->bytes);
	printf(" Iterations: %u per mode and depth; depths", b->iters);
	for (i = 0; i < b->nr_depths; i++)
		printf(" %u", b->depths[i]);
	puts("");
	puts(" machine_cpu counts every CPU of this machine, target and "
	     "initiator alike");
	puts("---------------------------------------------------------------"
	     "------------------------");
	printf(" %-16s %-5s %-6s %-11s %-15s %-18s %-13s %-9s %-20s %-21s "
	       "%-12s %-12s %s\n",
	       "mode", "depth", "#bytes", "#iterations", "BW peak[MB/sec]",
	       "BW average[MB/sec]", "MsgRate[Mpps]", "IOPS",
	       "target_cpu[usec/IO]", "machine_cpu[usec/IO]", "rdma_ops/IO",
	       "cq_reads/IO", "copied[B/IO]");
}

static void print_row(struct bw_bench *b, const struct bw_mode *m,
		      unsigned int depth, const struct bw_result *r)
{
	double ios = b->iters / r->seconds;

	printf(" %-16s %-5u %-6u %-11u %-15.2f %-18.2f %-13.6f %-9.0f "
	       "%-20.2f %-21.2f %-12.2f %-12.2f %.0f\n",
	       m->label, depth, b->bytes, b->iters,
	       r->peak_ios * b->bytes / 1e6, ios * b->bytes / 1e6, ios / 1e6,
	       ios, r->target_cpu_us, r->machine_cpu_us, r->rdma_ops,
	       r->cq_reads, r->copied);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ib_doorbell_bw [options] SERVER\n"
		"  -n, --iters N      Reads per mode and depth (default 2000)\n"
		"  -s, --size BYTES   bytes per Read (default 4096)\n"
		"  -d, --depths LIST  depths, comma-separated, 1-%u "
		"(default 1,2,4,8,16,32)\n"
		"  -m, --modes LIST   modes, comma-separated, each with "
		"any of -batch, -poll,\n"
		"                     -sleep, -timed, -staged behind "
		"(default one-sided,\n"
		"                     one-sided-batch,one-sided-poll,"
		"one-sided-staged,\n"
		"                     one-sided-timed,two-sided-busy,"
		"two-sided-event)\n"
		"  -p, --port PORT    target port (default %s)\n"
		"  -S, --source ADDR  local address to connect from\n"
		"  -h, --help\n",
		MAX_DEPTH, DBI_DEFAULT_PORT);
}

/* Split @list at commas into at most @max values in 1..@hi. */
static int parse_depths(char *list, unsigned int *out, unsigned int max)
{
	unsigned int n = 0;
	uint64_t v;
	char *tok;

	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max) {
			fprintf(stderr,
				"ib_doorbell_bw: at most %u depths, not more\n",
				max);
			return -EINVAL;
		}
		if (util_parse_u64_arg("ib_doorbell_bw", "depth", tok, 1,
				       MAX_DEPTH, &v))
			return -EINVAL;
		out[n++] = v;
	}
	if (!n)
		fprintf(stderr, "ib_doorbell_bw: no depth given\n");
	return n ? (int)n : -EINVAL;
}

/* What a name's suffix adds to a mode. */
static const struct {
	const char *suffix;
	unsigned int flags;
	bool staged;
} mode_suffixes[] = {
	{ "-staged", 0, true },
	{ "-timed", DBI_F_TIMED_POLL, false },
	{ "-sleep", DBI_F_SLEEP_WAIT, false },
	{ "-poll", DBI_F_POLL_WAIT, false },
	{ "-batch", DBI_F_BATCH_RING, false },
};

/*
 * Split @list at commas into at most @max modes: the target's names, each
 * with any of the suffixes above behind it ("one-sided-timed-staged").
 */
static int parse_modes(char *list, struct bw_mode *out, unsigned int max)
{
	char name[64], *tok;
	unsigned int n = 0, i;
	size_t len, sl;
	bool more;

	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		len = strlen(tok);
		if (n == max) {
			fprintf(stderr,
				"ib_doorbell_bw: at most %u modes, not more\n",
				max);
			return -EINVAL;
		}
		if (len >= sizeof(name))
			goto bad;
		out[n] = (struct bw_mode){ .label = tok };
		memcpy(name, tok, len + 1);
		do {
			more = false;
			for (i = 0; i < sizeof(mode_suffixes) /
						sizeof(mode_suffixes[0]);
			     i++) {
				sl = strlen(mode_suffixes[i].suffix);
				if (len <= sl ||
				    strcmp(name + len - sl,
					   mode_suffixes[i].suffix))
					continue;
				len -= sl;
				name[len] = 0;
				out[n].flags |= mode_suffixes[i].flags;
				out[n].staged |= mode_suffixes[i].staged;
				more = true;
			}
		} while (more);
		out[n].mode = dbi_mode_parse(name);
		if (!out[n].mode)
			goto bad;
		n++;
	}
	if (!n)
		fprintf(stderr, "ib_doorbell_bw: no mode given\n");
	return n ? (int)n : -EINVAL;
bad:
	fprintf(stderr, "ib_doorbell_bw: invalid mode '%s'\n", tok);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iters", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "depths", required_argument, NULL, 'd' },
		{ "modes", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "source", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char depths[] = "1,2,4,8,16,32";
	char modes[] = "one-sided,one-sided-batch,one-sided-poll,"
		       "one-sided-staged,one-sided-timed,two-sided-busy,"
		       "two-sided-event";
	struct bw_bench b = { .iters = 2000, .bytes = 4096 };
	char *depth_list = depths, *mode_list = modes;
	struct bw_result r;
	unsigned int i, j;
	uint64_t v;
	int c, n, ret = 0;

	while ((c = getopt_long(argc, argv, "n:s:d:m:p:S:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			if (util_parse_u64_arg("ib_doorbell_bw", "iterations",
					       optarg, 10, 10000000, &v))
				return 2;
			b.iters = v;
			break;
		case 's':
			if (util_parse_u64_arg("ib_doorbell_bw", "size", optarg,
					       512, 8192, &v))
				return 2;
			b.bytes = v;
			break;
		case 'd':
			depth_list = optarg;
			break;
		case 'm':
			mode_list = optarg;
			break;
		case 'p':
			b.opts.port = optarg;
			break;
		case 'S':
			b.opts.source = optarg;
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
	n = parse_depths(depth_list, b.depths, 8);
	if (n < 0)
		return 2;
	b.nr_depths = n;
	n = parse_modes(mode_list, b.modes, 8);
	if (n < 0)
		return 2;
	b.nr_modes = n;
	b.buf = malloc((size_t)MAX_DEPTH * b.bytes);
	if (!b.buf)
		return 1;

	print_header(&b);
	for (i = 0; i < b.nr_modes && !ret; i++) {
		for (j = 0; j < b.nr_depths && !ret; j++) {
			fprintf(stderr, "ib_doorbell_bw: %s at depth %u\n",
				b.modes[i].label, b.depths[j]);
			ret = run_one(&b, &b.modes[i], b.depths[j], &r);
			if (!ret)
				print_row(&b, &b.modes[i], b.depths[j], &r);
		}
	}
	puts("---------------------------------------------------------------"
	     "------------------------");
	free(b.buf);
	return ret ? 1 : 0;
}
