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

int dbvfio_dev_read_regions(struct dbvfio_dev *dev)
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

int dbvfio_bar_info(struct dbvfio_dev *dev, unsigned int bar,
		    struct dbvfio_bar *info)
{
	if (!dev || !info || bar >= DBVFIO_NUM_BARS)
		return -EINVAL;
	*info = dev->regions[bar];
	return 0;
}

/* The device-file offset of @len bytes at @offset of BAR @bar. */
static int bar_span(struct dbvfio_dev *dev, unsigned int bar, uint64_t offset,
		    size_t len, uint32_t need, uint64_t *file_offset)
{
	struct dbvfio_bar info;
	int ret;

	ret = dbvfio_bar_info(dev, bar, &info);
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
int dbvfio_bar_read(struct dbvfio_dev *dev, unsigned int bar, uint64_t offset,
		    void *buf, size_t len)
{
	uint64_t at;
	int ret;

	ret = bar_span(dev, bar, offset, len, VFIO_REGION_INFO_FLAG_READ, &at);
	return ret ? ret : dbvfio_dev_pread(dev, at, buf, len);
}

int dbvfio_bar_write(struct dbvfio_dev *dev, unsigned int bar, uint64_t offset,
		     const void *buf, size_t len)
{
	uint64_t at;
	int ret;

	ret = bar_span(dev, bar, offset, len, VFIO_REGION_INFO_FLAG_WRITE, &at);
	return ret ? ret : dbvfio_dev_pwrite(dev, at, buf, len);
}

static int config_span(struct dbvfio_dev *dev, uint64_t offset, size_t len,
		       uint64_t *file_offset)
{
	const struct dbvfio_bar *cfg;

	if (!dev || !len)
		return -EINVAL;
	cfg = &dev->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	if (offset >= cfg->size || len > cfg->size - offset)
		return -EINVAL;
	*file_offset = cfg->offset + offset;
	return 0;
}

int dbvfio_config_read(struct dbvfio_dev *dev, uint64_t offset, void *buf,
		       size_t len)
{
	uint64_t at;
	int ret = config_span(dev, offset, len, &at);

	return ret ? ret : dbvfio_dev_pread(dev, at, buf, len);
}

int dbvfio_config_write(struct dbvfio_dev *dev, uint64_t offset,
			const void *buf, size_t len)
{
	uint64_t at;
	int ret = config_span(dev, offset, len, &at);

	return ret ? ret : dbvfio_dev_pwrite(dev, at, buf, len);
}

int dbvfio_dev_pread(struct dbvfio_dev *dev, uint64_t offset, void *buf,
		     size_t len)
{
	ssize_t done = pread(dev->device_fd, buf, len, offset);

	if (done < 0)
		return -errno;
	return done == (ssize_t)len ? 0 : -EIO;
}

int dbvfio_dev_pwrite(struct dbvfio_dev *dev, uint64_t offset, const void *buf,
		      size_t len)
{
	ssize_t done = pwrite(dev->device_fd, buf, len, offset);

	if (done < 0)
		return -errno;
	return done == (ssize_t)len ? 0 : -EIO;
}
