// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of modes and of the library's return values. */
#include <string.h>

#include "nvme_status.h"
#include "private.h"

static const char *const mode_names[] = {
	[DBI_MODE_ONE_SIDED] = "one-sided",
	[DBI_MODE_RING_BUSY] = "ring-busy",
	[DBI_MODE_RING_EVENT] = "ring-event",
	[DBI_MODE_TWO_SIDED_BUSY] = "two-sided-busy",
	[DBI_MODE_TWO_SIDED_EVENT] = "two-sided-event",
};

const char *dbi_mode_name(enum dbi_mode mode)
{
	if (mode < DBI_MODE_ONE_SIDED || mode > DBI_MODE_TWO_SIDED_EVENT)
		return "unknown";
	return mode_names[mode];
}

enum dbi_mode dbi_mode_parse(const char *name)
{
	int m;

	for (m = DBI_MODE_ONE_SIDED; m <= DBI_MODE_TWO_SIDED_EVENT; m++)
		if (!strcmp(name, mode_names[m]))
			return m;
	return 0;
}

const char *dbi_strerror(int ret)
{
	return dbnvme_strerror(ret);
}
