// SPDX-License-Identifier: GPL-2.0
/*
 * The exportable ranges of a BAR around its MSI-X table and PBA: in
 * order, page-bounded, and never overlapping a hole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "private.h"

#define P 4096ull

static void expect(const struct dbvfio_range *r, uint64_t offset,
		   uint64_t length)
{
	assert_int_equal(r->offset, offset);
	assert_int_equal(r->length, length);
}

static void test_no_holes_is_the_whole_bar(void **state)
{
	struct dbvfio_range r[3];
	unsigned int n;

	assert_int_equal(dbvfio_ranges_around(4 * P, NULL, 0, r, 3, &n), 0);
	assert_int_equal(n, 1);
	expect(&r[0], 0, 4 * P);
}

static void test_holes_out_of_order_cut_three_ranges(void **state)
{
	struct dbvfio_hole h[2] = { { 6 * P, 7 * P }, { 2 * P, 3 * P } };
	struct dbvfio_range r[3];
	unsigned int n;

	assert_int_equal(dbvfio_ranges_around(8 * P, h, 2, r, 3, &n), 0);
	assert_int_equal(n, 3);
	expect(&r[0], 0, 2 * P);
	expect(&r[1], 3 * P, 3 * P);
	expect(&r[2], 7 * P, P);
}

static void test_table_and_pba_in_one_page(void **state)
{
	struct dbvfio_hole h[2] = { { 0, P }, { 0, P } };
	struct dbvfio_range r[3];
	unsigned int n;

	assert_int_equal(dbvfio_ranges_around(4 * P, h, 2, r, 3, &n), 0);
	assert_int_equal(n, 1);
	expect(&r[0], P, 3 * P);
}

static void test_overlapping_and_trailing_holes(void **state)
{
	/* The PBA inside the table's pages, both running to the end. */
	struct dbvfio_hole h[2] = { { 2 * P, 4 * P }, { 3 * P, 9 * P } };
	struct dbvfio_range r[3];
	unsigned int n;

	assert_int_equal(dbvfio_ranges_around(4 * P, h, 2, r, 3, &n), 0);
	assert_int_equal(n, 1);
	expect(&r[0], 0, 2 * P);
}

static void test_a_bar_that_is_all_hole(void **state)
{
	struct dbvfio_hole h[1] = { { 0, 4 * P } };
	struct dbvfio_range r[1];
	unsigned int n = 9;

	assert_int_equal(dbvfio_ranges_around(4 * P, h, 1, r, 1, &n), 0);
	assert_int_equal(n, 0);
}

static void test_too_little_room_is_enospc(void **state)
{
	struct dbvfio_hole h[1] = { { P, 2 * P } };
	struct dbvfio_range r[1];
	unsigned int n = 9;

	assert_int_equal(dbvfio_ranges_around(4 * P, h, 1, r, 1, &n), -ENOSPC);
	assert_int_equal(n, 0);
	assert_int_equal(dbvfio_ranges_around(4 * P, h, 3, r, 1, &n), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_holes_is_the_whole_bar),
		cmocka_unit_test(test_holes_out_of_order_cut_three_ranges),
		cmocka_unit_test(test_table_and_pba_in_one_page),
		cmocka_unit_test(test_overlapping_and_trailing_holes),
		cmocka_unit_test(test_a_bar_that_is_all_hole),
		cmocka_unit_test(test_too_little_room_is_enospc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
