// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DMA mappings for the device: process memory made reachable at an IOVA,
 * through the type1 container or the iommufd IOAS the device sits in, and
 * files (memfds, BAR dma-bufs) mapped into the IOAS.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "private.h"
#include "uapi_compat.h"

/* Mappings are made of whole CPU pages: the IOMMU's smallest granule. */
static bool dma_args_ok(const struct dbvfio_dev *dev, uint64_t a, uint64_t iova,
			uint64_t size)
{
	uint64_t mask = (uint64_t)sysconf(_SC_PAGESIZE) - 1;

	return dev && size && !((a | iova | size) & mask);
}

int dbvfio_dma_map(struct dbvfio_dev *dev, void *vaddr, uint64_t iova,
		   uint64_t size)
{
	int ret;

	if (!dma_args_ok(dev, (uintptr_t)vaddr, iova, size))
		return -EINVAL;
	if (dev->group_fd >= 0) {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ |
				 VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)vaddr,
			.iova = iova,
			.size = size,
		};

		ret = ioctl(dev->container_fd, VFIO_IOMMU_MAP_DMA, &map);
	} else {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = dev->ioas_id,
			.user_va = (uintptr_t)vaddr,
			.length = size,
			.iova = iova,
		};

		ret = ioctl(dev->container_fd, IOMMU_IOAS_MAP, &map);
	}
	return ret ? -errno : 0;
}

int dbvfio_map_file(struct dbvfio_dev *dev, int fd, uint64_t start,
		    uint64_t length, unsigned int flags, uint64_t *iova)
{
	struct iommu_ioas_map_file map = {
		.size = sizeof(map),
		.fd = fd,
		.start = start,
		.length = length,
	};

	if (!dev || !iova || (flags & ~DBVFIO_MAP_KNOWN))
		return -EINVAL;
	if (dev->group_fd >= 0)
		return -EOPNOTSUPP; /* a type1 container maps VAs only */
	map.ioas_id = dev->ioas_id;
	if (flags & DBVFIO_MAP_READ)
		map.flags |= IOMMU_IOAS_MAP_READABLE;
	if (flags & DBVFIO_MAP_WRITE)
		map.flags |= IOMMU_IOAS_MAP_WRITEABLE;
	if (flags & DBVFIO_MAP_FIXED) {
		map.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
		map.iova = *iova;
	}
	if (ioctl(dev->container_fd, IOMMU_IOAS_MAP_FILE, &map))
		return -errno;
	*iova = map.iova;
	return 0;
}

int dbvfio_dma_unmap(struct dbvfio_dev *dev, uint64_t iova, uint64_t size)
{
	int ret;

	if (!dma_args_ok(dev, 0, iova, size))
		return -EINVAL;
	if (dev->group_fd >= 0) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = iova,
			.size = size,
		};

		ret = ioctl(dev->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
	} else {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = dev->ioas_id,
			.iova = iova,
			.length = size,
		};

		ret = ioctl(dev->container_fd, IOMMU_IOAS_UNMAP, &unmap);
	}
	return ret ? -errno : 0;
}
