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

/* An importer attachment: returns its control fd, or -errno. */
static int importer_attach(int dmabuf, uint32_t flags)
{
	struct dmabuf_importer_attach a = {
		.fd = dmabuf, .flags = flags, .client = client,
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

static int vmap_rw(int imp, uint64_t off, uint32_t *val, bool write)
{
	struct dmabuf_importer_rw rw = { .offset = off, .write = write };
	int ret;

	if (write)
		rw.value = *val;
	ret = imp_call(imp, DMABUF_IMPORTER_VMAP_RW, &rw);
	if (!ret && !write)
		*val = rw.value;
	return ret;
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
	int rw = vmap_rw(imp, 0, &v, false);

	check(!s.mapped, "%s: the importer holds no mapping", when);
	check(map == -ENODEV, "%s: map fails with ENODEV (%s)", when,
	      err_name(map));
	check(rw == -ENODEV, "%s: vmap fails with ENODEV (%s)", when,
	      err_name(rw));
}

static void config_rw(struct vfio_dmabuf_dev *dev, uint64_t off, void *buf,
		      size_t len, bool write)
{
	int ret = write ? vfio_dmabuf_config_write(dev, off, buf, len) :
			  vfio_dmabuf_config_read(dev, off, buf, len);

	if (ret) {
		fprintf(stderr, "config space: %s\n", strerror(-ret));
		exit(2);
	}
}

/* Offset of the PCI Express capability, or 0. */
static unsigned int find_pcie_cap(struct vfio_dmabuf_dev *dev)
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
	ok = vmap_rw(imp, 0x10, &v, true) == 0 &&
	     pread(hostfd, &got, 4, SHM_OFF + 0x10) == 4 && got == v;
	check(ok, "a 4-byte store through vmap lands in the BAR (%#x)", got);

	v = 0x5eed1234;
	got = 0;
	ok = pwrite(hostfd, &v, 4, SHM_OFF + 0x20) == 4 &&
	     vmap_rw(imp, 0x20, &got, false) == 0 && got == v;
	check(ok, "a load through vmap reads the BAR (%#x)", got);
	close(hostfd);
}

static void test_importer_rules(struct vfio_dmabuf_dev *shm)
{
	int fd = export_bar(shm, 2, SHM_OFF, SHM_LEN);
	int imp, ret, null = open("/dev/null", O_RDONLY);

	ret = importer_attach(fd, DMABUF_IMPORTER_NO_P2P);
	check(ret == -EOPNOTSUPP, "an importer without peer2peer is refused "
	      "(%s)", err_name(ret));
	ret = importer_attach(fd, DMABUF_IMPORTER_STATIC);
	check(ret == -EOPNOTSUPP, "a static (pinning) importer is refused (%s)",
	      err_name(ret));
	imp = importer_attach(fd, 0);
	ret = imp_call(imp, DMABUF_IMPORTER_PIN, NULL);
	check(ret == -EOPNOTSUPP, "pinning a dynamic attachment is refused (%s)",
	      err_name(ret));
	close(imp);
	ret = importer_attach(null, 0);
	check(ret == -EINVAL, "a fd that is no dma-buf is refused (%s)",
	      err_name(ret));
	close(null);
	close(fd);
}

static void test_memory_decode(struct vfio_dmabuf_dev *shm, const char *file)
{
	int fd = export_bar(shm, 2, SHM_OFF, SHM_LEN);
	int imp = importer_attach(fd, 0);
	uint32_t n0;

	check(imp >= 0, "a dynamic peer2peer importer attaches (%s)",
	      err_name(imp));
	check_map(imp, SHM_LEN, "memory on");
	test_cpu_path(imp, file);

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

static void test_resets(struct vfio_dmabuf_dev *nvme)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd = export_bar(nvme, 0, 0x1000, PAGE);
	int imp = importer_attach(fd, 0);
	unsigned int pcie = find_pcie_cap(nvme);
	uint32_t devcap = 0, n0;
	uint16_t devctl;
	int ret;

	ioctl(vfio_dmabuf_device_fd(nvme), VFIO_DEVICE_GET_INFO, &info);
	check(info.flags & VFIO_DEVICE_FLAGS_RESET, "nvme supports reset");
	check_map(imp, PAGE, "before reset");

	n0 = status(imp).move_notifies;
	ret = ioctl(vfio_dmabuf_device_fd(nvme), VFIO_DEVICE_RESET);
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
	struct vfio_dmabuf_dev *nvme = open_vfio(nvme_bdf);
	int fd = export_bar(nvme, 0, 0x1000, PAGE);
	int imp = importer_attach(fd, 0), fd2, imp2;
	uint32_t n0;

	check_map(imp, PAGE, "device open");
	n0 = status(imp).move_notifies;
	vfio_dmabuf_close(nvme);
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
	vfio_dmabuf_close(nvme);
}

int main(int argc, char **argv)
{
	struct vfio_dmabuf_dev *nvme, *shm;
	struct vfio_pci_addr c;

	if (argc != 6 || vfio_pci_addr_parse(argv[3], &c)) {
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
	test_resets(nvme);
	vfio_dmabuf_close(nvme);
	vfio_dmabuf_close(shm);
	test_close(argv[1]);

	return check_summary();
}
