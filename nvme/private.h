/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the driver's files. */
#ifndef DOORBELL_NVME_PRIVATE_H
#define DOORBELL_NVME_PRIVATE_H

#include "nvme.h"

/*
 * A command carries its data in PRP1 and PRP2, two 4 KiB pages: no PRP
 * lists, so no command moves more than this.
 */
#define NVME_PRP_PAIR_BYTES 8192u

/*
 * IOVAs in use, as disjoint page-aligned spans in ascending order, and
 * where the next search begins (iova.c).  Not locked: its owner
 * serialises the calls.
 */
struct dbnvme_iova_space {
	struct dbvfio_iova_range *used;
	unsigned int nr_used, max_used;
	uint64_t next;
};

/*
 * Take @size bytes, rounded up to whole pages of @page bytes (a power of
 * two), from @sp into *@iova, inside one of the @nr_valid ranges @valid
 * (ascending).  The search goes on from the end of the last span handed
 * out and wraps around once.  -EINVAL for no size or a bad page, -ENOSPC
 * when nothing fits, -ENOMEM.
 */
int dbnvme_iova_alloc(struct dbnvme_iova_space *sp,
		      const struct dbvfio_iova_range *valid,
		      unsigned int nr_valid, uint64_t size, uint64_t page,
		      uint64_t *iova);
/* Give back the span that starts at @iova; -ENOENT if none does. */
int dbnvme_iova_free(struct dbnvme_iova_space *sp, uint64_t iova);

/* The valid IOVA ranges of @ctrl's IOMMU, above the driver's floor. */
int dbnvme_dma_init(struct dbnvme_ctrl *ctrl);
/* The CPU's page size: the granule of DMA mappings. */
uint64_t dbnvme_host_page_size(void);
/*
 * Bytes one command may move: what the PRP pair covers, or less if
 * Identify Controller's MDTS (in units of 4 KiB << CAP.MPSMIN) says so.
 */
uint32_t dbnvme_max_transfer(unsigned int mdts, unsigned int mpsmin);
/*
 * I/O queue pairs from Set Features Number of Queues' result (0's based
 * SQ and CQ counts): the smaller count, at most the 65535 queue IDs.
 */
uint16_t dbnvme_granted_queues(uint32_t granted);
/* Run one admin command under admin_lock; its CQE's result in *@result. */
int dbnvme_admin_sync(struct dbnvme_ctrl *ctrl, struct dbnvme_sqe *sqe,
		      uint32_t *result);
/* Point @q's doorbells into the controller's mapped doorbell page. */
void dbnvme_queue_set_doorbells(struct dbnvme_ctrl *ctrl,
				struct dbnvme_queue *q);
/* Zero both rings and start over at slot 0, phase 1. */
void dbnvme_queue_rewind(struct dbnvme_queue *q);

#endif /* DOORBELL_NVME_PRIVATE_H */
