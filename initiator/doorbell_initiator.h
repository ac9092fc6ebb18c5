/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The initiator side of doorbell-target: connect to a target over
 * rdma_cm, then read and write blocks of its NVMe namespace.  In the
 * one-sided mode the data, the SQE and the doorbell all travel as RDMA
 * WRITEs and the completion is fetched with RDMA READ; the target's CPU
 * takes no part.  See doorbell_initiator(3).
 *
 * A session runs one command at a time and is used by one thread.
 * Functions return 0, a negative errno, or a positive NVMe status (SCT
 * << 8 | SC) with which the controller completed the command;
 * dbi_strerror() names both.
 */
#ifndef DOORBELL_INITIATOR_H
#define DOORBELL_INITIATOR_H

#include <stdint.h>

#include "doorbell_proto.h"

struct dbi_session;

struct dbi_options {
	const char *server; /* target address or name */
	const char *port; /* default DB_DEFAULT_PORT */
	const char *source; /* local address to connect from */
	enum db_mode mode; /* default DB_MODE_ONE_SIDED */
	uint16_t depth; /* NVMe queue depth; 0: target's choice */
	unsigned int timeout_ms; /* per step; 0: 5000 */
};

/*
 * Connect and wait for the target's READY.  Errors: -EINVAL (bad
 * options), -EHOSTUNREACH/-ETIMEDOUT (address or route), -ECONNREFUSED
 * (nobody listens), or the errno the target refused with (-EBUSY: no
 * free I/O queue, -EINVAL: depth or mode it cannot give).
 */
int dbi_connect(const struct dbi_options *opts, struct dbi_session **sp);
void dbi_disconnect(struct dbi_session *s);

/* The queue and namespace the target gave this session. */
const struct db_ready *dbi_geometry(const struct dbi_session *s);

/*
 * Write or read @nblocks blocks at @slba; any length, split into
 * commands of the target's max_transfer.  A write returns once the
 * controller has completed every command.
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

/* The target's CPU time now, and commands its session thread ran. */
int dbi_target_stats(struct dbi_session *s, struct db_stats *stats);

const char *dbi_strerror(int ret);
const char *dbi_mode_name(enum db_mode mode);
/* Parse a mode name ("one-sided", "ring-busy", ...); 0 if unknown. */
enum db_mode dbi_mode_parse(const char *name);

#endif /* DOORBELL_INITIATOR_H */
