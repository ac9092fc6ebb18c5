// SPDX-License-Identifier: LGPL-2.1-or-later
/* One command at a time on a queue, admin or I/O. */
#include <errno.h>

#include "nvme.h"

int dbnvme_io_sync(struct dbnvme_queue *q, struct dbnvme_sqe *sqe,
		   unsigned int timeout_ms, uint32_t *result)
{
	struct dbnvme_cqe cqe;
	int ret;

	dbnvme_submit(q, sqe);
	ret = dbnvme_poll(q, &cqe, timeout_ms);
	if (ret < 0)
		return ret;
	/* The queue has this one command out: the CQE must be ours. */
	if (cqe.cid != sqe->cid)
		return -EPROTO;
	if (!ret && result)
		*result = cqe.result;
	return ret;
}
