// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host memory the controller reaches through the IOMMU.
 *
 * Every controller of the process takes its IOVAs from one space, inside
 * the valid ranges its own IOMMU reports (iova.c).  No two buffers share
 * an IOVA, even in different IOMMU domains: a command that names a
 * buffer of another controller then finds nothing mapped at that IOVA
 * and faults, instead of reaching memory of its own controller.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"

/* IOVAs below stay unmapped, so a zeroed or small PRP faults. */
#define NVME_IOVA_FLOOR (1ull << 30)
/* Without the IOMMU's word: the vIOMMU's 39 bits, the MSI window out. */
#define NVME_IOVA_MSI_START 0xfee00000ull
#define NVME_IOVA_MSI_LAST 0xfeefffffull
#define NVME_IOVA_DEFAULT_LAST ((1ull << 39) - 1)

/* iova_lock guards iova_space: the IOVAs of every controller. */
static pthread_mutex_t iova_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dbnvme_iova_space iova_space;

uint64_t dbnvme_host_page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 ? (uint64_t)page : 4096;
}

/* Keep the ranges that lie above the floor, clipped to it. */
static void clip_to_floor(struct dbnvme_ctrl *ctrl)
{
	unsigned int i, n = 0;

	for (i = 0; i < ctrl->nr_iova_ranges; i++) {
		struct dbvfio_iova_range r = ctrl->iova_ranges[i];

		if (r.last < NVME_IOVA_FLOOR)
			continue;
		if (r.start < NVME_IOVA_FLOOR)
			r.start = NVME_IOVA_FLOOR;
		ctrl->iova_ranges[n++] = r;
	}
	ctrl->nr_iova_ranges = n;
}

int dbnvme_dma_init(struct dbnvme_ctrl *ctrl)
{
	int ret;

	ret = dbvfio_iova_ranges(ctrl->dev, ctrl->iova_ranges,
				 NVME_MAX_IOVA_RANGES, &ctrl->nr_iova_ranges);
	if (ret == -EOPNOTSUPP) {
		ctrl->iova_ranges[0] = (struct dbvfio_iova_range){
			.start = 0, .last = NVME_IOVA_MSI_START - 1
		};
		ctrl->iova_ranges[1] = (struct dbvfio_iova_range){
			.start = NVME_IOVA_MSI_LAST + 1,
			.last = NVME_IOVA_DEFAULT_LAST
		};
		ctrl->nr_iova_ranges = 2;
		ret = 0;
	}
	if (ret)
		return ret;
	clip_to_floor(ctrl);
	return ctrl->nr_iova_ranges ? 0 : -ENOSPC;
}

int dbnvme_dma_alloc(struct dbnvme_ctrl *ctrl, size_t size,
		     struct dbnvme_dma *buf)
{
	uint64_t page = dbnvme_host_page_size(), iova;
	void *p;
	int ret;

	pthread_mutex_lock(&iova_lock);
	ret = dbnvme_iova_alloc(&iova_space, ctrl->iova_ranges,
				ctrl->nr_iova_ranges, size, page, &iova);
	pthread_mutex_unlock(&iova_lock);
	if (ret)
		return ret;
	size = (size + page - 1) & ~(page - 1);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ret = p == MAP_FAILED ? -errno : 0;
	if (!ret) {
		ret = dbvfio_dma_map(ctrl->dev, p, iova, size);
		if (ret)
			munmap(p, size);
	}
	if (ret) {
		pthread_mutex_lock(&iova_lock);
		dbnvme_iova_free(&iova_space, iova);
		pthread_mutex_unlock(&iova_lock);
		return ret;
	}
	*buf = (struct dbnvme_dma){ .vaddr = p, .iova = iova, .size = size };
	return 0;
}

/*
 * The IOVA goes back only once it is unmapped: until then the device may
 * still reach the old buffer there.  One the IOMMU would not unmap stays
 * taken for good.
 */
void dbnvme_dma_free(struct dbnvme_ctrl *ctrl, struct dbnvme_dma *buf)
{
	if (!buf->vaddr)
		return;
	if (!dbvfio_dma_unmap(ctrl->dev, buf->iova, buf->size)) {
		pthread_mutex_lock(&iova_lock);
		dbnvme_iova_free(&iova_space, buf->iova);
		pthread_mutex_unlock(&iova_lock);
	}
	munmap(buf->vaddr, buf->size);
	memset(buf, 0, sizeof(*buf));
}
