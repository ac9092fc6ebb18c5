/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Ordering host-memory stores before the MMIO store that tells the
 * device to read them: an SQE before its SQ tail doorbell.
 */
#ifndef DOORBELL_NVME_MMIO_H
#define DOORBELL_NVME_MMIO_H

/*
 * A C11 release fence orders memory for other CPUs only; on arm64 it is
 * a "dmb ishst", which leaves a device's read of the SQE free to pass the
 * doorbell.  The barrier must reach the outer-shareable domain, where
 * devices are, as rdma-core's udma_to_device_barrier() does.  x86 keeps
 * stores to memory and to uncached MMIO in program order, so there only
 * the compiler must be held back.
 */
static inline void dbnvme_wmb_before_mmio(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("dmb oshst" ::: "memory");
#elif defined(__powerpc__) || defined(__powerpc64__)
	__asm__ volatile("sync" ::: "memory");
#else
	__sync_synchronize();
#endif
}

#endif /* DOORBELL_NVME_MMIO_H */
