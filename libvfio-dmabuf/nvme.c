// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where an NVMe controller's doorbells are.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "private.h"

/* NVMe base specification: registers of BAR0. */
#define NVME_REG_CAP		0x0
#define NVME_DOORBELL_BASE	0x1000
#define NVME_CAP_DSTRD(cap)	(((cap) >> 32) & 0xf)

int vfio_dmabuf_nvme_doorbells(struct vfio_dmabuf_dev *dev,
			       struct vfio_dmabuf_nvme_doorbells *db)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t cap;
	int ret;

	if (!dev || !db)
		return -EINVAL;
	ret = vfio_dmabuf_bar_read(dev, 0, NVME_REG_CAP, &cap, sizeof(cap));
	if (ret)
		return ret;

	/* Doorbell y of queue pair q sits at 0x1000 + (2q + y) << (2 + DSTRD). */
	db->stride = 4u << NVME_CAP_DSTRD(cap);
	db->offset = NVME_DOORBELL_BASE;
	db->page_offset = NVME_DOORBELL_BASE & ~((uint64_t)page - 1);
	db->page_size = page;
	return 0;
}
