// SPDX-License-Identifier: GPL-2.0
/*
 * doorbell-target's command line: what it accepts, and that every
 * mistake is refused with a message naming it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "doorbell_proto.h"
#include "options.h"

/* Parse @args (NULL-terminated, without argv[0]); the messages in @msg. */
static int parse(struct target_options *o, char *msg, size_t len,
		 const char *const *args)
{
	char *argv[24] = { "doorbell-target" };
	FILE *out = fmemopen(msg, len, "w");
	int argc = 1, ret;

	while (*args)
		argv[argc++] = (char *)*args++;
	memset(msg, 0, len);
	ret = target_options_parse(argc, argv, o, out, out);
	fclose(out);
	return ret;
}

#define PARSE(o, msg, ...) \
	parse(o, msg, sizeof(msg), (const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct target_options o;
	char msg[1024];

	assert_int_equal(PARSE(&o, msg, "--device", "0000:00:04.0"), 0);
	assert_int_equal(o.nr_bdfs, 1);
	assert_string_equal(o.bdfs[0], "0000:00:04.0");
	assert_false(o.isolate);
	assert_false(o.shared_namespace);
	assert_false(o.verbose);
	assert_null(o.bind_addr);
	assert_string_equal(o.port, DB_DEFAULT_PORT);
	assert_int_equal(o.max_depth, TARGET_MAX_DEPTH);
	assert_string_equal(msg, "");
}

static void test_every_option(void **state)
{
	struct target_options o;
	char msg[1024];

	assert_int_equal(PARSE(&o, msg, "-d", "00:04.0", "-b", "10.0.0.1", "-p",
			       "4800", "-D", "8"),
			 0);
	assert_string_equal(o.bdfs[0], "0000:00:04.0");
	assert_string_equal(o.bind_addr, "10.0.0.1");
	assert_string_equal(o.port, "4800");
	assert_int_equal(o.max_depth, 8);
	assert_int_equal(PARSE(&o, msg, "--device=00:04.0", "--max-depth=64"),
			 0);
	assert_int_equal(o.max_depth, 64);
}

static void test_several_controllers_isolate(void **state)
{
	struct target_options o;
	char msg[1024];

	assert_int_equal(PARSE(&o, msg, "-d", "00:04.0", "-d", "0000:00:05.0",
			       "--shared-namespace", "-v"),
			 0);
	assert_int_equal(o.nr_bdfs, 2);
	assert_string_equal(o.bdfs[1], "0000:00:05.0");
	assert_true(o.isolate);
	assert_true(o.shared_namespace);
	assert_true(o.verbose);
	assert_int_equal(PARSE(&o, msg, "-d", "00:04.0", "--isolate"), 0);
	assert_true(o.isolate);
}

static void test_help(void **state)
{
	struct target_options o;
	char msg[1024];

	assert_int_equal(PARSE(&o, msg, "--help"), 1);
	assert_non_null(strstr(msg, "usage: doorbell-target --device BDF"));
}

static void test_refusals_say_why(void **state)
{
	static const struct {
		const char *args[20];
		const char *says;
	} bad[] = {
		{ { NULL }, "--device is required" },
		{ { "-d", "nvme0" }, "'nvme0' is not a PCI address" },
		{ { "-d", "00:04.0", "-D", "1" },
		  "--max-depth must be 2-64, not '1'" },
		{ { "-d", "00:04.0", "-D", "65" }, "not '65'" },
		{ { "-d", "00:04.0", "-D", "8x" }, "not '8x'" },
		{ { "-d", "00:04.0", "-D", "" }, "not ''" },
		{ { "-d", "00:04.0", "-D", "99999999999999999999" },
		  "must be 2-64" },
		{ { "-d", "00:04.0", "-p", "0" },
		  "--port must be 1-65535, not '0'" },
		{ { "-d", "00:04.0", "-p", "65536" }, "not '65536'" },
		{ { "-d", "00:04.0", "--port", "nvme" }, "not 'nvme'" },
		{ { "-d", "00:04.0", "--colour" }, "unknown option: --colour" },
		{ { "-d", "00:04.0", "-x" }, "unknown option: -x" },
		{ { "-d", "00:04.0", "extra" }, "unexpected argument: extra" },
		{ { "-d" }, "option needs a value: -d" },
		{ { "-d", "00:04.0", "-d", "0000:00:04.0" },
		  "controller '0000:00:04.0' given twice" },
		{ { "-d", "00:04.0", "-s" },
		  "--shared-namespace needs isolated mode" },
		{ { "-d", "0:1.0", "-d", "0:2.0", "-d", "0:3.0", "-d", "0:4.0",
		    "-d", "0:5.0", "-d", "0:6.0", "-d", "0:7.0", "-d", "0:8.0",
		    "-d", "0:9.0" },
		  "at most 8 controllers, not '0:9.0' too" },
	};
	struct target_options o;
	char msg[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *const *a = bad[i].args;
		int ret = parse(&o, msg, sizeof(msg), a);

		if (ret != -EINVAL)
			fail_msg("entry %zu: %d, want -EINVAL", i, ret);
		if (!strstr(msg, bad[i].says))
			fail_msg("entry %zu: '%s' does not say '%s'", i, msg,
				 bad[i].says);
	}
}

/*
 * Every form of an address that parses is kept in the one form sysfs
 * knows: "00:03.0" or "0000:00:0A.0" would name no device there.
 */
static void test_addresses_are_normalised(void **state)
{
	struct target_options o;
	char msg[1024];

	assert_int_equal(PARSE(&o, msg, "-d", "00:03.0", "-d", "0000:00:0A.0",
			       "-d", "1:2:1f.7"),
			 0);
	assert_int_equal(o.nr_bdfs, 3);
	assert_string_equal(o.bdfs[0], "0000:00:03.0");
	assert_string_equal(o.bdfs[1], "0000:00:0a.0");
	assert_string_equal(o.bdfs[2], "0001:02:1f.7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_addresses_are_normalised),
		cmocka_unit_test(test_several_controllers_isolate),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_refusals_say_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
