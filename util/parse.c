// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "parse.h"

int util_parse_u64(const char *str, uint64_t min, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	char *end;

	/* strtoull() skips blanks and takes a minus sign: refuse both. */
	if (!isdigit((unsigned char)str[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(str, &end, 0);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

int util_parse_u64_arg(const char *prog, const char *what, const char *str,
		       uint64_t min, uint64_t max, uint64_t *val)
{
	if (!util_parse_u64(str, min, max, val))
		return 0;
	if (min == 0 && max == UINT64_MAX)
		fprintf(stderr, "%s: invalid %s '%s'\n", prog, what, str);
	else
		fprintf(stderr,
			"%s: invalid %s '%s' (%" PRIu64 " to %" PRIu64 ")\n",
			prog, what, str, min, max);
	return -EINVAL;
}
