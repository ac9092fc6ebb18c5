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

void nvme_dma_init(struct nvme_ctrl *ctrl);
/*
 * Take @size bytes (rounded up to whole pages) of the IOVA space from the
 * controller's bump allocator into *@iova: -EINVAL for none, -ENOSPC
 * when the space is used up.  IOVAs are never handed out twice.
 */
int nvme_iova_reserve(struct nvme_ctrl *ctrl, size_t size, uint64_t *iova);
/*
 * Bytes one command may move: what the PRP pair covers, or less if
 * Identify Controller's MDTS (in units of 4 KiB << CAP.MPSMIN) says so.
 */
uint32_t nvme_max_transfer(unsigned int mdts, unsigned int mpsmin);
/* Run one admin command under admin_lock; its CQE's result in *@result. */
int nvme_admin_sync(struct nvme_ctrl *ctrl, struct nvme_sqe *sqe,
		    uint32_t *result);
/* Point @q's doorbells into the controller's mapped doorbell page. */
void nvme_queue_set_doorbells(struct nvme_ctrl *ctrl, struct nvme_queue *q);
/* Zero both rings and start over at slot 0, phase 1. */
void nvme_queue_rewind(struct nvme_queue *q);

#endif /* DOORBELL_NVME_PRIVATE_H */
