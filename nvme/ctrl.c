// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The controller: reset and enable with an admin queue, Identify, queue
 * count, shutdown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

#define NVME_ADMIN_DEPTH 32
#define NVME_PCI_COMMAND 0x04
#define NVME_PCI_CMD_MEMORY 0x0002
#define NVME_PCI_CMD_MASTER 0x0004

static int reg_read(struct dbnvme_ctrl *ctrl, uint64_t off, void *v, size_t len)
{
	return dbvfio_bar_read(ctrl->dev, 0, off, v, len);
}

static int reg_write32(struct dbnvme_ctrl *ctrl, uint64_t off, uint32_t v)
{
	return dbvfio_bar_write(ctrl->dev, 0, off, &v, sizeof(v));
}

static int reg_write64(struct dbnvme_ctrl *ctrl, uint64_t off, uint64_t v)
{
	return dbvfio_bar_write(ctrl->dev, 0, off, &v, sizeof(v));
}

uint32_t dbnvme_max_transfer(unsigned int mdts, unsigned int mpsmin)
{
	/* MDTS counts in pages of CAP.MPSMIN; 0 means no limit. */
	uint64_t limit = (uint64_t)NVME_PAGE_SIZE << mpsmin;

	if (!mdts || mdts >= 32 || mpsmin > 15)
		return NVME_PRP_PAIR_BYTES;
	limit <<= mdts;
	return limit < NVME_PRP_PAIR_BYTES ? (uint32_t)limit :
					     NVME_PRP_PAIR_BYTES;
}

uint16_t dbnvme_granted_queues(uint32_t granted)
{
	/* Both counts are 0's based; a pair needs one of each. */
	uint32_t sqs = (granted & 0xffff) + 1, cqs = (granted >> 16) + 1;
	uint32_t pairs = sqs < cqs ? sqs : cqs;

	/* Queue IDs end at 65535: 65536 granted is one too many to name. */
	return pairs > NVME_MAX_QID ? NVME_MAX_QID : (uint16_t)pairs;
}

/* Wait within CAP.TO for CSTS & @mask to read @want. */
static int wait_csts(struct dbnvme_ctrl *ctrl, uint32_t mask, uint32_t want)
{
	unsigned int waited;
	uint32_t csts;
	int ret;

	for (waited = 0; waited <= ctrl->timeout_ms; waited++) {
		ret = reg_read(ctrl, NVME_REG_CSTS, &csts, sizeof(csts));
		if (ret)
			return ret;
		if (csts == 0xffffffff)
			return -ENODEV; /* the device is gone */
		if ((csts & NVME_CSTS_CFS) && want)
			return -EIO; /* controller fatal status */
		if ((csts & mask) == want)
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

int dbnvme_admin_sync(struct dbnvme_ctrl *ctrl, struct dbnvme_sqe *sqe,
		      uint32_t *result)
{
	int ret;

	pthread_mutex_lock(&ctrl->admin_lock);
	ret = dbnvme_io_sync(&ctrl->admin, sqe, NVME_COMMAND_TIMEOUT_MS,
			     result);
	pthread_mutex_unlock(&ctrl->admin_lock);
	return ret;
}

/* Disable, then enable with the admin queue pair at its start. */
static int ctrl_enable(struct dbnvme_ctrl *ctrl)
{
	uint32_t aqa = (NVME_ADMIN_DEPTH - 1) << 16 | (NVME_ADMIN_DEPTH - 1);
	int ret;

	ret = reg_write32(ctrl, NVME_REG_CC, 0);
	if (!ret)
		ret = wait_csts(ctrl, NVME_CSTS_RDY, 0);
	if (ret)
		return ret;
	dbnvme_queue_rewind(&ctrl->admin);
	ret = reg_write32(ctrl, NVME_REG_AQA, aqa);
	if (!ret)
		ret = reg_write64(ctrl, NVME_REG_ASQ, ctrl->admin.sq.iova);
	if (!ret)
		ret = reg_write64(ctrl, NVME_REG_ACQ, ctrl->admin.cq.iova);
	if (!ret)
		ret = reg_write32(ctrl, NVME_REG_CC,
				  NVME_CC_EN | NVME_CC_CSS_NVM |
					  NVME_CC_MPS_4K | NVME_CC_IOSQES_64 |
					  NVME_CC_IOCQES_16);
	if (!ret)
		ret = wait_csts(ctrl, NVME_CSTS_RDY, NVME_CSTS_RDY);
	return ret;
}

static void copy_trimmed(char *dst, const uint8_t *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = '\0';
	while (len && dst[len - 1] == ' ')
		dst[--len] = '\0';
}

/* Identify data structure @cns (of namespace @nsid) into the identify page. */
static int identify(struct dbnvme_ctrl *ctrl, uint32_t cns, uint32_t nsid)
{
	struct dbnvme_sqe sqe = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.nsid = nsid,
		.prp1 = ctrl->identify.iova,
		.cdw10 = cns,
	};

	return dbnvme_admin_sync(ctrl, &sqe, NULL);
}

/*
 * The namespace the controller serves: the first of its active ones
 * (Identify CNS 02h), which need not be 1 when a subsystem gives each
 * controller a namespace of its own.
 */
static int ctrl_identify_namespace(struct dbnvme_ctrl *ctrl)
{
	const uint8_t *id = ctrl->identify.vaddr;
	unsigned int flbas;
	uint32_t nsid;
	int ret;

	ret = identify(ctrl, NVME_IDENTIFY_ACTIVE_NS_LIST, 0);
	if (ret)
		return ret;
	memcpy(&nsid, id, sizeof(nsid)); /* ascending; 0 ends the list */
	if (!nsid)
		return -ENODEV; /* no namespace attached */

	ret = identify(ctrl, NVME_IDENTIFY_NS, nsid);
	if (ret)
		return ret;
	ctrl->ns.nsid = nsid;
	memcpy(&ctrl->ns.blocks, id, 8);
	flbas = id[26] & 0xf;
	ctrl->ns.lba_shift = id[128 + 4 * flbas + 2];
	ctrl->ns.shared = id[30] & NVME_NS_NMIC_SHARED;
	if (!ctrl->ns.blocks || ctrl->ns.lba_shift < 9 ||
	    ctrl->ns.lba_shift > 12)
		return -ENODEV; /* not a format we serve */
	return 0;
}

static int ctrl_identify(struct dbnvme_ctrl *ctrl)
{
	const uint8_t *id = ctrl->identify.vaddr;
	struct dbnvme_sqe sqe;
	unsigned int mdts;
	uint32_t granted;
	int ret;

	ret = identify(ctrl, NVME_IDENTIFY_CTRL, 0);
	if (ret)
		return ret;
	copy_trimmed(ctrl->serial, id + 4, 20);
	copy_trimmed(ctrl->model, id + 24, 40);
	mdts = id[77];
	ctrl->max_transfer =
		dbnvme_max_transfer(mdts, NVME_CAP_MPSMIN(ctrl->cap));

	ret = ctrl_identify_namespace(ctrl);
	if (ret)
		return ret;

	/* As many I/O queue pairs as the controller grants. */
	sqe = (struct dbnvme_sqe){
		.opcode = NVME_ADMIN_SET_FEATURES,
		.cdw10 = NVME_FEAT_NUM_QUEUES,
		.cdw11 = 0xfffe << 16 | 0xfffe,
	};
	ret = dbnvme_admin_sync(ctrl, &sqe, &granted);
	if (ret)
		return ret;
	ctrl->nr_io_queues = dbnvme_granted_queues(granted);
	return 0;
}

static int ctrl_map_doorbells(struct dbnvme_ctrl *ctrl)
{
	struct dbnvme_doorbell_layout db;
	struct dbvfio_bar bar;
	void *p;
	int ret;

	ret = dbvfio_bar_info(ctrl->dev, 0, &bar);
	if (ret)
		return ret;
	dbnvme_doorbell_layout_of(ctrl->cap, &db);
	ctrl->doorbell_stride = db.stride;
	ctrl->doorbell_page = db.page_offset;
	p = mmap(NULL, db.page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dbvfio_device_fd(ctrl->dev), bar.offset + ctrl->doorbell_page);
	if (p == MAP_FAILED)
		return -errno;
	ctrl->doorbells = p;
	return 0;
}

/*
 * A vector per I/O queue, routed only while a queue that wants
 * interrupts exists.  Vector 0, the admin queue's, stays silent: admin
 * commands are polled.  Without MSI-X every queue is polled, which the
 * driver can live with; the reason is kept for the caller to tell.
 */
static void ctrl_enable_msix(struct dbnvme_ctrl *ctrl)
{
	ctrl->irq_error = dbvfio_msix_enable(ctrl->dev, ctrl->nr_io_queues + 1u,
					     &ctrl->irq_vectors);
	if (ctrl->irq_error)
		ctrl->irq_vectors = 0;
}

static int ctrl_setup(struct dbnvme_ctrl *ctrl)
{
	uint16_t cmd;
	int ret;

	/* The controller fetches commands by DMA: it must be a bus master. */
	ret = dbvfio_config_read(ctrl->dev, NVME_PCI_COMMAND, &cmd,
				 sizeof(cmd));
	if (ret)
		return ret;
	cmd |= NVME_PCI_CMD_MEMORY | NVME_PCI_CMD_MASTER;
	ret = dbvfio_config_write(ctrl->dev, NVME_PCI_COMMAND, &cmd,
				  sizeof(cmd));
	if (!ret)
		ret = reg_read(ctrl, NVME_REG_CAP, &ctrl->cap,
			       sizeof(ctrl->cap));
	if (ret)
		return ret;
	if (ctrl->cap == ~0ull)
		return -ENODEV;
	if (NVME_CAP_MPSMIN(ctrl->cap) != 0)
		return -EOPNOTSUPP; /* no 4 KiB memory pages */
	ctrl->timeout_ms = NVME_CAP_TO_MS(ctrl->cap);
	if (!ctrl->timeout_ms)
		ctrl->timeout_ms = 500;
	/* One memory page per ring: PRP1 alone then describes a queue. */
	ctrl->max_depth = NVME_CAP_MQES(ctrl->cap);
	if (ctrl->max_depth > NVME_PAGE_SIZE / sizeof(struct dbnvme_sqe))
		ctrl->max_depth = NVME_PAGE_SIZE / sizeof(struct dbnvme_sqe);

	ret = ctrl_map_doorbells(ctrl);
	if (ret)
		return ret;
	ctrl->admin.qid = 0;
	ctrl->admin.depth = NVME_ADMIN_DEPTH;
	ctrl->admin.irq_fd = -1; /* polled, under admin_lock */
	dbnvme_queue_set_doorbells(ctrl, &ctrl->admin);
	ret = dbnvme_dma_alloc(ctrl, NVME_PAGE_SIZE, &ctrl->admin.sq);
	if (!ret)
		ret = dbnvme_dma_alloc(ctrl, NVME_PAGE_SIZE, &ctrl->admin.cq);
	if (!ret)
		ret = dbnvme_dma_alloc(ctrl, NVME_PAGE_SIZE, &ctrl->identify);
	if (!ret)
		ret = ctrl_enable(ctrl);
	if (!ret)
		ret = ctrl_identify(ctrl);
	if (!ret)
		ctrl_enable_msix(ctrl);
	return ret;
}

static void ctrl_release(struct dbnvme_ctrl *ctrl)
{
	dbnvme_dma_free(ctrl, &ctrl->identify);
	dbnvme_dma_free(ctrl, &ctrl->admin.sq);
	dbnvme_dma_free(ctrl, &ctrl->admin.cq);
	if (ctrl->doorbells)
		munmap((void *)ctrl->doorbells, sysconf(_SC_PAGESIZE));
	dbvfio_close(ctrl->dev);
	pthread_mutex_destroy(&ctrl->admin_lock);
	free(ctrl);
}

int dbnvme_ctrl_open_beside(const char *bdf, const struct dbvfio_dev *peer,
			    struct dbnvme_ctrl **ctrlp)
{
	struct dbvfio_pci_addr addr;
	struct dbnvme_ctrl *ctrl;
	int ret;

	ret = dbvfio_pci_addr_parse(bdf, &addr);
	if (ret)
		return ret;
	ctrl = calloc(1, sizeof(*ctrl));
	if (!ctrl)
		return -ENOMEM;
	dbvfio_pci_addr_format(&addr, ctrl->bdf);
	pthread_mutex_init(&ctrl->admin_lock, NULL);
	if (peer)
		ret = dbvfio_open_beside(&addr, peer, &ctrl->dev);
	else
		ret = dbvfio_open(&addr, &ctrl->dev);
	if (ret) {
		ctrl->dev = NULL;
		ctrl_release(ctrl);
		return ret;
	}
	ret = dbnvme_dma_init(ctrl);
	if (ret) {
		ctrl_release(ctrl);
		return ret;
	}
	ret = ctrl_setup(ctrl);
	if (ret) {
		reg_write32(ctrl, NVME_REG_CC, 0);
		ctrl_release(ctrl);
		return ret;
	}
	*ctrlp = ctrl;
	return 0;
}

int dbnvme_ctrl_open(const char *bdf, struct dbnvme_ctrl **ctrlp)
{
	return dbnvme_ctrl_open_beside(bdf, NULL, ctrlp);
}

int dbnvme_ctrl_reset(struct dbnvme_ctrl *ctrl)
{
	int ret;

	pthread_mutex_lock(&ctrl->admin_lock);
	ret = ctrl_enable(ctrl);
	pthread_mutex_unlock(&ctrl->admin_lock);
	if (!ret)
		ret = ctrl_identify(ctrl);
	return ret;
}

void dbnvme_ctrl_close(struct dbnvme_ctrl *ctrl)
{
	uint32_t cc;

	if (!ctrl)
		return;
	/* A normal shutdown, so the controller flushes what it caches. */
	if (!reg_read(ctrl, NVME_REG_CC, &cc, sizeof(cc)) &&
	    !reg_write32(ctrl, NVME_REG_CC, cc | NVME_CC_SHN_NORMAL))
		wait_csts(ctrl, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_DONE);
	reg_write32(ctrl, NVME_REG_CC, 0);
	wait_csts(ctrl, NVME_CSTS_RDY, 0);
	ctrl_release(ctrl);
}
