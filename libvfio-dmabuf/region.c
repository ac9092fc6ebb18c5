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

int vfio_dmabuf_dev_read_regions(struct vfio_dmabuf_dev *dev)
{
	struct vfio_region_info region = { .argsz = sizeof(region) };
	unsigned int i;

	for (i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		region.index = i;
		if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &region))
			return -errno;
		dev->regions[i].size = region.size;
		dev->regions[i].offset = region.offset;
		dev->regions[i].flags = region.flags;
	}
	return 0;
}

int vfio_dmabuf_bar_info(struct vfio_dmabuf_dev *dev, unsigned int bar,
			 struct vfio_dmabuf_bar *info)
{
	if (!dev || !info || bar >= VFIO_DMABUF_NUM_BARS)
		return -EINVAL;
	*info = dev->regions[bar];
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

static int config_span(struct vfio_dmabuf_dev *dev, uint64_t offset, size_t len,
		       uint64_t *file_offset)
{
	const struct vfio_dmabuf_bar *cfg;

	if (!dev || !len)
		return -EINVAL;
	cfg = &dev->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	if (offset >= cfg->size || len > cfg->size - offset)
		return -EINVAL;
	*file_offset = cfg->offset + offset;
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
