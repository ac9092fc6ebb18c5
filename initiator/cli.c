// SPDX-License-Identifier: GPL-2.0
/*
 * doorbell-initiator: read and write blocks of a doorbell-target's
 * namespace.  See doorbell-initiator(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doorbell_initiator.h"
#include "parse.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: doorbell-initiator [options] SERVER COMMAND [ARGS]\n"
		"commands:\n"
		"  info                      the namespace and queue granted\n"
		"  write SLBA FILE           write FILE (zero-padded to whole "
		"blocks) at SLBA\n"
		"  read SLBA NBLOCKS [FILE]  read blocks into FILE (default "
		"stdout)\n"
		"  flush                     flush the controller's cache\n"
		"options:\n"
		"  -p, --port PORT     target port (default %s)\n"
		"  -S, --source ADDR   local address to connect from\n"
		"  -m, --mode MODE     one-sided (default), ring-busy, "
		"ring-event,\n"
		"                      two-sided-busy or two-sided-event\n"
		"  -q, --depth N       NVMe queue depth to ask for\n"
		"  -h, --help\n",
		DBI_DEFAULT_PORT);
}

static int parse_u64(const char *s, const char *what, uint64_t *v)
{
	return util_parse_u64_arg("doorbell-initiator", what, s, 0, UINT64_MAX,
				  v);
}

static int cmd_info(struct dbi_session *s)
{
	printf("namespace %u: %llu blocks of %u bytes\n", dbi_nsid(s),
	       (unsigned long long)dbi_blocks(s), dbi_block_size(s));
	printf("I/O queue %u, depth %u, %u bytes per command\n",
	       dbi_queue_id(s), dbi_queue_depth(s), dbi_max_transfer(s));
	return 0;
}

static int cmd_write(struct dbi_session *s, uint64_t slba, const char *path)
{
	uint32_t bs = dbi_block_size(s);
	size_t len, cap = 1 << 20, got = 0;
	uint8_t *buf = malloc(cap);
	FILE *f = fopen(path, "rb");
	uint64_t nblocks;
	int ret;

	if (!f || !buf) {
		fprintf(stderr, "doorbell-initiator: %s: %s\n", path,
			strerror(errno));
		free(buf);
		if (f)
			fclose(f);
		return -errno;
	}
	while ((len = fread(buf + got, 1, cap - got, f)) > 0) {
		got += len;
		if (got == cap) {
			uint8_t *more = realloc(buf, cap * 2);

			if (!more) {
				ret = -ENOMEM;
				goto out;
			}
			buf = more;
			cap *= 2;
		}
	}
	nblocks = (got + bs - 1) / bs;
	if (!nblocks) {
		fprintf(stderr, "doorbell-initiator: %s is empty\n", path);
		ret = -EINVAL;
		goto out;
	}
	if (nblocks * bs > cap) {
		ret = -ENOMEM;
		goto out;
	}
	memset(buf + got, 0, nblocks * bs - got);
	ret = dbi_write(s, slba, nblocks, buf);
	if (!ret)
		fprintf(stderr,
			"doorbell-initiator: wrote %llu blocks at LBA "
			"%llu\n",
			(unsigned long long)nblocks, (unsigned long long)slba);
out:
	fclose(f);
	free(buf);
	return ret;
}

static int cmd_read(struct dbi_session *s, uint64_t slba, uint64_t nblocks,
		    const char *path)
{
	uint32_t bs = dbi_block_size(s);
	FILE *f = path ? fopen(path, "wb") : stdout;
	uint8_t *buf;
	int ret;

	if (!f) {
		fprintf(stderr, "doorbell-initiator: %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	if (!nblocks || nblocks > UINT32_MAX / bs) {
		ret = -EINVAL;
		goto out;
	}
	buf = malloc(nblocks * bs);
	ret = buf ? dbi_read(s, slba, nblocks, buf) : -ENOMEM;
	if (!ret && fwrite(buf, bs, nblocks, f) != nblocks)
		ret = -EIO;
	free(buf);
out:
	if (path && fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "source", required_argument, NULL, 'S' },
		{ "mode", required_argument, NULL, 'm' },
		{ "depth", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct dbi_options o = { .mode = DBI_MODE_ONE_SIDED };
	struct dbi_session *s;
	uint64_t a = 0, b = 0;
	const char *cmd;
	int c, nargs, ret;

	while ((c = getopt_long(argc, argv, "p:S:m:q:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.port = optarg;
			break;
		case 'S':
			o.source = optarg;
			break;
		case 'm':
			o.mode = dbi_mode_parse(optarg);
			if (!o.mode) {
				fprintf(stderr,
					"doorbell-initiator: unknown "
					"mode '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'q':
			if (util_parse_u64_arg("doorbell-initiator", "depth",
					       optarg, 2, 4096, &a))
				return 2;
			o.depth = a;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2) {
		usage(stderr);
		return 2;
	}
	o.server = argv[optind];
	cmd = argv[optind + 1];
	nargs = argc - optind - 2;
	if (!((!strcmp(cmd, "info") && nargs == 0) ||
	      (!strcmp(cmd, "flush") && nargs == 0) ||
	      (!strcmp(cmd, "write") && nargs == 2) ||
	      (!strcmp(cmd, "read") && (nargs == 2 || nargs == 3)))) {
		usage(stderr);
		return 2;
	}
	if (nargs >= 2 && (parse_u64(argv[optind + 2], "LBA", &a) ||
			   (!strcmp(cmd, "read") &&
			    parse_u64(argv[optind + 3], "block count", &b))))
		return 2;
	/* Said before connecting: a connection would not make it right. */
	if (!strcmp(cmd, "read") && !b) {
		fprintf(stderr,
			"doorbell-initiator: read: a block count of 0 reads "
			"nothing\n");
		return 2;
	}

	ret = dbi_connect(&o, &s);
	if (ret) {
		fprintf(stderr,
			"doorbell-initiator: cannot connect to %s: "
			"%s\n",
			o.server, dbi_strerror(ret));
		return 1;
	}
	if (!strcmp(cmd, "info"))
		ret = cmd_info(s);
	else if (!strcmp(cmd, "flush"))
		ret = dbi_flush(s);
	else if (!strcmp(cmd, "write"))
		ret = cmd_write(s, a, argv[optind + 3]);
	else
		ret = cmd_read(s, a, b, nargs == 3 ? argv[optind + 4] : NULL);
	if (ret)
		fprintf(stderr, "doorbell-initiator: %s: %s\n", cmd,
			dbi_strerror(ret));
	dbi_disconnect(s);
	return ret ? 1 : 0;
}
