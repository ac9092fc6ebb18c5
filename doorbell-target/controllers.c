// SPDX-License-Identifier: GPL-2.0
/*
 * The controllers a target serves: opening them with the checks that
 * make isolation real, their health, their reset, and closing them.
 */
#include <errno.h>
#include <stdio.h>

#include "target.h"

/*
 * Every session registers the doorbell page's dma-buf, so a kernel that
 * cannot export one can serve nobody: say so at start-up, in the terms
 * of what is missing, not at the first connection.
 */
static int ctrl_check_export(struct target *t, struct dbnvme_ctrl *ctrl)
{
	int ret = dbvfio_export_supported(ctrl->dev);

	if (ret == -ENOTTY || ret == -EOPNOTSUPP)
		target_log(t, "%s: kernel lacks VFIO_DEVICE_FEATURE_DMA_BUF",
			   ctrl->bdf);
	else if (ret)
		target_log(t, "%s: probing dma-buf export: %s", ctrl->bdf,
			   dbnvme_strerror(ret));
	return ret;
}

/*
 * Isolation rests on two things per controller: an IOMMU group of its
 * own, since devices of one group reach each other's DMA, and a
 * namespace no other controller reaches (NMIC), unless the operator
 * shares it on purpose.  @i controllers are open already.
 */
static int ctrl_check_isolation(struct target *t, unsigned int i,
				bool shared_namespace)
{
	struct target_ctrl *tc = &t->ctrls[i];
	unsigned int j;

	for (j = 0; j < i; j++)
		if (t->ctrls[j].iommu_group == tc->iommu_group) {
			target_log(t,
				   "%s and %s share IOMMU group %lu: their "
				   "DMA cannot be kept apart",
				   t->ctrls[j].nvme->bdf, tc->nvme->bdf,
				   tc->iommu_group);
			return -EINVAL;
		}
	if (tc->nvme->ns.shared && !shared_namespace) {
		target_log(t,
			   "%s: namespace %u may be attached to other "
			   "controllers (NMIC); isolated mode needs one of "
			   "its own, or --shared-namespace",
			   tc->nvme->bdf, tc->nvme->ns.nsid);
		return -EINVAL;
	}
	return 0;
}

static int ctrl_open(struct target *t, const char *bdf, struct target_ctrl *tc)
{
	struct dbnvme_ctrl *ctrl;
	int ret;

	ret = dbvfio_iommu_group(bdf, &tc->iommu_group);
	if (ret == -ENXIO && t->isolated) {
		target_log(t, "%s: no IOMMU group; isolated mode needs one",
			   bdf);
		return ret;
	}
	target_log(t, "opening and resetting %s", bdf);
	ret = dbnvme_ctrl_open(bdf, &ctrl);
	if (ret) {
		/* The usual first mistake: say what to do, not "ENXIO". */
		target_log(t, "%s: %s", bdf,
			   ret == -ENXIO ? "not bound to vfio-pci" :
					   dbnvme_strerror(ret));
		return ret;
	}
	tc->nvme = ctrl;
	ret = ctrl_check_export(t, ctrl);
	if (ret)
		return ret;
	target_log(t,
		   "%s: %s (serial %s), IOMMU group %lu, namespace %u: %llu "
		   "blocks of %u bytes%s, %u I/O queues",
		   ctrl->bdf, ctrl->model, ctrl->serial, tc->iommu_group,
		   ctrl->ns.nsid, (unsigned long long)ctrl->ns.blocks,
		   1u << ctrl->ns.lba_shift, ctrl->ns.shared ? " (shared)" : "",
		   ctrl->nr_io_queues);
	if (ctrl->irq_error)
		target_log(t,
			   "%s: no MSI-X (%s): the event-driven two-sided "
			   "mode is refused",
			   ctrl->bdf, dbnvme_strerror(ctrl->irq_error));
	if (t->verbose)
		target_log(t,
			   "%s: admin SQ at IOVA %#llx, CQ at %#llx, identify "
			   "page at %#llx",
			   ctrl->bdf, (unsigned long long)ctrl->admin.sq.iova,
			   (unsigned long long)ctrl->admin.cq.iova,
			   (unsigned long long)ctrl->identify.iova);
	if (t->max_depth > ctrl->max_depth)
		t->max_depth = ctrl->max_depth;
	return 0;
}

int target_ctrls_open(struct target *t, const struct target_options *o)
{
	unsigned int i;
	int ret;

	t->isolated = o->isolate;
	for (i = 0; i < o->nr_bdfs; i++) {
		ret = ctrl_open(t, o->bdfs[i], &t->ctrls[i]);
		if (ret)
			break;
		t->nr_ctrls++;
		if (t->isolated) {
			ret = ctrl_check_isolation(t, i, o->shared_namespace);
			if (ret)
				break;
		}
	}
	if (i < o->nr_bdfs) {
		if (t->ctrls[i].nvme)
			dbnvme_ctrl_close(t->ctrls[i].nvme);
		t->ctrls[i].nvme = NULL;
		target_ctrls_close(t);
		return ret;
	}
	if (t->isolated)
		target_log(t,
			   "mode: isolated, one initiator per controller, "
			   "%u controller%s",
			   t->nr_ctrls, t->nr_ctrls == 1 ? "" : "s");
	else
		target_log(t,
			   "mode: shared, every initiator on %s; each can aim "
			   "its DMA at the others' memory, so serve trusted "
			   "initiators only",
			   t->ctrls[0].nvme->bdf);
	return 0;
}

void target_ctrls_close(struct target *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_ctrls; i++) {
		target_devices_release(&t->ctrls[i]);
		dbnvme_ctrl_close(t->ctrls[i].nvme);
		t->ctrls[i].nvme = NULL;
	}
	t->nr_ctrls = 0;
}

int target_ctrl_reset(struct target *t, struct target_ctrl *tc)
{
	struct session *s, *next;
	struct rdma_cm_id *id;
	int ret;

	target_log(t, "%s: resetting the controller", tc->nvme->bdf);
	for (s = t->sessions; s; s = next) {
		next = s->next;
		if (s->tc != tc)
			continue;
		id = s->cm_id;
		rdma_disconnect(id);
		session_destroy(s);
		rdma_destroy_id(id);
	}
	ret = dbnvme_ctrl_reset(tc->nvme);
	if (ret)
		target_log(t, "%s: controller reset failed: %s", tc->nvme->bdf,
			   dbnvme_strerror(ret));
	else
		target_log(t, "%s: controller ready again", tc->nvme->bdf);
	return ret;
}

bool target_ctrl_healthy(const struct target_ctrl *tc)
{
	uint32_t csts;

	if (dbvfio_bar_read(tc->nvme->dev, 0, NVME_REG_CSTS, &csts,
			    sizeof(csts)))
		return false;
	return (csts & (NVME_CSTS_RDY | NVME_CSTS_CFS)) == NVME_CSTS_RDY;
}
