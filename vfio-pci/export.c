// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Exporting BAR ranges as dma-buf fds (VFIO_DEVICE_FEATURE_DMA_BUF).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "private.h"
#include "uapi_compat.h"

int dbvfio_export(struct dbvfio_dev *dev, unsigned int bar,
		  const struct dbvfio_range *ranges, unsigned int nr_ranges,
		  int open_flags)
{
	struct vfio_device_feature_dma_buf *get;
	struct vfio_device_feature *feature;
	size_t argsz;
	unsigned int i;
	int fd;

	if (!dev || !ranges || !nr_ranges)
		return -EINVAL;

	/*
	 * The kernel checks everything else (alignment, bounds, MSI-X); its
	 * errno is the answer, so callers see the same on every kernel.
	 */
	argsz = sizeof(*feature) + sizeof(*get) +
		(size_t)nr_ranges * sizeof(get->dma_ranges[0]);
	feature = calloc(1, argsz);
	if (!feature)
		return -ENOMEM;
	feature->argsz = argsz;
	feature->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	get = (struct vfio_device_feature_dma_buf *)feature->data;
	get->region_index = bar;
	get->open_flags = open_flags;
	get->nr_ranges = nr_ranges;
	for (i = 0; i < nr_ranges; i++) {
		get->dma_ranges[i].offset = ranges[i].offset;
		get->dma_ranges[i].length = ranges[i].length;
	}

	fd = ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, feature);
	if (fd < 0)
		fd = -errno;
	free(feature);
	return fd;
}

int dbvfio_export_supported(struct dbvfio_dev *dev)
{
	struct vfio_device_feature feature = {
		.argsz = sizeof(feature),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_DMA_BUF,
	};

	if (!dev)
		return -EINVAL;
	return ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, &feature) ? -errno :
								      0;
}
