// SPDX-License-Identifier: GPL-2.0
/*
 * dbnvme_strerror(): every value the driver and the initiators return gets
 * a message a user can act on.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "nvme_status.h"

static void test_success(void **state)
{
	assert_string_equal(dbnvme_strerror(0), "success");
}

static void test_errno_is_strerror(void **state)
{
	assert_string_equal(dbnvme_strerror(-ETIMEDOUT), strerror(ETIMEDOUT));
	assert_string_equal(dbnvme_strerror(-EPROTO), strerror(EPROTO));
	/*
	 * Negating these would overflow; nothing returns them, but a
	 * caller's garbage must not be undefined behaviour either.
	 */
	assert_string_equal(dbnvme_strerror(INT_MIN),
			    "not an errno: -2147483648");
	assert_string_equal(dbnvme_strerror(-5000), "not an errno: -5000");
}

static void test_known_statuses_by_name(void **state)
{
	assert_string_equal(dbnvme_strerror(0x002), "Invalid Field in Command");
	assert_string_equal(dbnvme_strerror(0x080), "LBA Out of Range");
	assert_string_equal(dbnvme_strerror(0x101), "Invalid Queue Identifier");
	assert_string_equal(dbnvme_strerror(0x286), "Access Denied");
}

static void test_unknown_status_shows_its_fields(void **state)
{
	assert_string_equal(dbnvme_strerror(0x3c5),
			    "NVMe status SCT 0x3 SC 0xc5");
	/* SCT 0 SC 0x09 has no name here. */
	assert_string_equal(dbnvme_strerror(0x009), "NVMe status SCT 0 SC 0x9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_errno_is_strerror),
		cmocka_unit_test(test_known_statuses_by_name),
		cmocka_unit_test(test_unknown_status_shows_its_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
