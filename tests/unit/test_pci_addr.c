// SPDX-License-Identifier: GPL-2.0
/*
 * PCI address parsing: what a user types on the command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doorbell_vfio_pci.h"

static void test_full_form(void **state)
{
	struct dbvfio_pci_addr a;

	assert_int_equal(dbvfio_pci_addr_parse("0001:3a:1f.7", &a), 0);
	assert_int_equal(a.domain, 1);
	assert_int_equal(a.bus, 0x3a);
	assert_int_equal(a.device, 0x1f);
	assert_int_equal(a.function, 7);
}

static void test_short_form_means_domain_zero(void **state)
{
	struct dbvfio_pci_addr a = { .domain = 9 };

	assert_int_equal(dbvfio_pci_addr_parse("00:03.0", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 0);
	assert_int_equal(a.device, 3);
	assert_int_equal(a.function, 0);
}

static void test_round_trip(void **state)
{
	char buf[DBVFIO_PCI_ADDR_STRLEN];
	struct dbvfio_pci_addr a;

	assert_int_equal(dbvfio_pci_addr_parse("ABCD:EF:10.2", &a), 0);
	dbvfio_pci_addr_format(&a, buf);
	assert_string_equal(buf, "abcd:ef:10.2");
}

static void test_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"", "0", "00:03", "00:03.", "00:03.0x", "0000:00:03.0 ",
		" 00:03.0", "00:20.0", "00:03.8", "-0:03.0", "+0:03.0",
		"00000:00:03.0", "0000:000:03.0", "zz:03.0", "00-03.0",
	};
	struct dbvfio_pci_addr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dbvfio_pci_addr_parse(bad[i], &a) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(dbvfio_pci_addr_parse(NULL, &a), -EINVAL);
	assert_int_equal(dbvfio_pci_addr_parse("00:03.0", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_form),
		cmocka_unit_test(test_short_form_means_domain_zero),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
