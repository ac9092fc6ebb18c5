// SPDX-License-Identifier: GPL-2.0
/*
 * Per RDMA device state: the PD and the doorbell page, exported from the
 * controller's BAR0 as a dma-buf and registered once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "target.h"

static int doorbell_register(struct target_ctrl *tc, struct target_device *d)
{
	/* The page ctrl.c mapped: an export is made of whole CPU pages. */
	struct dbvfio_range range = {
		.offset = tc->nvme->doorbell_page,
		.length = (uint64_t)sysconf(_SC_PAGESIZE),
	};

	d->doorbell_fd =
		dbvfio_export(tc->nvme->dev, 0, &range, 1, O_CLOEXEC | O_RDWR);
	if (d->doorbell_fd < 0)
		return d->doorbell_fd;
	/*
	 * Local write is what a window granting remote write needs; the MR
	 * itself has no remote rights, so its own rkey opens nothing.
	 */
	d->doorbell_mr = ibv_reg_dmabuf_mr(
		d->pd, 0, range.length, range.offset, d->doorbell_fd,
		IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND);
	if (!d->doorbell_mr) {
		int ret = -errno;

		close(d->doorbell_fd);
		return ret;
	}
	return 0;
}

int target_device_get(struct target *t, struct target_ctrl *tc,
		      struct ibv_context *verbs, struct target_device **devp)
{
	struct target_device *d;
	int ret;

	for (d = tc->devices; d; d = d->next)
		if (d->verbs == verbs) {
			*devp = d;
			return 0;
		}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->verbs = verbs;
	d->pd = ibv_alloc_pd(verbs);
	if (!d->pd) {
		free(d);
		return -ENOMEM;
	}
	ret = doorbell_register(tc, d);
	if (ret) {
		ibv_dealloc_pd(d->pd);
		free(d);
		return ret;
	}
	target_log(t, "%s: doorbell page BAR0 %#llx registered on %s",
		   tc->nvme->bdf, (unsigned long long)tc->nvme->doorbell_page,
		   ibv_get_device_name(verbs->device));
	d->next = tc->devices;
	tc->devices = d;
	*devp = d;
	return 0;
}

void target_devices_release(struct target_ctrl *tc)
{
	struct target_device *d;

	while ((d = tc->devices)) {
		tc->devices = d->next;
		ibv_dereg_mr(d->doorbell_mr);
		close(d->doorbell_fd);
		ibv_dealloc_pd(d->pd);
		free(d);
	}
}
