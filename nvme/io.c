// SPDX-License-Identifier: LGPL-2.1-or-later
/* One command at a time on a queue, admin or I/O. */
#include <errno.h>

#include "nvme.h"

int nvme_io_sync(struct nvme_queue *q, struct nvme_sqe *sqe,
		 unsigned int timeout_ms, uint32_t *result)
{
	struct nvme_cqe cqe;
	int ret;

	nvme_submit(q, sqe);
	ret = nvme_poll(q, &cqe, timeout_ms);
	if (ret < 0)
		return ret;
	/* The queue has this one command out: the CQE must be ours. */
	if (cqe.cid != sqe->cid)
		return -EPROTO;
	if (!ret && result)
		*result = cqe.result;
	return ret;
}
