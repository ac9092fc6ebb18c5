// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_IOAS_MAP_FILE, proven by a real DMA engine: the NVMe controller
 * and the ivshmem device share one iommufd IOAS, ivshmem's BAR2 is
 * exported as a dma-buf of several ranges and mapped into it, and NVMe
 * Reads and Writes whose PRPs name those IOVAs move data between the
 * namespace and the BAR, with no CPU copy.  What landed is read from the
 * host's backing files of both devices, not through the devices.
 *
 *   map_file_test NVME_BDF IVSHMEM_BDF IVSHMEM_FILE NVME_FILE QEMU_TRACE
 *
 * QEMU_TRACE is QEMU's log of vtd_dmar_fault events: where the vIOMMU
 * stopped a DMA.  QEMU's controller completes a command whose data pages
 * fault with success and drops the data, so a refused page is seen there
 * and in the backing file; only a PRP list the controller cannot fetch
 * fails the command, with Data Transfer Error.
 *
 * Also: a memfd mapped the same way, the answers to bad requests next to
 * IOMMU_IOAS_MAP's, in-kernel pinning refused, revocation while Reads
 * are in flight (decode off) and by close, and the IOAS torn down with a
 * dma-buf still mapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include "check.h"
#include "dmabuf_importer.h"
#include "nvme.h"
#include "nvme_spec.h"
#include "qemu_trace.h"
#include "uapi_compat.h"
#include "vfio_setup.h"

#define PAGE 4096ull
#define SHM_BAR 2
/* The namespace's blocks the test writes: 16 MiB in, clear of others. */
#define NS_BASE (16ull << 20)

/*
 * The dma-buf: three ranges of BAR2, out of order, so that a buffer that
 * is contiguous in IOVA is not contiguous in the BAR.
 */
static const struct dbvfio_range shm_ranges[] = {
	{ 0x300000, 24 * PAGE },
	{ 0x100000, 24 * PAGE },
	{ 0x200000, 16 * PAGE },
};
#define NR_RANGES (sizeof(shm_ranges) / sizeof(shm_ranges[0]))
#define BUF_PAGES 64

/* NVMe generic status Data Transfer Error, as dbnvme_poll() returns it. */
#define SC_DATA_TRANSFER_ERROR 0x004

static const char *shm_file, *ns_file, *trace_log;
static unsigned int nvme_sid;
static struct dbvfio_dev *shm;
static struct dbnvme_ctrl *ctrl;
static struct dbnvme_queue q;
static struct dbnvme_dma host; /* 64 KiB of host memory for the controller */
static uint64_t p2p_iova; /* where the dma-buf goes, at the top of the space */

/* The BAR offset of page @i of the dma-buf. */
static uint64_t bar_offset(unsigned int i)
{
	uint64_t off = i * PAGE;
	unsigned int r;

	for (r = 0; off >= shm_ranges[r].length; r++)
		off -= shm_ranges[r].length;
	return shm_ranges[r].offset + off;
}

/* A page of 64-bit words that name @tag and @page, and nothing else. */
static void fill(void *buf, uint32_t tag, uint32_t page)
{
	uint64_t *w = buf;
	unsigned int i;

	for (i = 0; i < PAGE / 8; i++)
		w[i] = (uint64_t)tag << 40 | (uint64_t)page << 20 | i;
}

static bool holds(const void *buf, uint32_t tag, uint32_t page)
{
	uint64_t want[PAGE / 8];

	fill(want, tag, page);
	return !memcmp(buf, want, PAGE);
}

static bool file_holds(const char *path, uint64_t off, uint32_t tag,
		       uint32_t page)
{
	uint8_t buf[PAGE];

	return !read_file(path, off, buf, PAGE) && holds(buf, tag, page);
}

/* One page of I/O at namespace byte @ns_off, data at @iova; its status. */
static int io_page(uint8_t opcode, uint64_t ns_off, uint64_t iova)
{
	unsigned int shift = ctrl->ns.lba_shift;
	struct dbnvme_sqe sqe;

	dbnvme_build_io(&sqe, opcode, ctrl->ns.nsid, shift, ns_off >> shift,
			PAGE >> shift, iova);
	return dbnvme_io_sync(&q, &sqe, NVME_COMMAND_TIMEOUT_MS, NULL);
}

/* Put page @page of tag @tag at namespace byte @ns_off, from host memory. */
static void ns_put(uint64_t ns_off, uint32_t tag, uint32_t page)
{
	fill(host.vaddr, tag, page);
	if (io_page(NVME_CMD_WRITE, ns_off, host.iova)) {
		fprintf(stderr, "set-up: NVMe Write from host memory failed\n");
		exit(2);
	}
}

static int export_shm(void)
{
	int fd = dbvfio_export(shm, SHM_BAR, shm_ranges, NR_RANGES,
			       O_CLOEXEC | O_RDWR);

	if (fd < 0) {
		fprintf(stderr, "set-up: export of BAR2: %s\n", err_name(fd));
		exit(2);
	}
	return fd;
}

static int map_at(struct dbvfio_dev *dev, int fd, uint64_t start, uint64_t len,
		  unsigned int flags, uint64_t iova)
{
	return dbvfio_map_file(dev, fd, start, len, flags | DBVFIO_MAP_FIXED,
			       &iova);
}

#define RW (DBVFIO_MAP_READ | DBVFIO_MAP_WRITE)

static void zero_shm_pages(void)
{
	static const uint8_t zero[PAGE];
	unsigned int i;

	for (i = 0; i < BUF_PAGES; i++)
		if (dbvfio_bar_write(shm, SHM_BAR, bar_offset(i), zero, PAGE)) {
			fprintf(stderr, "set-up: cannot clear BAR2\n");
			exit(2);
		}
}

/* A memfd, mapped by file and offset, receives an NVMe Read. */
static void test_memfd(void)
{
	int fd = memfd_create("map_file_test", MFD_CLOEXEC);
	uint8_t buf[PAGE];
	uint64_t iova = 0;
	int ret;

	if (fd < 0 || ftruncate(fd, 16 * PAGE)) {
		perror("memfd");
		exit(2);
	}
	ns_put(NS_BASE, 0x11, 0);
	ret = dbvfio_map_file(shm, fd, 4 * PAGE, 8 * PAGE, RW, &iova);
	check(ret == 0,
	      "memfd: 32 KiB from 16 KiB in mapped at IOVA %#" PRIx64
	      " chosen by the kernel (%s)",
	      iova, err_name(ret));
	ret = io_page(NVME_CMD_READ, NS_BASE, iova + PAGE);
	check(ret == 0 && pread(fd, buf, PAGE, 5 * PAGE) == PAGE &&
		      holds(buf, 0x11, 0),
	      "memfd: NVMe Read into IOVA+4 KiB landed at file offset 20 KiB"
	      " (status %#x)",
	      ret);
	ret = dbvfio_map_file(shm, fd, PAGE / 2, PAGE, RW, &iova);
	check(ret == -EINVAL, "memfd: start not page-aligned -> %s",
	      err_name(ret));
	ret = dbvfio_dma_unmap(shm, iova, 8 * PAGE);
	close(fd);
}

/*
 * The dma-buf mapped at p2p_iova: a Read per page puts namespace data
 * into the BAR, in every range; then part of the buffer, from its
 * second page, mapped elsewhere.
 */
static void test_p2p_read(int fd)
{
	unsigned int i, landed = 0;
	int ret = map_at(shm, fd, 0, BUF_PAGES * PAGE, RW, p2p_iova);

	check(ret == 0,
	      "dma-buf of %zu ranges (%u pages) mapped at IOVA %#" PRIx64
	      " (%s)",
	      NR_RANGES, BUF_PAGES, p2p_iova, err_name(ret));
	zero_shm_pages();
	for (i = 0; i < BUF_PAGES; i++) {
		ns_put(NS_BASE + i * PAGE, 0x21, i);
		ret = io_page(NVME_CMD_READ, NS_BASE + i * PAGE,
			      p2p_iova + i * PAGE);
		if (!ret && file_holds(shm_file, bar_offset(i), 0x21, i))
			landed++;
		else
			printf("# page %u (BAR2 %#" PRIx64 "): status %#x\n", i,
			       bar_offset(i), ret);
	}
	check(landed == BUF_PAGES,
	      "NVMe Reads into IOVA %#" PRIx64
	      "..+%#llx: %u of %u pages found in"
	      " %s at BAR2 0x300000-0x317fff, 0x100000-0x117fff, 0x200000-0x20ffff",
	      p2p_iova, BUF_PAGES * PAGE, landed, BUF_PAGES, shm_file);

	/* Pages 22-26: the last two of range 0, the first three of range 1. */
	{
		uint64_t part = p2p_iova - (1ull << 20);

		ret = map_at(shm, fd, 22 * PAGE, 5 * PAGE, RW, part);
		check(ret == 0,
		      "pages 22-26 of the buffer mapped on their own (%s)",
		      err_name(ret));
		ns_put(NS_BASE, 0x22, 24);
		ret = io_page(NVME_CMD_READ, NS_BASE, part + 2 * PAGE);
		check(ret == 0 &&
			      file_holds(shm_file, bar_offset(24), 0x22, 24),
		      "a Read into its third page landed at BAR2 %#" PRIx64
		      " (status %#x)",
		      bar_offset(24), ret);
		dbvfio_dma_unmap(shm, part, 5 * PAGE);
	}
}

/* NVMe Writes whose data comes from the BAR reach the namespace. */
static void test_p2p_write(void)
{
	unsigned int i, landed = 0;
	uint8_t page[PAGE];
	int ret;

	for (i = 0; i < BUF_PAGES; i++) {
		fill(page, 0x31, i);
		if (dbvfio_bar_write(shm, SHM_BAR, bar_offset(i), page, PAGE))
			check(false, "write BAR2 %#" PRIx64, bar_offset(i));
		ret = io_page(NVME_CMD_WRITE, NS_BASE + (100 + i) * PAGE,
			      p2p_iova + i * PAGE);
		if (!ret &&
		    file_holds(ns_file, NS_BASE + (100 + i) * PAGE, 0x31, i))
			landed++;
	}
	check(landed == BUF_PAGES,
	      "NVMe Writes from the dma-buf's IOVAs: %u of %u pages found in %s"
	      " at %#llx..%#llx",
	      landed, BUF_PAGES, ns_file, NS_BASE + 100 * PAGE,
	      NS_BASE + (100 + BUF_PAGES) * PAGE - 1);
}

/* READABLE alone: the device may read the BAR but not write it. */
static void test_read_only(int fd)
{
	uint64_t iova = p2p_iova - (2ull << 20);
	uint8_t page[PAGE];
	unsigned int faults;
	int ret = map_at(shm, fd, 0, BUF_PAGES * PAGE, DBVFIO_MAP_READ, iova);

	check(ret == 0, "read-only mapping (%s)", err_name(ret));
	fill(page, 0x41, 0);
	dbvfio_bar_write(shm, SHM_BAR, bar_offset(0), page, PAGE);
	ret = io_page(NVME_CMD_WRITE, NS_BASE + 200 * PAGE, iova);
	check(ret == 0 && file_holds(ns_file, NS_BASE + 200 * PAGE, 0x41, 0),
	      "read-only: a Write from it works (status %#x)", ret);
	ns_put(NS_BASE, 0x42, 0);
	faults = qemu_traced_dmar_faults(trace_log, nvme_sid, iova, 1);
	ret = io_page(NVME_CMD_READ, NS_BASE, iova);
	faults = qemu_traced_dmar_faults(trace_log, nvme_sid, iova, 1) - faults;
	/*
	 * The vIOMMU traces no fault when the page's read-only entry is in
	 * its IOTLB already (from the Write above); it drops the data all
	 * the same, and that is what counts.
	 */
	check(file_holds(shm_file, bar_offset(0), 0x41, 0),
	      "read-only: a Read into it leaves the BAR as it was (status %#x,"
	      " %u fault(s) traced)",
	      ret, faults);
	dbvfio_dma_unmap(shm, iova, BUF_PAGES * PAGE);
}

static int udmabuf_of_memfd(void)
{
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC,
				    .size = 2 * PAGE };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int mfd = memfd_create("udmabuf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int fd;

	if (dev < 0 || mfd < 0 || ftruncate(mfd, 2 * PAGE) ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		perror("udmabuf set-up");
		exit(2);
	}
	c.memfd = mfd;
	fd = ioctl(dev, UDMABUF_CREATE, &c);
	if (fd < 0) {
		perror("UDMABUF_CREATE");
		exit(2);
	}
	close(dev);
	close(mfd);
	return fd;
}

/* Bad requests, each with its errno; IOMMU_IOAS_MAP's next to ours. */
static void test_refusals(int fd)
{
	uint64_t total = BUF_PAGES * PAGE, iova = 0;
	void *mem = host.vaddr;
	int ret, ref, other;

	other = udmabuf_of_memfd();
	ret = dbvfio_map_file(shm, other, 0, 2 * PAGE, RW, &iova);
	check(ret == -EOPNOTSUPP, "a udmabuf (not vfio's) -> %s",
	      err_name(ret));
	close(other);

	ret = dbvfio_map_file(shm, fd, 0, total + PAGE, RW, &iova);
	check(ret == -EINVAL, "a range one page past the buffer -> %s",
	      err_name(ret));
	ret = dbvfio_map_file(shm, fd, total, PAGE, RW, &iova);
	check(ret == -EINVAL, "a range starting at the buffer's end -> %s",
	      err_name(ret));
	ret = dbvfio_map_file(shm, fd, PAGE / 2, PAGE, RW, &iova);
	check(ret == -EINVAL, "start not page-aligned -> %s", err_name(ret));
	ret = dbvfio_map_file(shm, fd, 0, PAGE + PAGE / 2, RW, &iova);
	check(ret == -EINVAL, "length not page-aligned -> %s", err_name(ret));
	ret = dbvfio_map_file(shm, fd, 0, PAGE, 0, &iova);
	check(ret == -EINVAL, "neither READ nor WRITE -> %s", err_name(ret));
	ret = dbvfio_map_file(shm, -1, 0, PAGE, RW, &iova);
	check(ret == -EBADF, "fd -1 -> %s", err_name(ret));
	other = open(ns_file, O_RDONLY | O_CLOEXEC);
	ret = dbvfio_map_file(shm, other, 0, PAGE, DBVFIO_MAP_READ, &iova);
	check(ret == -EINVAL, "a file that is not a memfd (9p) -> %s",
	      err_name(ret));
	close(other);

	/* The buffer is mapped at p2p_iova: fixed IOVAs that collide. */
	ret = map_at(shm, fd, 0, PAGE, RW, p2p_iova + PAGE);
	ref = dbvfio_dma_map(shm, mem, p2p_iova + PAGE, PAGE);
	check(ret == -EEXIST && ret == ref,
	      "fixed IOVA inside a mapping -> %s; IOMMU_IOAS_MAP -> %s",
	      err_name(ret), err_name(ref));
	ret = map_at(shm, fd, 0, PAGE, RW, 0xfee00000);
	ref = dbvfio_dma_map(shm, mem, 0xfee00000, PAGE);
	check(ret < 0 && ret == ref,
	      "fixed IOVA in the reserved MSI window -> %s; IOMMU_IOAS_MAP -> %s",
	      err_name(ret), err_name(ref));
	ret = map_at(shm, fd, 0, PAGE, RW, p2p_iova - PAGE / 2);
	check(ret == -EINVAL, "fixed IOVA not page-aligned -> %s",
	      err_name(ret));

	/* A buffer made while decode is off starts revoked. */
	set_memory_decode(shm, 0);
	other = export_shm();
	ret = dbvfio_map_file(shm, other, 0, PAGE, RW, &iova);
	check(ret == -ENODEV, "a revoked dma-buf (memory decode off) -> %s",
	      err_name(ret));
	set_memory_decode(shm, 1);
	ret = dbvfio_map_file(shm, other, 0, PAGE, RW, &iova);
	check(ret == 0, "the same buffer once decode is back on -> %s",
	      err_name(ret));
	if (!ret)
		dbvfio_dma_unmap(shm, iova, PAGE);
	close(other);
}

/* An mdev-style access object cannot pin the BAR; it can pin a memfd. */
static void test_access_pin(void)
{
	struct dmabuf_importer_iommufd_pin pin = { .length = PAGE };
	int imp = open("/dev/dmabuf_importer", O_RDWR | O_CLOEXEC);
	int mfd = memfd_create("pin", MFD_CLOEXEC), ret;
	uint64_t iova = 0;

	if (imp < 0 || mfd < 0 || ftruncate(mfd, PAGE)) {
		perror("access set-up");
		exit(2);
	}
	pin.iommufd = dbvfio_iommufd(shm, &pin.ioas_id);
	pin.iova = p2p_iova;
	ret = ioctl(imp, DMABUF_IMPORTER_IOMMUFD_PIN, &pin) ? -errno : 0;
	check(ret == -EINVAL, "access object pinning the dma-buf's IOVA -> %s",
	      err_name(ret));
	if (dbvfio_map_file(shm, mfd, 0, PAGE, RW, &iova))
		check(false, "map a memfd for the access object");
	pin.iova = iova;
	ret = ioctl(imp, DMABUF_IMPORTER_IOMMUFD_PIN, &pin) ? -errno : 0;
	check(ret == 0, "access object pinning a memfd's IOVA -> %s",
	      err_name(ret));
	dbvfio_dma_unmap(shm, iova, PAGE);
	close(mfd);
	close(imp);
}

/*
 * A batch: a one-page Read into each of the buffer's pages 0-61, and a
 * Read of three pages into host memory whose PRP list is the buffer's
 * page 62: as many commands as the queue holds.  The data of batch @tag
 * sits at namespace pages @ns_page on.
 */
#define LIST_PAGE 62
#define BATCH (LIST_PAGE + 1)

struct batch {
	unsigned int reads; /* page Reads: into pages 0, stride, 2 * stride... */
	int status[LIST_PAGE]; /* theirs, in that order */
	int listed; /* the listed Read's */
	unsigned int landed, faulted; /* of the page Reads */
	bool clean; /* each page Read either landed or faulted, not both */
};

static void batch_prepare(uint32_t tag, uint32_t ns_page)
{
	unsigned int i;

	for (i = 0; i < LIST_PAGE + 3; i++)
		ns_put(NS_BASE + (ns_page + i) * PAGE, tag, i);
}

/* The listed Read's PRP list: its second and third pages, in the BAR. */
static void prp_list_put(void)
{
	uint64_t list[2] = { host.iova + 5 * PAGE, host.iova + 6 * PAGE };

	if (dbvfio_bar_write(shm, SHM_BAR, bar_offset(LIST_PAGE), list,
			     sizeof(list))) {
		fprintf(stderr, "set-up: cannot write the PRP list\n");
		exit(2);
	}
}

/*
 * Every @stride-th page gets a Read: a stride of 1 covers the buffer, a
 * longer one still each of its ranges, with fewer Reads to fault (QEMU
 * traces a faulting page many times over).
 */
static void batch_run(struct batch *b, uint32_t tag, uint32_t ns_page,
		      unsigned int stride)
{
	unsigned int shift = ctrl->ns.lba_shift, i, n;
	unsigned int faults[LIST_PAGE] = { 0 };
	long trace_at = qemu_trace_end(trace_log);
	struct dbnvme_sqe sqe;
	struct dbnvme_cqe cqe;
	uint16_t first = q.next_cid;

	memset(host.vaddr + 4 * PAGE, 0, 3 * PAGE);
	b->reads = 0;
	for (i = 0; i < LIST_PAGE; i += stride, b->reads++) {
		dbnvme_build_io(&sqe, NVME_CMD_READ, ctrl->ns.nsid, shift,
				(NS_BASE + (ns_page + i) * PAGE) >> shift,
				PAGE >> shift, p2p_iova + i * PAGE);
		dbnvme_submit(&q, &sqe);
	}
	dbnvme_build_io(&sqe, NVME_CMD_READ, ctrl->ns.nsid, shift,
			(NS_BASE + (ns_page + LIST_PAGE) * PAGE) >> shift,
			(3 * PAGE) >> shift, host.iova + 4 * PAGE);
	sqe.prp2 = p2p_iova + LIST_PAGE * PAGE;
	dbnvme_submit(&q, &sqe);

	for (i = 0; i < b->reads; i++)
		b->status[i] = -ETIMEDOUT;
	b->listed = -ETIMEDOUT;
	for (n = 0; n <= b->reads; n++) {
		int ret = dbnvme_poll(&q, &cqe, NVME_COMMAND_TIMEOUT_MS);
		uint16_t j = cqe.cid - first;

		if (ret < 0)
			break;
		if (j < b->reads)
			b->status[j] = ret;
		else
			b->listed = ret;
	}

	qemu_traced_dmar_faults_since(trace_log, &trace_at, nvme_sid, p2p_iova,
				      LIST_PAGE, faults, 1);
	b->landed = b->faulted = 0;
	b->clean = true;
	for (n = 0; n < b->reads; n++) {
		bool landed, faulted;

		i = n * stride;
		landed = file_holds(shm_file, bar_offset(i), tag, i);
		faulted = faults[i] > 0;
		b->landed += landed;
		b->faulted += faulted;
		if (landed == faulted || b->status[n] != 0) {
			b->clean = false;
			printf("# page %u: status %#x, data %s, %sfaulted\n", i,
			       b->status[n], landed ? "landed" : "absent",
			       faulted ? "" : "not ");
		}
	}
}

/* The listed Read's data, from namespace page @ns_page + LIST_PAGE on. */
static bool listed_landed(uint32_t tag)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (!holds(host.vaddr + (4 + i) * PAGE, tag, LIST_PAGE + i))
			return false;
	return true;
}

static bool shm_snapshot_equal(const uint8_t *snap)
{
	uint8_t buf[PAGE];
	unsigned int i;

	for (i = 0; i < LIST_PAGE; i++)
		if (read_file(shm_file, bar_offset(i), buf, PAGE) ||
		    memcmp(buf, snap + i * PAGE, PAGE))
			return false;
	return true;
}

static void shm_snapshot(uint8_t *snap)
{
	unsigned int i;

	for (i = 0; i < LIST_PAGE; i++)
		if (read_file(shm_file, bar_offset(i), snap + i * PAGE, PAGE))
			check(false, "snapshot of %s", shm_file);
}

/* Pages 0, 12, ... 60: two or more in each range. */
#define REFUSED_STRIDE 12

/* After a revoke: nothing lands, every page faults, the list fetch fails. */
static void check_refused(const char *when, uint32_t tag, uint32_t ns_page,
			  const uint8_t *snap)
{
	struct batch b;

	batch_prepare(tag, ns_page);
	batch_run(&b, tag, ns_page, REFUSED_STRIDE);
	check(b.clean && b.landed == 0 && b.faulted == b.reads &&
		      shm_snapshot_equal(snap),
	      "%s: %u of %u page Reads (every range) faulted in the IOMMU,"
	      " none landed, %s unchanged",
	      when, b.faulted, b.reads, shm_file);
	check(b.listed == SC_DATA_TRANSFER_ERROR && !listed_landed(tag),
	      "%s: the Read whose PRP list is in the BAR fails: %s", when,
	      dbnvme_strerror(b.listed));
}

/*
 * A stream of one-page Reads into the buffer's pages 0-61, the queue
 * kept full by a thread of its own, while this one turns memory decode
 * off.  Read k carries namespace page STREAM_NS + k, so the data in a
 * page names the Read that put it there.
 */
/*
 * Enough that the stream outlasts the revoke, which it must overlap:
 * with 400, a fast stream once ended while memory decode was still
 * going off, and no Read was in flight across the revoke.
 */
#define STREAM_READS 1200
/* The revoke starts once this many are submitted. */
#define STREAM_BEFORE 100
#define STREAM_NS 1000
/* Reads submitted once the revoke returned: enough to see them fault. */
#define STREAM_AFTER 8

struct stream {
	/* Set once set_memory_decode() returned: the revoke is done. */
	atomic_bool revoked;
	atomic_uint submitted;
	bool after[STREAM_READS]; /* submitted after the revoke returned */
	bool done_after[STREAM_READS]; /* completed after it */
	int status[STREAM_READS];
};

static void *stream_reads(void *arg)
{
	unsigned int shift = ctrl->ns.lba_shift, k, reaped = 0;
	unsigned int limit = STREAM_READS;
	struct stream *st = arg;
	uint16_t first = q.next_cid;
	struct dbnvme_sqe sqe;
	struct dbnvme_cqe cqe;

	for (k = 0; k < limit || reaped < k;) {
		if (k < limit && k - reaped < BATCH) {
			st->after[k] = atomic_load(&st->revoked);
			if (st->after[k] && limit == STREAM_READS &&
			    k + STREAM_AFTER < limit)
				limit = k + STREAM_AFTER;
			dbnvme_build_io(
				&sqe, NVME_CMD_READ, ctrl->ns.nsid, shift,
				(NS_BASE + (STREAM_NS + k) * PAGE) >> shift,
				PAGE >> shift,
				p2p_iova + (k % LIST_PAGE) * PAGE);
			dbnvme_submit(&q, &sqe);
			atomic_store(&st->submitted, ++k);
			continue;
		}
		if (dbnvme_poll(&q, &cqe, NVME_COMMAND_TIMEOUT_MS) < 0)
			break;
		st->status[(uint16_t)(cqe.cid - first)] =
			NVME_CQE_STATUS(cqe.status);
		st->done_after[(uint16_t)(cqe.cid - first)] =
			atomic_load(&st->revoked);
		reaped++;
	}
	return NULL;
}

/*
 * Each page holds the data of a Read submitted before the revoke, or
 * nothing: no Read submitted after it may have landed.  Some Reads were
 * in flight when it happened, and those after it faulted in the IOMMU.
 */
static void test_decode_off_under_reads(void)
{
	static struct stream st;
	unsigned int faults[LIST_PAGE] = { 0 }, k, p, n_after = 0;
	unsigned int in_flight = 0, from_before = 0, bad = 0;
	unsigned int targeted = 0, faulted = 0;
	long trace_at;
	pthread_t t;

	for (k = 0; k < STREAM_READS; k++)
		ns_put(NS_BASE + (STREAM_NS + k) * PAGE, 0x70, k);
	zero_shm_pages();
	prp_list_put();
	trace_at = qemu_trace_end(trace_log);
	if (pthread_create(&t, NULL, stream_reads, &st)) {
		fprintf(stderr, "set-up: thread\n");
		exit(2);
	}
	while (atomic_load(&st.submitted) < STREAM_BEFORE)
		usleep(100);
	set_memory_decode(shm, 0);
	atomic_store(&st.revoked, true);
	pthread_join(t, NULL);
	qemu_traced_dmar_faults_since(trace_log, &trace_at, nvme_sid, p2p_iova,
				      LIST_PAGE, faults, 1);

	for (k = 0; k < STREAM_READS; k++) {
		n_after += st.after[k];
		in_flight += !st.after[k] && st.done_after[k];
	}
	for (p = 0; p < LIST_PAGE; p++) {
		uint8_t buf[PAGE];
		uint64_t w0;

		if (read_file(shm_file, bar_offset(p), buf, PAGE)) {
			bad++;
			continue;
		}
		memcpy(&w0, buf, sizeof(w0));
		k = (w0 >> 20) & 0xfffff;
		if (w0 >> 40 == 0x70 && k < STREAM_READS &&
		    k % LIST_PAGE == p && k < atomic_load(&st.submitted) &&
		    holds(buf, 0x70, k) && !st.after[k])
			from_before++;
		else if (w0 || memcmp(buf, buf + 8, PAGE - 8))
			bad++;
		for (k = p; k < STREAM_READS; k += LIST_PAGE)
			if (st.after[k]) {
				targeted++;
				faulted += faults[p] > 0;
				break;
			}
	}
	check(n_after > 0 && in_flight > 0,
	      "decode off under a stream of %u Reads: %u submitted after the"
	      " revoke returned, %u in flight across it",
	      atomic_load(&st.submitted), n_after, in_flight);
	check(bad == 0,
	      "%u of %u pages hold a Read submitted before the revoke, the"
	      " others nothing; %u hold anything else",
	      from_before, LIST_PAGE, bad);
	check(targeted > 0 && faulted == targeted,
	      "%u of the %u pages that Reads after the revoke aimed at faulted"
	      " in the IOMMU",
	      faulted, targeted);
}

/*
 * Memory decode off while Reads are queued: each either landed before
 * the revoke or faulted without touching the BAR.  Later commands fail,
 * also once decode is back, until the buffer is unmapped and mapped again.
 */
static void test_revoke_under_dma(int fd)
{
	static uint8_t snap[LIST_PAGE * PAGE];
	struct batch b;
	int ret;

	/* test_refusals() turned decode off: the mapping is revoked. */
	dbvfio_dma_unmap(shm, p2p_iova, BUF_PAGES * PAGE);
	ret = map_at(shm, fd, 0, BUF_PAGES * PAGE, RW, p2p_iova);
	check(ret == 0, "the dma-buf mapped again at %#" PRIx64 " (%s)",
	      p2p_iova, err_name(ret));
	zero_shm_pages();
	prp_list_put();
	batch_prepare(0x50, 300);
	batch_run(&b, 0x50, 300, 1);
	check(b.clean && b.landed == LIST_PAGE && b.listed == 0 &&
		      listed_landed(0x50),
	      "before the revoke: %u page Reads landed, the listed Read %s",
	      b.landed, dbnvme_strerror(b.listed));

	test_decode_off_under_reads();
	shm_snapshot(snap);

	check_refused("decode off", 0x52, 500, snap);
	set_memory_decode(shm, 1);
	check_refused("decode back on, not remapped", 0x53, 600, snap);

	ret = dbvfio_dma_unmap(shm, p2p_iova, BUF_PAGES * PAGE);
	check(ret == 0, "IOMMU_IOAS_UNMAP of the revoked range (%s)",
	      err_name(ret));
	ret = map_at(shm, fd, 0, BUF_PAGES * PAGE, RW, p2p_iova);
	batch_prepare(0x54, 700);
	batch_run(&b, 0x54, 700, 1);
	check(ret == 0 && b.clean && b.landed == LIST_PAGE && b.listed == 0 &&
		      listed_landed(0x54),
	      "mapped again (%s): %u of %u page Reads landed in %s, the"
	      " listed Read %s",
	      err_name(ret), b.landed, LIST_PAGE, shm_file,
	      dbnvme_strerror(b.listed));
}

/*
 * Closing the exporting device revokes for good, and vfio gives the
 * device its memory decode back: a Read that still reached the BAR
 * would land.
 */
static void test_close(void)
{
	static uint8_t snap[LIST_PAGE * PAGE];
	int ret;

	shm_snapshot(snap);
	dbvfio_close(shm);
	shm = NULL;
	check_refused("ivshmem closed", 0x61, 800, snap);
	ret = dbvfio_dma_unmap(ctrl->dev, p2p_iova, BUF_PAGES * PAGE);
	check(ret == 0, "IOMMU_IOAS_UNMAP after close (%s)", err_name(ret));
}

/* The controller's IOAS goes away with another device's BAR mapped. */
static void test_teardown(const char *shm_bdf)
{
	struct dbvfio_pci_addr addr;
	struct dbvfio_dev *dev;
	uint64_t iova = p2p_iova;
	int fd, ret;

	if (dbvfio_pci_addr_parse(shm_bdf, &addr) ||
	    dbvfio_open_iface(&addr, DBVFIO_IFACE_CDEV, &dev)) {
		fprintf(stderr, "cannot reopen %s\n", shm_bdf);
		exit(2);
	}
	shm = dev;
	fd = export_shm();
	ret = map_at(ctrl->dev, fd, 0, BUF_PAGES * PAGE, RW, iova);
	check(ret == 0,
	      "ivshmem reopened with an IOAS of its own; its BAR"
	      " mapped into the controller's (%s)",
	      err_name(ret));
	dbnvme_queue_delete(ctrl, &q);
	dbnvme_dma_free(ctrl, &host);
	dbnvme_ctrl_close(ctrl);
	ctrl = NULL;
	/* The exporter's revoke must not find a stale importer. */
	set_memory_decode(dev, 0);
	set_memory_decode(dev, 1);
	check(true, "controller closed with the mapping live; ivshmem revoked"
		    " and restored with no importer left");
	close(fd);
	dbvfio_close(dev);
	shm = NULL;
}

/* The top 1 GiB of the IOMMU's space: clear of the controller's buffers. */
static uint64_t pick_p2p_iova(void)
{
	struct dbvfio_iova_range r[16];
	unsigned int nr;

	if (dbvfio_iova_ranges(shm, r, 16, &nr) || !nr ||
	    r[nr - 1].last - r[nr - 1].start < (4ull << 30)) {
		fprintf(stderr, "set-up: no IOVA range to use\n");
		exit(2);
	}
	return ((r[nr - 1].last + 1) & ~((1ull << 30) - 1)) - (1ull << 30);
}

int main(int argc, char **argv)
{
	struct dbvfio_pci_addr addr;
	int ret, fd;

	if (argc != 6) {
		fprintf(stderr,
			"usage: %s NVME_BDF IVSHMEM_BDF IVSHMEM_FILE"
			" NVME_FILE QEMU_TRACE\n",
			argv[0]);
		return 2;
	}
	shm_file = argv[3];
	ns_file = argv[4];
	trace_log = argv[5];
	nvme_sid = qemu_source_id(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (dbvfio_pci_addr_parse(argv[2], &addr) ||
	    dbvfio_open_iface(&addr, DBVFIO_IFACE_CDEV, &shm)) {
		fprintf(stderr, "cannot open %s through its cdev\n", argv[2]);
		return 2;
	}
	ret = dbnvme_ctrl_open_beside(argv[1], shm, &ctrl);
	if (ret) {
		fprintf(stderr, "cannot open %s beside %s: %s\n", argv[1],
			argv[2], dbnvme_strerror(ret));
		return 2;
	}
	if (dbnvme_queue_create(ctrl, 1, BATCH + 1, 0, &q) ||
	    dbnvme_dma_alloc(ctrl, 16 * PAGE, &host)) {
		fprintf(stderr, "set-up: I/O queue or host buffer\n");
		return 2;
	}
	p2p_iova = pick_p2p_iova();
	printf("# %s and %s in one IOAS; the dma-buf goes to IOVA %#" PRIx64
	       "\n",
	       argv[1], argv[2], p2p_iova);

	test_memfd();
	fd = export_shm();
	test_p2p_read(fd);
	test_p2p_write();
	test_read_only(fd);
	test_refusals(fd);
	test_access_pin();
	test_revoke_under_dma(fd);
	close(fd);
	test_close();
	test_teardown(argv[2]);
	return check_summary();
}
