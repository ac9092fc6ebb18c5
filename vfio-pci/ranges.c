// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exportable ranges of a BAR: what is left of its pages around the
 * MSI-X table and PBA, which the kernel will not export.
 */
#include <errno.h>

#include "private.h"

int dbvfio_ranges_around(uint64_t end, struct dbvfio_hole *holes,
			 unsigned int nholes, struct dbvfio_range *ranges,
			 unsigned int max, unsigned int *nr)
{
	unsigned int i, n = 0;
	uint64_t at = 0;

	*nr = 0;
	if (nholes > 2)
		return -EINVAL;
	/* Two holes at most; put them in order. */
	if (nholes == 2 && holes[1].start < holes[0].start) {
		struct dbvfio_hole t = holes[0];

		holes[0] = holes[1];
		holes[1] = t;
	}
	for (i = 0; i <= nholes; i++) {
		uint64_t stop = i < nholes ? holes[i].start : end;

		if (stop > end)
			stop = end;
		if (stop > at) {
			if (n >= max)
				return -ENOSPC;
			ranges[n].offset = at;
			ranges[n].length = stop - at;
			n++;
		}
		if (i < nholes && holes[i].end > at)
			at = holes[i].end;
	}
	*nr = n;
	return 0;
}
