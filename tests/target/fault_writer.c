// SPDX-License-Identifier: GPL-2.0
/*
 * The initiator side of the fault tests.
 *
 *   fault_writer write SERVER BASE COUNT SEED ACKLOG [MODE]
 *	Write COUNT 4 KiB extents, extent i at block BASE + 8i with a
 *	pattern of (SEED, i), in MODE (a dbi_mode_parse() name; default
 *	one-sided).  After each write the target
 *	acknowledged, append i to ACKLOG (with write(2), so a kill -9 loses
 *	nothing already logged).  Stops at the first error, which it
 *	prints; exit status 1 then.
 *	The namespace the writes went to is noted in ACKLOG.nsid.
 *   fault_writer verify SERVER BASE SEED ACKLOG
 *	Read back every extent ACKLOG lists and compare it with its
 *	pattern: an acknowledged write that is not on the media fails.
 *	A target in isolated mode hands each initiator a controller of
 *	its own, so the reader connects until it is given the namespace
 *	the writer had.
 *
 * Exit status 3 means the target could not be reached at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doorbell_initiator.h"

#define EXTENT 4096

static void pattern(uint8_t *buf, uint32_t seed, uint32_t i)
{
	uint32_t x = seed * 0x9e3779b9u ^ i * 0x85ebca6bu;
	size_t k;

	for (k = 0; k < EXTENT; k += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(buf + k, &x, 4);
	}
	memcpy(buf, &i, 4); /* the extent's number, for a reader */
}

static struct dbi_session *connect_to(const char *server, enum dbi_mode mode)
{
	struct dbi_options o = { .server = server, .mode = mode };
	struct dbi_session *s;
	int ret = dbi_connect(&o, &s);

	if (ret) {
		fprintf(stderr, "fault_writer: cannot connect to %s: %s\n",
			server, dbi_strerror(ret));
		exit(3);
	}
	return s;
}

/* ACKLOG.nsid: where the writer's namespace ID is kept. */
static void nsid_path(char *path, size_t len, const char *acklog)
{
	snprintf(path, len, "%s.nsid", acklog);
}

static int note_nsid(const char *acklog, uint32_t nsid)
{
	char path[512];
	FILE *f;

	nsid_path(path, sizeof(path), acklog);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%u\n", nsid) < 0 || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

/*
 * A session on the namespace the writer of @acklog had: the first one
 * that is, holding the others open meanwhile so that each new connection
 * gets another controller.
 */
static struct dbi_session *connect_for(const char *server, const char *acklog)
{
	struct dbi_session *held[8], *s = NULL;
	unsigned int n = 0, i;
	uint32_t nsid = 0;
	char path[512];
	FILE *f;

	nsid_path(path, sizeof(path), acklog);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%u", &nsid) != 1)
			nsid = 0;
		fclose(f);
	}
	for (;;) {
		s = connect_to(server, DBI_MODE_ONE_SIDED);
		if (!nsid || dbi_nsid(s) == nsid || n == 8)
			break;
		held[n++] = s;
	}
	for (i = 0; i < n; i++)
		dbi_disconnect(held[i]);
	return s;
}

static int do_write(const char *server, uint64_t base, uint32_t count,
		    uint32_t seed, const char *acklog, enum dbi_mode mode)
{
	struct dbi_session *s = connect_to(server, mode);
	uint32_t bs = dbi_block_size(s), i;
	int fd = open(acklog, O_WRONLY | O_CREAT | O_APPEND, 0644);
	uint8_t buf[EXTENT];
	char line[16];
	int ret = 0, len;

	if (fd < 0) {
		perror(acklog);
		return 1;
	}
	if (note_nsid(acklog, dbi_nsid(s)))
		return 1;
	for (i = 0; i < count; i++) {
		pattern(buf, seed, i);
		ret = dbi_write(s, base + (uint64_t)i * (EXTENT / bs),
				EXTENT / bs, buf);
		if (ret)
			break;
		len = snprintf(line, sizeof(line), "%u\n", i);
		if (write(fd, line, len) != len) {
			ret = -errno;
			break;
		}
	}
	printf("fault_writer: %u writes acknowledged%s%s\n", i,
	       ret ? ", then: " : "", ret ? dbi_strerror(ret) : "");
	close(fd);
	dbi_disconnect(s);
	return ret ? 1 : 0;
}

static int do_verify(const char *server, uint64_t base, uint32_t seed,
		     const char *acklog)
{
	struct dbi_session *s = connect_for(server, acklog);
	uint32_t bs = dbi_block_size(s), i, n = 0, bad = 0;
	uint8_t want[EXTENT], got[EXTENT];
	FILE *f = fopen(acklog, "r");
	int ret;

	if (!f) {
		perror(acklog);
		return 1;
	}
	while (fscanf(f, "%u", &i) == 1) {
		pattern(want, seed, i);
		ret = dbi_read(s, base + (uint64_t)i * (EXTENT / bs),
			       EXTENT / bs, got);
		if (ret) {
			fprintf(stderr, "fault_writer: reading extent %u: %s\n",
				i, dbi_strerror(ret));
			bad++;
			break;
		}
		if (memcmp(want, got, EXTENT)) {
			fprintf(stderr,
				"fault_writer: extent %u was "
				"acknowledged but holds other data\n",
				i);
			bad++;
		}
		n++;
	}
	fclose(f);
	dbi_disconnect(s);
	printf("fault_writer: %u acknowledged writes read back, %u wrong\n", n,
	       bad);
	return bad || !n ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum dbi_mode mode = DBI_MODE_ONE_SIDED;

	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "write")) {
		if (argc == 8 && !(mode = dbi_mode_parse(argv[7]))) {
			fprintf(stderr, "fault_writer: no mode %s\n", argv[7]);
			return 2;
		}
		return do_write(argv[2], strtoull(argv[3], NULL, 0),
				strtoul(argv[4], NULL, 0),
				strtoul(argv[5], NULL, 0), argv[6], mode);
	}
	if (argc == 6 && !strcmp(argv[1], "verify"))
		return do_verify(argv[2], strtoull(argv[3], NULL, 0),
				 strtoul(argv[4], NULL, 0), argv[5]);
	fprintf(stderr,
		"usage: fault_writer write SERVER BASE COUNT SEED ACKLOG "
		"[MODE]\n       fault_writer verify SERVER BASE SEED ACKLOG\n");
	return 2;
}
