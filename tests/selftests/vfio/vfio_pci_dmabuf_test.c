// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF as Linux 6.19 answers it, in the shape of
 * the kernel's tools/testing/selftests/vfio: the kselftest harness, TAP
 * output, one device bound to vfio-pci, named by its BDF as the first
 * argument or in $VFIO_SELFTESTS_BDF.  It uses the vfio uAPI only (type1
 * container), so it runs unchanged on a mainline kernel.
 *
 * The device must have a memory BAR0 of at least two pages and at least
 * one unimplemented BAR, as QEMU's NVMe controller has.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_compat.h"
#include "kselftest_harness.h"

#define PAGE 4096ull

static const char *bdf;

/* The device, opened through its group in a type1 container. */
FIXTURE(vfio_dmabuf)
{
	int container;
	int group;
	int device;
	uint64_t bar0_size;
	int hole; /* an unimplemented BAR */
};

static int open_group(const char *dev)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	return open(path, O_RDWR);
}

FIXTURE_SETUP(vfio_dmabuf)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };
	int i;

	self->container = open("/dev/vfio/vfio", O_RDWR);
	ASSERT_GE(self->container, 0);
	self->group = open_group(bdf);
	ASSERT_GE(self->group, 0) TH_LOG("no vfio group for %s", bdf);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0,
		  ioctl(self->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	self->device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	ASSERT_GE(self->device, 0);

	info.index = VFIO_PCI_BAR0_REGION_INDEX;
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO, &info));
	self->bar0_size = info.size;
	ASSERT_GE(self->bar0_size, 2 * PAGE);

	self->hole = -1;
	for (i = VFIO_PCI_BAR5_REGION_INDEX; i > 0 && self->hole < 0; i--) {
		info.index = i;
		ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO,
				   &info));
		if (!info.size)
			self->hole = i;
	}
}

FIXTURE_TEARDOWN(vfio_dmabuf)
{
	close(self->device);
	close(self->group);
	close(self->container);
}

/*
 * Ask for a dma-buf of @nr ranges of @region.  Returns the fd, or -errno.
 * @argsz_nr is the number of ranges argsz claims room for.
 */
static int export(int device, uint32_t feature_flags, uint32_t region,
		  uint32_t open_flags, uint32_t flags, uint32_t nr,
		  const struct vfio_region_dma_range *ranges, uint32_t argsz_nr)
{
	size_t len = sizeof(struct vfio_device_feature) +
		     sizeof(struct vfio_device_feature_dma_buf) +
		     nr * sizeof(*ranges);
	struct vfio_device_feature *f = calloc(1, len);
	struct vfio_device_feature_dma_buf *get = (void *)f->data;
	int ret;

	f->argsz = sizeof(*f) + sizeof(*get) + argsz_nr * sizeof(*ranges);
	f->flags = feature_flags;
	get->region_index = region;
	get->open_flags = open_flags;
	get->flags = flags;
	get->nr_ranges = nr;
	memcpy(get->dma_ranges, ranges, nr * sizeof(*ranges));
	ret = ioctl(device, VFIO_DEVICE_FEATURE, f);
	free(f);
	return ret < 0 ? -errno : ret;
}

#define GET (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF)

/* One range of @region; the answer as fd or -errno. */
static int export1(int device, uint32_t region, uint64_t offset,
		   uint64_t length, uint32_t open_flags)
{
	struct vfio_region_dma_range r = { offset, length };

	return export(device, GET, region, open_flags, 0, 1, &r, 1);
}

/* Close @fd if it is one; return whether it was. */
static int is_fd(int fd)
{
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

TEST_F(vfio_dmabuf, probe)
{
	ASSERT_EQ(0, export(self->device, VFIO_DEVICE_FEATURE_PROBE | GET, 0, 0,
			    0, 0, NULL, 0));
}

TEST_F(vfio_dmabuf, one_page)
{
	int fd = export1(self->device, 0, PAGE, PAGE, O_CLOEXEC);

	ASSERT_GE(fd, 0);
	ASSERT_EQ((off_t)PAGE, lseek(fd, 0, SEEK_END));
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* No CPU mapping of the buffer. */
	ASSERT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0));
	close(fd);
}

TEST_F(vfio_dmabuf, whole_bar)
{
	int fd = export1(self->device, 0, 0, self->bar0_size, O_CLOEXEC);

	ASSERT_GE(fd, 0);
	ASSERT_EQ((off_t)self->bar0_size, lseek(fd, 0, SEEK_END));
	close(fd);
}

TEST_F(vfio_dmabuf, ranges_concatenate)
{
	struct vfio_region_dma_range r[3] = {
		{ 0, PAGE },
		{ PAGE, PAGE },
		{ 0, PAGE },
	};
	int fd = export(self->device, GET, 0, O_CLOEXEC, 0, 3, r, 3);

	ASSERT_GE(fd, 0);
	ASSERT_EQ((off_t)(3 * PAGE), lseek(fd, 0, SEEK_END));
	close(fd);
}

TEST_F(vfio_dmabuf, open_flags_passed_on)
{
	int fd = export1(self->device, 0, PAGE, PAGE, O_CLOEXEC | O_NONBLOCK);

	ASSERT_GE(fd, 0);
	ASSERT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
}

TEST_F(vfio_dmabuf, outlives_device)
{
	int fd = export1(self->device, 0, PAGE, PAGE, O_CLOEXEC);

	ASSERT_GE(fd, 0);
	close(self->device);
	self->device = -1;
	ASSERT_EQ((off_t)PAGE, lseek(fd, 0, SEEK_END));
	close(fd);
}

TEST_F(vfio_dmabuf, set_is_refused)
{
	struct vfio_region_dma_range r = { PAGE, PAGE };

	ASSERT_EQ(-EINVAL,
		  export(self->device,
			 VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_BUF,
			 0, 0, 0, 1, &r, 1));
}

TEST_F(vfio_dmabuf, header_checks)
{
	struct vfio_region_dma_range r = { PAGE, PAGE };

	ASSERT_EQ(-EINVAL, export(self->device, GET, 0, 0, 1, 1, &r, 1));
	ASSERT_EQ(-EINVAL, export(self->device, GET, 0, 0, 1u << 31, 1, &r, 1));
	ASSERT_EQ(-EINVAL, export(self->device, GET, 0, 0, 0, 0, NULL, 0));
	ASSERT_EQ(-ENODEV,
		  export1(self->device, VFIO_PCI_ROM_REGION_INDEX, 0, PAGE, 0));
	ASSERT_EQ(-ENODEV, export1(self->device, VFIO_PCI_CONFIG_REGION_INDEX,
				   0, PAGE, 0));
	ASSERT_EQ(-ENODEV, export1(self->device, UINT32_MAX, 0, PAGE, 0));
}

TEST_F(vfio_dmabuf, range_checks)
{
	const uint64_t top = ~(PAGE - 1);

	ASSERT_EQ(-EINVAL, export1(self->device, 0, PAGE / 2, PAGE, 0));
	ASSERT_EQ(-EINVAL, export1(self->device, 0, PAGE, PAGE / 2, 0));
	ASSERT_EQ(-EINVAL, export1(self->device, 0, PAGE, 0, 0));
	ASSERT_EQ(-EINVAL, export1(self->device, 0, self->bar0_size, PAGE, 0));
	ASSERT_EQ(-EINVAL, export1(self->device, 0, self->bar0_size - PAGE,
				   2 * PAGE, 0));
	/* The BAR's address plus the offset wraps. */
	ASSERT_EQ(-EOVERFLOW, export1(self->device, 0, top, 2 * PAGE, 0));
	/* A total length with bit 63 set. */
	ASSERT_EQ(-EINVAL, export1(self->device, 0, PAGE, top, 0));
}

TEST_F(vfio_dmabuf, unimplemented_bar)
{
	if (self->hole < 0)
		SKIP(return, "every BAR of %s is implemented", bdf);
	/* ENODEV since Linux 7.1, before any range is read; 6.19: EINVAL. */
	ASSERT_EQ(-ENODEV, export1(self->device, self->hole, 0, PAGE, 0));
	ASSERT_EQ(-ENODEV,
		  export1(self->device, self->hole, PAGE / 2, PAGE, 0));
}

/* With two faults, the check that comes first decides. */
TEST_F(vfio_dmabuf, check_order)
{
	struct vfio_region_dma_range two[2] = {
		{ ~(PAGE - 1), 2 * PAGE },
		{ PAGE, PAGE / 2 },
	};

	ASSERT_EQ(-EINVAL,
		  export(self->device, GET, VFIO_PCI_CONFIG_REGION_INDEX, 0, 1,
			 1, two, 1));
	ASSERT_EQ(-EINVAL,
		  export(self->device, GET, VFIO_PCI_CONFIG_REGION_INDEX, 0, 0,
			 0, NULL, 0));
	ASSERT_EQ(-ENODEV, export1(self->device, VFIO_PCI_CONFIG_REGION_INDEX,
				   PAGE / 2, PAGE, 0));
	ASSERT_EQ(-ENODEV, export1(self->device, VFIO_PCI_CONFIG_REGION_INDEX,
				   0, PAGE, ~0u));
	/* Every range is checked for alignment before any for the BAR. */
	ASSERT_EQ(-EINVAL, export(self->device, GET, 0, 0, 0, 2, two, 2));
}

TEST_F(vfio_dmabuf, many_ranges)
{
	struct vfio_region_dma_range *r = calloc(600, sizeof(*r));
	int i, fd;

	for (i = 0; i < 600; i++)
		r[i] = (struct vfio_region_dma_range){ 0, PAGE };
	fd = export(self->device, GET, 0, O_CLOEXEC, 0, 600, r, 600);
	free(r);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((off_t)(600 * PAGE), lseek(fd, 0, SEEK_END));
	ASSERT_TRUE(is_fd(fd));
}

int main(int argc, char **argv)
{
	bdf = argc > 1 ? argv[1] : getenv("VFIO_SELFTESTS_BDF");
	if (!bdf) {
		fprintf(stderr, "usage: %s BDF (or set VFIO_SELFTESTS_BDF)\n",
			argv[0]);
		return KSFT_FAIL;
	}
	/* The harness parses its own options; it gets none of ours. */
	return test_harness_run(1, argv);
}
