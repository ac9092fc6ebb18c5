/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFIO_DMABUF_PRIVATE_H
#define VFIO_DMABUF_PRIVATE_H

#include "vfio_dmabuf.h"

/*
 * One opened vfio-pci device.  The handle is not locked: callers that
 * share it between threads serialise vfio_dmabuf_close() against every
 * other call themselves.  The read-only calls may run concurrently.
 */
struct vfio_dmabuf_dev {
	struct vfio_pci_addr addr;
	/* GROUP: /dev/vfio/vfio with type1 set; CDEV: /dev/iommu */
	int container_fd;
	int group_fd;		/* GROUP: /dev/vfio/N in the container */
	int device_fd;		/* the vfio device */
	uint32_t ioas_id;	/* CDEV: the IOAS the device is attached to */
};

/*
 * Read exactly @len bytes at @offset of the device file (a region's
 * offset plus the place within it); a short read is -EIO.
 */
int vfio_dmabuf_dev_pread(struct vfio_dmabuf_dev *dev, uint64_t offset,
			  void *buf, size_t len);
int vfio_dmabuf_dev_pwrite(struct vfio_dmabuf_dev *dev, uint64_t offset,
			   const void *buf, size_t len);

#endif
