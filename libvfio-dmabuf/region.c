// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regions of a vfio-pci device: BAR geometry, BAR and config space access.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "private.h"

int vfio_dmabuf_bar_info(struct vfio_dmabuf_dev *dev, unsigned int bar,
			 struct vfio_dmabuf_bar *info)
{
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = bar,
	};

	if (!dev || !info || bar >= VFIO_DMABUF_NUM_BARS)
		return -EINVAL;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		return -errno;
	info->size = region.size;
	info->offset = region.offset;
	info->flags = region.flags;
	return 0;
}

/* The device-file offset of @len bytes at @offset of BAR @bar. */
static int bar_span(struct vfio_dmabuf_dev *dev, unsigned int bar,
		    uint64_t offset, size_t len, uint32_t need,
		    uint64_t *file_offset)
{
	struct vfio_dmabuf_bar info;
	int ret;

	ret = vfio_dmabuf_bar_info(dev, bar, &info);
	if (ret)
		return ret;
	if ((info.flags & need) != need || !len || offset >= info.size ||
	    len > info.size - offset)
		return -EINVAL;
	*file_offset = info.offset + offset;
	return 0;
}

/*
 * vfio-pci splits a pread or pwrite into naturally aligned accesses of at
 * most 8 bytes, so one aligned 4- or 8-byte access is one MMIO access.
 */
int vfio_dmabuf_bar_read(struct vfio_dmabuf_dev *dev, unsigned int bar,
			 uint64_t offset, void *buf, size_t len)
{
	uint64_t at;
	int ret;

	ret = bar_span(dev, bar, offset, len, VFIO_REGION_INFO_FLAG_READ, &at);
	return ret ? ret : vfio_dmabuf_dev_pread(dev, at, buf, len);
}

int vfio_dmabuf_bar_write(struct vfio_dmabuf_dev *dev, unsigned int bar,
			  uint64_t offset, const void *buf, size_t len)
{
	uint64_t at;
	int ret;

	ret = bar_span(dev, bar, offset, len, VFIO_REGION_INFO_FLAG_WRITE, &at);
	return ret ? ret : vfio_dmabuf_dev_pwrite(dev, at, buf, len);
}

static int config_span(struct vfio_dmabuf_dev *dev, uint64_t offset,
		       size_t len, uint64_t *file_offset)
{
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};

	if (!dev || !len)
		return -EINVAL;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		return -errno;
	if (offset >= region.size || len > region.size - offset)
		return -EINVAL;
	*file_offset = region.offset + offset;
	return 0;
}

int vfio_dmabuf_config_read(struct vfio_dmabuf_dev *dev, uint64_t offset,
			    void *buf, size_t len)
{
	uint64_t at;
	int ret = config_span(dev, offset, len, &at);

	return ret ? ret : vfio_dmabuf_dev_pread(dev, at, buf, len);
}

int vfio_dmabuf_config_write(struct vfio_dmabuf_dev *dev, uint64_t offset,
			     const void *buf, size_t len)
{
	uint64_t at;
	int ret = config_span(dev, offset, len, &at);

	return ret ? ret : vfio_dmabuf_dev_pwrite(dev, at, buf, len);
}

int vfio_dmabuf_dev_pread(struct vfio_dmabuf_dev *dev, uint64_t offset,
			  void *buf, size_t len)
{
	ssize_t done = pread(dev->device_fd, buf, len, offset);

	if (done < 0)
		return -errno;
	return done == (ssize_t)len ? 0 : -EIO;
}

int vfio_dmabuf_dev_pwrite(struct vfio_dmabuf_dev *dev, uint64_t offset,
			   const void *buf, size_t len)
{
	ssize_t done = pwrite(dev->device_fd, buf, len, offset);

	if (done < 0)
		return -errno;
	return done == (ssize_t)len ? 0 : -EIO;
}
