/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef DBVFIO_PRIVATE_H
#define DBVFIO_PRIVATE_H

#include <linux/vfio.h>

#include "doorbell_vfio_pci.h"

/*
 * One opened vfio-pci device.  The handle is not locked: callers that
 * share it between threads serialise dbvfio_close() against every
 * other call themselves.  The read-only calls may run concurrently.
 */
struct dbvfio_dev {
	struct dbvfio_pci_addr addr;
	/* GROUP: /dev/vfio/vfio with type1 set; CDEV: /dev/iommu */
	int container_fd;
	int group_fd; /* GROUP: /dev/vfio/N in the container */
	int device_fd; /* the vfio device */
	uint32_t ioas_id; /* CDEV: the IOAS the device is attached to */
	/*
	 * BARs 0-5, the ROM and config space, indexed as vfio-pci's regions:
	 * read once at open, since vfio-pci fixes a region's offset, size
	 * and flags for the life of the device fd.  Every BAR or config
	 * access then costs one pread or pwrite, not an ioctl as well.
	 * Written only before the device is handed out, so threads share it
	 * without a lock.
	 */
	struct dbvfio_bar regions[VFIO_PCI_CONFIG_REGION_INDEX + 1];
};

/* Fill @dev->regions from the kernel's region info. */
int dbvfio_dev_read_regions(struct dbvfio_dev *dev);

/*
 * Read exactly @len bytes at @offset of the device file (a region's
 * offset plus the place within it); a short read is -EIO.
 */
int dbvfio_dev_pread(struct dbvfio_dev *dev, uint64_t offset, void *buf,
		     size_t len);
int dbvfio_dev_pwrite(struct dbvfio_dev *dev, uint64_t offset, const void *buf,
		      size_t len);

/* Pages of a BAR that may not be exported: [start, end), page-aligned. */
struct dbvfio_hole {
	uint64_t start, end;
};

/*
 * The ranges of [0, @end) around @nholes (at most two) holes, in order of
 * offset, into @ranges (room for @max; -ENOSPC if that is too few), their
 * number in *@nr.  Holes may overlap each other and run past @end
 * (ranges.c).
 */
int dbvfio_ranges_around(uint64_t end, struct dbvfio_hole *holes,
			 unsigned int nholes, struct dbvfio_range *ranges,
			 unsigned int max, unsigned int *nr);

#endif
