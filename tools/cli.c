// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dmabuf: inspect the BARs of a vfio-pci device.
 *
 *   vfio-dmabuf bars BDF
 *   vfio-dmabuf read BDF BAR OFFSET [WIDTH]
 *   vfio-dmabuf exportable BDF
 *   vfio-dmabuf export BDF BAR OFFSET LENGTH
 *   vfio-dmabuf map BDF BAR OFFSET LENGTH [OFFSET LENGTH]...
 *   vfio-dmabuf doorbells BDF
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "doorbell_vfio_pci.h"
#include "nvme.h"
#include "parse.h"

static const char *prog = "vfio-dmabuf";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s bars BDF\n"
		"       %s read BDF BAR OFFSET [WIDTH]\n"
		"       %s exportable BDF\n"
		"       %s export BDF BAR OFFSET LENGTH\n"
		"       %s map BDF BAR OFFSET LENGTH [OFFSET LENGTH]...\n"
		"       %s doorbells BDF\n"
		"BDF is a PCI address such as 0000:00:03.0 bound to vfio-pci;\n"
		"WIDTH is 1, 2, 4 (default) or 8 bytes.\n",
		prog, prog, prog, prog, prog, prog);
}

static int report(const char *bdf, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, bdf, what, strerror(-err));
	return 1;
}

/* Parse an unsigned number (decimal or 0x-hex) or fail with a message. */
static int parse_u64(const char *str, const char *what, uint64_t *val)
{
	return util_parse_u64_arg(prog, what, str, 0, UINT64_MAX, val);
}

static int open_device_iface(const char *bdf, enum dbvfio_iface iface,
			     struct dbvfio_dev **dev)
{
	struct dbvfio_pci_addr addr;
	int ret;

	if (dbvfio_pci_addr_parse(bdf, &addr)) {
		fprintf(stderr, "%s: invalid PCI address '%s'\n", prog, bdf);
		return -EINVAL;
	}
	ret = dbvfio_open_iface(&addr, iface, dev);
	if (ret == -ENXIO)
		fprintf(stderr, "%s: %s: not bound to vfio-pci\n", prog, bdf);
	else if (ret == -ENODEV)
		fprintf(stderr, "%s: %s: no such PCI device\n", prog, bdf);
	else if (ret)
		report(bdf, "cannot open through vfio", ret);
	return ret;
}

static int open_device(const char *bdf, struct dbvfio_dev **dev)
{
	return open_device_iface(bdf, DBVFIO_IFACE_AUTO, dev);
}

static int cmd_bars(const char *bdf)
{
	struct dbvfio_dev *dev;
	struct dbvfio_bar bar;
	unsigned int i;
	int ret;

	if (open_device(bdf, &dev))
		return 1;
	printf("BAR %18s %18s  access\n", "size", "region offset");
	for (i = 0; i < DBVFIO_NUM_BARS; i++) {
		ret = dbvfio_bar_info(dev, i, &bar);
		if (ret) {
			dbvfio_close(dev);
			return report(bdf, "region info", ret);
		}
		if (!bar.size)
			continue;
		printf("%3u %#18" PRIx64 " %#18" PRIx64 "  %s%s%s\n", i,
		       bar.size, bar.offset,
		       bar.flags & VFIO_REGION_INFO_FLAG_READ ? "r" : "-",
		       bar.flags & VFIO_REGION_INFO_FLAG_WRITE ? "w" : "-",
		       bar.flags & VFIO_REGION_INFO_FLAG_MMAP ? "m" : "-");
	}
	dbvfio_close(dev);
	return 0;
}

static int cmd_read(const char *bdf, const char *bar_s, const char *off_s,
		    const char *width_s)
{
	uint64_t bar, offset, width = 4, value = 0;
	struct dbvfio_dev *dev;
	int ret;

	if (parse_u64(bar_s, "BAR", &bar) ||
	    parse_u64(off_s, "offset", &offset))
		return 2;
	if (width_s && parse_u64(width_s, "width", &width))
		return 2;
	if (bar >= DBVFIO_NUM_BARS) {
		fprintf(stderr, "%s: BAR must be 0-5, not %" PRIu64 "\n", prog,
			bar);
		return 2;
	}
	if (width != 1 && width != 2 && width != 4 && width != 8) {
		fprintf(stderr, "%s: width must be 1, 2, 4 or 8\n", prog);
		return 2;
	}
	if (offset % width) {
		fprintf(stderr,
			"%s: offset %#" PRIx64 " is not %" PRIu64
			"-byte aligned\n",
			prog, offset, width);
		return 2;
	}
	if (open_device(bdf, &dev))
		return 1;
	/* Little-endian host: the low bytes of value receive the register. */
	ret = dbvfio_bar_read(dev, bar, offset, &value, width);
	dbvfio_close(dev);
	if (ret)
		return report(bdf, "read", ret);
	printf("%#0*" PRIx64 "\n", (int)(2 + 2 * width), value);
	return 0;
}

static const char *export_error(int err)
{
	switch (err) {
	case -EINVAL:
		return "the range is not page-aligned, empty or past the BAR's end, or the BAR is not an implemented memory BAR";
	case -ENODEV:
		return "no such BAR: past BAR 5 or not implemented by the device, or the device is going away";
	case -EOVERFLOW:
		return "the range's address overflows";
	case -ENOTTY:
		return "this kernel has no vfio dma-buf export";
	case -EOPNOTSUPP:
		return "the device's driver does not describe its BARs for export";
	default:
		return strerror(-err);
	}
}

static int cmd_exportable(const char *bdf)
{
	struct dbvfio_range r[4];
	struct dbvfio_dev *dev;
	unsigned int bar, i, n;
	int ret;

	if (open_device(bdf, &dev))
		return 1;
	ret = dbvfio_export_supported(dev);
	if (ret) {
		dbvfio_close(dev);
		fprintf(stderr, "%s: %s: cannot export dma-bufs: %s\n", prog,
			bdf, export_error(ret));
		return 1;
	}
	for (bar = 0; bar < DBVFIO_NUM_BARS; bar++) {
		ret = dbvfio_bar_exportable(dev, bar, r, 4, &n);
		if (ret) {
			dbvfio_close(dev);
			return report(bdf, "exportable ranges", ret);
		}
		for (i = 0; i < n; i++)
			printf("BAR%u %#" PRIx64 " %#" PRIx64 "\n", bar,
			       r[i].offset, r[i].length);
	}
	dbvfio_close(dev);
	return 0;
}

static int cmd_export(const char *bdf, const char *bar_s, const char *off_s,
		      const char *len_s)
{
	struct dbvfio_range r;
	struct dbvfio_dev *dev;
	uint64_t bar;
	int fd;

	if (parse_u64(bar_s, "BAR", &bar) ||
	    parse_u64(off_s, "offset", &r.offset) ||
	    parse_u64(len_s, "length", &r.length))
		return 2;
	if (open_device(bdf, &dev))
		return 1;
	fd = dbvfio_export(dev, bar > UINT32_MAX ? UINT32_MAX : bar, &r, 1,
			   O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr,
			"%s: %s: export BAR%" PRIu64 " [%#" PRIx64
			", +%#" PRIx64 "): %s\n",
			prog, bdf, bar, r.offset, r.length, export_error(fd));
		dbvfio_close(dev);
		return 1;
	}
	printf("BAR%" PRIu64 " [%#" PRIx64 ", +%#" PRIx64
	       "): dma-buf of %lld bytes\n",
	       bar, r.offset, r.length, (long long)lseek(fd, 0, SEEK_END));
	close(fd);
	dbvfio_close(dev);
	return 0;
}

static const char *map_error(int err)
{
	switch (err) {
	case -ENOTTY:
		return "this kernel cannot map files into an IOAS (IOMMU_IOAS_MAP_FILE)";
	case -EOPNOTSUPP:
		return "this kernel cannot map vfio dma-bufs into an IOAS";
	case -ENODEV:
		return "the dma-buf is revoked: is the device's memory decode off?";
	default:
		return strerror(-err);
	}
}

/* Longest list of ranges the map command takes. */
#define MAP_MAX_RANGES 16

/*
 * Export the ranges as one dma-buf, map it into the device's own IOAS,
 * and show where each range went; unmapped again when the command ends.
 */
static int cmd_map(const char *bdf, const char *bar_s, int nargs, char **args)
{
	struct dbvfio_range r[MAP_MAX_RANGES];
	uint64_t bar, total = 0, iova, at;
	struct dbvfio_dev *dev;
	unsigned int i, n = nargs / 2;
	uint32_t ioas;
	int fd, ret;

	if (n > MAP_MAX_RANGES) {
		fprintf(stderr, "%s: at most %d ranges\n", prog,
			MAP_MAX_RANGES);
		return 2;
	}
	if (parse_u64(bar_s, "BAR", &bar))
		return 2;
	for (i = 0; i < n; i++) {
		if (parse_u64(args[2 * i], "offset", &r[i].offset) ||
		    parse_u64(args[2 * i + 1], "length", &r[i].length))
			return 2;
		total += r[i].length;
	}
	if (open_device_iface(bdf, DBVFIO_IFACE_CDEV, &dev))
		return 1;
	fd = dbvfio_export(dev, bar > UINT32_MAX ? UINT32_MAX : bar, r, n,
			   O_CLOEXEC | O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: export BAR%" PRIu64 ": %s\n", prog,
			bdf, bar, export_error(fd));
		dbvfio_close(dev);
		return 1;
	}
	ret = dbvfio_map_file(dev, fd, 0, total,
			      DBVFIO_MAP_READ | DBVFIO_MAP_WRITE, &iova);
	if (ret) {
		fprintf(stderr, "%s: %s: map the dma-buf: %s\n", prog, bdf,
			map_error(ret));
		close(fd);
		dbvfio_close(dev);
		return 1;
	}
	dbvfio_iommufd(dev, &ioas);
	printf("dma-buf of %" PRIu64 " bytes at IOVA %#" PRIx64 "-%#" PRIx64
	       " in IOAS %u\n",
	       total, iova, iova + total - 1, ioas);
	for (i = 0, at = iova; i < n; at += r[i].length, i++)
		printf("BAR%" PRIu64 " [%#" PRIx64 ", +%#" PRIx64
		       ") at IOVA %#" PRIx64 "\n",
		       bar, r[i].offset, r[i].length, at);
	dbvfio_dma_unmap(dev, iova, total);
	close(fd);
	dbvfio_close(dev);
	return 0;
}

static int cmd_doorbells(const char *bdf)
{
	struct dbnvme_doorbell_layout db;
	struct dbvfio_dev *dev;
	int ret;

	if (open_device(bdf, &dev))
		return 1;
	ret = dbnvme_doorbell_layout(dev, &db);
	dbvfio_close(dev);
	if (ret)
		return report(bdf, "reading CAP", ret);
	printf("doorbells at BAR0 %#" PRIx64 ", stride %u bytes\n"
	       "doorbell page: BAR0 %#" PRIx64 " +%#" PRIx64 "\n",
	       db.offset, db.stride, db.page_offset, db.page_size);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "bars"))
		return cmd_bars(argv[2]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "read"))
		return cmd_read(argv[2], argv[3], argv[4],
				argc == 6 ? argv[5] : NULL);
	if (argc == 3 && !strcmp(argv[1], "exportable"))
		return cmd_exportable(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "export"))
		return cmd_export(argv[2], argv[3], argv[4], argv[5]);
	if (argc >= 6 && argc % 2 == 0 && !strcmp(argv[1], "map"))
		return cmd_map(argv[2], argv[3], argc - 4, argv + 4);
	if (argc == 3 && !strcmp(argv[1], "doorbells"))
		return cmd_doorbells(argv[2]);
	usage(stderr);
	return 2;
}
