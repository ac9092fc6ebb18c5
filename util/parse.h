/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef DOORBELL_UTIL_PARSE_H
#define DOORBELL_UTIL_PARSE_H

#include <stdint.h>

/*
 * util_parse_u64 - parse a whole string as an unsigned number in [min, max]
 *
 * Decimal, 0x-hex or 0-octal, as strtoull() reads them.  An empty string,
 * a sign, trailing characters, overflow or a value out of range is -EINVAL
 * and leaves *val as it was; the caller says what was wrong with which
 * option.
 */
int util_parse_u64(const char *str, uint64_t min, uint64_t max, uint64_t *val);

/*
 * util_parse_u64_arg - util_parse_u64() for a command-line argument: on
 * -EINVAL it also says so on stderr, as "PROG: invalid WHAT 'STR'", with
 * the range when there is one.
 */
int util_parse_u64_arg(const char *prog, const char *what, const char *str,
		       uint64_t min, uint64_t max, uint64_t *val);

#endif
