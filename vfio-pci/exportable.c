// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which pages of a BAR may be exported: the kernel refuses ranges that
 * touch the MSI-X table or PBA, and anything not page-aligned.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "private.h"

/* The MSI-X table and PBA as page-aligned holes in BAR @bar. */
static int msix_holes(struct dbvfio_dev *dev, unsigned int bar, uint64_t page,
		      struct dbvfio_hole *holes, unsigned int *nr)
{
	uint32_t table, pba;
	uint16_t status, ctrl;
	uint8_t pos, hdr[2];
	uint64_t entries;
	int guard = 48, ret;

	*nr = 0;
	ret = dbvfio_config_read(dev, PCI_STATUS, &status, 2);
	if (ret || !(status & PCI_STATUS_CAP_LIST))
		return ret;
	ret = dbvfio_config_read(dev, PCI_CAPABILITY_LIST, &pos, 1);
	while (!ret && pos && guard--) {
		ret = dbvfio_config_read(dev, pos, hdr, 2);
		if (ret)
			return ret;
		if (hdr[0] != PCI_CAP_ID_MSIX) {
			pos = hdr[1];
			continue;
		}
		ret = dbvfio_config_read(dev, pos + PCI_MSIX_FLAGS, &ctrl, 2);
		if (!ret)
			ret = dbvfio_config_read(dev, pos + PCI_MSIX_TABLE,
						 &table, 4);
		if (!ret)
			ret = dbvfio_config_read(dev, pos + PCI_MSIX_PBA, &pba,
						 4);
		if (ret)
			return ret;
		entries = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
		if ((table & PCI_MSIX_TABLE_BIR) == bar) {
			uint64_t off = table & PCI_MSIX_TABLE_OFFSET;

			holes[(*nr)++] = (struct dbvfio_hole){
				off & ~(page - 1),
				(off + entries * 16 + page - 1) & ~(page - 1)
			};
		}
		if ((pba & PCI_MSIX_PBA_BIR) == bar) {
			uint64_t off = pba & PCI_MSIX_PBA_OFFSET;

			holes[(*nr)++] = (struct dbvfio_hole){
				off & ~(page - 1),
				(off + (entries + 63) / 64 * 8 + page - 1) &
					~(page - 1)
			};
		}
		return 0;
	}
	return ret;
}

int dbvfio_bar_exportable(struct dbvfio_dev *dev, unsigned int bar,
			  struct dbvfio_range *ranges, unsigned int max,
			  unsigned int *nr)
{
	uint64_t page = sysconf(_SC_PAGESIZE), end;
	struct dbvfio_bar info;
	struct dbvfio_hole holes[2];
	unsigned int nholes;
	int ret;

	if (!nr || (max && !ranges))
		return -EINVAL;
	*nr = 0;
	ret = dbvfio_bar_info(dev, bar, &info);
	if (ret)
		return ret;
	end = info.size & ~(page - 1);
	/* I/O BARs cannot be mmapped, memory BARs can; vfio says which. */
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP) || !end)
		return 0;

	ret = msix_holes(dev, bar, page, holes, &nholes);
	if (ret)
		return ret;
	return dbvfio_ranges_around(end, holes, nholes, ranges, max, nr);
}
