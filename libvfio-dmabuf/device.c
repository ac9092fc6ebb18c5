// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a vfio-pci device through its IOMMU group and a type1 container.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "private.h"

static int close_keep_errno(int fd)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
	return -1;
}

/* Basename of the sysfs link @name of device @bdf, into @out. */
static int read_pci_link(const char *bdf, const char *name, char *out,
			 size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, name);
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return -errno;
	target[len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(out, base);
	return 0;
}

/* The IOMMU group number of @bdf, after checking it is vfio-pci's. */
static int find_group(const char *bdf, unsigned long *group)
{
	char path[PATH_MAX], name[64], *end;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (access(path, F_OK))
		return -ENODEV;

	ret = read_pci_link(bdf, "driver", name, sizeof(name));
	if (ret == -ENOENT || (!ret && strcmp(name, "vfio-pci")))
		return -ENXIO;
	if (ret)
		return ret;

	ret = read_pci_link(bdf, "iommu_group", name, sizeof(name));
	if (ret)
		return ret == -ENOENT ? -ENXIO : ret;
	errno = 0;
	*group = strtoul(name, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int open_container(void)
{
	int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		close(fd);
		return -EOPNOTSUPP;
	}
	return fd;
}

static int attach_group(struct vfio_dmabuf_dev *dev, unsigned long group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%lu", group);
	dev->group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->group_fd < 0)
		return -errno;
	if (ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	/* Some device of the group is bound to a host driver. */
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	if (ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER, &dev->container_fd))
		return -errno;
	if (ioctl(dev->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	return 0;
}

int vfio_dmabuf_open(const struct vfio_pci_addr *addr,
		     struct vfio_dmabuf_dev **devp)
{
	char bdf[VFIO_PCI_ADDR_STRLEN];
	struct vfio_dmabuf_dev *dev;
	unsigned long group;
	int ret;

	if (!addr || !devp)
		return -EINVAL;
	vfio_pci_addr_format(addr, bdf);
	ret = find_group(bdf, &group);
	if (ret)
		return ret;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->addr = *addr;
	dev->group_fd = -1;
	dev->device_fd = -1;

	dev->container_fd = open_container();
	if (dev->container_fd < 0) {
		ret = dev->container_fd;
		goto err;
	}
	ret = attach_group(dev, group);
	if (ret)
		goto err;
	dev->device_fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev->device_fd < 0) {
		ret = -errno;
		goto err;
	}
	*devp = dev;
	return 0;

err:
	vfio_dmabuf_close(dev);
	return ret;
}

void vfio_dmabuf_close(struct vfio_dmabuf_dev *dev)
{
	if (!dev)
		return;
	/* Device first: the group cannot leave the container while it is open. */
	close_keep_errno(dev->device_fd);
	close_keep_errno(dev->group_fd);
	close_keep_errno(dev->container_fd);
	free(dev);
}

int vfio_dmabuf_device_fd(const struct vfio_dmabuf_dev *dev)
{
	return dev->device_fd;
}
