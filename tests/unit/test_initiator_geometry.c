// SPDX-License-Identifier: GPL-2.0
/*
 * What the initiator accepts of a target's geometry, which block ranges
 * it sends, and how it cuts a request at the transfer limit (MDTS).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "private.h"

static const struct db_ready good = {
	.depth = 16,
	.blocks = 1000,
	.block_size = 512,
	.max_transfer = 8192,
	.slot_size = 8192,
};

static void test_good_geometry(void **state)
{
	uint32_t max_blocks = 0;

	assert_int_equal(dbi_geometry_check(&good, &max_blocks), 0);
	assert_int_equal(max_blocks, 16);
}

static void test_bad_geometry_is_eproto(void **state)
{
	static const struct {
		uint32_t block_size, max_transfer;
		uint16_t depth;
		uint32_t slot_size;
	} bad[] = {
		{ 0, 8192, 16 }, /* no block size */
		{ 256, 8192, 16 }, /* smaller than any LBA format */
		{ 1000, 8000, 16 }, /* not a power of two */
		{ 8192, 8192, 16 }, /* larger than 4 KiB */
		{ 512, 16384, 16 }, /* more than the stage holds */
		{ 4096, 2048, 16 }, /* less than one block */
		{ 512, 8192, 1 }, /* a queue that cannot hold a command */
		{ 512, 8192, 0 },
		{ 512, 8192, 65 }, /* more SQEs than a page holds */
		{ 512, 8192, 16, 4096 }, /* data slots smaller than a command */
	};
	uint32_t max_blocks = 77;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct db_ready r = good;

		r.block_size = bad[i].block_size;
		r.max_transfer = bad[i].max_transfer;
		r.depth = bad[i].depth;
		r.slot_size = bad[i].slot_size ? bad[i].slot_size : 8192;
		if (dbi_geometry_check(&r, &max_blocks) != -EPROTO)
			fail_msg("accepted entry %zu", i);
	}
	assert_int_equal(max_blocks, 77);
}

static void test_extents(void **state)
{
	assert_int_equal(dbi_extent_check(&good, 0, 1), 0);
	assert_int_equal(dbi_extent_check(&good, 999, 1), 0);
	assert_int_equal(dbi_extent_check(&good, 0, 1000), 0);
	assert_int_equal(dbi_extent_check(&good, 0, 0), -EINVAL);
	assert_int_equal(dbi_extent_check(&good, 1000, 1), -ERANGE);
	assert_int_equal(dbi_extent_check(&good, 999, 2), -ERANGE);
	/* slba + nblocks would wrap to a small number. */
	assert_int_equal(dbi_extent_check(&good, UINT64_MAX, 2), -ERANGE);
	assert_int_equal(dbi_extent_check(&good, 1, UINT32_MAX), -ERANGE);
}

static void test_requests_cut_at_the_limit(void **state)
{
	static const uint32_t sizes[] = { 1, 15, 16, 17, 32, 33, 1000 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t left = sizes[i], commands = 0, n;

		while (left) {
			n = dbi_chunk_blocks(left, 16);
			assert_true(n >= 1 && n <= 16);
			left -= n;
			commands++;
		}
		assert_int_equal(commands, (sizes[i] + 15) / 16);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_geometry),
		cmocka_unit_test(test_bad_geometry_is_eproto),
		cmocka_unit_test(test_extents),
		cmocka_unit_test(test_requests_cut_at_the_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
