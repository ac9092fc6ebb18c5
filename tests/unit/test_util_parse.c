// SPDX-License-Identifier: GPL-2.0
/* util_parse_u64: what the CLIs accept as a number, and what they refuse. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parse.h"

static void accepts_bases_and_bounds(void **state)
{
	uint64_t v = 0;

	assert_int_equal(util_parse_u64("42", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_u64("0x1000", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 0x1000);
	assert_int_equal(util_parse_u64("010", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(
		util_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(util_parse_u64("2", 2, 4096, &v), 0);
	assert_int_equal(util_parse_u64("4096", 2, 4096, &v), 0);
	assert_int_equal(v, 4096);
}

static void refuses_and_keeps_value(void **state)
{
	static const char *const bad[] = {
		"",   " 1",  "-1",
		"+1", "1 ",  "12x",
		"0x", "abc", "18446744073709551616", /* 2^64 */
	};
	uint64_t v = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(util_parse_u64(bad[i], 0, UINT64_MAX, &v),
				 -EINVAL);
		assert_int_equal(v, 7);
	}
	assert_int_equal(util_parse_u64("1", 2, 4096, &v), -EINVAL);
	assert_int_equal(util_parse_u64("4097", 2, 4096, &v), -EINVAL);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_bases_and_bounds),
		cmocka_unit_test(refuses_and_keeps_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
