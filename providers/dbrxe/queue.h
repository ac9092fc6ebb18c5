/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rings rxe shares with user space (struct rxe_queue_buf): mapped
 * from the command fd, with the producer and consumer indices in cache
 * lines of their own.  Each side owns one index and publishes it with a
 * release store; it reads the other's with an acquire load, so the
 * element it then touches is complete.  Indices are kept masked; one slot
 * stays empty so that full and empty differ.
 */
#ifndef DBRXE_QUEUE_H
#define DBRXE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rdma/rdma_user_rxe.h>

struct dbrxe_queue {
	struct rxe_queue_buf *buf;
	size_t map_size;
};

int dbrxe_queue_map(struct dbrxe_queue *q, int cmd_fd, const struct mminfo *mi);
void dbrxe_queue_unmap(struct dbrxe_queue *q);

static inline void *dbrxe_queue_elem(struct dbrxe_queue *q, uint32_t index)
{
	return q->buf->data +
	       ((size_t)(index & q->buf->index_mask) << q->buf->log2_elem_size);
}

/* Producer side (send and receive queues): our index, their index. */
static inline bool dbrxe_queue_full(struct dbrxe_queue *q)
{
	uint32_t cons =
		__atomic_load_n(&q->buf->consumer_index, __ATOMIC_ACQUIRE);
	uint32_t prod = q->buf->producer_index;

	return ((prod + 1 - cons) & q->buf->index_mask) == 0;
}

static inline void *dbrxe_queue_producer_elem(struct dbrxe_queue *q)
{
	return dbrxe_queue_elem(q, q->buf->producer_index);
}

static inline void dbrxe_queue_produce(struct dbrxe_queue *q)
{
	uint32_t next = (q->buf->producer_index + 1) & q->buf->index_mask;

	__atomic_store_n(&q->buf->producer_index, next, __ATOMIC_RELEASE);
}

/* Consumer side (completion queues). */
static inline void *dbrxe_queue_consumer_elem(struct dbrxe_queue *q)
{
	uint32_t prod =
		__atomic_load_n(&q->buf->producer_index, __ATOMIC_ACQUIRE);
	uint32_t cons = q->buf->consumer_index;

	return prod == cons ? NULL : dbrxe_queue_elem(q, cons);
}

static inline void dbrxe_queue_consume(struct dbrxe_queue *q)
{
	uint32_t next = (q->buf->consumer_index + 1) & q->buf->index_mask;

	__atomic_store_n(&q->buf->consumer_index, next, __ATOMIC_RELEASE);
}

#endif
