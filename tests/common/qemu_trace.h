/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's trace of the NVMe controller's register accesses, which vmrun
 * --qemu-trace pci_nvme_mmio_* exposes to the guest: what the device
 * itself saw, independent of anything the guest reports.
 */
#ifndef DOORBELL_TEST_QEMU_TRACE_H
#define DOORBELL_TEST_QEMU_TRACE_H

#include <stddef.h>

/*
 * How many register writes at BAR0 offset @addr the trace @log holds
 * (-1 if it cannot be read); the last one's text goes to @last.
 */
int qemu_traced_writes(const char *log, unsigned int addr, char *last,
		       size_t len);

/* How many register writes of the value @value, at any offset. */
int qemu_traced_values(const char *log, unsigned int value);

/* How many register writes at all. */
int qemu_traced_all(const char *log);

#endif
