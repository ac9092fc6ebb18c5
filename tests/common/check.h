/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks for the C test programs that run in the VM: one line per check,
 * "ok - ..." or "FAIL - ...", and a closing "N passed, M failed" line.
 *
 * The arguments of check() are evaluated in no particular order, so a
 * value that the checked call fills in must be read only after the call,
 * never in the same check().
 */
#ifndef DOORBELL_TEST_CHECK_H
#define DOORBELL_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int check_failures, check_count;

static void check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	check_count++;
	check_failures += !ok;
	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Print the closing line; the exit status of the test program. */
static int check_summary(void)
{
	printf("%d passed, %d failed\n", check_count - check_failures,
	       check_failures);
	return check_failures ? 1 : 0;
}

#endif
