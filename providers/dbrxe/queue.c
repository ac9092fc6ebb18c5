// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mapping the rings the kernel allocated for a CQ or QP.
 */
#include <errno.h>
#include <sys/mman.h>

#include "queue.h"

int dbrxe_queue_map(struct dbrxe_queue *q, int cmd_fd, const struct mminfo *mi)
{
	void *p = mmap(NULL, mi->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       cmd_fd, mi->offset);

	if (p == MAP_FAILED)
		return errno;
	q->buf = p;
	q->map_size = mi->size;
	return 0;
}

void dbrxe_queue_unmap(struct dbrxe_queue *q)
{
	if (q->buf)
		munmap(q->buf, q->map_size);
	q->buf = NULL;
}
