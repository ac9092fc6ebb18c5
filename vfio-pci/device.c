// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a vfio-pci device: through its IOMMU group and a type1
 * container, or through its device cdev bound to an iommufd.
 */
#include <dirent.h>
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
#include "uapi_compat.h"

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

/* -ENODEV if @bdf does not exist, -ENXIO unless vfio-pci drives it. */
static int check_vfio_pci(const char *bdf)
{
	char path[PATH_MAX], name[64];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (access(path, F_OK))
		return -ENODEV;
	ret = read_pci_link(bdf, "driver", name, sizeof(name));
	if (ret == -ENOENT || (!ret && strcmp(name, "vfio-pci")))
		return -ENXIO;
	return ret;
}

int dbvfio_iommu_group(const char *bdf, unsigned long *group)
{
	char name[64], canon[DBVFIO_PCI_ADDR_STRLEN], *end;
	struct dbvfio_pci_addr addr;
	int ret;

	/* sysfs knows only the canonical form: not "00:03.0", not "0A". */
	if (dbvfio_pci_addr_parse(bdf, &addr))
		return -EINVAL;
	dbvfio_pci_addr_format(&addr, canon);
	ret = read_pci_link(canon, "iommu_group", name, sizeof(name));
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

static int attach_group(struct dbvfio_dev *dev, unsigned long group)
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

static int open_through_group(struct dbvfio_dev *dev, const char *bdf)
{
	unsigned long group;
	int ret;

	ret = dbvfio_iommu_group(bdf, &group);
	if (ret)
		return ret;
	dev->container_fd = open_container();
	if (dev->container_fd < 0)
		return dev->container_fd;
	ret = attach_group(dev, group);
	if (ret)
		return ret;
	dev->device_fd = ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
	return dev->device_fd < 0 ? -errno : 0;
}

/*
 * The cdev interface: bind the device to a fresh iommufd and attach it
 * to an empty IO address space, which blocks its DMA until the caller
 * maps something, as a type1 container does.  Beside @peer, the device
 * joins @peer's iommufd and IOAS instead.
 */
static int open_through_cdev(struct dbvfio_dev *dev, const char *bdf,
			     const struct dbvfio_dev *peer)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char name[64], path[PATH_MAX];
	DIR *dir;
	struct dirent *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -EOPNOTSUPP : -errno;
	name[0] = '\0';
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "vfio", 4) &&
		    strlen(d->d_name) < sizeof(name))
			strcpy(name, d->d_name);
	closedir(dir);
	if (!name[0])
		return -EOPNOTSUPP;

	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	dev->device_fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->device_fd < 0)
		return -errno;
	if (peer)
		dev->container_fd =
			fcntl(peer->container_fd, F_DUPFD_CLOEXEC, 0);
	else
		dev->container_fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (dev->container_fd < 0)
		return -errno;
	bind.iommufd = dev->container_fd;
	if (ioctl(dev->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	if (peer) {
		dev->ioas_id = peer->ioas_id;
	} else {
		if (ioctl(dev->container_fd, IOMMU_IOAS_ALLOC, &ioas))
			return -errno;
		dev->ioas_id = ioas.out_ioas_id;
	}
	attach.pt_id = dev->ioas_id;
	if (ioctl(dev->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -errno;
	return 0;
}

/* Open through @iface, or through the cdev beside @peer if it is set. */
static int open_dev(const struct dbvfio_pci_addr *addr, enum dbvfio_iface iface,
		    const struct dbvfio_dev *peer, struct dbvfio_dev **devp)
{
	char bdf[DBVFIO_PCI_ADDR_STRLEN];
	struct dbvfio_dev *dev;
	int ret;

	dbvfio_pci_addr_format(addr, bdf);
	ret = check_vfio_pci(bdf);
	if (ret)
		return ret;
	if (iface == DBVFIO_IFACE_AUTO)
		iface = access("/dev/vfio/vfio", F_OK) ? DBVFIO_IFACE_CDEV :
							 DBVFIO_IFACE_GROUP;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->addr = *addr;
	dev->container_fd = -1;
	dev->group_fd = -1;
	dev->device_fd = -1;

	if (iface == DBVFIO_IFACE_GROUP)
		ret = open_through_group(dev, bdf);
	else
		ret = open_through_cdev(dev, bdf, peer);
	if (!ret)
		ret = dbvfio_dev_read_regions(dev);
	if (ret) {
		dbvfio_close(dev);
		return ret;
	}
	*devp = dev;
	return 0;
}

int dbvfio_open_iface(const struct dbvfio_pci_addr *addr,
		      enum dbvfio_iface iface, struct dbvfio_dev **devp)
{
	if (!addr || !devp || iface > DBVFIO_IFACE_CDEV)
		return -EINVAL;
	return open_dev(addr, iface, NULL, devp);
}

int dbvfio_open_beside(const struct dbvfio_pci_addr *addr,
		       const struct dbvfio_dev *peer, struct dbvfio_dev **devp)
{
	if (!addr || !devp || !peer || peer->group_fd >= 0)
		return -EINVAL;
	return open_dev(addr, DBVFIO_IFACE_CDEV, peer, devp);
}

int dbvfio_iommufd(const struct dbvfio_dev *dev, uint32_t *ioas_id)
{
	if (dev->group_fd >= 0)
		return -EOPNOTSUPP;
	if (ioas_id)
		*ioas_id = dev->ioas_id;
	return dev->container_fd;
}

int dbvfio_open(const struct dbvfio_pci_addr *addr, struct dbvfio_dev **devp)
{
	return dbvfio_open_iface(addr, DBVFIO_IFACE_AUTO, devp);
}

void dbvfio_close(struct dbvfio_dev *dev)
{
	if (!dev)
		return;
	/* Device first: the group cannot leave the container while it is open. */
	close_keep_errno(dev->device_fd);
	close_keep_errno(dev->group_fd);
	close_keep_errno(dev->container_fd);
	free(dev);
}

int dbvfio_device_fd(const struct dbvfio_dev *dev)
{
	return dev->device_fd;
}
