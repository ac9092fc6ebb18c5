/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * A test-only dma-buf importer: /dev/dmabuf_importer.  Each open file is
 * one attachment, driven by these ioctls, so a test can watch what an
 * importer sees: maps, move_notify events, CPU access.
 */
#ifndef DMABUF_IMPORTER_H
#define DMABUF_IMPORTER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DMABUF_IMPORTER_STATIC		(1u << 0) /* no importer ops */
#define DMABUF_IMPORTER_NO_P2P		(1u << 1) /* peer2peer = false */
#define DMABUF_IMPORTER_SLOW_UNMAP	(1u << 2) /* unmap delay_ms after
						   * move_notify */

struct dmabuf_importer_attach {
	__s32 fd;		/* the dma-buf */
	__u32 flags;		/* DMABUF_IMPORTER_* */
	__u32 client;		/* PCI device doing the DMA: domain << 16 |
				 * bus << 8 | devfn */
	__u32 delay_ms;		/* for DMABUF_IMPORTER_SLOW_UNMAP */
};

struct dmabuf_importer_status {
	__u32 maps;		/* successful map_attachment calls */
	__u32 move_notifies;	/* move_notify events received */
	__u32 mapped;		/* a mapping is held now */
	__u32 nents;		/* DMA segments of the held mapping */
	__u64 dma_addr;		/* first segment */
	__u64 dma_len;		/* total DMA length */
	__u32 page_links;	/* segments whose sg_page() is not NULL */
	__s32 last_error;	/* of the last failed map, or 0 */
	__u32 pinned;		/* a pin is held now */
	__u32 pad;
};

struct dmabuf_importer_rw {
	__u64 offset;		/* into the buffer, 4-byte aligned */
	__u32 value;		/* written, or read back */
	__u32 write;
};

/*
 * For comparison only: give a BAR to ZONE_DEVICE p2pdma
 * (pci_p2pdma_add_resource), as drivers without this series must.  The
 * struct pages stay until the device is unbound from its driver.
 */
struct dmabuf_importer_p2pdma_add {
	__u32 provider;		/* PCI device, encoded like .client */
	__u32 bar;
	__u64 size;
	__u64 offset;
};

/*
 * Pin IOVAs of an IOAS through an iommufd access object, as an mdev
 * driver does, and unpin them again at once.  Needs no attachment.
 */
struct dmabuf_importer_iommufd_pin {
	__s32 iommufd;
	__u32 ioas_id;
	__u64 iova;
	__u64 length;		/* at most 64 pages */
};

#define DMABUF_IMPORTER_ATTACH	_IOW('D', 1, struct dmabuf_importer_attach)
#define DMABUF_IMPORTER_MAP	_IO('D', 2)
#define DMABUF_IMPORTER_UNMAP	_IO('D', 3)
#define DMABUF_IMPORTER_STATUS	_IOR('D', 4, struct dmabuf_importer_status)
#define DMABUF_IMPORTER_VMAP_RW	_IOWR('D', 5, struct dmabuf_importer_rw)
#define DMABUF_IMPORTER_PIN	_IO('D', 6)	/* a pin of its own */
#define DMABUF_IMPORTER_P2PDMA_ADD \
	_IOW('D', 7, struct dmabuf_importer_p2pdma_add)
/* CPU access through the exporter's vfio_pci_dma_buf_iomem_map() */
#define DMABUF_IMPORTER_CPU_RW	_IOWR('D', 8, struct dmabuf_importer_rw)
/* Print a line into the kernel log, to show the order of events there */
#define DMABUF_IMPORTER_MARK	_IOW('D', 9, char[64])
#define DMABUF_IMPORTER_IOMMUFD_PIN \
	_IOW('D', 10, struct dmabuf_importer_iommufd_pin)

#endif
