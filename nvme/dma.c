// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host memory the controller reaches through the IOMMU.
 *
 * IOVAs come from a bump allocator above 1 GiB and are never handed out
 * twice: a stale command that still names an old buffer then faults in
 * the IOMMU instead of landing in a new one.  The vIOMMU's 39-bit address
 * width leaves room for 512 GiB of allocations.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "private.h"

#define NVME_IOVA_BASE (1ull << 30)
#define NVME_IOVA_LIMIT (1ull << 39)
#define NVME_PAGE 4096ul

int nvme_iova_reserve(struct nvme_ctrl *ctrl, size_t size, uint64_t *iova)
{
	int ret = 0;

	if (!size || size > NVME_IOVA_LIMIT)
		return -EINVAL;
	size = (size + NVME_PAGE - 1) & ~(NVME_PAGE - 1);
	pthread_mutex_lock(&ctrl->iova_lock);
	if (ctrl->next_iova + size > NVME_IOVA_LIMIT) {
		ret = -ENOSPC;
	} else {
		*iova = ctrl->next_iova;
		ctrl->next_iova += size;
	}
	pthread_mutex_unlock(&ctrl->iova_lock);
	return ret;
}

int nvme_dma_alloc(struct nvme_ctrl *ctrl, size_t size, struct nvme_dma *buf)
{
	uint64_t iova;
	void *p;
	int ret;

	ret = nvme_iova_reserve(ctrl, size, &iova);
	if (ret)
		return ret;
	size = (size + NVME_PAGE - 1) & ~(NVME_PAGE - 1);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	ret = vfio_dmabuf_dma_map(ctrl->dev, p, iova, size);
	if (ret) {
		munmap(p, size);
		return ret;
	}
	*buf = (struct nvme_dma){ .vaddr = p, .iova = iova, .size = size };
	return 0;
}

void nvme_dma_free(struct nvme_ctrl *ctrl, struct nvme_dma *buf)
{
	if (!buf->vaddr)
		return;
	vfio_dmabuf_dma_unmap(ctrl->dev, buf->iova, buf->size);
	munmap(buf->vaddr, buf->size);
	memset(buf, 0, sizeof(*buf));
}

void nvme_dma_init(struct nvme_ctrl *ctrl)
{
	ctrl->next_iova = NVME_IOVA_BASE;
}
