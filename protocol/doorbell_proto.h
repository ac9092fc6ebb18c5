/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The wire protocol between doorbell-target and its initiators.
 *
 * An initiator connects with rdma_cm (RC), naming its mode and queue
 * depth in the connect request's private data.  The target gives it an
 * NVMe I/O queue pair of its own, binds memory windows to the
 * initiator's QP over that queue's SQ ring, CQ ring, doorbells and a data
 * buffer, and SENDs the keys and geometry in a READY message; the
 * initiator uses nothing before READY.  Afterwards messages are SENDs of
 * struct db_msg.  Every field is little-endian.
 */
#ifndef DOORBELL_PROTO_H
#define DOORBELL_PROTO_H

#include <stdint.h>

#define DB_PROTO_MAGIC 0x4442524eu /* "DBRN" */
#define DB_PROTO_VERSION 1
#define DB_DEFAULT_PORT "4791"

/*
 * How the SQ tail doorbell is rung and who runs the command.  In every
 * mode but the two-sided ones the initiator RDMA-WRITEs the SQE into the
 * SQ ring and reads the CQ by RDMA READ.
 */
enum db_mode {
	/* The initiator RDMA-WRITEs its doorbells; the target CPU idles. */
	DB_MODE_ONE_SIDED = 1,
	/* The initiator SENDs the new tail; a busy-polling thread rings. */
	DB_MODE_RING_BUSY = 2,
	/* ...a thread sleeping on a completion channel rings. */
	DB_MODE_RING_EVENT = 3,
	/*
	 * The initiator SENDs the command; the target writes the SQE, rings,
	 * polls the completion, moves the data and SENDs a response.
	 */
	DB_MODE_TWO_SIDED_BUSY = 4,
	DB_MODE_TWO_SIDED_EVENT = 5,
};
#define DB_MODE_MAX DB_MODE_TWO_SIDED_EVENT

/* Connect request private data (RoCE leaves 56 bytes for it). */
struct db_connect_req {
	uint32_t magic;
	uint8_t version;
	uint8_t mode; /* enum db_mode */
	uint16_t depth; /* NVMe queue entries wanted */
};

/* One remotely reachable range: a window bound to the initiator's QP. */
struct db_window {
	uint64_t addr;
	uint32_t rkey;
	uint32_t length;
};

enum db_msg_type {
	DB_MSG_READY = 1, /* target -> initiator: struct db_ready */
	DB_MSG_RING = 2, /* initiator -> target: ring sq_tail, cq_head */
	DB_MSG_COMMAND = 3, /* initiator -> target: a two-sided command */
	DB_MSG_RESPONSE = 4, /* target -> initiator: its completion */
	DB_MSG_STATS = 5, /* initiator asks, target answers */
};

struct db_ready {
	uint16_t qid;
	uint16_t depth;
	uint32_t nsid;
	uint64_t blocks; /* namespace size in blocks */
	uint32_t block_size;
	uint32_t max_transfer; /* bytes per command */
	uint32_t doorbell_stride; /* CQ head = SQ tail + stride */
	uint32_t slot_size; /* data buffer bytes per SQ slot */
	uint64_t data_iova; /* where the controller sees data */
	struct db_window sq; /* remote write: depth * 64 bytes */
	struct db_window cq; /* remote read: depth * 16 bytes */
	struct db_window doorbells; /* remote write: SQ tail, CQ head */
	struct db_window data; /* remote read/write: depth slots */
};

struct db_command {
	uint8_t opcode; /* NVMe Read, Write or Flush */
	uint8_t rsvd[3];
	uint32_t nblocks;
	uint64_t slba;
	uint64_t addr; /* the initiator's buffer */
	uint32_t rkey;
	uint32_t length;
};

struct db_response {
	uint16_t cid;
	uint16_t status; /* NVMe SCT << 8 | SC; 0 is success */
	uint32_t rsvd;
};

/*
 * The target's CPU use.  The session thread is the only target code that
 * runs per command (the main thread only handles connections and checks
 * the controller's health four times a second).
 */
struct db_stats {
	uint64_t thread_cpu_ns; /* this session's thread, so far */
	uint64_t process_cpu_ns; /* the whole target process */
	uint64_t commands; /* commands this session's thread ran */
	uint64_t thread_sleeps; /* times that thread slept and was woken */
};

struct db_msg {
	uint32_t magic;
	uint8_t type; /* enum db_msg_type */
	uint8_t rsvd;
	uint16_t tag; /* echoed in the answer */
	union {
		struct db_ready ready;
		struct {
			uint16_t sq_tail;
			uint16_t cq_head;
		} ring;
		struct db_command command;
		struct db_response response;
		struct db_stats stats;
	};
};

#endif /* DOORBELL_PROTO_H */
