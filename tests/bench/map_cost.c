// SPDX-License-Identifier: GPL-2.0
/*
 * What it costs to make a BAR reachable by a peer: our dma-buf export
 * (struct-page free) against ZONE_DEVICE p2pdma, for a very large BAR and
 * for a single 4 KiB page.  Prints a table; asserts only that our export
 * works.
 *
 *   map_cost BIG_BDF BIG_BAR SMALL_BDF SMALL_BAR SMALL_OFFSET CLIENT_BDF
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "dmabuf_importer.h"
#include "doorbell_vfio_pci.h"

struct cost {
	double ms;
	long kib;	/* MemFree consumed */
	int err;	/* 0 or -errno */
};

static long mem_free_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint32_t encode(const struct dbvfio_pci_addr *a)
{
	return a->domain << 16 | a->bus << 8 | a->device << 3 | a->function;
}

struct start {
	double t;
	long free;
};

static struct start begin(void)
{
	struct start s;

	sync();
	s.free = mem_free_kib();
	s.t = now_ms();
	return s;
}

static struct cost end(struct start s, int err)
{
	struct cost c = { now_ms() - s.t, s.free - mem_free_kib(), err };

	return c;
}

/* Export [off, off + len) of @bar, then attach and map it for @client. */
static void dmabuf_cost(struct dbvfio_dev *dev, unsigned int bar, uint64_t off,
			uint64_t len, uint32_t client, struct cost *export,
			struct cost *map, int fds[2])
{
	struct dbvfio_range r = { off, len };
	struct dmabuf_importer_attach a = { .client = client };
	struct start s;
	int imp;

	s = begin();
	fds[0] = dbvfio_export(dev, bar, &r, 1, O_CLOEXEC);
	*export = end(s, fds[0] < 0 ? fds[0] : 0);

	imp = open("/dev/dmabuf_importer", O_RDWR | O_CLOEXEC);
	a.fd = fds[0];
	s = begin();
	if (ioctl(imp, DMABUF_IMPORTER_ATTACH, &a) ||
	    ioctl(imp, DMABUF_IMPORTER_MAP))
		*map = end(s, -errno);
	else
		*map = end(s, 0);
	fds[1] = imp;
}

static struct cost zone_device_cost(uint32_t provider, unsigned int bar,
				    uint64_t off, uint64_t len)
{
	struct dmabuf_importer_p2pdma_add add = {
		.provider = provider, .bar = bar, .size = len, .offset = off,
	};
	int imp = open("/dev/dmabuf_importer", O_RDWR | O_CLOEXEC);
	struct start s = begin();
	int ret = ioctl(imp, DMABUF_IMPORTER_P2PDMA_ADD, &add) ? -errno : 0;
	struct cost c = end(s, ret);

	close(imp);
	return c;
}

static void row(const char *what, uint64_t len, struct cost c)
{
	char size[32];

	if (len >= 1ull << 30)
		snprintf(size, sizeof(size), "%llu GiB",
			 (unsigned long long)(len >> 30));
	else
		snprintf(size, sizeof(size), "%llu KiB",
			 (unsigned long long)(len >> 10));
	if (c.err)
		printf(" %-34s %10s  %10s  %12s  (%s)\n", what, size, "-", "-",
		       strerrorname_np(-c.err));
	else
		printf(" %-34s %10s  %10.2f  %12ld\n", what, size, c.ms, c.kib);
}

static void ratio(const char *what, struct cost ours, struct cost zd)
{
	/* MemFree moves in pages; below one page we cannot tell apart. */
	long ours_kib = ours.kib < 4 ? 4 : ours.kib;

	if (zd.err || ours.err) {
		printf(" %-34s ZONE_DEVICE: %s\n", what,
		       zd.err ? strerrorname_np(-zd.err) : "ok");
		return;
	}
	printf(" %-34s memory x%.0f%s, time x%.1f\n", what,
	       (double)zd.kib / ours_kib, ours.kib < 4 ? " (ours < 1 page)" : "",
	       zd.ms / (ours.ms > 0.001 ? ours.ms : 0.001));
}

int main(int argc, char **argv)
{
	struct dbvfio_pci_addr big_a, small_a, client_a;
	struct cost bexp, bmap, sexp, smap, bzd, szd;
	struct dbvfio_dev *big, *small;
	unsigned int big_bar, small_bar;
	struct dbvfio_bar info;
	uint64_t small_off;
	int bfd[2], sfd[2];

	if (argc != 7 || dbvfio_pci_addr_parse(argv[1], &big_a) ||
	    dbvfio_pci_addr_parse(argv[3], &small_a) ||
	    dbvfio_pci_addr_parse(argv[6], &client_a)) {
		fprintf(stderr, "usage: %s BIG_BDF BIG_BAR SMALL_BDF SMALL_BAR "
			"SMALL_OFFSET CLIENT_BDF\n", argv[0]);
		return 2;
	}
	big_bar = atoi(argv[2]);
	small_bar = atoi(argv[4]);
	small_off = strtoull(argv[5], NULL, 0);
	if (dbvfio_open(&big_a, &big) || dbvfio_open(&small_a, &small) ||
	    dbvfio_bar_info(big, big_bar, &info)) {
		fprintf(stderr, "cannot open the devices through vfio\n");
		return 2;
	}

	dmabuf_cost(big, big_bar, 0, info.size, encode(&client_a), &bexp,
		    &bmap, bfd);
	dmabuf_cost(small, small_bar, small_off, 4096, encode(&client_a),
		    &sexp, &smap, sfd);
	/* ZONE_DEVICE last: its pages stay until the driver unbinds. */
	szd = zone_device_cost(encode(&small_a), small_bar, small_off, 4096);
	bzd = zone_device_cost(encode(&big_a), big_bar, 0, info.size);

	printf(" %-34s %10s  %10s  %12s\n", "#what", "size", "time[ms]",
	       "memory[KiB]");
	row("dma-buf export", info.size, bexp);
	row("dma-buf attach+map (peer, IOMMU)", info.size, bmap);
	row("ZONE_DEVICE pci_p2pdma_add_resource", info.size, bzd);
	row("dma-buf export", 4096, sexp);
	row("dma-buf attach+map (peer, IOMMU)", 4096, smap);
	row("ZONE_DEVICE pci_p2pdma_add_resource", 4096, szd);
	printf("\n ZONE_DEVICE cost relative to the dma-buf export:\n");
	ratio("whole BAR", bexp, bzd);
	ratio("one 4 KiB page", sexp, szd);
	if (szd.err == -EINVAL)
		printf(" (ZONE_DEVICE adds memory in 2 MiB subsections: it "
		       "cannot describe a 4 KiB page)\n");

	close(bfd[1]);
	close(bfd[0]);
	close(sfd[1]);
	close(sfd[0]);
	dbvfio_close(big);
	dbvfio_close(small);
	return bexp.err || sexp.err ? 1 : 0;
}
