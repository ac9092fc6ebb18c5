// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of modes and of the library's return values. */
#include <string.h>

#include "nvme_status.h"
#include "private.h"

static const char *const mode_names[] = {
	[DB_MODE_ONE_SIDED] = "one-sided",
	[DB_MODE_RING_BUSY] = "ring-busy",
	[DB_MODE_RING_EVENT] = "ring-event",
	[DB_MODE_TWO_SIDED_BUSY] = "two-sided-busy",
	[DB_MODE_TWO_SIDED_EVENT] = "two-sided-event",
};

const char *dbi_mode_name(enum db_mode mode)
{
	if (mode < DB_MODE_ONE_SIDED || mode > DB_MODE_MAX)
		return "unknown";
	return mode_names[mode];
}

enum db_mode dbi_mode_parse(const char *name)
{
	int m;

	for (m = DB_MODE_ONE_SIDED; m <= DB_MODE_MAX; m++)
		if (!strcmp(name, mode_names[m]))
			return m;
	return 0;
}

const char *dbi_strerror(int ret)
{
	return dbnvme_strerror(ret);
}
