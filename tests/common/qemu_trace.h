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

/* The PCI requester ID of "dddd:bb:dd.f", as the vIOMMU reports it. */
unsigned int qemu_source_id(const char *bdf);

/*
 * How many DMA faults the vIOMMU traced (vtd_dmar_fault) for requester
 * @sid in the page of @iova, in direction @write (1: the device wrote
 * memory); 0 if the trace cannot be read.
 */
unsigned int qemu_traced_dmar_faults(const char *log, unsigned int sid,
				     unsigned long long iova, int write);

/*
 * The same, for a trace that grows fast (a device that retries a faulting
 * DMA without end): only the events logged from byte *@offset on are
 * read, and *@offset moves past them.  Each one for requester @sid in
 * direction @write inside the @npages pages from @iova on is added to
 * @per_page[page]; returns how many there were.  qemu_trace_end() gives
 * the offset to start from.
 */
unsigned int qemu_traced_dmar_faults_since(const char *log, long *offset,
					   unsigned int sid,
					   unsigned long long iova,
					   unsigned int npages,
					   unsigned int *per_page, int write);
long qemu_trace_end(const char *log);

#endif
