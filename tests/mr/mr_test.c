// SPDX-License-Identifier: GPL-2.0
/*
 * ibv_reg_dmabuf_mr() over a vfio BAR dma-buf, seen from a remote peer.
 * The target (device B) exports ivshmem BAR2 and registers it; the
 * initiator (device A) writes patterns of 1 B to 1 MiB at unaligned
 * offsets, and each is checked three ways: in QEMU's backing file of the
 * BAR (the host's view), through vfio on the target, and by RDMA READ.
 * Then memory windows over the BAR MR, atomics, and the bad inputs.
 *
 *   mr_test DEV_A GID_A DEV_B GID_B IVSHMEM_BDF IVSHMEM_FILE NVME_BDF
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rdma/ib_user_verbs.h>

#include "check.h"
#include "vfio_setup.h"
#include "rc_pair.h"

#define SHM_BAR 2
#define MR_OFF 0x1000ull	/* of the data MR in the dma-buf */
#define MR_LEN (2ull << 20)
#define MR_IOVA 0x7e5500001000ull
#define BUF_LEN (MR_LEN + 8192)
#define GUARD 16
#define GUARD_BYTE 0xa5
#define REMOTE_RW (IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
		   IBV_ACCESS_REMOTE_READ)

static struct rc_side a, b;
static struct dbvfio_dev *shm;
static const char *shm_file;
static uint8_t *src, *back, *seen;
static struct ibv_mr *src_mr, *back_mr;

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	while (n--) {
		x = x * 1103515245u + 12345u;
		*p++ = x >> 16;
	}
}

/* Reconnect after an error completion moved the QPs to ERR. */
static void reconnect(void)
{
	if (rc_reconnect(&a, &b)) {
		fprintf(stderr, "cannot reconnect the QPs\n");
		exit(2);
	}
}

/* Write @size bytes at @off of @mr, check them three ways. */
static void write_and_check(struct ibv_mr *mr, uint64_t mr_off, uint64_t iova,
			    uint64_t off, uint32_t size, uint32_t seed)
{
	uint64_t bar_at = mr_off + off;
	uint8_t guard[GUARD];
	struct ibv_wc wc;
	bool ok, edges = true;
	uint64_t lo = off >= GUARD ? GUARD : off;
	int ret, i;

	memset(guard, GUARD_BYTE, sizeof(guard));
	dbvfio_bar_write(shm, SHM_BAR, bar_at - lo, guard, lo);
	dbvfio_bar_write(shm, SHM_BAR, bar_at + size, guard, GUARD);
	fill(src, size, seed);

	ret = rc_rdma(&a, IBV_WR_RDMA_WRITE, src, src_mr->lkey, size,
		      iova + off, mr->rkey, &wc);
	check(!ret && wc.status == IBV_WC_SUCCESS,
	      "RDMA WRITE %u B at +%llu completes (%s)", size,
	      (unsigned long long)off,
	      ret ? "no completion" : ibv_wc_status_str(wc.status));

	ok = !read_file(shm_file, bar_at - lo, seen, lo + size + GUARD);
	for (i = 0; ok && i < (int)lo; i++)
		edges &= seen[i] == GUARD_BYTE;
	for (i = 0; ok && i < GUARD; i++)
		edges &= seen[lo + size + i] == GUARD_BYTE;
	check(ok && !memcmp(seen + lo, src, size) && edges,
	      "  backing file: the %u bytes at %#llx, neighbours untouched",
	      size, (unsigned long long)bar_at);

	memset(seen, 0, size);
	ret = dbvfio_bar_read(shm, SHM_BAR, bar_at, seen, size);
	check(!ret && !memcmp(seen, src, size), "  vfio BAR read agrees");

	memset(back, 0, size);
	ret = rc_rdma(&a, IBV_WR_RDMA_READ, back, back_mr->lkey, size,
		      iova + off, mr->rkey, &wc);
	check(!ret && wc.status == IBV_WC_SUCCESS && !memcmp(back, src, size),
	      "  RDMA READ brings them back (%s)",
	      ret ? "no completion" : ibv_wc_status_str(wc.status));
}

static void test_data_path(int dmabuf)
{
	static const struct {
		uint32_t size;
		uint32_t off;
	} cases[] = {
		{ 1, 0 }, { 1, 3 }, { 2, 1 }, { 3, 5 },
		{ 4, 0 }, { 4, 2 }, { 4, 4 }, { 5, 7 },
		{ 7, 9 }, { 8, 0 }, { 8, 4 }, { 8, 8 },
		{ 9, 3 }, { 15, 1 }, { 16, 8 }, { 63, 1 },
		{ 64, 0 }, { 100, 13 }, { 1024, 0 }, { 1025, 511 },
		{ 4095, 1 }, { 4096, 0 }, { 4096, 2048 }, { 4097, 4095 },
		{ 65536, 0 }, { 65537, 3 }, { 1 << 20, 0 }, { 1 << 20, 4093 },
	};
	struct ibv_mr *mr;
	unsigned int i;

	mr = ibv_reg_dmabuf_mr(b.pd, MR_OFF, MR_LEN, MR_IOVA, dmabuf,
			       REMOTE_RW);
	check(mr != NULL, "ibv_reg_dmabuf_mr: BAR2 [%#llx, +%#llx) at iova "
	      "%#llx (%s)", MR_OFF, MR_LEN, MR_IOVA,
	      mr ? "ok" : strerror(errno));
	if (!mr)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		write_and_check(mr, MR_OFF, MR_IOVA, cases[i].off,
				cases[i].size, i + 1);
	check(!ibv_dereg_mr(mr), "dereg the BAR MR");

	/* An MR that starts inside a page: iova keeps offset's page offset. */
	mr = ibv_reg_dmabuf_mr(b.pd, 0x2345, 0x100, 0x40002345, dmabuf,
			       REMOTE_RW);
	check(mr != NULL, "ibv_reg_dmabuf_mr at dma-buf offset 0x2345 (%s)",
	      mr ? "ok" : strerror(errno));
	if (mr) {
		write_and_check(mr, 0x2345, 0x40002345, 0, 8, 99);
		write_and_check(mr, 0x2345, 0x40002345, 0xf8, 8, 100);
		ibv_dereg_mr(mr);
	}
}

static void test_windows(int dmabuf)
{
	uint64_t win = MR_IOVA + 0x40, got = 0;
	uint64_t v = 0x1122334455667788ull;
	uint32_t rkey;
	struct ibv_wc wc;
	struct ibv_mw *mw;
	struct ibv_mr *mr;
	uint8_t old[8], now[8];
	int ret;

	mr = ibv_reg_dmabuf_mr(b.pd, MR_OFF, MR_LEN, MR_IOVA, dmabuf,
			       REMOTE_RW | IBV_ACCESS_MW_BIND);
	check(mr != NULL, "ibv_reg_dmabuf_mr with IBV_ACCESS_MW_BIND (%s)",
	      mr ? "ok" : strerror(errno));
	mw = ibv_alloc_mw(b.pd, IBV_MW_TYPE_2);
	if (!mr || !mw) {
		check(false, "a type 2 window (%s)", strerror(errno));
		return;
	}
	rkey = rc_bind_window(&b, mw, mr, win, 8, IBV_ACCESS_REMOTE_WRITE,
			      &wc);
	check(rkey != 0, "bind a type 2 window over 8 bytes of the BAR MR");

	memcpy(src, &v, 8);
	ret = rc_rdma(&a, IBV_WR_RDMA_WRITE, src, src_mr->lkey, 8, win, rkey,
		      &wc);
	read_file(shm_file, MR_OFF + 0x40, &got, 8);
	check(!ret && wc.status == IBV_WC_SUCCESS && got == v,
	      "an 8-byte write through the window lands (%#llx)",
	      (unsigned long long)got);

	read_file(shm_file, MR_OFF + 0x48, old, 8);
	ret = rc_rdma(&a, IBV_WR_RDMA_WRITE, src, src_mr->lkey, 4, win + 8,
		      rkey, &wc);
	check(!ret && wc.status == IBV_WC_REM_ACCESS_ERR,
	      "a write just past the window: %s",
	      ibv_wc_status_str(wc.status));
	read_file(shm_file, MR_OFF + 0x48, now, 8);
	check(!memcmp(old, now, 8), "  and the bytes past it are untouched");
	reconnect();

	ret = rc_rdma(&a, IBV_WR_RDMA_WRITE, src, src_mr->lkey, 8, win + 4,
		      rkey, &wc);
	check(!ret && wc.status == IBV_WC_REM_ACCESS_ERR,
	      "a write straddling the window's end: %s",
	      ibv_wc_status_str(wc.status));
	reconnect();

	/* The window may ask for atomics; device memory still says no. */
	ibv_dealloc_mw(mw);
	mw = ibv_alloc_mw(b.pd, IBV_MW_TYPE_2);
	rkey = mw ? rc_bind_window(&b, mw, mr, win, 8,
				   IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_ATOMIC, &wc) : 0;
	check(rkey != 0, "bind a window with REMOTE_ATOMIC over the BAR MR");
	ret = rc_rdma(&a, IBV_WR_ATOMIC_FETCH_AND_ADD, back, back_mr->lkey, 8,
		      win, rkey, &wc);
	check(!ret && wc.status == IBV_WC_REM_ACCESS_ERR,
	      "a fetch-and-add through it: %s", ibv_wc_status_str(wc.status));
	reconnect();
	read_file(shm_file, MR_OFF + 0x40, &got, 8);
	check(got == v, "  and the BAR word is unchanged (%#llx)",
	      (unsigned long long)got);

	ret = rc_rdma(&a, IBV_WR_ATOMIC_CMP_AND_SWP, back, back_mr->lkey, 8,
		      MR_IOVA, mr->rkey, &wc);
	check(!ret && wc.status == IBV_WC_REM_ACCESS_ERR,
	      "a compare-and-swap on the MR itself: %s",
	      ibv_wc_status_str(wc.status));
	reconnect();
	if (mw)
		ibv_dealloc_mw(mw);
	ibv_dereg_mr(mr);
}

/* A dma-buf of ordinary memory from udmabuf: a static exporter. */
static int make_udmabuf(void)
{
	struct udmabuf_create create = { .size = 65536 };
	int memfd, dev, fd;

	memfd = memfd_create("mr_test", MFD_ALLOW_SEALING);
	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (memfd < 0 || dev < 0 || ftruncate(memfd, 65536) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		perror("udmabuf set-up");
		exit(2);
	}
	create.memfd = memfd;
	fd = ioctl(dev, UDMABUF_CREATE, &create);
	if (fd < 0) {
		perror("UDMABUF_CREATE");
		exit(2);
	}
	close(dev);
	close(memfd);
	return fd;
}

/* Ask the kernel to deregister MR @handle, as a second ibv_dereg_mr would. */
static int raw_dereg(struct ibv_context *ctx, uint32_t handle)
{
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_dereg_mr cmd;
	} req = {
		.hdr = { .command = IB_USER_VERBS_CMD_DEREG_MR,
			 .in_words = sizeof(req) / 4 },
		.cmd = { .mr_handle = handle },
	};

	return write(ctx->cmd_fd, &req, sizeof(req)) == sizeof(req) ? 0 :
									-errno;
}

static int reg_errno(uint64_t off, uint64_t len, uint64_t iova, int fd,
		     int access)
{
	struct ibv_mr *mr = ibv_reg_dmabuf_mr(b.pd, off, len, iova, fd,
					      access);

	if (mr) {
		ibv_dereg_mr(mr);
		return 0;
	}
	return -errno;
}

static void test_bad_inputs(int dmabuf, uint64_t bar_len, const char *nvme)
{
	struct dbvfio_dev *dev;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int udmabuf = make_udmabuf(), ret, gone;
	struct ibv_mr *mr;
	uint32_t handle;

	ret = reg_errno(0, 4096, 0, -1, REMOTE_RW);
	check(ret == -EBADF, "fd -1: %s", err_name(ret));
	ret = reg_errno(0, 4096, 0, null, REMOTE_RW);
	check(ret == -EINVAL, "a fd that is no dma-buf (/dev/null): %s",
	      err_name(ret));
	ret = reg_errno(0, 4096, 0, udmabuf, REMOTE_RW);
	check(ret == -EOPNOTSUPP,
	      "a udmabuf (ordinary memory, static exporter): %s",
	      err_name(ret));
	ret = reg_errno(bar_len, 4096, bar_len, dmabuf, REMOTE_RW);
	check(ret == -EINVAL, "offset at the dma-buf's end: %s",
	      err_name(ret));
	ret = reg_errno(bar_len - 4096, 8192, 0, dmabuf, REMOTE_RW);
	check(ret == -EINVAL, "a range past the dma-buf's end: %s",
	      err_name(ret));
	ret = reg_errno(0, UINT64_MAX - 4095, 0, dmabuf, REMOTE_RW);
	check(ret == -EINVAL, "a length that overflows: %s", err_name(ret));
	ret = reg_errno(0, 0, 0, dmabuf, REMOTE_RW);
	check(ret == -EINVAL, "length 0: %s", err_name(ret));
	ret = reg_errno(0x1000, 4096, 0x10000004, dmabuf, REMOTE_RW);
	check(ret == -EINVAL, "iova with another page offset than offset: %s",
	      err_name(ret));
	ret = reg_errno(0, 4096, 0, dmabuf,
			REMOTE_RW | IBV_ACCESS_REMOTE_ATOMIC);
	check(ret == -EOPNOTSUPP, "REMOTE_ATOMIC on device memory: %s",
	      err_name(ret));
	ret = reg_errno(0, 4096, 0, dmabuf, IBV_ACCESS_REMOTE_WRITE);
	check(ret == -EINVAL, "REMOTE_WRITE without LOCAL_WRITE: %s",
	      err_name(ret));

	mr = ibv_reg_dmabuf_mr(b.pd, 0, 4096, 0, dmabuf, REMOTE_RW);
	check(mr != NULL, "a good registration still works");
	if (mr) {
		handle = mr->handle;
		check(!ibv_dereg_mr(mr), "dereg it");
		ret = raw_dereg(b.ctx, handle);
		check(ret == -ENOENT, "dereg the same MR handle again: %s",
		      err_name(ret));
	}

	dev = open_vfio(nvme);
	gone = export_bar(dev, 0, 0x1000, 4096);
	dbvfio_close(dev);
	ret = reg_errno(0, 4, 0, gone, REMOTE_RW);
	check(ret == -ENODEV,
	      "the vfio device closed between export and registration: %s",
	      err_name(ret));
	close(gone);
	close(udmabuf);
	close(null);
}

int main(int argc, char **argv)
{
	struct dbvfio_bar bar;
	int dmabuf;

	if (argc != 8) {
		fprintf(stderr, "usage: %s DEV_A GID_A DEV_B GID_B IVSHMEM_BDF "
			"IVSHMEM_FILE NVME_BDF\n", argv[0]);
		return 2;
	}
	if (rc_side_open(&a, argv[1], atoi(argv[2])) ||
	    rc_side_open(&b, argv[3], atoi(argv[4])))
		return 2;
	check(!rc_connect(&a, &b), "connect RC QPs %s <-> %s", argv[1],
	      argv[3]);
	shm = open_vfio(argv[5]);
	shm_file = argv[6];
	if (dbvfio_bar_info(shm, SHM_BAR, &bar) || bar.size < MR_OFF + MR_LEN)
		return 2;

	src = aligned_alloc(4096, BUF_LEN);
	back = aligned_alloc(4096, BUF_LEN);
	seen = aligned_alloc(4096, BUF_LEN);
	src_mr = ibv_reg_mr(a.pd, src, BUF_LEN, REMOTE_RW);
	back_mr = ibv_reg_mr(a.pd, back, BUF_LEN,
			     REMOTE_RW | IBV_ACCESS_REMOTE_ATOMIC);
	if (!src || !back || !seen || !src_mr || !back_mr)
		return 2;

	dmabuf = export_bar(shm, SHM_BAR, 0, bar.size);
	test_data_path(dmabuf);
	test_windows(dmabuf);
	test_bad_inputs(dmabuf, bar.size, argv[7]);
	close(dmabuf);
	dbvfio_close(shm);
	return check_summary();
}
