/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the driver's files. */
#ifndef DOORBELL_NVME_PRIVATE_H
#define DOORBELL_NVME_PRIVATE_H

#include "nvme.h"

void nvme_dma_init(struct nvme_ctrl *ctrl);
/* Run one admin command under admin_lock; its CQE's result in *@result. */
int nvme_admin_sync(struct nvme_ctrl *ctrl, struct nvme_sqe *sqe,
		    uint32_t *result);
/* Point @q's doorbells into the controller's mapped doorbell page. */
void nvme_queue_set_doorbells(struct nvme_ctrl *ctrl, struct nvme_queue *q);
/* Zero both rings and start over at slot 0, phase 1. */
void nvme_queue_rewind(struct nvme_queue *q);

#endif /* DOORBELL_NVME_PRIVATE_H */
