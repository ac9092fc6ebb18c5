// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation of exported BAR dma-bufs, as a real importer sees it.  The
 * importer is tests/kmod/dmabuf_importer.ko: a dynamic attachment for a
 * PCI device that drops its mapping on move_notify.
 *
 *   revoke_test NVME_BDF IVSHMEM_BDF CLIENT_BDF IVSHMEM_FILE EXPECT_P2P
 *
 * CLIENT_BDF is the PCI device the importer maps for; EXPECT_P2P is 1
 * when the platform routes peer-to-peer traffic between it and the
 * exporters (an AMD CPU model in QEMU), 0 when the mapper must refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "dmabuf_importer.h"
#include "uapi_compat.h"
#include "check.h"
#include "vfio_setup.h"

#define PAGE 4096ull
#define SHM_OFF (1ull << 20)
#define SHM_LEN (1ull << 20)

static uint32_t client;
static bool expect_p2p;

/* A slow importer unmaps this long after move_notify. */
#define SLOW_MS 400

/* An importer attachment: returns its control fd, or -errno. */
static int importer_attach(int dmabuf, uint32_t flags)
{
	struct dmabuf_importer_attach a = {
		.fd = dmabuf, .flags = flags, .client = client,
		.delay_ms = SLOW_MS,
	};
	int imp = open("/dev/dmabuf_importer", O_RDWR | O_CLOEXEC);

	if (imp < 0) {
		perror("/dev/dmabuf_importer");
		exit(2);
	}
	if (ioctl(imp, DMABUF_IMPORTER_ATTACH, &a)) {
		int err = -errno;

		close(imp);
		return err;
	}
	return imp;
}

static int imp_call(int imp, unsigned long cmd, void *arg)
{
	return ioctl(imp, cmd, arg) ? -errno : 0;
}

static struct dmabuf_importer_status status(int imp)
{
	struct dmabuf_importer_status s;

	if (imp_call(imp, DMABUF_IMPORTER_STATUS, &s)) {
		perror("status");
		exit(2);
	}
	return s;
}

/* A 4-byte CPU access: through dma_buf_vmap(), or the exporter's call. */
static int rw_via(int imp, unsigned long how, uint64_t off, uint32_t *val,
		  bool write)
{
	struct dmabuf_importer_rw rw = { .offset = off, .write = write };
	int ret;

	if (write)
		rw.value = *val;
	ret = imp_call(imp, how, &rw);
	if (!ret && !write)
		*val = rw.value;
	return ret;
}

static int cpu_rw(int imp, uint64_t off, uint32_t *val, bool write)
{
	return rw_via(imp, DMABUF_IMPORTER_CPU_RW, off, val, write);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A line in the kernel log, to show the order of events around it. */
static void mark(int imp, const char *line)
{
	char buf[64] = { 0 };

	snprintf(buf, sizeof(buf), "%s", line);
	if (imp_call(imp, DMABUF_IMPORTER_MARK, buf))
		check(false, "mark the kernel log");
}

/* Map: refused by topology, or DMA addresses only, covering everything. */
static void check_map(int imp, uint64_t len, const char *when)
{
	int ret = imp_call(imp, DMABUF_IMPORTER_MAP, NULL);
	struct dmabuf_importer_status s = status(imp);

	if (!expect_p2p) {
		check(ret == -EOPNOTSUPP,
		      "%s: map refused, no P2P route on this host bridge (%s)",
		      when, err_name(ret));
		return;
	}
	check(ret == 0 && s.mapped && s.dma_len == len && s.page_links == 0,
	      "%s: mapped %u segment(s), %llu bytes at %#llx, %u page links "
	      "(%s)", when, s.nents, (unsigned long long)s.dma_len,
	      (unsigned long long)s.dma_addr, s.page_links, err_name(ret));
}

/* While revoked: no mapping is held, none can be made, no CPU access. */
static void check_revoked(int imp, const char *when)
{
	struct dmabuf_importer_status s = status(imp);
	uint32_t v;
	int map = imp_call(imp, DMABUF_IMPORTER_MAP, NULL);
	int rw = cpu_rw(imp, 0, &v, false);

	check(!s.mapped, "%s: the importer holds no mapping", when);
	check(map == -ENODEV, "%s: map fails with ENODEV (%s)", when,
	      err_name(map));
	check(rw == -ENODEV, "%s: the CPU mapping is refused with ENODEV (%s)",
	      when, err_name(rw));
}

static void config_rw(struct dbvfio_dev *dev, uint64_t off, void *buf,
		      size_t len, bool write)
{
	int ret = write ? dbvfio_config_write(dev, off, buf, len) :
			  dbvfio_config_read(dev, off, buf, len);

	if (ret) {
		fprintf(stderr, "config space: %s\n", strerror(-ret));
		exit(2);
	}
}

/* Offset of the PCI Express capability, or 0. */
static unsigned int find_pcie_cap(struct dbvfio_dev *dev)
{
	uint8_t pos, cap[2];

	config_rw(dev, 0x34, &pos, 1, false);
	while (pos) {
		config_rw(dev, pos, cap, 2, false);
		if (cap[0] == 0x10)
			return pos;
		pos = cap[1];
	}
	return 0;
}

static void test_cpu_path(int imp, const char *file)
{
	uint32_t v = 0xdb0c0de1, got = 0;
	int hostfd = open(file, O_RDWR);
	bool ok;

	check(hostfd >= 0, "host view of the BAR: %s", file);
	ok = cpu_rw(imp, 0x10, &v, true) == 0 &&
	     pread(hostfd, &got, 4, SHM_OFF + 0x10) == 4 && got == v;
	check(ok, "a 4-byte store through the exporter's CPU mapping lands "
	      "in the BAR (%#x)", got);

	v = 0x5eed1234;
	got = 0;
	ok = pwrite(hostfd, &v, 4, SHM_OFF + 0x20) == 4 &&
	     cpu_rw(imp, 0x20, &got, false) == 0 && got == v;
	check(ok, "a load through it reads the BAR (%#x)", got);
	close(hostfd);
}

static void test_importer_rules(struct dbvfio_dev *shm)
{
	int fd = export_bar(shm, 2, SHM_OFF, SHM_LEN);
	int imp, ret, null = open("/dev/null", O_RDONLY);
	uint32_t v;

	ret = importer_attach(fd, DMABUF_IMPORTER_NO_P2P);
	check(ret == -EOPNOTSUPP, "an importer without peer2peer is refused "
	      "(%s)", err_name(ret));
	ret = importer_attach(fd, DMABUF_IMPORTER_STATIC);
	check(ret == -EOPNOTSUPP,
	      "a static importer, which could only pin, is refused (%s)",
	      err_name(ret));
	imp = importer_attach(fd, 0);
	ret = rw_via(imp, DMABUF_IMPORTER_VMAP_RW, 0, &v, false);
	check(ret == -EINVAL, "dma_buf_vmap() of the buffer fails (%s)",
	      err_name(ret));
	close(imp);
	ret = importer_attach(null, 0);
	check(ret == -EINVAL, "a fd that is no dma-buf is refused (%s)",
	      err_name(ret));
	close(null);
	close(fd);
}

static void test_memory_decode(struct dbvfio_dev *shm, const char *file)
{
	int fd = export_bar(shm, 2, SHM_OFF, SHM_LEN);
	int imp = importer_attach(fd, 0);
	uint32_t n0;

	check(imp >= 0, "a dynamic peer2peer importer attaches (%s)",
	      err_name(imp));
	check_map(imp, SHM_LEN, "memory on");
	test_cpu_path(imp, file);
	if (!expect_p2p) {
		int i, refused = 0;

		/* The log must not grow with them: see dmabuf-revoke.sh. */
		for (i = 0; i < 1000; i++)
			refused += imp_call(imp, DMABUF_IMPORTER_MAP, NULL) ==
				   -EOPNOTSUPP;
		check(refused == 1000, "1000 more maps, all refused (%d)",
		      refused);
	}

	n0 = status(imp).move_notifies;
	set_memory_decode(shm, false);
	check(status(imp).move_notifies == n0 + 1,
	      "memory decode off: one move_notify");
	check_revoked(imp, "memory decode off");

	set_memory_decode(shm, true);
	check(status(imp).move_notifies == n0 + 2,
	      "memory decode on again: one more move_notify");
	check_map(imp, SHM_LEN, "memory on again");
	test_cpu_path(imp, file);
	close(imp);
	close(fd);
}

static void test_resets(struct dbvfio_dev *nvme)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd = export_bar(nvme, 0, 0x1000, PAGE);
	int imp = importer_attach(fd, 0);
	unsigned int pcie = find_pcie_cap(nvme);
	uint32_t devcap = 0, n0;
	uint16_t devctl;
	int ret;

	ioctl(dbvfio_device_fd(nvme), VFIO_DEVICE_GET_INFO, &info);
	check(info.flags & VFIO_DEVICE_FLAGS_RESET, "nvme supports reset");
	check_map(imp, PAGE, "before reset");

	n0 = status(imp).move_notifies;
	ret = ioctl(dbvfio_device_fd(nvme), VFIO_DEVICE_RESET);
	check(ret == 0 && status(imp).move_notifies == n0 + 2,
	      "VFIO_DEVICE_RESET: revoked, then restored (%u events)",
	      status(imp).move_notifies - n0);
	check(!status(imp).mapped, "reset dropped the old mapping");
	check_map(imp, PAGE, "after reset");

	if (pcie)
		config_rw(nvme, pcie + 4, &devcap, 4, false);
	check(devcap & (1u << 28), "nvme advertises FLR (DEVCAP %#x)", devcap);
	n0 = status(imp).move_notifies;
	config_rw(nvme, pcie + 8, &devctl, 2, false);
	devctl |= 1u << 15;	/* Initiate Function Level Reset */
	config_rw(nvme, pcie + 8, &devctl, 2, true);
	check(status(imp).move_notifies == n0 + 2,
	      "FLR through config space: revoked, then restored (%u events)",
	      status(imp).move_notifies - n0);
	check_map(imp, PAGE, "after FLR");
	close(imp);
	close(fd);
}

static void test_close(const char *nvme_bdf)
{
	struct dbvfio_dev *nvme = open_vfio(nvme_bdf);
	int fd = export_bar(nvme, 0, 0x1000, PAGE);
	int imp = importer_attach(fd, 0), fd2, imp2;
	uint32_t n0;

	check_map(imp, PAGE, "device open");
	n0 = status(imp).move_notifies;
	dbvfio_close(nvme);
	check(status(imp).move_notifies == n0 + 1,
	      "device closed: one move_notify");
	check_revoked(imp, "device closed");

	nvme = open_vfio(nvme_bdf);
	check(status(imp).move_notifies == n0 + 1 &&
	      imp_call(imp, DMABUF_IMPORTER_MAP, NULL) == -ENODEV,
	      "re-opening the device does not revive the old dma-buf");
	fd2 = export_bar(nvme, 0, 0x1000, PAGE);
	imp2 = importer_attach(fd2, 0);
	check_map(imp2, PAGE, "re-exported");
	close(imp);
	close(fd);
	close(imp2);
	close(fd2);
	dbvfio_close(nvme);
}

/*
 * An importer that pins on its own account cannot give its mapping up
 * when a revoke tells it to (the RDMA core pins for NICs that cannot
 * fault), so the BAR would stay reachable: refused.  Where the core never
 * pins (DMABUF_MOVE_NOTIFY) the pin itself is; where it pins around each
 * map (Debian's kernels), the pin goes through and the map is refused.
 * The core's own pin is no such pin: every other map here goes through it
 * on those kernels.
 */
static void test_pin(struct dbvfio_dev *shm)
{
	int fd = export_bar(shm, 2, SHM_OFF, SHM_LEN);
	int imp = importer_attach(fd, 0);
	int pin = imp_call(imp, DMABUF_IMPORTER_PIN, NULL);
	int map = pin ? 0 : imp_call(imp, DMABUF_IMPORTER_MAP, NULL);

	if (pin)
		check(pin == -EOPNOTSUPP,
		      "an importer's own pin is refused (%s)", err_name(pin));
	else
		check(map == -EOPNOTSUPP,
		      "a pinned importer's map is refused (%s)%s",
		      err_name(map),
		      expect_p2p ? "" : ", as any map on this host bridge");
	check(!status(imp).mapped, "the pinning importer holds no mapping");
	close(imp);

	imp = importer_attach(fd, 0);
	check_map(imp, SHM_LEN, "the same importer, without a pin of its own");
	close(imp);
	close(fd);
}

/*
 * An importer that unmaps SLOW_MS after move_notify: the revoke waits for
 * it, so its mapping is gone before the reset or the close goes on.
 */
static void test_slow_importer(const char *nvme_bdf)
{
	struct dbvfio_dev *nvme = open_vfio(nvme_bdf);
	int fd = export_bar(nvme, 0, 0x1000, PAGE);
	int imp = importer_attach(fd, DMABUF_IMPORTER_SLOW_UNMAP);
	double t0, ms;
	int ret;

	if (!expect_p2p) {
		check(imp_call(imp, DMABUF_IMPORTER_MAP, NULL) == -EOPNOTSUPP,
		      "slow importer: no mapping to wait for on this host "
		      "bridge, skipped");
		goto out;
	}
	check_map(imp, PAGE, "slow importer");
	mark(imp, "VFIO_DEVICE_RESET with a slow importer");
	t0 = now_ms();
	ret = ioctl(dbvfio_device_fd(nvme), VFIO_DEVICE_RESET);
	ms = now_ms() - t0;
	mark(imp, "VFIO_DEVICE_RESET returned");
	check(ret == 0 && !status(imp).mapped && ms >= SLOW_MS,
	      "reset waited %.0f ms for the importer to unmap (it takes %u)",
	      ms, SLOW_MS);

	check_map(imp, PAGE, "slow importer after reset");
	mark(imp, "closing the device with a slow importer");
	t0 = now_ms();
	dbvfio_close(nvme);
	nvme = NULL;
	ms = now_ms() - t0;
	mark(imp, "device closed");
	check(!status(imp).mapped && ms >= SLOW_MS,
	      "close waited %.0f ms for the importer to unmap", ms);
out:
	close(imp);
	close(fd);
	if (nvme)
		dbvfio_close(nvme);
}

static int low_power(struct dbvfio_dev *dev, bool enter)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_SET |
			 (enter ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY :
				  VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
	};

	if (ioctl(dbvfio_device_fd(dev), VFIO_DEVICE_FEATURE, &f))
		return -errno;
	return 0;
}

/* A buffer made while the device is in runtime low power starts revoked. */
static void test_low_power(struct dbvfio_dev *shm)
{
	int ret = low_power(shm, true), fd, imp;

	check(ret == 0, "runtime low power entry (%s)", err_name(ret));
	fd = export_bar(shm, 2, SHM_OFF, SHM_LEN);
	imp = importer_attach(fd, 0);
	check(imp == -ENODEV,
	      "a buffer exported in low power starts revoked: attach gets "
	      "ENODEV (%s)", err_name(imp < 0 ? imp : 0));
	if (imp >= 0)
		close(imp);
	ret = low_power(shm, false);
	check(ret == 0, "runtime low power exit (%s)", err_name(ret));
	imp = importer_attach(fd, 0);
	check(imp >= 0, "after exit the buffer is live: attach (%s)",
	      err_name(imp < 0 ? imp : 0));
	if (imp >= 0) {
		check_map(imp, SHM_LEN, "after low power");
		close(imp);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct dbvfio_dev *nvme, *shm;
	struct dbvfio_pci_addr c;

	if (argc != 6 || dbvfio_pci_addr_parse(argv[3], &c)) {
		fprintf(stderr, "usage: %s NVME_BDF IVSHMEM_BDF CLIENT_BDF "
			"IVSHMEM_FILE EXPECT_P2P\n", argv[0]);
		return 2;
	}
	client = c.domain << 16 | c.bus << 8 | c.device << 3 | c.function;
	expect_p2p = atoi(argv[5]);

	nvme = open_vfio(argv[1]);
	shm = open_vfio(argv[2]);
	test_importer_rules(shm);
	test_memory_decode(shm, argv[4]);
	test_pin(shm);
	test_low_power(shm);
	test_resets(nvme);
	dbvfio_close(nvme);
	dbvfio_close(shm);
	test_close(argv[1]);
	test_slow_importer(argv[1]);

	return check_summary();
}
