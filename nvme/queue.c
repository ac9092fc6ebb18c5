// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Queue pairs: creating and deleting them, submitting to the SQ tail and
 * consuming the CQ by its phase bit, spinning or woken by the queue's
 * MSI-X vector.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "mmio.h"
#include "private.h"

uint64_t dbnvme_sq_doorbell_offset(const struct dbnvme_ctrl *ctrl, uint16_t qid)
{
	return NVME_REG_DOORBELLS + 2ull * qid * ctrl->doorbell_stride;
}

uint64_t dbnvme_cq_doorbell_offset(const struct dbnvme_ctrl *ctrl, uint16_t qid)
{
	return NVME_REG_DOORBELLS + (2ull * qid + 1) * ctrl->doorbell_stride;
}

void dbnvme_queue_set_doorbells(struct dbnvme_ctrl *ctrl,
				struct dbnvme_queue *q)
{
	uint8_t *page = (uint8_t *)ctrl->doorbells;

	q->sq_doorbell =
		(volatile uint32_t *)(page +
				      dbnvme_sq_doorbell_offset(ctrl, q->qid) -
				      ctrl->doorbell_page);
	q->cq_doorbell =
		(volatile uint32_t *)(page +
				      dbnvme_cq_doorbell_offset(ctrl, q->qid) -
				      ctrl->doorbell_page);
}

void dbnvme_queue_rewind(struct dbnvme_queue *q)
{
	memset(q->sq.vaddr, 0, q->sq.size);
	memset(q->cq.vaddr, 0, q->cq.size);
	q->sq_tail = 0;
	q->cq_head = 0;
	q->phase = 1;
}

int dbnvme_submit(struct dbnvme_queue *q, struct dbnvme_sqe *sqe)
{
	struct dbnvme_sqe *ring = q->sq.vaddr;
	uint16_t next = (q->sq_tail + 1) % q->depth;

	sqe->cid = q->next_cid++;
	ring[q->sq_tail] = *sqe;
	q->sq_tail = next;
	/* The SQE must be in memory before the controller hears of it. */
	dbnvme_wmb_before_mmio();
	*q->sq_doorbell = next;
	return 0;
}

/*
 * Sleep until the queue's vector fires or @limit passes.  The eventfd
 * counts interrupts, so one that came before the sleep is not lost; one
 * left over from a CQE already consumed only costs another look.
 */
static int dbnvme_wait_irq(struct dbnvme_queue *q, uint64_t limit)
{
	struct pollfd pfd = { .fd = q->irq_fd, .events = POLLIN };
	uint64_t now = util_now_ms(), count;
	int n;

	if (now > limit)
		return -ETIMEDOUT;
	n = poll(&pfd, 1, (int)(limit - now));
	if (n < 0 && errno != EINTR)
		return -errno;
	if (n > 0 && read(q->irq_fd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return 0;
}

int dbnvme_poll(struct dbnvme_queue *q, struct dbnvme_cqe *cqe,
		unsigned int timeout_ms)
{
	volatile struct dbnvme_cqe *ring = q->cq.vaddr;
	uint64_t limit = util_now_ms() + timeout_ms;
	unsigned int spins = 0;
	int ret;

	while (NVME_CQE_PHASE(ring[q->cq_head].status) != q->phase) {
		if (q->irq_fd >= 0) {
			ret = dbnvme_wait_irq(q, limit);
			if (ret)
				return ret;
			continue;
		}
		/* Look at the clock only now and then: it costs more. */
		if (++spins % 1024 == 0 && util_now_ms() > limit)
			return -ETIMEDOUT;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*cqe = ring[q->cq_head];
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	*q->cq_doorbell = q->cq_head;
	return NVME_CQE_STATUS(cqe->status);
}

/* Vector @qid signals a fresh eventfd of the queue's. */
static int dbnvme_queue_irq_setup(struct dbnvme_ctrl *ctrl,
				  struct dbnvme_queue *q)
{
	int ret;

	if (q->qid >= ctrl->irq_vectors)
		return -EOPNOTSUPP;
	q->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->irq_fd < 0)
		return -errno;
	ret = dbvfio_msix_route(ctrl->dev, q->qid, q->irq_fd);
	if (ret) {
		close(q->irq_fd);
		q->irq_fd = -1;
	}
	return ret;
}

static void dbnvme_queue_irq_release(struct dbnvme_ctrl *ctrl,
				     struct dbnvme_queue *q)
{
	if (q->irq_fd < 0)
		return;
	dbvfio_msix_route(ctrl->dev, q->qid, -1);
	close(q->irq_fd);
	q->irq_fd = -1;
}

int dbnvme_queue_create(struct dbnvme_ctrl *ctrl, uint16_t qid, uint16_t depth,
			unsigned int flags, struct dbnvme_queue *q)
{
	struct dbnvme_sqe sqe;
	uint32_t cq_flags = NVME_QUEUE_PHYS_CONTIG;
	int ret;

	memset(q, 0, sizeof(*q));
	q->irq_fd = -1;
	if (!qid || qid > ctrl->nr_io_queues || depth < 2 ||
	    depth > ctrl->max_depth || (flags & ~NVME_QUEUE_INTERRUPTS))
		return -EINVAL;
	q->qid = qid;
	q->depth = depth;
	if (flags & NVME_QUEUE_INTERRUPTS) {
		ret = dbnvme_queue_irq_setup(ctrl, q);
		if (ret)
			return ret;
		cq_flags |= (uint32_t)qid << 16 | NVME_CQ_IRQ_ENABLED;
	}
	ret = dbnvme_dma_alloc(ctrl, depth * sizeof(struct dbnvme_sqe), &q->sq);
	if (!ret)
		ret = dbnvme_dma_alloc(ctrl, depth * sizeof(struct dbnvme_cqe),
				       &q->cq);
	if (ret)
		goto free;
	dbnvme_queue_rewind(q);
	dbnvme_queue_set_doorbells(ctrl, q);

	sqe = (struct dbnvme_sqe){
		.opcode = NVME_ADMIN_CREATE_CQ,
		.prp1 = q->cq.iova,
		.cdw10 = (uint32_t)(depth - 1) << 16 | qid,
		.cdw11 = cq_flags,
	};
	ret = dbnvme_admin_sync(ctrl, &sqe, NULL);
	if (ret)
		goto free;
	sqe = (struct dbnvme_sqe){
		.opcode = NVME_ADMIN_CREATE_SQ,
		.prp1 = q->sq.iova,
		.cdw10 = (uint32_t)(depth - 1) << 16 | qid,
		.cdw11 = (uint32_t)qid << 16 | NVME_QUEUE_PHYS_CONTIG,
	};
	ret = dbnvme_admin_sync(ctrl, &sqe, NULL);
	if (ret) {
		sqe = (struct dbnvme_sqe){ .opcode = NVME_ADMIN_DELETE_CQ,
					   .cdw10 = qid };
		dbnvme_admin_sync(ctrl, &sqe, NULL);
		goto free;
	}
	return 0;
free:
	dbnvme_dma_free(ctrl, &q->sq);
	dbnvme_dma_free(ctrl, &q->cq);
	dbnvme_queue_irq_release(ctrl, q);
	return ret;
}

int dbnvme_queue_delete(struct dbnvme_ctrl *ctrl, struct dbnvme_queue *q)
{
	struct dbnvme_sqe sqe = { .opcode = NVME_ADMIN_DELETE_SQ,
				  .cdw10 = q->qid };
	int ret;

	/* The SQ first: the controller aborts what it still holds. */
	ret = dbnvme_admin_sync(ctrl, &sqe, NULL);
	sqe = (struct dbnvme_sqe){ .opcode = NVME_ADMIN_DELETE_CQ,
				   .cdw10 = q->qid };
	if (!ret)
		ret = dbnvme_admin_sync(ctrl, &sqe, NULL);
	dbnvme_queue_irq_release(ctrl, q);
	dbnvme_dma_free(ctrl, &q->sq);
	dbnvme_dma_free(ctrl, &q->cq);
	return ret;
}
