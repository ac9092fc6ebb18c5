// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's limits: the IOVA bump allocator (page-rounded, never
 * reused, bounded by the vIOMMU's 39 bits) and the transfer size that
 * MDTS and the PRP pair allow.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "private.h"

static void ctrl_init(struct nvme_ctrl *ctrl)
{
	*ctrl = (struct nvme_ctrl){};
	pthread_mutex_init(&ctrl->iova_lock, NULL);
	nvme_dma_init(ctrl);
}

static void test_iova_pages_in_order_above_1g(void **state)
{
	struct nvme_ctrl ctrl;
	uint64_t a, b, c;

	ctrl_init(&ctrl);
	assert_int_equal(nvme_iova_reserve(&ctrl, 1, &a), 0);
	assert_int_equal(nvme_iova_reserve(&ctrl, 4096, &b), 0);
	assert_int_equal(nvme_iova_reserve(&ctrl, 4097, &c), 0);
	assert_int_equal(a, 1ull << 30);
	/* One byte takes a whole page. */
	assert_int_equal(b, a + 4096);
	assert_int_equal(c, b + 4096);
	assert_int_equal(ctrl.next_iova, c + 8192);
}

static void test_iova_refuses_nothing_and_too_much(void **state)
{
	struct nvme_ctrl ctrl;
	uint64_t iova = 0x1234;

	ctrl_init(&ctrl);
	assert_int_equal(nvme_iova_reserve(&ctrl, 0, &iova), -EINVAL);
	assert_int_equal(nvme_iova_reserve(&ctrl, SIZE_MAX, &iova), -EINVAL);
	/* Rounding SIZE_MAX - 1 up must not wrap to a small size. */
	assert_int_equal(nvme_iova_reserve(&ctrl, SIZE_MAX - 1, &iova),
			 -EINVAL);
	assert_int_equal(iova, 0x1234);
	assert_int_equal(ctrl.next_iova, 1ull << 30);
}

static void test_iova_space_runs_out_and_stays_out(void **state)
{
	uint64_t left = (1ull << 39) - (1ull << 30), iova;
	struct nvme_ctrl ctrl;

	ctrl_init(&ctrl);
	assert_int_equal(nvme_iova_reserve(&ctrl, left - 4096, &iova), 0);
	assert_int_equal(nvme_iova_reserve(&ctrl, 8192, &iova), -ENOSPC);
	/* The last page still fits; then nothing does. */
	assert_int_equal(nvme_iova_reserve(&ctrl, 4096, &iova), 0);
	assert_int_equal(iova, (1ull << 39) - 4096);
	assert_int_equal(nvme_iova_reserve(&ctrl, 1, &iova), -ENOSPC);
}

static void test_mdts_zero_is_the_prp_pair(void **state)
{
	assert_int_equal(nvme_max_transfer(0, 0), 8192);
}

static void test_mdts_never_raises_past_the_prp_pair(void **state)
{
	unsigned int mdts;

	for (mdts = 1; mdts < 256; mdts++)
		assert_int_equal(nvme_max_transfer(mdts, 0), 8192);
}

static void test_mdts_is_in_units_of_mpsmin(void **state)
{
	/* 4 KiB << 1 pages, two of them: more than the PRP pair. */
	assert_int_equal(nvme_max_transfer(1, 1), 8192);
	/* A page size past CAP's range does not shift into nonsense. */
	assert_int_equal(nvme_max_transfer(1, 16), 8192);
	assert_int_equal(nvme_max_transfer(31, 15), 8192);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iova_pages_in_order_above_1g),
		cmocka_unit_test(test_iova_refuses_nothing_and_too_much),
		cmocka_unit_test(test_iova_space_runs_out_and_stays_out),
		cmocka_unit_test(test_mdts_zero_is_the_prp_pair),
		cmocka_unit_test(test_mdts_never_raises_past_the_prp_pair),
		cmocka_unit_test(test_mdts_is_in_units_of_mpsmin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
