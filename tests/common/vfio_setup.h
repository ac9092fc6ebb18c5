/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Set-up steps the vfio C tests share: opening a device, exporting one
 * range of a BAR, the Command register.  They exit on failure: set-up is
 * not what the tests check.
 */
#ifndef DOORBELL_TEST_VFIO_SETUP_H
#define DOORBELL_TEST_VFIO_SETUP_H

#include <stdint.h>

#include "doorbell_vfio_pci.h"

/* The name of a negative errno, or "success". */
const char *err_name(int ret);

struct dbvfio_dev *open_vfio(const char *bdf);

/* A dma-buf fd for [@off, @off + @len) of BAR @bar. */
int export_bar(struct dbvfio_dev *dev, unsigned int bar, uint64_t off,
	       uint64_t len);

/* Set, then clear, bits of the PCI Command register. */
void pci_command(struct dbvfio_dev *dev, uint16_t set, uint16_t clear);
#define PCI_CMD_MEMORY 0x2
#define PCI_CMD_MASTER 0x4

/* Memory decode on or off, through the Command register. */
static inline void set_memory_decode(struct dbvfio_dev *dev, int on)
{
	pci_command(dev, on ? PCI_CMD_MEMORY : 0, on ? 0 : PCI_CMD_MEMORY);
}

/* Read @len bytes at @off of a file (the host's view of a BAR); 0 or -1. */
int read_file(const char *path, uint64_t off, void *buf, size_t len);

#endif
