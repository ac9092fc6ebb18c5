/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vfio dma-buf export uAPI (VFIO_DEVICE_FEATURE_DMA_BUF, Linux 6.19
 * and the doorbell kernel series), for system headers that predate it.
 */
#ifndef VFIO_DMABUF_UAPI_COMPAT_H
#define VFIO_DMABUF_UAPI_COMPAT_H

#include <linux/types.h>
#include <linux/vfio.h>

#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF 11

struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

#endif
