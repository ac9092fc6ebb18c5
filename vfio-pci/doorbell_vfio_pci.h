/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdoorbell-vfio-pci: a vfio-pci device from user space: its BARs and
 * config space, DMA mapping, MSI-X, and BAR ranges exported as dma-bufs.
 *
 * Every function returns 0 (or a non-negative value) on success and a
 * negative errno on failure; none of them prints.  A handle owns its file
 * descriptors and releases all of them in dbvfio_close().
 */
#ifndef DOORBELL_VFIO_PCI_H
#define DOORBELL_VFIO_PCI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A PCI address, domain:bus:device.function. */
struct dbvfio_pci_addr {
	uint16_t domain;
	uint8_t bus;
	uint8_t device; /* 0-31 */
	uint8_t function; /* 0-7 */
};

/* Longest canonical form, "dddd:bb:dd.f", plus the NUL. */
#define DBVFIO_PCI_ADDR_STRLEN 13

/*
 * Parse "dddd:bb:dd.f" or "bb:dd.f" (hex; domain 0 when omitted).
 * Returns -EINVAL for anything else, including trailing characters.
 */
int dbvfio_pci_addr_parse(const char *str, struct dbvfio_pci_addr *addr);

/*
 * The IOMMU group of the PCI device at @bdf (any form that
 * dbvfio_pci_addr_parse() reads) in *@group.  Devices in one group cannot
 * be kept from each other's DMA.  -EINVAL when @bdf is no PCI address,
 * -ENXIO when there is no such device or it has no group (no IOMMU).
 */
int dbvfio_iommu_group(const char *bdf, unsigned long *group);

/* Write the canonical "dddd:bb:dd.f" form; buf holds DBVFIO_PCI_ADDR_STRLEN. */
void dbvfio_pci_addr_format(const struct dbvfio_pci_addr *addr, char *buf);

struct dbvfio_dev;

/* How to reach the device. */
enum dbvfio_iface {
	DBVFIO_IFACE_AUTO, /* the group if /dev/vfio/vfio exists, else cdev */
	DBVFIO_IFACE_GROUP, /* /dev/vfio/N and a type1 container */
	DBVFIO_IFACE_CDEV, /* /dev/vfio/devices/vfioN bound to /dev/iommu */
};

/*
 * Open the vfio-pci device at @addr.  Errors: -ENODEV if the device does
 * not exist, -ENXIO if it is not bound to vfio-pci, -EBUSY if its group or
 * device is already in use, -EPERM if its group is not viable, or the errno
 * of the failing open or ioctl.
 */
int dbvfio_open_iface(const struct dbvfio_pci_addr *addr,
		      enum dbvfio_iface iface, struct dbvfio_dev **devp);

/*
 * Open the device at @addr through its cdev into @peer's IO address
 * space: the same iommufd (a descriptor of its own) and the same IOAS, so
 * what either maps the other's DMA reaches too, and one device's DMA can
 * be pointed at the other's BAR.  @peer must have been opened through
 * its cdev (-EINVAL otherwise); the two may be closed in either order.
 * Other errors as for dbvfio_open_iface().
 */
int dbvfio_open_beside(const struct dbvfio_pci_addr *addr,
		       const struct dbvfio_dev *peer, struct dbvfio_dev **devp);

/* dbvfio_open_iface() with DBVFIO_IFACE_AUTO. */
int dbvfio_open(const struct dbvfio_pci_addr *addr, struct dbvfio_dev **devp);
void dbvfio_close(struct dbvfio_dev *dev);

/* The vfio device fd, for ioctls the library does not wrap. */
int dbvfio_device_fd(const struct dbvfio_dev *dev);

/*
 * The iommufd of a device opened through its cdev, and in *@ioas_id (if
 * not NULL) its IOAS, for ioctls the library does not wrap; the handle
 * keeps owning the fd.  -EOPNOTSUPP for a device in a type1 container.
 */
int dbvfio_iommufd(const struct dbvfio_dev *dev, uint32_t *ioas_id);

/* Number of PCI BARs vfio-pci exposes: regions 0-5. */
#define DBVFIO_NUM_BARS 6

struct dbvfio_bar {
	uint64_t size; /* 0 when the BAR is not implemented */
	uint64_t offset; /* of the region within the device fd */
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* */
};

/* Region info of BAR @bar (0-5); -EINVAL for any other index. */
int dbvfio_bar_info(struct dbvfio_dev *dev, unsigned int bar,
		    struct dbvfio_bar *info);

/*
 * Read @len bytes at @offset of BAR @bar through the region (pread on the
 * device fd).  Accesses of 1, 2, 4 or 8 aligned bytes are single MMIO
 * loads.  -EINVAL if the range is outside the BAR or the BAR has no
 * read access.
 */
int dbvfio_bar_read(struct dbvfio_dev *dev, unsigned int bar, uint64_t offset,
		    void *buf, size_t len);

/* One piece of a BAR, in bytes; both must be page-aligned. */
struct dbvfio_range {
	uint64_t offset;
	uint64_t length;
};

/*
 * Export @nr_ranges ranges of BAR @bar as one dma-buf, their
 * concatenation in order.  @open_flags become the dma-buf file's flags
 * (O_CLOEXEC also applies to the fd).  Returns the dma-buf fd, or the
 * kernel's negative errno, as Linux answers since 7.1:
 *   -EINVAL     no ranges; a range not page-aligned, empty or past the
 *               BAR's end; a total length that does not fit; @bar an I/O
 *               BAR (and, before 7.1, an unimplemented one)
 *   -ENODEV     @bar is past BAR 5 or not implemented; the device is
 *               going away
 *   -EOVERFLOW  a range whose address wraps
 *   -EACCES     a range over the MSI-X table or PBA where vfio-pci does
 *               not let user space mmap it (our kernel only)
 *   -ENOTTY     the kernel has no dma-buf export (before 6.19)
 *   -EOPNOTSUPP the device's driver cannot export
 * The fd stays valid after dbvfio_close(), but the memory behind it
 * is then revoked for good.
 */
int dbvfio_export(struct dbvfio_dev *dev, unsigned int bar,
		  const struct dbvfio_range *ranges, unsigned int nr_ranges,
		  int open_flags);

/*
 * The ranges of BAR @bar that may be exported: its whole pages, less the
 * pages holding the MSI-X table or PBA.  Fills up to @max ranges (three
 * always suffice) and sets *@nr; an I/O BAR, a BAR vfio cannot map or one
 * smaller than a page has none.  -ENOSPC if @max is too small.
 */
int dbvfio_bar_exportable(struct dbvfio_dev *dev, unsigned int bar,
			  struct dbvfio_range *ranges, unsigned int max,
			  unsigned int *nr);

/* 0 if the kernel can export this device's BARs, else a negative errno. */
int dbvfio_export_supported(struct dbvfio_dev *dev);

/*
 * Write @len bytes at @offset of BAR @bar; as for reads, an aligned 4- or
 * 8-byte write is one MMIO store.  -EINVAL outside the BAR.
 */
int dbvfio_bar_write(struct dbvfio_dev *dev, unsigned int bar, uint64_t offset,
		     const void *buf, size_t len);

/*
 * Read or write PCI config space, as vfio-pci virtualises it (a write to
 * the Command register's memory bit revokes the device's dma-bufs).
 */
int dbvfio_config_read(struct dbvfio_dev *dev, uint64_t offset, void *buf,
		       size_t len);
int dbvfio_config_write(struct dbvfio_dev *dev, uint64_t offset,
			const void *buf, size_t len);

/*
 * Map @size bytes of this process's memory at @vaddr for the device's DMA
 * at @iova (page-aligned), readable and writable by the device; unmap it
 * again.  The mapping lives in the device's container or IOAS.
 */
int dbvfio_dma_map(struct dbvfio_dev *dev, void *vaddr, uint64_t iova,
		   uint64_t size);
int dbvfio_dma_unmap(struct dbvfio_dev *dev, uint64_t iova, uint64_t size);

/* What dbvfio_map_file() lets the device do, and where. */
#define DBVFIO_MAP_READ (1u << 0) /* the device may read the memory */
#define DBVFIO_MAP_WRITE (1u << 1) /* the device may write it */
#define DBVFIO_MAP_FIXED (1u << 2) /* at *iova, not where the kernel picks */
#define DBVFIO_MAP_KNOWN (DBVFIO_MAP_READ | DBVFIO_MAP_WRITE | DBVFIO_MAP_FIXED)

/*
 * Map @length bytes of the file @fd, from byte @start on, into the IOAS
 * of a device opened through its cdev (IOMMU_IOAS_MAP_FILE), for the DMA
 * of every device in that IOAS.  The file is a memfd, or a dma-buf from
 * dbvfio_export(): a BAR, whose ranges follow each other in IOVA, so a
 * peer's DMA reaches another device's memory.  The IOVA is the kernel's
 * choice, returned in *@iova, or *@iova itself with DBVFIO_MAP_FIXED.
 * dbvfio_dma_unmap() removes the mapping.  The kernel's answers:
 *   -EINVAL     no READ or WRITE; @start or @length not page-aligned, or
 *               past the end of a dma-buf; a file that is not a memfd;
 *               a fixed IOVA that is unaligned or reserved (the MSI
 *               window, say)
 *   -EEXIST     a fixed IOVA already mapped
 *   -EOPNOTSUPP a dma-buf that vfio-pci did not export; a device in a
 *               type1 container
 *   -ENODEV     a dma-buf already revoked (memory decode off, say)
 *   -EPERM      WRITE for a file opened read-only
 *   -ENOTTY     a kernel without IOMMU_IOAS_MAP_FILE (before 6.13)
 * When vfio-pci revokes the dma-buf (memory decode off, reset, close) the
 * kernel removes its mapping from the IOMMU, and the device's DMA to it
 * fails from then on, also after the memory comes back: unmap it and map
 * the buffer again.
 */
int dbvfio_map_file(struct dbvfio_dev *dev, int fd, uint64_t start,
		    uint64_t length, unsigned int flags, uint64_t *iova);

/* An interval of IOVAs, @last included. */
struct dbvfio_iova_range {
	uint64_t start;
	uint64_t last;
};

/*
 * The IOVAs the device's IOMMU lets a mapping use, in ascending order,
 * without its reserved regions (the MSI window, say): up to @max ranges
 * into @ranges, their number in *@nr.  -ENOSPC, with *@nr set, when @max
 * is too few; -EOPNOTSUPP when the IOMMU does not report them.
 */
int dbvfio_iova_ranges(struct dbvfio_dev *dev, struct dbvfio_iova_range *ranges,
		       unsigned int max, unsigned int *nr);

/*
 * Enable the device's MSI-X with up to @want vectors (as many as it has
 * at most; the number in *@granted), none of them routed yet.  Route
 * vector @vector to @eventfd, which the device's interrupt then
 * increments, or silence it again with -1.  Disable turns MSI-X off.
 * Route only after enabling.  -EOPNOTSUPP when the device has no MSI-X,
 * -EINVAL for a vector past those enabled.
 */
int dbvfio_msix_enable(struct dbvfio_dev *dev, unsigned int want,
		       unsigned int *granted);
int dbvfio_msix_route(struct dbvfio_dev *dev, unsigned int vector, int eventfd);
int dbvfio_msix_disable(struct dbvfio_dev *dev);

#ifdef __cplusplus
}
#endif

#endif /* DOORBELL_VFIO_PCI_H */
