// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF on real vfio-pci devices: what a user of
 * the export sees.  Run inside the test VM as
 *
 *   export_test NVME_BDF IVSHMEM_BDF TESTDEV_BDF
 *
 * with the three devices bound to vfio-pci.  TESTDEV is QEMU's
 * pci-testdev: a 4 KiB memory BAR0 and an I/O BAR1.  Prints one line per check and
 * exits non-zero if any failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_compat.h"
#include "check.h"
#include "doorbell_vfio_pci.h"
#include "nvme.h"

#define PAGE 4096ull


static int count_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	while ((d = readdir(dir)))
		n++;
	closedir(dir);
	return n;
}

static struct dbvfio_dev *open_dev(const char *bdf)
{
	struct dbvfio_dev *dev;
	struct dbvfio_pci_addr addr;
	int ret;

	if (dbvfio_pci_addr_parse(bdf, &addr)) {
		fprintf(stderr, "bad BDF %s\n", bdf);
		exit(2);
	}
	ret = dbvfio_open(&addr, &dev);
	if (ret) {
		fprintf(stderr, "open %s: %s\n", bdf, strerror(-ret));
		exit(2);
	}
	return dev;
}

/* The dma-buf's size, as the dma-buf file reports it. */
static long long dmabuf_size(int fd)
{
	return lseek(fd, 0, SEEK_END);
}

/*
 * Issue the feature ioctl with a hand-made payload, so that malformed
 * requests reach the kernel exactly as given.  Returns fd or -errno.
 */
static int raw_export(int devfd, uint32_t feature_flags, size_t argsz,
		      const struct vfio_device_feature_dma_buf *get,
		      const struct vfio_region_dma_range *ranges,
		      unsigned int nr_copy)
{
	size_t len = sizeof(struct vfio_device_feature) + sizeof(*get) +
		     nr_copy * sizeof(*ranges);
	struct vfio_device_feature *f = calloc(1, len);
	int fd;

	f->argsz = argsz;
	f->flags = feature_flags;
	memcpy(f->data, get, sizeof(*get));
	memcpy(f->data + sizeof(*get), ranges, nr_copy * sizeof(*ranges));
	fd = ioctl(devfd, VFIO_DEVICE_FEATURE, f);
	if (fd < 0)
		fd = -errno;
	free(f);
	return fd;
}

struct bad_case {
	const char *what;
	int want;		/* negative errno */
	uint32_t region;
	uint32_t open_flags;
	uint32_t flags;
	uint32_t nr_ranges;	/* as claimed in the header */
	unsigned int nr_copy;	/* ranges actually supplied */
	struct vfio_region_dma_range ranges[3];
	int argsz_delta;	/* added to the honest argsz */
	uint32_t feature;	/* 0: GET | DMA_BUF */
	enum { NVME, IVSHMEM, TESTDEV } dev;	/* whom to ask */
};

static size_t honest_argsz(unsigned int nr)
{
	return sizeof(struct vfio_device_feature) +
	       sizeof(struct vfio_device_feature_dma_buf) +
	       nr * sizeof(struct vfio_region_dma_range);
}

/* MSI-X table and PBA offsets in BAR @bar, from config space. */
static void find_msix(int devfd, uint64_t cfg_off, int *table_bar,
		      uint32_t *table_off, int *pba_bar, uint32_t *pba_off)
{
	uint8_t pos;
	uint8_t cap[2];
	uint32_t v;

	*table_bar = *pba_bar = -1;
	*table_off = *pba_off = 0;
	if (pread(devfd, &pos, 1, cfg_off + 0x34) != 1)
		return;
	while (pos) {
		if (pread(devfd, cap, 2, cfg_off + pos) != 2)
			return;
		if (cap[0] == 0x11) {
			pread(devfd, &v, 4, cfg_off + pos + 4);
			*table_bar = v & 7;
			*table_off = v & ~7u;
			pread(devfd, &v, 4, cfg_off + pos + 8);
			*pba_bar = v & 7;
			*pba_off = v & ~7u;
			return;
		}
		pos = cap[1];
	}
}

static void test_bad_inputs(struct dbvfio_dev *devs[3], uint64_t nvme_bar0,
			    uint64_t shm_bar2)
{
	uint64_t cap;
	const uint32_t get = VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_DMA_BUF;
	const uint64_t top = ~0ull & ~(PAGE - 1);

	struct dbvfio_dev *nvme = devs[NVME];

	/*
	 * Upstream's answers, in its order of checks: a request with two
	 * faults gets the errno of the check that comes first.  The cases
	 * marked "stricter" are ours alone (see vfio-dmabuf(1)).
	 */
	struct bad_case cases[] = {
		{ "flags = 1", -EINVAL, 0, 0, 1, 1, 1, { { 0x1000, PAGE } } },
		{ "flags = 1 << 31", -EINVAL, 0, 0, 1u << 31, 1, 1,
		  { { 0x1000, PAGE } } },
		{ "nr_ranges = 0", -EINVAL, 0, 0, 0, 0, 0 },
		{ "argsz short of the header", -EINVAL, 0, 0, 0, 1, 1,
		  { { 0x1000, PAGE } },
		  -(int)(sizeof(struct vfio_region_dma_range) + 4) },
		{ "region 6 (ROM)", -ENODEV, 6, 0, 0, 1, 1, { { 0, PAGE } } },
		{ "region 7 (config space)", -ENODEV, 7, 0, 0, 1, 1,
		  { { 0, PAGE } } },
		{ "region 0xffffffff", -ENODEV, 0xffffffff, 0, 0, 1, 1,
		  { { 0, PAGE } } },
		{ "unimplemented BAR 3", -ENODEV, 3, 0, 0, 1, 1,
		  { { 0, PAGE } } },
		{ "ivshmem BAR5, unimplemented", -ENODEV, 5, 0, 0, 1, 1,
		  { { 0, PAGE } }, 0, 0, IVSHMEM },
		{ "ivshmem BAR0, smaller than a page", -EINVAL, 0, 0, 0, 1, 1,
		  { { 0, PAGE } }, 0, 0, IVSHMEM },
		{ "pci-testdev BAR1, an I/O BAR", -EINVAL, 1, 0, 0, 1, 1,
		  { { 0, PAGE } }, 0, 0, TESTDEV },
		{ "offset not page-aligned", -EINVAL, 0, 0, 0, 1, 1,
		  { { 0x1800, PAGE } } },
		{ "length not page-aligned", -EINVAL, 0, 0, 0, 1, 1,
		  { { 0x1000, 0x800 } } },
		{ "length 0", -EINVAL, 0, 0, 0, 1, 1, { { 0x1000, 0 } } },
		{ "offset at the end of the BAR", -EINVAL, 0, 0, 0, 1, 1,
		  { { nvme_bar0, PAGE } } },
		{ "range running past the BAR", -EINVAL, 0, 0, 0, 1, 1,
		  { { nvme_bar0 - PAGE, 2 * PAGE } } },
		{ "BAR address + offset wraps", -EOVERFLOW, 0, 0, 0, 1, 1,
		  { { top, 2 * PAGE } } },
		{ "total length with bit 63 set", -EINVAL, 0, 0, 0, 1, 1,
		  { { PAGE, top } } },
		{ "good range then a bad one", -EINVAL, 0, 0, 0, 2, 2,
		  { { 0x1000, PAGE }, { 0x1000, 0x800 } } },
		{ "ivshmem range past 4 MiB", -EINVAL, 2, 0, 0, 1, 1,
		  { { shm_bar2 - PAGE, 2 * PAGE } }, 0, 0, IVSHMEM },
		{ "FEATURE_SET instead of GET", -EINVAL, 0, 0, 0, 1, 1,
		  { { 0x1000, PAGE } }, 0,
		  VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_BUF },
		/* Two faults: the first check decides. */
		{ "flags = 1 and region 7", -EINVAL, 7, 0, 1, 1, 1,
		  { { 0, PAGE } } },
		{ "nr_ranges = 0 and region 7", -EINVAL, 7, 0, 0, 0, 0 },
		{ "region 7 and an unaligned range", -ENODEV, 7, 0, 0, 1, 1,
		  { { 0x800, PAGE } } },
		{ "region 7 and ranges past argsz", -ENODEV, 7, 0, 0, 2, 1,
		  { { 0, PAGE } } },
		{ "region 7 and open_flags ~0", -ENODEV, 7, ~0u, 0, 1, 1,
		  { { 0, PAGE } } },
		{ "a wrapping range, then an unaligned one", -EINVAL, 0, 0, 0,
		  2, 2, { { top, 2 * PAGE }, { 0x1000, 0x800 } } },
		{ "unimplemented BAR 3 and a wrapping range", -ENODEV, 3, 0, 0,
		  1, 1, { { top, 2 * PAGE } } },
		/* Stricter than upstream, which reads past argsz. */
		{ "stricter: argsz short of the claimed ranges", -EINVAL, 0,
		  0, 0, 2, 2, { { 0x1000, PAGE }, { 0x1000, PAGE } }, -16 },
		{ "stricter: nr_ranges = 513, argsz holds 1", -EINVAL, 0, 0,
		  0, 513, 1, { { 0x1000, PAGE } } },
		{ "stricter: nr_ranges = 0xffffffff", -EINVAL, 0, 0, 0,
		  0xffffffff, 1, { { 0x1000, PAGE } } },
	};
	unsigned int i;
	int before = count_fds();

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bad_case *c = &cases[i];
		struct vfio_device_feature_dma_buf hdr = {
			.region_index = c->region,
			.open_flags = c->open_flags,
			.flags = c->flags,
			.nr_ranges = c->nr_ranges,
		};
		struct dbvfio_dev *dev = devs[c->dev];
		int got;

		got = raw_export(dbvfio_device_fd(dev),
				 c->feature ? c->feature : get,
				 honest_argsz(c->nr_copy) + c->argsz_delta,
				 &hdr, c->ranges, c->nr_copy);
		if (got >= 0)
			close(got);
		check(got == c->want, "bad input %2u: %-36s -> %s (want %s)",
		      i + 1, c->what, got >= 0 ? "a fd" : strerrorname_np(-got),
		      strerrorname_np(-c->want));
		/* The device still answers, and nothing leaked. */
		if (dbvfio_bar_read(nvme, 0, 0, &cap, sizeof(cap)) ||
		    !(cap & 0xffff))
			check(false, "nvme unreadable after bad input %u", i + 1);
	}
	check(count_fds() == before, "no fd leaked by %u bad inputs", i);

	/* ranges[] in memory the kernel cannot read: EFAULT, nothing else. */
	long pg = sysconf(_SC_PAGESIZE);
	char *area = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(area + pg, pg);
	struct vfio_device_feature *f = (void *)(area + pg -
		sizeof(struct vfio_device_feature) -
		sizeof(struct vfio_device_feature_dma_buf));
	struct vfio_device_feature_dma_buf *h = (void *)f->data;

	f->argsz = honest_argsz(1);
	f->flags = get;
	h->region_index = 0;
	h->open_flags = 0;
	h->flags = 0;
	h->nr_ranges = 1;
	int r = ioctl(dbvfio_device_fd(nvme), VFIO_DEVICE_FEATURE, f);
	check(r < 0 && errno == EFAULT, "ranges[] unreadable -> %s (want EFAULT)",
	      r < 0 ? strerrorname_np(errno) : "a fd");
	munmap(area, pg);
}

/* Answers upstream gives a fd to, where our series once refused. */
/*
 * Range counts at the allocator's edge.  The kernel copies the ranges
 * in one allocation of at most 4 MiB: 262,144 ranges of 16 bytes.  Up to
 * that count the export works, past it the answer is ENOMEM, as
 * upstream's; neither may leave a warning in the kernel log, which the
 * harness checks after the test.  One page of BAR2, over and over.
 */
#define RANGES_EDGE \
	((unsigned int)((4u << 20) / sizeof(struct vfio_region_dma_range)))

static void test_range_count_edge(struct dbvfio_dev *shm)
{
	static const unsigned int counts[] = {
		RANGES_EDGE - 1, RANGES_EDGE, RANGES_EDGE + 1,
	};
	struct dbvfio_range *many = calloc(RANGES_EDGE + 1, sizeof(*many));
	unsigned int i;
	int fd;

	for (i = 0; i < RANGES_EDGE + 1; i++)
		many[i].length = PAGE;
	for (i = 0; i < 2; i++) {
		fd = dbvfio_export(shm, 2, many, counts[i], O_CLOEXEC);
		check(fd >= 0 && dmabuf_size(fd) == (long long)(counts[i] * PAGE),
		      "%u ranges of one page -> %lld bytes (%s)", counts[i],
		      fd >= 0 ? dmabuf_size(fd) : -1,
		      fd < 0 ? strerrorname_np(-fd) : "ok");
		if (fd >= 0)
			close(fd);
	}
	fd = dbvfio_export(shm, 2, many, counts[2], O_CLOEXEC);
	check(fd == -ENOMEM, "%u ranges: a copy past 4 MiB -> %s (want ENOMEM)",
	      counts[2], fd < 0 ? strerrorname_np(-fd) : "exported");
	if (fd >= 0)
		close(fd);
	free(many);
}

static void test_upstream_exports(struct dbvfio_dev *devs[3],
				  uint64_t nvme_bar0)
{
	struct vfio_region_info cfg = { .argsz = sizeof(cfg),
					 .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct dbvfio_dev *nvme = devs[NVME];
	struct dbvfio_range r, *many;
	int devfd = dbvfio_device_fd(nvme), tbar, pbar, fd, i;
	uint32_t toff, poff;

	ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &cfg);
	find_msix(devfd, cfg.offset, &tbar, &toff, &pbar, &poff);
	printf("nvme: BAR0 %#llx, MSI-X table BAR%d+%#x, PBA BAR%d+%#x\n",
	       (unsigned long long)nvme_bar0, tbar, toff, pbar, poff);

	r.offset = 0;
	r.length = nvme_bar0;
	fd = dbvfio_export(nvme, tbar, &r, 1, O_CLOEXEC);
	check(fd >= 0 && dmabuf_size(fd) == (long long)nvme_bar0,
	      "the whole NVMe BAR0, MSI-X inside, exports -> %lld bytes (%s)",
	      fd >= 0 ? dmabuf_size(fd) : -1, fd < 0 ? strerrorname_np(-fd) : "ok");
	if (fd >= 0)
		close(fd);
	r.offset = toff & ~(PAGE - 1);
	r.length = PAGE;
	fd = dbvfio_export(nvme, tbar, &r, 1, O_CLOEXEC);
	check(fd >= 0, "the MSI-X table page exports, as upstream's (%s)",
	      fd < 0 ? strerrorname_np(-fd) : "ok");
	if (fd >= 0)
		close(fd);
	r.offset = poff & ~(PAGE - 1);
	fd = dbvfio_export(nvme, pbar, &r, 1, O_CLOEXEC);
	check(fd >= 0, "the MSI-X PBA page exports (%s)",
	      fd < 0 ? strerrorname_np(-fd) : "ok");
	if (fd >= 0)
		close(fd);

	r.offset = 0x1000;
	fd = dbvfio_export(nvme, 0, &r, 1, O_CLOEXEC | O_NONBLOCK);
	check(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK),
	      "open_flags O_NONBLOCK reach the dma-buf file (%s)",
	      fd < 0 ? strerrorname_np(-fd) : "ok");
	if (fd >= 0)
		close(fd);
	fd = dbvfio_export(nvme, 0, &r, 1, O_CLOEXEC | O_APPEND);
	check(fd >= 0, "open_flags O_APPEND are passed on too (%s)",
	      fd < 0 ? strerrorname_np(-fd) : "ok");
	if (fd >= 0)
		close(fd);

	/* No cap on the number of ranges. */
	many = calloc(600, sizeof(*many));
	for (i = 0; i < 600; i++) {
		many[i].offset = (uint64_t)(i % 16) * PAGE;
		many[i].length = PAGE;
	}
	fd = dbvfio_export(devs[IVSHMEM], 2, many, 600, O_CLOEXEC);
	check(fd >= 0 && dmabuf_size(fd) == 600 * PAGE,
	      "600 ranges in one buffer -> %lld bytes (%s)",
	      fd >= 0 ? dmabuf_size(fd) : -1, fd < 0 ? strerrorname_np(-fd) : "ok");
	if (fd >= 0)
		close(fd);
	free(many);
	test_range_count_edge(devs[IVSHMEM]);
}

static void test_exports(struct dbvfio_dev *devs[3])
{
	struct dbvfio_dev *nvme = devs[NVME], *shm = devs[IVSHMEM];
	struct dbnvme_doorbell_layout db;
	struct dbvfio_range r;
	int fd, fds[200], i, before;

	check(dbvfio_export_supported(nvme) == 0, "PROBE reports the feature");

	memset(&db, 0, sizeof(db));
	i = dbnvme_doorbell_layout(nvme, &db);
	check(i == 0 && db.offset == 0x1000 && db.page_offset == 0x1000 &&
	      db.stride == 4,
	      "NVMe doorbells at %#llx, stride %u, page %#llx",
	      (unsigned long long)db.offset, db.stride,
	      (unsigned long long)db.page_offset);

	r.offset = db.page_offset;
	r.length = db.page_size;
	fd = dbvfio_export(nvme, 0, &r, 1, O_CLOEXEC | O_RDWR);
	check(fd >= 0, "export the NVMe doorbell page -> fd %d", fd);
	check(dmabuf_size(fd) == 4096, "its dma-buf is 4096 bytes (%lld)",
	      dmabuf_size(fd));
	check(fcntl(fd, F_GETFD) & FD_CLOEXEC, "O_CLOEXEC is honoured");
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED,
	      "no CPU mmap of the dma-buf");
	close(fd);

	r.offset = 1 << 20;
	r.length = 1 << 20;
	fd = dbvfio_export(shm, 2, &r, 1, O_CLOEXEC);
	check(fd >= 0 && dmabuf_size(fd) == 1 << 20,
	      "export 1 MiB of ivshmem BAR2 -> %lld bytes", dmabuf_size(fd));
	check(!(fcntl(fd, F_GETFL) & O_RDWR), "read-only open flags kept");
	close(fd);

	r.offset = 0;
	r.length = PAGE;
	fd = dbvfio_export(devs[TESTDEV], 0, &r, 1, O_CLOEXEC);
	check(fd >= 0 && dmabuf_size(fd) == PAGE,
	      "a whole 4 KiB BAR (pci-testdev BAR0) exports -> %lld bytes",
	      fd >= 0 ? dmabuf_size(fd) : -1);
	close(fd);

	struct dbvfio_range three[3] = {
		{ 0, PAGE },
		{ 3 << 20, 1 << 20 },
		{ 0, PAGE },
	};
	fd = dbvfio_export(shm, 2, three, 3, 0);
	check(fd >= 0 && dmabuf_size(fd) == (1 << 20) + 2 * PAGE,
	      "three ranges (one repeated) -> %lld bytes", dmabuf_size(fd));
	close(fd);

	before = count_fds();
	r.offset = db.page_offset;
	r.length = PAGE;
	for (i = 0; i < 200; i++)
		fds[i] = dbvfio_export(nvme, 0, &r, 1, O_CLOEXEC);
	for (i = 0; i < 200 && fds[i] >= 0; i++)
		;
	check(i == 200, "200 exports of one BAR page at once (%d ok)", i);
	for (i = 0; i < 200; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	check(count_fds() == before, "all 200 closed, no fd left");
}

/* Close orders, and a dma-buf that outlives its device. */
static void test_lifetimes(const char *nvme_bdf)
{
	struct dbvfio_range r = { 0x1000, PAGE };
	struct dbvfio_dev *dev;
	int fd, fd2;

	dev = open_dev(nvme_bdf);
	fd = dbvfio_export(dev, 0, &r, 1, O_CLOEXEC);
	close(fd);
	dbvfio_close(dev);
	check(fd >= 0, "dma-buf closed first, then the device");

	dev = open_dev(nvme_bdf);
	fd = dbvfio_export(dev, 0, &r, 1, O_CLOEXEC);
	dbvfio_close(dev);
	check(fd >= 0 && dmabuf_size(fd) == 4096,
	      "device closed first: the dma-buf fd is still valid");
	/* The device can be opened and exported again meanwhile. */
	dev = open_dev(nvme_bdf);
	fd2 = dbvfio_export(dev, 0, &r, 1, O_CLOEXEC);
	check(fd2 >= 0, "re-open and re-export while an old dma-buf lives");
	close(fd);
	close(fd2);
	dbvfio_close(dev);
	check(true, "closing the stale dma-buf after the device is safe");
}

/*
 * The same export through the device cdev bound to an iommufd.  A kernel
 * without iommufd (Debian's) has neither, and the open says so.
 */
static void test_cdev(const char *bdf)
{
	struct dbvfio_range r = { 0x1000, PAGE };
	struct dbvfio_dev *dev, *second;
	struct dbvfio_pci_addr addr;
	int ret, fd;

	dbvfio_pci_addr_parse(bdf, &addr);
	ret = dbvfio_open_iface(&addr, DBVFIO_IFACE_CDEV, &dev);
	if (access("/dev/iommu", F_OK)) {
		check(ret == -ENOENT,
		      "no iommufd in this kernel: the cdev open fails (%s)",
		      ret ? strerrorname_np(-ret) : "opened");
		if (!ret)
			dbvfio_close(dev);
		return;
	}
	check(ret == 0, "open %s through its cdev and /dev/iommu (%s)", bdf,
	      ret ? strerrorname_np(-ret) : "ok");
	if (ret)
		return;
	ret = dbvfio_open_iface(&addr, DBVFIO_IFACE_GROUP, &second);
	check(ret == -EBUSY, "the group cannot be opened meanwhile (%s)",
	      ret ? strerrorname_np(-ret) : "opened");
	if (!ret)
		dbvfio_close(second);
	fd = dbvfio_export(dev, 0, &r, 1, O_CLOEXEC);
	check(fd >= 0 && dmabuf_size(fd) == 4096,
	      "export the doorbell page through the cdev -> %lld bytes",
	      fd >= 0 ? dmabuf_size(fd) : -1);
	dbvfio_close(dev);
	check(fd >= 0 && dmabuf_size(fd) == 4096,
	      "its dma-buf outlives the cdev");
	close(fd);
}

int main(int argc, char **argv)
{
	struct dbvfio_dev *devs[3];
	struct dbvfio_bar b0, b2;
	int i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s NVME_BDF IVSHMEM_BDF TESTDEV_BDF\n",
			argv[0]);
		return 2;
	}
	for (i = 0; i < 3; i++)
		devs[i] = open_dev(argv[i + 1]);
	if (dbvfio_bar_info(devs[NVME], 0, &b0) ||
	    dbvfio_bar_info(devs[IVSHMEM], 2, &b2)) {
		fprintf(stderr, "region info failed\n");
		return 2;
	}

	test_exports(devs);
	test_upstream_exports(devs, b0.size);
	test_bad_inputs(devs, b0.size, b2.size);
	for (i = 0; i < 3; i++)
		dbvfio_close(devs[i]);
	test_lifetimes(argv[1]);
	test_cdev(argv[1]);

	return check_summary();
}
