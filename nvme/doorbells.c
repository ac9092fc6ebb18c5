// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where an NVMe controller's doorbells are in BAR0.  The driver maps
 * them from here, and so do the tools and tests that export the
 * doorbell page to a remote peer before any controller is brought up.
 */
#include <errno.h>
#include <unistd.h>

#include "nvme.h"

void dbnvme_doorbell_layout_of(uint64_t cap, struct dbnvme_doorbell_layout *db)
{
	uint64_t page = sysconf(_SC_PAGESIZE);

	/* Doorbell y of queue pair q sits at 0x1000 + (2q + y) << (2 + DSTRD). */
	db->offset = NVME_REG_DOORBELLS;
	db->stride = 4u << NVME_CAP_DSTRD(cap);
	db->page_offset = NVME_REG_DOORBELLS & ~(page - 1);
	db->page_size = page;
}

int dbnvme_doorbell_layout(struct dbvfio_dev *dev,
			   struct dbnvme_doorbell_layout *db)
{
	uint64_t cap;
	int ret;

	if (!dev || !db)
		return -EINVAL;
	ret = dbvfio_bar_read(dev, 0, NVME_REG_CAP, &cap, sizeof(cap));
	if (ret)
		return ret;
	dbnvme_doorbell_layout_of(cap, db);
	return 0;
}
