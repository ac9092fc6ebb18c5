// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * BAR regions of a vfio-pci device: their geometry and reads through them.
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

int vfio_dmabuf_bar_read(struct vfio_dmabuf_dev *dev, unsigned int bar,
			 uint64_t offset, void *buf, size_t len)
{
	struct vfio_dmabuf_bar info;
	int ret;

	ret = vfio_dmabuf_bar_info(dev, bar, &info);
	if (ret)
		return ret;
	if (!(info.flags & VFIO_REGION_INFO_FLAG_READ) || !len ||
	    offset >= info.size || len > info.size - offset)
		return -EINVAL;

	/*
	 * vfio-pci splits a pread into naturally aligned accesses of at
	 * most 8 bytes, so one aligned 4- or 8-byte read is one MMIO load.
	 */
	return vfio_dmabuf_dev_pread(dev, info.offset + offset, buf, len);
}

int vfio_dmabuf_dev_pread(struct vfio_dmabuf_dev *dev, uint64_t offset,
			  void *buf, size_t len)
{
	ssize_t done = pread(dev->device_fd, buf, len, offset);

	if (done < 0)
		return -errno;
	return done == (ssize_t)len ? 0 : -EIO;
}
