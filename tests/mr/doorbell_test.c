// SPDX-License-Identifier: GPL-2.0
/*
 * A remote peer rings an NVMe doorbell with RDMA WRITE.  The test drives
 * the controller through vfio: it resets it, gives it an admin queue pair
 * in DMA-mapped memory and places an Identify command in the SQ without
 * ringing.  The doorbell page is exported as a dma-buf and registered on
 * the target's rxe device; the initiator then writes the new SQ tail, 4
 * bytes, to the admin SQ tail doorbell.  The controller must fetch and
 * complete the command only after that write, and QEMU's trace of the
 * controller's register accesses must show it as one 4-byte store.
 * Last, the MSI-X calls of libdoorbell-vfio-pci on the controller: good and
 * bad vectors and eventfds, and a routed vector showing up in
 * /proc/interrupts.
 *
 *   doorbell_test DEV_A GID_A DEV_B GID_B NVME_BDF QEMU_TRACE_LOG
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc_interrupts.h"
#include "nvme.h"
#include "qemu_trace.h"
#include "vfio_setup.h"
#include "rc_pair.h"

#define NVME_CAP 0x00
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define CC_ENABLE 0x00460001u	/* IOCQES 16 B, IOSQES 64 B, 4 KiB pages */

#define QDEPTH 64
#define ASQ_IOVA 0x100000ull
#define ACQ_IOVA 0x200000ull
#define DATA_IOVA 0x300000ull
#define DB_MR_IOVA 0x5000000ull

static struct dbvfio_dev *nvme;
static struct rc_side a, b;

static uint64_t reg_read(uint64_t off, size_t len)
{
	uint64_t v = 0;

	if (dbvfio_bar_read(nvme, 0, off, &v, len)) {
		fprintf(stderr, "cannot read NVMe register %#llx\n",
			(unsigned long long)off);
		exit(2);
	}
	return v;
}

static void reg_write(uint64_t off, uint64_t v, size_t len)
{
	if (dbvfio_bar_write(nvme, 0, off, &v, len)) {
		fprintf(stderr, "cannot write NVMe register %#llx\n",
			(unsigned long long)off);
		exit(2);
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Wait for CSTS.RDY to read @ready, within CAP.TO; false on timeout. */
static bool wait_ready(bool ready)
{
	double limit = now() + ((reg_read(NVME_CAP, 8) >> 24) & 0xff) * 0.5;

	do {
		if ((reg_read(NVME_CSTS, 4) & 1) == ready)
			return true;
		usleep(1000);
	} while (now() < limit);
	return false;
}

static void *dma_alloc(uint64_t iova)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || dbvfio_dma_map(nvme, p, iova, 4096)) {
		fprintf(stderr, "cannot map 4 KiB for DMA at %#llx\n",
			(unsigned long long)iova);
		exit(2);
	}
	return p;
}

/* Wait up to @secs for the CQE at @slot to show @phase. */
static bool wait_cqe(volatile struct dbnvme_cqe *cq, int slot, int phase,
		     double secs)
{
	double limit = now() + secs;

	while ((cq[slot].status & 1) != phase)
		if (now() > limit)
			return false;
	return true;
}

static void ring_remotely(struct ibv_mr *mr, uint64_t db_off, uint32_t value)
{
	uint32_t *src = aligned_alloc(4096, 4096);
	struct ibv_mr *src_mr;
	struct ibv_wc wc;
	int ret;

	*src = value;
	src_mr = ibv_reg_mr(a.pd, src, 4096, IBV_ACCESS_LOCAL_WRITE);
	ret = src_mr ? rc_rdma(&a, IBV_WR_RDMA_WRITE, src, src_mr->lkey, 4,
			       DB_MR_IOVA + db_off, mr->rkey, &wc) : ENOMEM;
	check(!ret && wc.status == IBV_WC_SUCCESS,
	      "initiator RDMA-WRITEs %u (4 bytes) to doorbell +%#llx (%s)",
	      value, (unsigned long long)db_off,
	      ret ? strerror(ret) : ibv_wc_status_str(wc.status));
	if (src_mr)
		ibv_dereg_mr(src_mr);
	free(src);
}

/* Is MSI-X vector @vector of @bdf routed, as /proc/interrupts tells? */
static bool msix_listed(const char *bdf, unsigned int vector)
{
	char name[64];

	snprintf(name, sizeof(name), "vfio-msix[%u](%s)", vector, bdf);
	return proc_interrupts(name) >= 0;
}

static void test_msix(const char *bdf)
{
	int efd = eventfd(0, EFD_CLOEXEC), null = open("/dev/null", O_RDWR);
	unsigned int n = 0;
	int ret;

	ret = dbvfio_msix_enable(nvme, 0, &n);
	check(ret == -EINVAL, "MSI-X with 0 vectors: EINVAL (%d)", ret);
	ret = dbvfio_msix_enable(nvme, 100000, &n);
	check(!ret && n > 1 && n < 100000,
	      "MSI-X enabled with all the controller's vectors (%d, %u)", ret,
	      n);
	ret = dbvfio_msix_route(nvme, 100000, efd);
	check(ret == -EINVAL, "route a vector the device lacks: EINVAL (%d)",
	      ret);
	ret = dbvfio_msix_route(nvme, 1, -2);
	check(ret == -EINVAL, "route to fd -2: EINVAL (%d)", ret);
	ret = dbvfio_msix_route(nvme, 1, null);
	check(ret == -EINVAL, "route to /dev/null, no eventfd: EINVAL (%d)",
	      ret);
	ret = dbvfio_msix_route(nvme, 1, 1000);
	check(ret == -EBADF, "route to a closed fd: EBADF (%d)", ret);
	check(!msix_listed(bdf, 1), "the failed routes left vector 1 silent");
	ret = dbvfio_msix_route(nvme, 1, efd);
	check(!ret && msix_listed(bdf, 1),
	      "vector 1 routed to an eventfd is in /proc/interrupts (%d)",
	      ret);
	ret = dbvfio_msix_route(nvme, 1, -1);
	check(!ret && !msix_listed(bdf, 1), "and gone once silenced (%d)",
	      ret);
	ret = dbvfio_msix_route(nvme, 2, efd);
	if (!ret)
		ret = dbvfio_msix_disable(nvme);
	check(!ret && !msix_listed(bdf, 2),
	      "MSI-X disabled with a vector routed: the vector is gone (%d)",
	      ret);
	close(null);
	close(efd);
}

int main(int argc, char **argv)
{
	struct dbnvme_doorbell_layout db;
	volatile struct dbnvme_cqe *cq;
	struct dbnvme_sqe *sq;
	uint8_t *data;
	struct ibv_mr *mr;
	char last[256] = "";
	const char *trace;
	uint64_t sq_db;
	int fd, ret, before, after;

	if (argc != 7) {
		fprintf(stderr, "usage: %s DEV_A GID_A DEV_B GID_B NVME_BDF "
			"QEMU_TRACE_LOG\n", argv[0]);
		return 2;
	}
	trace = argv[6];
	if (rc_side_open(&a, argv[1], atoi(argv[2])) ||
	    rc_side_open(&b, argv[3], atoi(argv[4])) || rc_connect(&a, &b))
		return 2;
	nvme = open_vfio(argv[5]);

	/* An admin queue pair, with the controller reset under it. */
	pci_command(nvme, PCI_CMD_MEMORY | PCI_CMD_MASTER, 0);
	reg_write(NVME_CC, 0, 4);
	check(wait_ready(false), "controller disabled (CSTS.RDY 0)");
	sq = dma_alloc(ASQ_IOVA);
	cq = dma_alloc(ACQ_IOVA);
	data = dma_alloc(DATA_IOVA);
	reg_write(NVME_AQA, (QDEPTH - 1) << 16 | (QDEPTH - 1), 4);
	reg_write(NVME_ASQ, ASQ_IOVA, 8);
	reg_write(NVME_ACQ, ACQ_IOVA, 8);
	reg_write(NVME_CC, CC_ENABLE, 4);
	check(wait_ready(true), "controller enabled with a %d-entry admin "
	      "queue pair (CSTS.RDY 1)", QDEPTH);

	/* Identify Controller in SQ slot 0; nobody rings yet. */
	sq[0] = (struct dbnvme_sqe){
		.opcode = NVME_ADMIN_IDENTIFY, .cid = 0x1db1, .prp1 = DATA_IOVA,
		.cdw10 = NVME_IDENTIFY_CTRL,
	};
	check(!wait_cqe(cq, 0, 1, 0.3) && data[0] == 0 && data[1] == 0,
	      "the command sits unfetched while nobody rings (300 ms)");

	/* The doorbell page, exported and registered on the target. */
	ret = dbnvme_doorbell_layout(nvme, &db);
	check(!ret && db.stride == 4, "doorbells at BAR0 +%#llx, stride %u",
	      (unsigned long long)db.offset, db.stride);
	fd = export_bar(nvme, 0, db.page_offset, db.page_size);
	mr = ibv_reg_dmabuf_mr(b.pd, 0, db.page_size, DB_MR_IOVA, fd,
			       IBV_ACCESS_LOCAL_WRITE |
			       IBV_ACCESS_REMOTE_WRITE);
	check(mr != NULL, "doorbell page registered on %s (%s)", argv[3],
	      mr ? "ok" : strerror(errno));
	if (!mr)
		return check_summary();
	sq_db = db.offset - db.page_offset;

	before = qemu_traced_writes(trace, db.offset, last, sizeof(last));
	ring_remotely(mr, sq_db, 1);
	check(wait_cqe(cq, 0, 1, 5), "the controller completed the command");
	check(cq[0].cid == 0x1db1 && (cq[0].status >> 1) == 0 &&
	      cq[0].sq_head == 1,
	      "  CQE: cid %#x, status %#x, SQ head %u", cq[0].cid,
	      cq[0].status >> 1, cq[0].sq_head);
	check(data[0] == 0x36 && data[1] == 0x1b &&
	      !memcmp(data + 24, "QEMU NVMe Ctrl", 14),
	      "  Identify data arrived: VID %02x%02x, model '%.14s'", data[1],
	      data[0], (const char *)data + 24);
	after = qemu_traced_writes(trace, db.offset, last, sizeof(last));
	check(before >= 0 && after == before + 1 &&
	      strstr(last, "data 0x1 size 4"),
	      "  QEMU saw one 4-byte store at the doorbell: '%s'", last);

	/* A second command, and the CQ head doorbell, rung the same way. */
	sq[1] = (struct dbnvme_sqe){
		.opcode = NVME_ADMIN_IDENTIFY, .cid = 0x1db2, .prp1 = DATA_IOVA,
		.cdw10 = NVME_IDENTIFY_CTRL,
	};
	ring_remotely(mr, sq_db, 2);
	check(wait_cqe(cq, 1, 1, 5) && cq[1].cid == 0x1db2 &&
	      (cq[1].status >> 1) == 0,
	      "a second command, rung the same way, completes");
	before = qemu_traced_writes(trace, db.offset + db.stride, last,
			       sizeof(last));
	ring_remotely(mr, sq_db + db.stride, 2);
	after = qemu_traced_writes(trace, db.offset + db.stride, last,
			      sizeof(last));
	check(before >= 0 && after == before + 1 &&
	      strstr(last, "data 0x2 size 4"),
	      "  the CQ head doorbell took one 4-byte store: '%s'", last);

	check(!ibv_dereg_mr(mr), "dereg the doorbell MR");
	close(fd);
	reg_write(NVME_CC, 0, 4);
	check(wait_ready(false), "controller disabled again");
	dbvfio_dma_unmap(nvme, ASQ_IOVA, 4096);
	dbvfio_dma_unmap(nvme, ACQ_IOVA, 4096);
	dbvfio_dma_unmap(nvme, DATA_IOVA, 4096);
	test_msix(argv[5]);
	dbvfio_close(nvme);
	return check_summary();
}
