// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOVAs a device may be given: the valid ranges of its type1
 * container (the IOVA range capability) or of its iommufd IOAS.  Both
 * leave out the reserved regions, such as the MSI window, that a mapping
 * must not cover.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <linux/vfio.h>

#include "private.h"
#include "uapi_compat.h"

/* Copy @n ranges given as inclusive (start, last) pairs into @out. */
static int put_ranges(const uint64_t (*pairs)[2], unsigned int n,
		      struct dbvfio_iova_range *out, unsigned int max,
		      unsigned int *nr)
{
	unsigned int i;

	*nr = n;
	if (n > max)
		return -ENOSPC;
	for (i = 0; i < n; i++)
		out[i] = (struct dbvfio_iova_range){ .start = pairs[i][0],
						     .last = pairs[i][1] };
	return 0;
}

/* VFIO_IOMMU_GET_INFO twice: once for its size, once with room for it. */
static struct vfio_iommu_type1_info *type1_info(int container_fd)
{
	struct vfio_iommu_type1_info probe = { .argsz = sizeof(probe) };
	struct vfio_iommu_type1_info *info;

	if (ioctl(container_fd, VFIO_IOMMU_GET_INFO, &probe))
		return NULL;
	if (probe.argsz < sizeof(probe))
		probe.argsz = sizeof(probe);
	info = calloc(1, probe.argsz);
	if (!info)
		return NULL;
	info->argsz = probe.argsz;
	if (ioctl(container_fd, VFIO_IOMMU_GET_INFO, info)) {
		free(info);
		return NULL;
	}
	return info;
}

static int type1_ranges(struct dbvfio_dev *dev, struct dbvfio_iova_range *out,
			unsigned int max, unsigned int *nr)
{
	const struct vfio_iommu_type1_info_cap_iova_range *cap;
	const struct vfio_info_cap_header *hdr;
	struct vfio_iommu_type1_info *info;
	uint64_t need;
	uint32_t off;
	int ret = -EOPNOTSUPP;

	info = type1_info(dev->container_fd);
	if (!info)
		return -errno;
	off = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	/* The chain ends at offset 0; each header must lie inside argsz. */
	while (off && off + sizeof(*hdr) <= info->argsz) {
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			cap = (const void *)hdr;
			need = sizeof(cap->iova_ranges[0]) *
			       (uint64_t)cap->nr_iovas;
			if (off + sizeof(*cap) + need > info->argsz) {
				ret = -EIO;
				break;
			}
			ret = put_ranges((const void *)cap->iova_ranges,
					 cap->nr_iovas, out, max, nr);
			break;
		}
		if (hdr->next <= off)
			break;
		off = hdr->next;
	}
	free(info);
	return ret;
}

static int ioas_ranges(struct dbvfio_dev *dev, struct dbvfio_iova_range *out,
		       unsigned int max, unsigned int *nr)
{
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd),
					      .ioas_id = dev->ioas_id };
	struct iommu_iova_range *r = NULL;
	int ret;

	/* The first call says how many; the ranges may change in between. */
	for (;;) {
		cmd.allowed_iovas = (uintptr_t)r;
		if (!ioctl(dev->container_fd, IOMMU_IOAS_IOVA_RANGES, &cmd))
			break;
		if (errno != EMSGSIZE) {
			ret = -errno;
			free(r);
			return ret;
		}
		free(r);
		r = calloc(cmd.num_iovas, sizeof(*r));
		if (!r)
			return -ENOMEM;
	}
	ret = put_ranges((const void *)r, cmd.num_iovas, out, max, nr);
	free(r);
	return ret;
}

int dbvfio_iova_ranges(struct dbvfio_dev *dev, struct dbvfio_iova_range *ranges,
		       unsigned int max, unsigned int *nr)
{
	if (!dev || !nr || (max && !ranges))
		return -EINVAL;
	*nr = 0;
	if (dev->group_fd >= 0)
		return type1_ranges(dev, ranges, max, nr);
	return ioas_ranges(dev, ranges, max, nr);
}
