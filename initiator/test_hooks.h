/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls of libdoorbell-initiator for the tests that check the target's
 * isolation.  They are not part of the library's ABI: the shared library
 * does not export them, and the tests link its objects statically
 * (doorbell-initiator-test).
 */
#ifndef DOORBELL_INITIATOR_TEST_HOOKS_H
#define DOORBELL_INITIATOR_TEST_HOOKS_H

#include "doorbell_initiator.h"
#include "doorbell_proto.h"

/*
 * The target's READY as it came: the windows and keys of this session,
 * for tests that aim at them and at others'.
 */
const struct db_ready *dbi_ready(const struct dbi_session *s);

/*
 * RDMA-WRITE the 4-byte @value to (@addr, @rkey) of the target and
 * report how the target's RDMA device answered: 0, or -EACCES for a
 * remote access error.  The session is unusable after an error.
 */
int dbi_probe_write(struct dbi_session *s, uint64_t addr, uint32_t rkey,
		    uint32_t value);

#endif /* DOORBELL_INITIATOR_TEST_HOOKS_H */
