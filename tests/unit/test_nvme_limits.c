// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's limits: the IOVA allocator (page-rounded, inside the
 * IOMMU's valid ranges, next-fit, an IOVA reused only once freed), the
 * transfer size that MDTS and the PRP pair allow, and the queue count
 * Set Features grants.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "private.h"

#define GIB (1ull << 30)
#define PAGE 4096ull

/* What the vIOMMU reports above the driver's floor: the MSI window out. */
static const struct dbvfio_iova_range viommu[] = {
	{ .start = GIB, .last = 0xfedfffffull },
	{ .start = 0xfef00000ull, .last = (1ull << 39) - 1 },
};

static void space_release(struct dbnvme_iova_space *sp)
{
	free(sp->used);
}

static int alloc(struct dbnvme_iova_space *sp, uint64_t size, uint64_t *iova)
{
	return dbnvme_iova_alloc(sp, viommu, 2, size, PAGE, iova);
}

static void test_iova_pages_in_order_from_the_bottom(void **state)
{
	struct dbnvme_iova_space sp = {};
	uint64_t a, b, c;

	assert_int_equal(alloc(&sp, 1, &a), 0);
	assert_int_equal(alloc(&sp, PAGE, &b), 0);
	assert_int_equal(alloc(&sp, PAGE + 1, &c), 0);
	assert_int_equal(a, GIB);
	/* One byte takes a whole page. */
	assert_int_equal(b, a + PAGE);
	assert_int_equal(c, b + PAGE);
	assert_int_equal(sp.nr_used, 3);
	assert_int_equal(sp.next, c + 2 * PAGE);
	space_release(&sp);
}

static void test_iova_refuses_nothing_and_too_much(void **state)
{
	struct dbnvme_iova_space sp = {};
	uint64_t iova = 0x1234;

	assert_int_equal(alloc(&sp, 0, &iova), -EINVAL);
	/* Rounding up must not wrap to a small size. */
	assert_int_equal(alloc(&sp, ~0ull, &iova), -EINVAL);
	assert_int_equal(alloc(&sp, ~0ull - PAGE, &iova), -ENOSPC);
	assert_int_equal(dbnvme_iova_alloc(&sp, viommu, 2, PAGE, 3000, &iova),
			 -EINVAL);
	assert_int_equal(iova, 0x1234);
	assert_int_equal(sp.nr_used, 0);
	space_release(&sp);
}

/* 3.5 GiB in 64 MiB steps crosses the MSI window and never enters it. */
static void test_iova_skips_the_msi_window(void **state)
{
	struct dbnvme_iova_space sp = {};
	uint64_t iova, i;

	for (i = 0; i < 56; i++) {
		assert_int_equal(alloc(&sp, 64ull << 20, &iova), 0);
		assert_false(iova <= 0xfeefffffull &&
			     iova + (64ull << 20) - 1 >= 0xfee00000ull);
		assert_true(iova >= GIB);
	}
	assert_true(iova > 0xfeefffffull);
	space_release(&sp);
}

static void test_iova_reused_only_after_free_and_a_lap(void **state)
{
	/* A small space of four pages shows the order. */
	const struct dbvfio_iova_range four = { .start = GIB,
						.last = GIB + 4 * PAGE - 1 };
	struct dbnvme_iova_space sp = {};
	uint64_t a, b, c, d, e;

	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &a), 0);
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &b), 0);
	assert_int_equal(dbnvme_iova_free(&sp, a), 0);
	/* Freed, but the pages above come first. */
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &c), 0);
	assert_int_equal(c, GIB + 2 * PAGE);
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &d), 0);
	assert_int_equal(d, GIB + 3 * PAGE);
	/* Then the search wraps around to the freed one. */
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &e), 0);
	assert_int_equal(e, a);
	/* Nothing left, and a span in use is never handed out twice. */
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &e),
			 -ENOSPC);
	assert_int_equal(dbnvme_iova_free(&sp, b), 0);
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, 2 * PAGE, PAGE, &e),
			 -ENOSPC);
	assert_int_equal(dbnvme_iova_alloc(&sp, &four, 1, PAGE, PAGE, &e), 0);
	assert_int_equal(e, b);
	space_release(&sp);
}

static void test_iova_free_of_no_span(void **state)
{
	struct dbnvme_iova_space sp = {};
	uint64_t a;

	assert_int_equal(alloc(&sp, 2 * PAGE, &a), 0);
	assert_int_equal(dbnvme_iova_free(&sp, a + PAGE), -ENOENT);
	assert_int_equal(dbnvme_iova_free(&sp, a), 0);
	assert_int_equal(dbnvme_iova_free(&sp, a), -ENOENT);
	space_release(&sp);
}

/* Controllers with different valid ranges still share no IOVA. */
static void test_iova_unique_across_ranges(void **state)
{
	const struct dbvfio_iova_range low = { .start = GIB,
					       .last = GIB + 8 * PAGE - 1 };
	const struct dbvfio_iova_range high = { .start = GIB + 4 * PAGE,
						.last = 2 * GIB - 1 };
	struct dbnvme_iova_space sp = {};
	uint64_t a, b, i;

	for (i = 0; i < 4; i++)
		assert_int_equal(
			dbnvme_iova_alloc(&sp, &high, 1, PAGE, PAGE, &a), 0);
	/* The low range's upper half is taken: its next page is below. */
	sp.next = 0;
	assert_int_equal(dbnvme_iova_alloc(&sp, &low, 1, 4 * PAGE, PAGE, &b),
			 0);
	assert_int_equal(b, GIB);
	assert_int_equal(dbnvme_iova_alloc(&sp, &low, 1, PAGE, PAGE, &b),
			 -ENOSPC);
	space_release(&sp);
}

static void test_mdts_zero_is_the_prp_pair(void **state)
{
	assert_int_equal(dbnvme_max_transfer(0, 0), 8192);
}

static void test_mdts_never_raises_past_the_prp_pair(void **state)
{
	unsigned int mdts;

	for (mdts = 1; mdts < 256; mdts++)
		assert_int_equal(dbnvme_max_transfer(mdts, 0), 8192);
}

static void test_mdts_is_in_units_of_mpsmin(void **state)
{
	/* 4 KiB << 1 pages, two of them: more than the PRP pair. */
	assert_int_equal(dbnvme_max_transfer(1, 1), 8192);
	/* A page size past CAP's range does not shift into nonsense. */
	assert_int_equal(dbnvme_max_transfer(1, 16), 8192);
	assert_int_equal(dbnvme_max_transfer(31, 15), 8192);
}

static void test_granted_queues_fit_their_ids(void **state)
{
	/* 0's based: 0 is one queue; the smaller of SQs and CQs counts. */
	assert_int_equal(dbnvme_granted_queues(0), 1);
	assert_int_equal(dbnvme_granted_queues(3u << 16 | 7), 4);
	assert_int_equal(dbnvme_granted_queues(7u << 16 | 3), 4);
	/* 65536 pairs granted: qid 65536 does not exist, 65535 is the last. */
	assert_int_equal(dbnvme_granted_queues(0xffffffffu), 65535);
	assert_int_equal(dbnvme_granted_queues(0xfffeu << 16 | 0xfffe), 65535);
	assert_int_equal(dbnvme_granted_queues(0xfffdu << 16 | 0xffff), 65534);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iova_pages_in_order_from_the_bottom),
		cmocka_unit_test(test_iova_refuses_nothing_and_too_much),
		cmocka_unit_test(test_iova_skips_the_msi_window),
		cmocka_unit_test(test_iova_reused_only_after_free_and_a_lap),
		cmocka_unit_test(test_iova_free_of_no_span),
		cmocka_unit_test(test_iova_unique_across_ranges),
		cmocka_unit_test(test_mdts_zero_is_the_prp_pair),
		cmocka_unit_test(test_mdts_never_raises_past_the_prp_pair),
		cmocka_unit_test(test_mdts_is_in_units_of_mpsmin),
		cmocka_unit_test(test_granted_queues_fit_their_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
