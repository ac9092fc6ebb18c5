/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/interrupts as the tests read it: a line per interrupt with an
 * action, its per-CPU counts, then its name.  A vfio-pci vector shows up
 * as "vfio-msix[N](BDF)" only while it is routed to an eventfd.
 */
#ifndef DOORBELL_TEST_PROC_INTERRUPTS_H
#define DOORBELL_TEST_PROC_INTERRUPTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The interrupts delivered on every line that contains @needle, summed
 * over lines and CPUs; -1 when no line contains it.
 */
static long long proc_interrupts(const char *needle)
{
	FILE *f = fopen("/proc/interrupts", "r");
	long long sum = -1, n;
	char line[512], *p, *end;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, needle))
			continue;
		if (sum < 0)
			sum = 0;
		p = strchr(line, ':');
		for (p = p ? p + 1 : line;; p = end) {
			n = strtoll(p, &end, 10);
			if (end == p)
				break;
			sum += n;
		}
	}
	if (f)
		fclose(f);
	return sum;
}

#endif /* DOORBELL_TEST_PROC_INTERRUPTS_H */
