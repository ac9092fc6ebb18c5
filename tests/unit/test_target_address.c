// SPDX-License-Identifier: GPL-2.0
/*
 * doorbell-target's check of a --bind address, against this host's own
 * interfaces: the loopback addresses are always there, TEST-NET-1 never.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "address.h"

/* Ask, with the explanation in @msg. */
static bool ask(const char *addr, char *msg, size_t len)
{
	FILE *err = fmemopen(msg, len, "w");
	bool local;

	memset(msg, 0, len);
	local = target_address_is_local(addr, err);
	fclose(err);
	return local;
}

static void test_the_hosts_own_address_is_local(void **state)
{
	char msg[256];

	assert_true(ask("127.0.0.1", msg, sizeof(msg)));
	assert_string_equal(msg, "");
}

static void test_the_wildcard_is_local(void **state)
{
	char msg[256];

	assert_true(ask("0.0.0.0", msg, sizeof(msg)));
	assert_true(ask("::", msg, sizeof(msg)));
}

static void test_another_hosts_address_is_refused(void **state)
{
	char msg[256];

	assert_false(ask("192.0.2.1", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "--bind 192.0.2.1: no interface of this "
				    "host has that address"));
}

static void test_no_address_is_refused(void **state)
{
	char msg[256];

	assert_false(ask("10.0.0.256", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "--bind '10.0.0.256'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_hosts_own_address_is_local),
		cmocka_unit_test(test_the_wildcard_is_local),
		cmocka_unit_test(test_another_hosts_address_is_refused),
		cmocka_unit_test(test_no_address_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
