// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Caller memory registered with the session: a command whose buffer lies
 * in such a range moves its data by RDMA straight to and from it, and the
 * library's staging buffers and the copies through them drop out.
 */
#include <errno.h>
#include <stdlib.h>

#include "private.h"

int dbi_reg_buffer(struct dbi_session *s, void *addr, size_t len,
		   struct dbi_buffer **bp)
{
	struct dbi_buffer *b;
	int ret;

	if (!s || !addr || !len || !bp || (uintptr_t)addr + len < len)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	/*
	 * The target reaches it too in the two-sided modes: its thread
	 * pulls a Write's data and pushes a Read's.
	 */
	b->mr = ibv_reg_mr(s->pd, addr, len,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_WRITE);
	if (!b->mr) {
		ret = errno ? -errno : -ENOMEM;
		free(b);
		return ret;
	}
	b->session = s;
	b->addr = addr;
	b->len = len;
	b->next = s->buffers;
	s->buffers = b;
	*bp = b;
	return 0;
}

/* Unlink @b from its session and release it; nothing may use it. */
static void buffer_free(struct dbi_buffer *b)
{
	struct dbi_buffer **p = &b->session->buffers;

	while (*p != b)
		p = &(*p)->next;
	*p = b->next;
	ibv_dereg_mr(b->mr);
	free(b);
}

int dbi_dereg_buffer(struct dbi_buffer *b)
{
	if (!b)
		return -EINVAL;
	/* A command in flight still moves data to or from it. */
	if (b->users)
		return -EBUSY;
	buffer_free(b);
	return 0;
}

void dbi_buffers_release(struct dbi_session *s)
{
	while (s->buffers)
		buffer_free(s->buffers);
}

struct dbi_buffer *dbi_buffer_find(const struct dbi_session *s,
				   const void *addr, size_t len)
{
	uintptr_t at = (uintptr_t)addr;
	struct dbi_buffer *b;

	for (b = s->buffers; b; b = b->next) {
		uintptr_t start = (uintptr_t)b->addr;

		if (at >= start && at - start <= b->len &&
		    len <= b->len - (at - start))
			return b;
	}
	return NULL;
}
