// SPDX-License-Identifier: GPL-2.0
/*
 * The initiator's remote CQ: matching a CQE snapshot to the command that
 * waits, rereading torn entries, the head and phase across laps, and the
 * CQ head doorbell rung once per half queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "private.h"

static struct dbnvme_cqe cqe(uint16_t cid, uint8_t phase)
{
	return (struct dbnvme_cqe){ .cid = cid, .status = phase };
}

static void test_old_phase_is_not_yet(void **state)
{
	struct dbnvme_cqe e = cqe(5, 0);
	unsigned int rereads = 0;

	assert_int_equal(dbi_cqe_check(&e, 1, 5, &rereads), DBI_CQE_NOT_YET);
	/* Waiting on an old entry is no sign of a foreign completion. */
	assert_int_equal(rereads, 0);
}

static void test_new_phase_and_our_cid_is_ours(void **state)
{
	struct dbnvme_cqe e = cqe(5, 1);
	unsigned int rereads = 0;

	assert_int_equal(dbi_cqe_check(&e, 1, 5, &rereads), DBI_CQE_OURS);
	e = cqe(9, 0);
	assert_int_equal(dbi_cqe_check(&e, 0, 9, &rereads), DBI_CQE_OURS);
}

static void test_torn_entry_is_read_again(void **state)
{
	/* New status and phase in front of the previous lap's identifier. */
	struct dbnvme_cqe torn = cqe(1, 1), whole = cqe(5, 1);
	unsigned int rereads = 0, i;

	for (i = 0; i < DBI_CQE_REREADS; i++)
		assert_int_equal(dbi_cqe_check(&torn, 1, 5, &rereads),
				 DBI_CQE_NOT_YET);
	assert_int_equal(dbi_cqe_check(&whole, 1, 5, &rereads), DBI_CQE_OURS);
}

static void test_a_lasting_other_cid_is_foreign(void **state)
{
	struct dbnvme_cqe other = cqe(1, 1);
	unsigned int rereads = 0, i;

	for (i = 0; i < DBI_CQE_REREADS; i++)
		dbi_cqe_check(&other, 1, 5, &rereads);
	assert_int_equal(dbi_cqe_check(&other, 1, 5, &rereads),
			 DBI_CQE_FOREIGN);
}

static void test_head_wraps_and_phase_flips(void **state)
{
	struct dbi_session s = { .ready = { .depth = 4 }, .phase = 1 };
	unsigned int i;

	for (i = 1; i <= 8; i++) {
		dbi_cq_consume(&s);
		assert_int_equal(s.cq_head, i % 4);
		assert_int_equal(s.phase, i < 4 ? 1 : i < 8 ? 0 : 1);
	}
}

static void test_head_is_rung_every_half_queue(void **state)
{
	struct dbi_session s = { .ready = { .depth = 8 }, .phase = 1 };
	unsigned int i, rung = 0;

	for (i = 1; i <= 16; i++) {
		bool due;

		dbi_cq_consume(&s);
		due = dbi_cq_head_due(&s);

		assert_int_equal(due, i % 4 == 0);
		if (due) {
			rung++;
			/* The head to ring is the one after this CQE. */
			assert_int_equal(s.cq_head_rung, i % 8);
			assert_int_equal(s.cq_unrung, 0);
		}
	}
	assert_int_equal(rung, 4);
}

static void test_two_entry_queue_rings_every_time(void **state)
{
	struct dbi_session s = { .ready = { .depth = 2 }, .phase = 1 };

	dbi_cq_consume(&s);
	assert_true(dbi_cq_head_due(&s));
	assert_int_equal(s.cq_head_rung, 1);
	dbi_cq_consume(&s);
	assert_true(dbi_cq_head_due(&s));
	assert_int_equal(s.cq_head_rung, 0);
	assert_int_equal(s.phase, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_phase_is_not_yet),
		cmocka_unit_test(test_new_phase_and_our_cid_is_ours),
		cmocka_unit_test(test_torn_entry_is_read_again),
		cmocka_unit_test(test_a_lasting_other_cid_is_foreign),
		cmocka_unit_test(test_head_wraps_and_phase_flips),
		cmocka_unit_test(test_head_is_rung_every_half_queue),
		cmocka_unit_test(test_two_entry_queue_rings_every_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
