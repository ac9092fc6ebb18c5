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
	enum vfio_dmabuf_iface iface;	/* GROUP or CDEV, never AUTO */
	/* GROUP: /dev/vfio/vfio with type1 set; CDEV: /dev/iommu */
	int container_fd;
	int group_fd;		/* GROUP: /dev/vfio/N in the container */
	int device_fd;		/* the vfio device */
};

#endif
