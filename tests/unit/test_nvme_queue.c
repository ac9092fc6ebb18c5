// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe driver's ring and phase arithmetic, on queues in plain memory:
 * SQ tail and command identifiers, CQ head, phase and doorbell values,
 * and what a completion's status turns into.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "private.h"

#define DEPTH 4

struct fake_queue {
	struct dbnvme_queue q;
	uint32_t sq_doorbell, cq_doorbell;
};

static int setup(void **state)
{
	struct fake_queue *f = calloc(1, sizeof(*f));

	f->q.depth = DEPTH;
	f->q.irq_fd = -1;
	f->q.sq.size = DEPTH * sizeof(struct dbnvme_sqe);
	f->q.cq.size = DEPTH * sizeof(struct dbnvme_cqe);
	f->q.sq.vaddr = calloc(1, f->q.sq.size);
	f->q.cq.vaddr = calloc(1, f->q.cq.size);
	f->q.sq_doorbell = &f->sq_doorbell;
	f->q.cq_doorbell = &f->cq_doorbell;
	dbnvme_queue_rewind(&f->q);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake_queue *f = *state;

	free(f->q.sq.vaddr);
	free(f->q.cq.vaddr);
	free(f);
	return 0;
}

/* What the controller does: post a CQE for @cid in slot @slot. */
static void complete(struct fake_queue *f, unsigned int slot, uint16_t cid,
		     uint8_t phase, uint16_t status)
{
	struct dbnvme_cqe *cq = f->q.cq.vaddr;

	cq[slot] = (struct dbnvme_cqe){ .cid = cid,
					.result = 0x1000 + cid,
					.status = (uint16_t)(status << 1 |
							     phase) };
}

static void test_rewind_starts_at_slot_zero_phase_one(void **state)
{
	struct fake_queue *f = *state;

	assert_int_equal(f->q.sq_tail, 0);
	assert_int_equal(f->q.cq_head, 0);
	assert_int_equal(f->q.phase, 1);
}

static void test_submit_moves_tail_and_rings_it(void **state)
{
	struct fake_queue *f = *state;
	struct dbnvme_sqe *sq = f->q.sq.vaddr;
	struct dbnvme_sqe sqe = { .opcode = 0x02 };
	unsigned int i;

	for (i = 0; i < DEPTH + 1; i++) {
		assert_int_equal(dbnvme_submit(&f->q, &sqe), 0);
		/* The tail wraps; the doorbell is told the new tail. */
		assert_int_equal(f->q.sq_tail, (i + 1) % DEPTH);
		assert_int_equal(f->sq_doorbell, (i + 1) % DEPTH);
		assert_int_equal(sq[i % DEPTH].cid, i);
		assert_int_equal(sq[i % DEPTH].opcode, 0x02);
		assert_int_equal(sqe.cid, i);
	}
}

static void test_poll_consumes_in_order_and_flips_phase(void **state)
{
	struct fake_queue *f = *state;
	struct dbnvme_cqe cqe;
	unsigned int i;

	/* Two laps: phase 1 on the first, 0 on the second. */
	for (i = 0; i < 2 * DEPTH; i++) {
		uint8_t phase = i < DEPTH ? 1 : 0;

		complete(f, i % DEPTH, i, phase, 0);
		assert_int_equal(dbnvme_poll(&f->q, &cqe, 100), 0);
		assert_int_equal(cqe.cid, i);
		assert_int_equal(cqe.result, 0x1000 + i);
		assert_int_equal(f->q.cq_head, (i + 1) % DEPTH);
		assert_int_equal(f->cq_doorbell, (i + 1) % DEPTH);
		assert_int_equal(f->q.phase, i + 1 < DEPTH     ? 1 :
					     i + 1 < 2 * DEPTH ? 0 :
								 1);
	}
}

static void test_poll_leaves_an_old_phase_entry(void **state)
{
	struct fake_queue *f = *state;
	struct dbnvme_cqe cqe;

	/* Phase 0 at the head is what the last lap left: not new. */
	complete(f, 0, 7, 0, 0);
	assert_int_equal(dbnvme_poll(&f->q, &cqe, 1), -ETIMEDOUT);
	assert_int_equal(f->q.cq_head, 0);
	assert_int_equal(f->cq_doorbell, 0);
}

static void test_poll_returns_the_status(void **state)
{
	struct fake_queue *f = *state;
	struct dbnvme_cqe cqe;

	/* SCT 0 SC 0x80, LBA Out of Range; the entry is consumed all the same. */
	complete(f, 0, 3, 1, 0x080);
	assert_int_equal(dbnvme_poll(&f->q, &cqe, 100), 0x080);
	assert_int_equal(f->q.cq_head, 1);
	/*
	 * SCT 1 SC 0x01 with More (bit 14) and Do Not Retry (bit 15) set:
	 * neither is part of the status.
	 */
	complete(f, 1, 4, 1, 0xc000 >> 1 | 0x101);
	assert_int_equal(dbnvme_poll(&f->q, &cqe, 100), 0x101);
}

static void test_rewind_forgets_the_old_rings(void **state)
{
	struct fake_queue *f = *state;
	struct dbnvme_sqe sqe = {};
	struct dbnvme_cqe cqe;

	dbnvme_submit(&f->q, &sqe);
	complete(f, 0, 0, 1, 0);
	assert_int_equal(dbnvme_poll(&f->q, &cqe, 100), 0);
	dbnvme_queue_rewind(&f->q);
	test_rewind_starts_at_slot_zero_phase_one(state);
	/* The entry the controller wrote before is gone with the ring. */
	assert_int_equal(dbnvme_poll(&f->q, &cqe, 1), -ETIMEDOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_rewind_starts_at_slot_zero_phase_one, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_submit_moves_tail_and_rings_it, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_poll_consumes_in_order_and_flips_phase, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_poll_leaves_an_old_phase_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_returns_the_status,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_rewind_forgets_the_old_rings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
