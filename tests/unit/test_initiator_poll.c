// SPDX-License-Identifier: GPL-2.0
/*
 * When the initiator reads its CQ: not before the service times measured
 * say the oldest command in flight is due, less half a read's round
 * trip, when timed reads are asked for; at once when nothing is measured
 * yet or they are not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "private.h"

static struct dbi_cmd cmds[8];

static struct dbi_session session(void)
{
	memset(cmds, 0, sizeof(cmds));
	return (struct dbi_session){ .ready = { .depth = 8 },
				     .cmds = cmds,
				     .flags = DBI_F_TIMED_POLL };
}

static void rung_at(struct dbi_session *s, unsigned int slot, uint64_t ns)
{
	s->cmds[slot] = (struct dbi_cmd){ .busy = true, .submitted_ns = ns };
}

static void test_nothing_measured_reads_at_once(void **state)
{
	struct dbi_session s = session();

	rung_at(&s, 0, 1000000);
	assert_int_equal(dbi_cq_read_due(&s), 0);
}

static void test_the_oldest_command_sets_the_time(void **state)
{
	struct dbi_session s = session();

	dbi_recent_add(&s.service, 80000);
	dbi_recent_add(&s.cq_rtt, 20000);
	rung_at(&s, 3, 1000000);
	rung_at(&s, 5, 900000);
	rung_at(&s, 6, 500000);
	s.cmds[6].done = true; /* done: no longer waited for */
	/* 900 us + 7/8 of 80 us - half of 20 us */
	assert_int_equal(dbi_cq_read_due(&s), 900000 + 70000 - 10000);
}

static void test_untimed_reads_at_once(void **state)
{
	struct dbi_session s = session();

	s.flags = 0;
	dbi_recent_add(&s.service, 80000);
	rung_at(&s, 0, 1000000);
	assert_int_equal(dbi_cq_read_due(&s), 0);
}

static void test_the_least_recent_sample_counts(void **state)
{
	struct dbi_session s = session();
	unsigned int i;

	dbi_cq_read_done(&s, 1000, 21000);
	assert_int_equal(s.cq_rtt.least, 20000);
	rung_at(&s, 0, 0);
	/* The read left at 100 us and reached the target 10 us later. */
	dbi_service_sample(&s, &s.cmds[0], 100000, true);
	assert_int_equal(s.service.least, 110000);
	/* An outlier does not move it; a shorter time does, at once. */
	dbi_service_sample(&s, &s.cmds[0], 5000000, true);
	assert_int_equal(s.service.least, 110000);
	dbi_service_sample(&s, &s.cmds[0], 60000, true);
	assert_int_equal(s.service.least, 70000);
	/* Once DBI_RECENT later samples came, the short one is forgotten. */
	for (i = 0; i < DBI_RECENT; i++)
		dbi_service_sample(&s, &s.cmds[0], 90000 + i * 1000, true);
	assert_int_equal(s.service.least, 100000);
	/*
	 * A first read that found the command done, timed by a wait that
	 * overshot, cannot raise it; one that lowers it counts.
	 */
	for (i = 0; i < 2 * DBI_RECENT; i++)
		dbi_service_sample(&s, &s.cmds[0], 200000, false);
	assert_int_equal(s.service.least, 100000);
	dbi_service_sample(&s, &s.cmds[0], 80000, false);
	assert_int_equal(s.service.least, 90000);
	/* A clock that went nowhere teaches nothing. */
	dbi_cq_read_done(&s, 5000, 5000);
	assert_int_equal(s.cq_rtt.least, 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_measured_reads_at_once),
		cmocka_unit_test(test_the_oldest_command_sets_the_time),
		cmocka_unit_test(test_untimed_reads_at_once),
		cmocka_unit_test(test_the_least_recent_sample_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
