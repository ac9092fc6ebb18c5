/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The initiator side of doorbell-target: connect to a target over
 * rdma_cm, then read and write blocks of its NVMe namespace.  In the
 * one-sided mode the data, the SQE and the doorbell all travel as RDMA
 * WRITEs and the completion is fetched with RDMA READ; the target's CPU
 * takes no part.  See doorbell_initiator(3).
 *
 * A session keeps up to its queue depth less one commands in flight and
 * is used by one thread.  Functions return 0, a negative errno, or a
 * positive NVMe status (SCT << 8 | SC) with which the controller
 * completed the command; dbi_strerror() names both.
 */
#ifndef DOORBELL_INITIATOR_H
#define DOORBELL_INITIATOR_H

#include <stddef.h>
#include <stdint.h>

/* The port doorbell-target listens on unless told otherwise. */
#define DBI_DEFAULT_PORT "4791"

/*
 * Opaque: the library keeps the target's answers and the wire protocol
 * to itself, so that a change of the protocol does not change this ABI.
 */
struct dbi_session;

/* How a session's commands reach the controller; see doorbell-target(8). */
enum dbi_mode {
	/* The initiator RDMA-WRITEs its doorbells; the target's CPU idles. */
	DBI_MODE_ONE_SIDED = 1,
	/* The initiator SENDs the new tail; a busy-polling thread rings. */
	DBI_MODE_RING_BUSY = 2,
	/* ...a thread sleeping on a completion channel rings. */
	DBI_MODE_RING_EVENT = 3,
	/* The initiator SENDs the command; a busy-polling thread runs it. */
	DBI_MODE_TWO_SIDED_BUSY = 4,
	/* ...a thread woken by the queue's MSI-X vector runs it. */
	DBI_MODE_TWO_SIDED_EVENT = 5,
};

struct dbi_options {
	const char *server; /* target address or name */
	const char *port; /* default DBI_DEFAULT_PORT */
	const char *source; /* local address to connect from */
	enum dbi_mode mode; /* default DBI_MODE_ONE_SIDED */
	uint16_t depth; /* NVMe queue depth; 0: target's choice */
	unsigned int timeout_ms; /* per step; 0: 5000 */
	unsigned int flags; /* DBI_F_* */
};

/*
 * Time the first CQ read of a completion by the service times measured
 * so far, instead of reading at once and again until a completion shows.
 * Saves RDMA READs when service times are steady; see
 * doorbell_initiator(3) for what it did where they are not.
 */
#define DBI_F_TIMED_POLL 0x1u
/*
 * How a session waits for its RDMA device's completions.  By default it
 * polls the CQ while one command is in flight, where the wait is one
 * round trip and a wake-up would add to it, and sleeps on the CQ's
 * completion channel while several are, where the CPU it frees serves
 * the others.  These force one way or the other.
 */
#define DBI_F_SLEEP_WAIT 0x2u
#define DBI_F_POLL_WAIT 0x4u
/*
 * One-sided: a submit writes its SQE only, and dbi_complete() rings the
 * SQ tail doorbell once for every command submitted since, in the post
 * of its first CQ read.  A burst of submits costs one doorbell; a command
 * waits for the next dbi_complete() to start.
 */
#define DBI_F_BATCH_RING 0x8u

/*
 * Connect and wait for the target's READY.  Errors: -EINVAL (bad
 * options), -EHOSTUNREACH/-ETIMEDOUT (address or route), -ECONNREFUSED
 * (nobody listens), or the errno the target refused with (-EBUSY: no
 * free I/O queue, -EINVAL: depth or mode it cannot give).
 */
int dbi_connect(const struct dbi_options *opts, struct dbi_session **sp);
void dbi_disconnect(struct dbi_session *s);

/* The namespace and the NVMe I/O queue the target gave this session. */
uint32_t dbi_nsid(const struct dbi_session *s);
uint64_t dbi_blocks(const struct dbi_session *s); /* namespace size */
uint32_t dbi_block_size(const struct dbi_session *s); /* bytes */
uint32_t dbi_max_transfer(const struct dbi_session *s); /* bytes/command */
uint16_t dbi_queue_id(const struct dbi_session *s);
uint16_t dbi_queue_depth(const struct dbi_session *s);

/*
 * Write or read @nblocks blocks at @slba; any length, split into
 * commands of the target's max_transfer, as many in flight as the queue
 * takes.  A write returns once the controller has completed every
 * command.  The blocking calls need a session with no command in flight
 * (-EBUSY).
 */
int dbi_write(struct dbi_session *s, uint64_t slba, uint32_t nblocks,
	      const void *buf);
int dbi_read(struct dbi_session *s, uint64_t slba, uint32_t nblocks, void *buf);
int dbi_flush(struct dbi_session *s);

/*
 * Run a Read of @nblocks (at most max_transfer bytes) into the target's
 * buffer and leave the data there: the command path alone, for
 * benchmarks.
 */
int dbi_read_in_place(struct dbi_session *s, uint64_t slba, uint32_t nblocks);

/*
 * Commands in flight.  Each submit queues one command of at most
 * dbi_max_transfer() bytes and returns at once: 0, -EAGAIN when
 * dbi_queue_depth() - 1 commands are in flight already (complete some
 * first), -EINVAL or -ERANGE for a bad extent, or the errno of a lost
 * connection.  A Write's data is copied at submit (but see
 * dbi_reg_buffer()); a Read's buffer must
 * stay valid until its completion is returned.  In the two-sided modes
 * the target's thread runs each command before the submit returns.
 */
struct dbi_completion {
	uint64_t tag; /* the submitter's */
	int status; /* as a blocking call would return it */
};

int dbi_submit_read(struct dbi_session *s, uint64_t slba, uint32_t nblocks,
		    void *buf, uint64_t tag);
int dbi_submit_write(struct dbi_session *s, uint64_t slba, uint32_t nblocks,
		     const void *buf, uint64_t tag);
/*
 * Wait until at least one command in flight has completed and return up
 * to @max of them in @done: their number, 0 if none is in flight, or a
 * negative errno, after which the session is lost.
 */
int dbi_complete(struct dbi_session *s, struct dbi_completion *done,
		 unsigned int max);
unsigned int dbi_in_flight(const struct dbi_session *s);

/*
 * Caller memory for commands with no copies.  Once @len bytes at @addr
 * are registered, a read or write whose buffer lies inside them moves
 * its data by RDMA straight to or from that memory, not through the
 * library's staging buffers; a Write's buffer must then stay unchanged
 * until its completion is returned, as a Read's stays valid.  Buffers
 * outside are staged and copied as before.  dbi_dereg_buffer() refuses
 * with -EBUSY while a command in flight uses the buffer; buffers still
 * registered are released by dbi_disconnect().
 */
struct dbi_buffer;

int dbi_reg_buffer(struct dbi_session *s, void *addr, size_t len,
		   struct dbi_buffer **bp);
int dbi_dereg_buffer(struct dbi_buffer *b);

/* What a session has posted so far: its RDMA operations per command. */
struct dbi_session_stats {
	uint64_t commands; /* completed */
	uint64_t rdma_writes; /* data, SQEs and doorbells */
	uint64_t rdma_reads; /* CQ reads and data fetches */
	uint64_t cq_reads; /* of rdma_reads, reads of the CQ */
	uint64_t empty_cq_reads; /* of cq_reads, those that found nothing */
	uint64_t sends; /* protocol messages: rings, commands */
	/* Since 0.2: data copied between callers' buffers and the stage. */
	uint64_t copied_bytes;
};

void dbi_session_stats(const struct dbi_session *s,
		       struct dbi_session_stats *stats);

/* What the target reports of its CPU time and this session's commands. */
struct dbi_target_stats {
	uint64_t thread_cpu_ns; /* this session's thread, so far */
	uint64_t process_cpu_ns; /* the whole target process */
	uint64_t commands; /* commands this session's thread ran */
	uint64_t thread_sleeps; /* times that thread slept and was woken */
};

int dbi_target_stats(struct dbi_session *s, struct dbi_target_stats *stats);

const char *dbi_strerror(int ret);
const char *dbi_mode_name(enum dbi_mode mode);
/* Parse a mode name ("one-sided", "ring-busy", ...); 0 if unknown. */
enum dbi_mode dbi_mode_parse(const char *name);

#endif /* DOORBELL_INITIATOR_H */
