/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The parts of the NVMe base specification this driver uses: BAR0
 * registers, the submission and completion queue entries, opcodes.
 */
#ifndef DOORBELL_NVME_SPEC_H
#define DOORBELL_NVME_SPEC_H

#include <stdint.h>

/* Controller registers (BAR0). */
#define NVME_REG_CAP 0x00
#define NVME_REG_VS 0x08
#define NVME_REG_CC 0x14
#define NVME_REG_CSTS 0x1c
#define NVME_REG_AQA 0x24
#define NVME_REG_ASQ 0x28
#define NVME_REG_ACQ 0x30
#define NVME_REG_DOORBELLS 0x1000

#define NVME_CAP_MQES(cap) ((uint32_t)((cap)&0xffff) + 1)
#define NVME_CAP_TO_MS(cap) ((((cap) >> 24) & 0xff) * 500u)
#define NVME_CAP_DSTRD(cap) ((unsigned int)((cap) >> 32) & 0xf)
#define NVME_CAP_MPSMIN(cap) ((unsigned int)((cap) >> 48) & 0xf)

/* The memory page size CC.MPS selects: PRPs and rings are in its units. */
#define NVME_PAGE_SIZE 4096u
/* Queue identifiers are 16 bits; 0 is the admin queue. */
#define NVME_MAX_QID 65535u

#define NVME_CC_EN (1u << 0)
#define NVME_CC_CSS_NVM (0u << 4)
#define NVME_CC_MPS_4K (0u << 7)
#define NVME_CC_SHN_NORMAL (1u << 14)
#define NVME_CC_IOSQES_64 (6u << 16)
#define NVME_CC_IOCQES_16 (4u << 20)

#define NVME_CSTS_RDY (1u << 0)
#define NVME_CSTS_CFS (1u << 1)
#define NVME_CSTS_SHST_MASK (3u << 2)
#define NVME_CSTS_SHST_DONE (2u << 2)

/* Admin opcodes. */
#define NVME_ADMIN_DELETE_SQ 0x00
#define NVME_ADMIN_CREATE_SQ 0x01
#define NVME_ADMIN_DELETE_CQ 0x04
#define NVME_ADMIN_CREATE_CQ 0x05
#define NVME_ADMIN_IDENTIFY 0x06
#define NVME_ADMIN_SET_FEATURES 0x09

#define NVME_IDENTIFY_NS 0x00
#define NVME_IDENTIFY_ACTIVE_NS_LIST 0x02
/* Identify Namespace byte 30, NMIC: may be attached to several controllers. */
#define NVME_NS_NMIC_SHARED (1u << 0)
#define NVME_IDENTIFY_CTRL 0x01
#define NVME_FEAT_NUM_QUEUES 0x07

/* Create I/O queue flags (CDW11). */
#define NVME_QUEUE_PHYS_CONTIG (1u << 0)
#define NVME_CQ_IRQ_ENABLED (1u << 1) /* the vector is in bits 31:16 */

/* NVM command set opcodes. */
#define NVME_CMD_FLUSH 0x00
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ 0x02

/* Generic command status values (status code type 0). */
#define NVME_SC_INVALID_OPCODE 0x001
#define NVME_SC_INVALID_FIELD 0x002

/* A submission queue entry: 64 bytes. */
struct dbnvme_sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t cid;
	uint32_t nsid;
	uint32_t cdw2;
	uint32_t cdw3;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
};

/* A completion queue entry: 16 bytes. */
struct dbnvme_cqe {
	uint32_t result;
	uint32_t rsvd;
	uint16_t sq_head;
	uint16_t sq_id;
	uint16_t cid;
	uint16_t status; /* bit 0 phase, 1-8 SC, 9-11 SCT, 15 DNR */
};

#define NVME_CQE_PHASE(status) ((status)&1)
/* Status code type and status code, as one value: SCT << 8 | SC. */
#define NVME_CQE_STATUS(status) (((status) >> 1) & 0x7ff)

_Static_assert(sizeof(struct dbnvme_sqe) == 64, "SQE is 64 bytes");
_Static_assert(sizeof(struct dbnvme_cqe) == 16, "CQE is 16 bytes");

/*
 * Build a Read, Write or Flush of @nblocks blocks at @slba of namespace
 * @nsid (blocks of 1 << @lba_shift bytes), data at @iova.  The data may
 * span two 4 KiB pages at most; PRP2 names the second.
 */
static inline void dbnvme_build_io(struct dbnvme_sqe *sqe, uint8_t opcode,
				   uint32_t nsid, unsigned int lba_shift,
				   uint64_t slba, uint32_t nblocks,
				   uint64_t iova)
{
	uint64_t bytes = (uint64_t)nblocks << lba_shift;

	*sqe = (struct dbnvme_sqe){ .opcode = opcode, .nsid = nsid };
	if (opcode == NVME_CMD_FLUSH)
		return;
	sqe->prp1 = iova;
	if ((iova & (NVME_PAGE_SIZE - 1)) + bytes > NVME_PAGE_SIZE)
		sqe->prp2 = (iova & ~(NVME_PAGE_SIZE - 1ull)) + NVME_PAGE_SIZE;
	sqe->cdw10 = (uint32_t)slba;
	sqe->cdw11 = (uint32_t)(slba >> 32);
	sqe->cdw12 = nblocks - 1;
}

#endif /* DOORBELL_NVME_SPEC_H */
