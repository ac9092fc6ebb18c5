// SPDX-License-Identifier: GPL-2.0
/*
 * The initiator's remote CQ: matching CQE snapshots to the commands in
 * flight, rereading torn entries with many commands out, identifiers
 * that a torn entry cannot take for a completion, the head and phase
 * across laps, and the CQ head doorbell rung in batches yet before the
 * controller could run out of entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "private.h"

#define DEPTH 32

static struct dbi_cmd cmds[DEPTH];

static struct dbi_session session(uint16_t depth)
{
	memset(cmds, 0, sizeof(cmds));
	return (struct dbi_session){ .ready = { .depth = depth },
				     .phase = 1,
				     .cmds = cmds };
}

/* Put command @cid in flight in @slot. */
static void in_flight(struct dbi_session *s, unsigned int slot, uint16_t cid)
{
	s->cmds[slot] = (struct dbi_cmd){ .busy = true, .cid = cid };
	s->nr_busy++;
}

static struct dbnvme_cqe cqe(uint16_t cid, uint8_t phase)
{
	return (struct dbnvme_cqe){ .cid = cid, .status = phase };
}

static void test_old_phase_is_not_yet(void **state)
{
	struct dbi_session s = session(DEPTH);
	struct dbnvme_cqe e = cqe(5, 0);
	unsigned int rereads = 0, slot;

	in_flight(&s, 3, 5);
	assert_int_equal(dbi_cqe_check(&s, &e, 1, &rereads, &slot),
			 DBI_CQE_NOT_YET);
	/* Waiting on an old entry is no sign of a foreign completion. */
	assert_int_equal(rereads, 0);
}

static void test_each_cid_in_flight_finds_its_slot(void **state)
{
	struct dbi_session s = session(DEPTH);
	unsigned int rereads = 0, slot, i;
	struct dbnvme_cqe e;

	for (i = 0; i < DEPTH - 1; i++)
		in_flight(&s, i, 100 + 7 * i);
	/* Completions come in any order. */
	for (i = DEPTH - 1; i-- > 0;) {
		e = cqe(100 + 7 * i, 1);
		assert_int_equal(dbi_cqe_check(&s, &e, 1, &rereads, &slot),
				 DBI_CQE_OURS);
		assert_int_equal(slot, i);
	}
	e = cqe(9, 0);
	in_flight(&s, DEPTH - 1, 9);
	assert_int_equal(dbi_cqe_check(&s, &e, 0, &rereads, &slot),
			 DBI_CQE_OURS);
	assert_int_equal(slot, DEPTH - 1);
}

static void test_a_done_command_is_no_longer_matched(void **state)
{
	struct dbi_session s = session(DEPTH);
	struct dbnvme_cqe e = cqe(5, 1);
	unsigned int rereads = 0, slot;

	in_flight(&s, 0, 5);
	s.cmds[0].done = true; /* completed, not yet handed back */
	assert_int_equal(dbi_cqe_check(&s, &e, 1, &rereads, &slot),
			 DBI_CQE_NOT_YET);
	assert_int_equal(rereads, 1);
}

static void test_torn_entry_with_many_out_is_read_again(void **state)
{
	struct dbi_session s = session(DEPTH);
	unsigned int rereads = 0, slot, i;
	/*
	 * New status and phase in front of the previous lap's identifier,
	 * or of the zeroes of a first lap, while 31 commands are out.
	 */
	struct dbnvme_cqe torn = cqe(40, 1), zero = cqe(0, 1);
	struct dbnvme_cqe whole = cqe(1000 + 30, 1);

	for (i = 0; i < DEPTH - 1; i++)
		in_flight(&s, i, 1000 + i);
	for (i = 0; i < DBI_CQE_REREADS / 2; i++) {
		assert_int_equal(dbi_cqe_check(&s, &torn, 1, &rereads, &slot),
				 DBI_CQE_NOT_YET);
		assert_int_equal(dbi_cqe_check(&s, &zero, 1, &rereads, &slot),
				 DBI_CQE_NOT_YET);
	}
	assert_int_equal(dbi_cqe_check(&s, &whole, 1, &rereads, &slot),
			 DBI_CQE_OURS);
	assert_int_equal(slot, 30);
}

static void test_a_lasting_other_cid_is_foreign(void **state)
{
	struct dbi_session s = session(DEPTH);
	struct dbnvme_cqe other = cqe(1, 1);
	unsigned int rereads = 0, slot, i;

	in_flight(&s, 0, 5);
	in_flight(&s, 1, 6);
	for (i = 0; i < DBI_CQE_REREADS; i++)
		dbi_cqe_check(&s, &other, 1, &rereads, &slot);
	assert_int_equal(dbi_cqe_check(&s, &other, 1, &rereads, &slot),
			 DBI_CQE_FOREIGN);
}

static void test_cids_skip_zero_and_those_in_flight(void **state)
{
	struct dbi_session s = session(DEPTH);
	unsigned int i;

	s.next_cid = 0xfffe;
	in_flight(&s, 0, 1);
	in_flight(&s, 1, 2);
	assert_int_equal(dbi_next_cid(&s), 0xffff);
	/* Past 0xffff: not 0, which a torn first lap shows, nor 1 or 2. */
	assert_int_equal(dbi_next_cid(&s), 3);
	for (i = 0; i < 100; i++)
		assert_int_not_equal(dbi_next_cid(&s), 0);
}

static void test_head_wraps_and_phase_flips(void **state)
{
	struct dbi_session s = session(4);
	unsigned int i;

	for (i = 1; i <= 8; i++) {
		dbi_cq_consume(&s);
		assert_int_equal(s.cq_head, i % 4);
		assert_int_equal(s.phase, i < 4 ? 1 : i < 8 ? 0 : 1);
	}
}

static void test_head_is_rung_every_half_queue(void **state)
{
	struct dbi_session s = session(8);
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

static void test_head_is_rung_before_the_cq_could_fill(void **state)
{
	struct dbi_session s = session(DEPTH);
	unsigned int i;

	/* 28 commands out, 2 entries consumed: one more leaves one free. */
	s.nr_busy = 28;
	dbi_cq_consume(&s);
	dbi_cq_consume(&s);
	assert_false(dbi_cq_head_due(&s));
	/* A third consumed entry would leave none: it goes back now. */
	dbi_cq_consume(&s);
	assert_true(dbi_cq_head_due(&s));
	assert_int_equal(s.cq_head_rung, 3);
	/* Nothing consumed since: nothing to ring, however many are out. */
	s.nr_busy = DEPTH - 1;
	assert_false(dbi_cq_head_due(&s));
	for (i = 0; i < DEPTH; i++) {
		dbi_cq_consume(&s);
		s.nr_busy--;
		if (s.cq_unrung + s.nr_busy + 1 >= DEPTH)
			assert_true(dbi_cq_head_due(&s));
		if (!s.nr_busy)
			break;
	}
}

static void test_two_entry_queue_rings_every_time(void **state)
{
	struct dbi_session s = session(2);

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
		cmocka_unit_test(test_each_cid_in_flight_finds_its_slot),
		cmocka_unit_test(test_a_done_command_is_no_longer_matched),
		cmocka_unit_test(test_torn_entry_with_many_out_is_read_again),
		cmocka_unit_test(test_a_lasting_other_cid_is_foreign),
		cmocka_unit_test(test_cids_skip_zero_and_those_in_flight),
		cmocka_unit_test(test_head_wraps_and_phase_flips),
		cmocka_unit_test(test_head_is_rung_every_half_queue),
		cmocka_unit_test(test_head_is_rung_before_the_cq_could_fill),
		cmocka_unit_test(test_two_entry_queue_rings_every_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
