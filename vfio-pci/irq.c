// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MSI-X: vfio-pci signals each enabled vector on an eventfd the caller
 * chooses, so a thread can sleep until the device interrupts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vfio.h>

#include "private.h"

/* VFIO_DEVICE_SET_IRQS on the MSI-X index with eventfds (or none). */
static int msix_set(struct dbvfio_dev *dev, uint32_t flags, unsigned int start,
		    unsigned int count, const int *fds)
{
	size_t data = fds ? count * sizeof(int) : 0;
	struct vfio_irq_set *set;
	int ret;

	set = calloc(1, sizeof(*set) + data);
	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + data;
	set->flags = flags | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = start;
	set->count = count;
	if (fds)
		memcpy(set->data, fds, data);
	ret = ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
	free(set);
	return ret;
}

int dbvfio_msix_enable(struct dbvfio_dev *dev, unsigned int want,
		       unsigned int *granted)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info),
		.index = VFIO_PCI_MSIX_IRQ_INDEX,
	};
	unsigned int i, count;
	int *fds, ret;

	if (!dev || !want || !granted)
		return -EINVAL;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return -errno;
	if (!info.count || !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return -EOPNOTSUPP; /* the device has no MSI-X */
	count = want < info.count ? want : info.count;
	/* Every vector enabled, none routed: -1 leaves a vector silent. */
	fds = malloc(count * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		fds[i] = -1;
	ret = msix_set(dev, VFIO_IRQ_SET_DATA_EVENTFD, 0, count, fds);
	free(fds);
	if (!ret)
		*granted = count;
	return ret;
}

int dbvfio_msix_route(struct dbvfio_dev *dev, unsigned int vector, int eventfd)
{
	if (!dev || eventfd < -1)
		return -EINVAL;
	return msix_set(dev, VFIO_IRQ_SET_DATA_EVENTFD, vector, 1, &eventfd);
}

int dbvfio_msix_disable(struct dbvfio_dev *dev)
{
	if (!dev)
		return -EINVAL;
	return msix_set(dev, VFIO_IRQ_SET_DATA_NONE, 0, 0, NULL);
}
