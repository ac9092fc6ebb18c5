// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only dma-buf importer.  It imports like a real peer-to-peer
 * device driver would: a dynamic attachment for a PCI device, mappings
 * taken under the reservation lock and dropped when move_notify says
 * so.  Tests drive it through /dev/dmabuf_importer (dmabuf_importer.h)
 * and read back what it observed.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/iommufd.h>
#include <linux/iosys-map.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/slab.h>
#include <linux/vfio_pci_core.h>
#include <linux/workqueue.h>

#include "dmabuf_importer.h"

MODULE_IMPORT_NS(DMA_BUF);

/*
 * One attachment.  @lock serialises the ioctls of one file; @status and
 * @sgt are also changed by move_notify, which runs with the dma-buf's
 * reservation lock held, so they are only touched under that lock.  A
 * slow importer (DMABUF_IMPORTER_SLOW_UNMAP) lets go from @unmap_work,
 * @delay_ms after move_notify, as a driver with DMA in flight would.
 */
struct importer {
	struct mutex lock;
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct pci_dev *client;
	struct sg_table *sgt;
	struct dmabuf_importer_status status;
	bool slow;
	unsigned int delay_ms;
	struct delayed_work unmap_work;
};

static void importer_unmap_locked(struct importer *imp)
{
	dma_resv_assert_held(imp->dmabuf->resv);
	if (!imp->sgt)
		return;
	dma_buf_unmap_attachment(imp->attach, imp->sgt, DMA_BIDIRECTIONAL);
	imp->sgt = NULL;
	imp->status.mapped = 0;
}

/* Drop the mapping and the pin, as a revoked importer must. */
static void importer_let_go_locked(struct importer *imp)
{
	importer_unmap_locked(imp);
	if (imp->status.pinned) {
		dma_buf_unpin(imp->attach);
		imp->status.pinned = 0;
	}
}

static void importer_unmap_work(struct work_struct *work)
{
	struct importer *imp = container_of(to_delayed_work(work),
					    struct importer, unmap_work);

	dma_resv_lock(imp->dmabuf->resv, NULL);
	importer_let_go_locked(imp);
	dma_resv_unlock(imp->dmabuf->resv);
	pr_info("dmabuf_importer: %s: unmapped %u ms after move_notify\n",
		pci_name(imp->client), imp->delay_ms);
}

static void importer_move_notify(struct dma_buf_attachment *attach)
{
	struct importer *imp = attach->importer_priv;

	imp->status.move_notifies++;
	if (imp->slow)
		schedule_delayed_work(&imp->unmap_work,
				      msecs_to_jiffies(imp->delay_ms));
	else
		importer_let_go_locked(imp);
}

static const struct dma_buf_attach_ops importer_p2p_ops = {
	.allow_peer2peer = true,
	.move_notify = importer_move_notify,
};

static const struct dma_buf_attach_ops importer_nop2p_ops = {
	.allow_peer2peer = false,
	.move_notify = importer_move_notify,
};

/* The PCI device of an encoded domain << 16 | bus << 8 | devfn. */
static struct pci_dev *importer_pci_dev(u32 encoded)
{
	return pci_get_domain_bus_and_slot(encoded >> 16, (encoded >> 8) & 0xff,
					   encoded & 0xff);
}

static int importer_attach(struct importer *imp, void __user *uarg)
{
	struct dmabuf_importer_attach arg;
	const struct dma_buf_attach_ops *ops;
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf;
	struct pci_dev *client;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (imp->attach)
		return -EBUSY;

	client = importer_pci_dev(arg.client);
	if (!client)
		return -ENODEV;
	dmabuf = dma_buf_get(arg.fd);
	if (IS_ERR(dmabuf)) {
		pci_dev_put(client);
		return PTR_ERR(dmabuf);
	}

	ops = arg.flags & DMABUF_IMPORTER_NO_P2P ? &importer_nop2p_ops :
						   &importer_p2p_ops;
	if (arg.flags & DMABUF_IMPORTER_STATIC)
		attach = dma_buf_attach(dmabuf, &client->dev);
	else
		attach = dma_buf_dynamic_attach(dmabuf, &client->dev, ops,
						imp);
	if (IS_ERR(attach)) {
		dma_buf_put(dmabuf);
		pci_dev_put(client);
		return PTR_ERR(attach);
	}
	imp->dmabuf = dmabuf;
	imp->attach = attach;
	imp->client = client;
	imp->slow = arg.flags & DMABUF_IMPORTER_SLOW_UNMAP;
	imp->delay_ms = arg.delay_ms;
	return 0;
}

static int importer_map(struct importer *imp)
{
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned int i;
	int ret = 0;

	if (!imp->attach)
		return -ENOTCONN;
	dma_resv_lock(imp->dmabuf->resv, NULL);
	importer_unmap_locked(imp);
	sgt = dma_buf_map_attachment(imp->attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		imp->status.last_error = ret;
		goto out;
	}
	imp->sgt = sgt;
	imp->status.maps++;
	imp->status.mapped = 1;
	imp->status.nents = sgt->nents;
	imp->status.dma_addr = sg_dma_address(sgt->sgl);
	imp->status.dma_len = 0;
	imp->status.page_links = 0;
	for_each_sgtable_dma_sg(sgt, sg, i) {
		imp->status.dma_len += sg_dma_len(sg);
		if (sg_page(sg))
			imp->status.page_links++;
	}
out:
	dma_resv_unlock(imp->dmabuf->resv);
	return ret;
}

/* Read and check a 4-byte CPU access request of either kind. */
static int importer_rw_args(struct importer *imp, void __user *uarg,
			    struct dmabuf_importer_rw *arg)
{
	if (copy_from_user(arg, uarg, sizeof(*arg)))
		return -EFAULT;
	if (!imp->attach)
		return -ENOTCONN;
	if (arg->offset % 4 || arg->offset + 4 > imp->dmabuf->size)
		return -EINVAL;
	return 0;
}

static int importer_vmap_rw(struct importer *imp, void __user *uarg)
{
	struct dmabuf_importer_rw arg;
	struct iosys_map map;
	int ret;

	ret = importer_rw_args(imp, uarg, &arg);
	if (ret)
		return ret;

	ret = dma_buf_vmap_unlocked(imp->dmabuf, &map);
	if (ret)
		return ret;
	if (!map.is_iomem) {
		ret = -EPROTO;	/* MMIO must never look like RAM */
	} else if (arg.write) {
		iowrite32(arg.value, map.vaddr_iomem + arg.offset);
	} else {
		arg.value = ioread32(map.vaddr_iomem + arg.offset);
		if (copy_to_user(uarg, &arg, sizeof(arg)))
			ret = -EFAULT;
	}
	dma_buf_vunmap_unlocked(imp->dmabuf, &map);
	return ret;
}

/* A CPU importer's access, through the exporter's private call. */
static int importer_cpu_rw(struct importer *imp, void __user *uarg)
{
	struct dmabuf_importer_rw arg;
	void __iomem *va;
	int ret;

	ret = importer_rw_args(imp, uarg, &arg);
	if (ret)
		return ret;

	/* The mapping lives until move_notify; the lock keeps that away. */
	dma_resv_lock(imp->dmabuf->resv, NULL);
	ret = vfio_pci_dma_buf_iomem_map(imp->attach, &va);
	if (!ret) {
		if (arg.write)
			iowrite32(arg.value, va + arg.offset);
		else
			arg.value = ioread32(va + arg.offset);
	}
	dma_resv_unlock(imp->dmabuf->resv);
	if (!ret && !arg.write && copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
	return ret;
}

static int importer_p2pdma_add(void __user *uarg)
{
	struct dmabuf_importer_p2pdma_add arg;
	struct pci_dev *pdev;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	/*
	 * ZONE_DEVICE hot-adds memory in subsections (2 MiB on x86-64); a
	 * smaller or misaligned range makes the hotplug code WARN before it
	 * fails, so refuse it here with the error it would end in.
	 */
	if (!IS_ALIGNED(arg.offset | arg.size, PAGES_PER_SUBSECTION << PAGE_SHIFT))
		return -EINVAL;
	pdev = importer_pci_dev(arg.provider);
	if (!pdev)
		return -ENODEV;
	ret = pci_p2pdma_add_resource(pdev, arg.bar, arg.size, arg.offset);
	pci_dev_put(pdev);
	return ret;
}

#if IS_ENABLED(CONFIG_IOMMUFD)
MODULE_IMPORT_NS(IOMMUFD);

/* Nothing stays pinned past the ioctl, so there is nothing to let go. */
static void importer_access_unmap(void *data, unsigned long iova,
				  unsigned long length)
{
}

static const struct iommufd_access_ops importer_access_ops = {
	.needs_pin_pages = 1,
	.unmap = importer_access_unmap,
};

static int importer_iommufd_pin(void __user *uarg)
{
	struct dmabuf_importer_iommufd_pin arg;
	struct iommufd_access *access;
	struct iommufd_ctx *ictx;
	struct page **pages;
	u32 id;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!arg.length || arg.length > 64 * PAGE_SIZE ||
	    !PAGE_ALIGNED(arg.length))
		return -EINVAL;
	pages = kcalloc(arg.length / PAGE_SIZE, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	ictx = iommufd_ctx_from_fd(arg.iommufd);
	if (IS_ERR(ictx)) {
		ret = PTR_ERR(ictx);
		goto out_free;
	}
	access = iommufd_access_create(ictx, &importer_access_ops, NULL, &id);
	if (IS_ERR(access)) {
		ret = PTR_ERR(access);
		goto out_ctx;
	}
	ret = iommufd_access_attach(access, arg.ioas_id);
	if (!ret) {
		ret = iommufd_access_pin_pages(access, arg.iova, arg.length,
					       pages, 0);
		if (!ret)
			iommufd_access_unpin_pages(access, arg.iova,
						   arg.length);
		iommufd_access_detach(access);
	}
	iommufd_access_destroy(access);
out_ctx:
	iommufd_ctx_put(ictx);
out_free:
	kfree(pages);
	return ret;
}
#else
static int importer_iommufd_pin(void __user *uarg)
{
	return -EOPNOTSUPP;
}
#endif

static long importer_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct importer *imp = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct dmabuf_importer_status status;
	long ret;

	mutex_lock(&imp->lock);
	switch (cmd) {
	case DMABUF_IMPORTER_ATTACH:
		ret = importer_attach(imp, uarg);
		break;
	case DMABUF_IMPORTER_MAP:
		ret = importer_map(imp);
		break;
	case DMABUF_IMPORTER_UNMAP:
		ret = -ENOTCONN;
		if (imp->attach) {
			dma_resv_lock(imp->dmabuf->resv, NULL);
			importer_unmap_locked(imp);
			dma_resv_unlock(imp->dmabuf->resv);
			ret = 0;
		}
		break;
	case DMABUF_IMPORTER_STATUS:
		ret = -ENOTCONN;
		if (imp->attach) {
			dma_resv_lock(imp->dmabuf->resv, NULL);
			status = imp->status;
			dma_resv_unlock(imp->dmabuf->resv);
			ret = copy_to_user(uarg, &status, sizeof(status)) ?
				-EFAULT : 0;
		}
		break;
	case DMABUF_IMPORTER_VMAP_RW:
		ret = importer_vmap_rw(imp, uarg);
		break;
	case DMABUF_IMPORTER_PIN:
		ret = -ENOTCONN;
		if (imp->attach) {
			dma_resv_lock(imp->dmabuf->resv, NULL);
			ret = imp->status.pinned ? -EBUSY :
						   dma_buf_pin(imp->attach);
			if (!ret)
				imp->status.pinned = 1;
			dma_resv_unlock(imp->dmabuf->resv);
		}
		break;
	case DMABUF_IMPORTER_CPU_RW:
		ret = importer_cpu_rw(imp, uarg);
		break;
	case DMABUF_IMPORTER_MARK: {
		char line[64];

		ret = -EFAULT;
		if (!copy_from_user(line, uarg, sizeof(line))) {
			line[sizeof(line) - 1] = 0;
			pr_info("dmabuf_importer: mark: %s\n", line);
			ret = 0;
		}
		break;
	}
	case DMABUF_IMPORTER_P2PDMA_ADD:
		ret = importer_p2pdma_add(uarg);
		break;
	case DMABUF_IMPORTER_IOMMUFD_PIN:
		ret = importer_iommufd_pin(uarg);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&imp->lock);
	return ret;
}

static int importer_open(struct inode *inode, struct file *file)
{
	struct importer *imp = kzalloc(sizeof(*imp), GFP_KERNEL);

	if (!imp)
		return -ENOMEM;
	mutex_init(&imp->lock);
	INIT_DELAYED_WORK(&imp->unmap_work, importer_unmap_work);
	file->private_data = imp;
	return 0;
}

static int importer_release(struct inode *inode, struct file *file)
{
	struct importer *imp = file->private_data;

	if (imp->attach) {
		dma_resv_lock(imp->dmabuf->resv, NULL);
		importer_let_go_locked(imp);
		dma_resv_unlock(imp->dmabuf->resv);
		/*
		 * Detached, the importer gets no more move_notify, so no
		 * revoke can schedule the slow unmap again once it is
		 * cancelled.  If it still runs, it finds nothing to let go.
		 */
		dma_buf_detach(imp->dmabuf, imp->attach);
		cancel_delayed_work_sync(&imp->unmap_work);
		dma_buf_put(imp->dmabuf);
		pci_dev_put(imp->client);
	}
	mutex_destroy(&imp->lock);
	kfree(imp);
	return 0;
}

static const struct file_operations importer_fops = {
	.owner = THIS_MODULE,
	.open = importer_open,
	.release = importer_release,
	.unlocked_ioctl = importer_ioctl,
};

static struct miscdevice importer_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "dmabuf_importer",
	.fops = &importer_fops,
};
module_misc_device(importer_dev);

MODULE_DESCRIPTION("Test-only dynamic dma-buf importer");
MODULE_LICENSE("GPL");
