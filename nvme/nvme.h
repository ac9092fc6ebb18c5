/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small user-space NVMe driver over vfio-pci: controller reset and
 * enable, the admin queue, Identify, I/O queue pairs in DMA-mapped host
 * memory, and Read/Write/Flush.  A queue is polled, or, when its user
 * would rather sleep, raises its own MSI-X vector on an eventfd.
 *
 * Errors: functions return 0, a negative errno (-ETIMEDOUT when the
 * controller does not answer within CAP.TO or the command timeout, -EIO
 * when it reports a fatal status), or a positive NVMe status (SCT << 8 |
 * SC) when a command completes with an error; dbnvme_strerror() names both.
 *
 * Names carry the project's prefix, dbnvme_: libnvme and libvfn export
 * nvme_ctrl, nvme_ctrl_reset and the like, and a program may well link
 * one of them beside this driver.
 */
#ifndef DOORBELL_NVME_H
#define DOORBELL_NVME_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <doorbell_vfio_pci.h>

#include "nvme_spec.h"
#include "nvme_status.h"

/* Where the doorbells are, all in BAR0. */
struct dbnvme_doorbell_layout {
	uint64_t offset; /* of the admin SQ tail doorbell: 0x1000 */
	uint32_t stride; /* bytes between doorbells: 4 << CAP.DSTRD */
	uint64_t page_offset; /* the page that holds the first doorbell */
	uint64_t page_size;
};

/*
 * The layout for a controller whose CAP register reads @cap, or read CAP
 * of the device first.  The SQ tail doorbell of queue q is at offset +
 * 2q * stride, its CQ head doorbell at offset + (2q + 1) * stride.
 */
void dbnvme_doorbell_layout_of(uint64_t cap, struct dbnvme_doorbell_layout *db);
int dbnvme_doorbell_layout(struct dbvfio_dev *dev,
			   struct dbnvme_doorbell_layout *db);

/* Memory the controller can reach: mapped at @iova through the IOMMU. */
struct dbnvme_dma {
	void *vaddr;
	uint64_t iova;
	size_t size;
};

/*
 * One submission/completion queue pair.  Its user owns it: nothing here
 * is locked, so one thread at a time submits and polls.  A queue whose
 * doorbells a remote peer rings is never submitted to locally.
 */
struct dbnvme_queue {
	uint16_t qid;
	uint16_t depth; /* entries in each of SQ and CQ */
	struct dbnvme_dma sq;
	struct dbnvme_dma cq;
	uint16_t sq_tail;
	uint16_t cq_head;
	uint8_t phase; /* of the next CQE to consume */
	uint16_t next_cid;
	int irq_fd; /* eventfd of the queue's MSI-X vector, or -1: polled */
	volatile uint32_t *sq_doorbell;
	volatile uint32_t *cq_doorbell;
};

struct dbnvme_namespace {
	uint32_t nsid;
	uint64_t blocks; /* NSZE */
	unsigned int lba_shift; /* log2 of the block size */
	bool shared; /* NMIC: other controllers may reach it too */
};

#define NVME_MAX_IOVA_RANGES 8

struct dbnvme_ctrl {
	struct dbvfio_dev *dev;
	char bdf[16];
	uint64_t cap;
	unsigned int timeout_ms; /* CAP.TO, for enable and disable */
	unsigned int max_depth; /* CAP.MQES, capped at one page */
	uint16_t nr_io_queues; /* granted by Set Features */
	uint32_t max_transfer; /* bytes per command (MDTS) */
	/*
	 * MSI-X vectors enabled: vector q belongs to I/O queue q.  0 when
	 * the device gave none; irq_error then says why.
	 */
	unsigned int irq_vectors;
	int irq_error;
	char model[41];
	char serial[21];
	struct dbnvme_namespace ns; /* the first active namespace */

	/* The doorbell page of BAR0, mapped for this process's own stores. */
	volatile uint32_t *doorbells;
	uint64_t doorbell_page; /* its offset in BAR0 */
	unsigned int doorbell_stride;

	/* admin_lock serialises admin commands: the admin queue below. */
	pthread_mutex_t admin_lock;
	struct dbnvme_queue admin;
	struct dbnvme_dma identify; /* a page for Identify data */

	/* Where the IOMMU lets this controller's buffers be mapped. */
	struct dbvfio_iova_range iova_ranges[NVME_MAX_IOVA_RANGES];
	unsigned int nr_iova_ranges;
};

/*
 * Open the controller at @bdf (bound to vfio-pci), reset it, enable it
 * with an admin queue, identify it and namespace 1, and ask for I/O
 * queues.  Progress goes nowhere; failures leave the device closed.
 */
int dbnvme_ctrl_open(const char *bdf, struct dbnvme_ctrl **ctrlp);
/*
 * dbnvme_ctrl_open() with the controller in @peer's IO address space
 * (dbvfio_open_beside()), so its commands can name IOVAs that @peer's
 * handle mapped, a BAR dma-buf's say.  Its own buffers take IOVAs
 * from the bottom of the space, next-fit; keep fixed mappings of @peer's
 * away from them (at the top).
 */
int dbnvme_ctrl_open_beside(const char *bdf, const struct dbvfio_dev *peer,
			    struct dbnvme_ctrl **ctrlp);
/* Shut the controller down (CC.SHN), disable it and close the device. */
void dbnvme_ctrl_close(struct dbnvme_ctrl *ctrl);
/*
 * Reset the controller and bring the admin queue back.  Every I/O queue
 * is gone afterwards; their memory stays allocated for dbnvme_queue_free().
 * The reset is the controller's own (CC.EN), not a PCI reset, so the
 * device's dma-bufs stay valid through it.
 */
int dbnvme_ctrl_reset(struct dbnvme_ctrl *ctrl);

/*
 * Host memory for DMA: page-aligned, zeroed, mapped at an IOVA that no
 * other buffer of the process has, in any controller's domain.  A freed
 * buffer's IOVA is reused only after it was unmapped, and as late as the
 * space allows.
 */
int dbnvme_dma_alloc(struct dbnvme_ctrl *ctrl, size_t size,
		     struct dbnvme_dma *buf);
void dbnvme_dma_free(struct dbnvme_ctrl *ctrl, struct dbnvme_dma *buf);

/* Wait for completions on the queue's interrupt instead of spinning. */
#define NVME_QUEUE_INTERRUPTS 0x1

/*
 * Allocate a queue pair's memory and create I/O CQ then SQ @qid
 * (1..nr_io_queues) with @depth entries (2..max_depth).  With
 * NVME_QUEUE_INTERRUPTS in @flags the CQ raises MSI-X vector @qid
 * (-EOPNOTSUPP when the controller has no such vector); otherwise it is
 * polled.
 */
int dbnvme_queue_create(struct dbnvme_ctrl *ctrl, uint16_t qid, uint16_t depth,
			unsigned int flags, struct dbnvme_queue *q);
/*
 * Delete SQ then CQ (ignored after a reset), silence the queue's vector
 * and free its memory.
 */
int dbnvme_queue_delete(struct dbnvme_ctrl *ctrl, struct dbnvme_queue *q);

/* BAR0 offsets of queue @qid's SQ tail and CQ head doorbells. */
uint64_t dbnvme_sq_doorbell_offset(const struct dbnvme_ctrl *ctrl,
				   uint16_t qid);
uint64_t dbnvme_cq_doorbell_offset(const struct dbnvme_ctrl *ctrl,
				   uint16_t qid);

/* Place @sqe (its cid filled in) at the SQ tail and ring the doorbell. */
int dbnvme_submit(struct dbnvme_queue *q, struct dbnvme_sqe *sqe);
/*
 * Wait up to @timeout_ms for the next CQE, spinning or sleeping on the
 * queue's interrupt, consume it, ring the CQ head doorbell.  -ETIMEDOUT
 * if none came.
 */
int dbnvme_poll(struct dbnvme_queue *q, struct dbnvme_cqe *cqe,
		unsigned int timeout_ms);

/*
 * Submit one command on @q and wait for it; its status as above, and on
 * success the CQE's result in *@result if that is not NULL.
 */
int dbnvme_io_sync(struct dbnvme_queue *q, struct dbnvme_sqe *sqe,
		   unsigned int timeout_ms, uint32_t *result);

/* The default time a command may take. */
#define NVME_COMMAND_TIMEOUT_MS 5000

#endif /* DOORBELL_NVME_H */
