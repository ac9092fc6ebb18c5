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
	int container_fd;	/* /dev/vfio/vfio, type1 IOMMU set */
	int group_fd;		/* /dev/vfio/N, attached to container_fd */
	int device_fd;		/* from VFIO_GROUP_GET_DEVICE_FD */
};

#endif
