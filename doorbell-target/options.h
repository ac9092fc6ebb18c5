/* SPDX-License-Identifier: GPL-2.0 */
/* doorbell-target's command line (options.c). */
#ifndef DOORBELL_TARGET_OPTIONS_H
#define DOORBELL_TARGET_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "doorbell_vfio_pci.h"

/* The deepest I/O queue the target grants an initiator. */
#define TARGET_MAX_DEPTH 64
/* The most controllers one target serves. */
#define TARGET_MAX_CTRLS 8

struct target_options {
	/*
	 * The NVMe controllers, none twice, in the one form sysfs and the
	 * log use ("0000:00:0a.0"), whatever form each was given in.
	 */
	char bdfs[TARGET_MAX_CTRLS][DBVFIO_PCI_ADDR_STRLEN];
	unsigned int nr_bdfs;
	bool isolate; /* one initiator per controller; implied by several */
	bool shared_namespace; /* isolated, yet the namespace is shared */
	bool verbose;
	const char *bind_addr; /* NULL: any */
	const char *port;
	unsigned int max_depth; /* 2..TARGET_MAX_DEPTH */
};

/*
 * Parse doorbell-target's arguments into @o.  0 to go on; 1 when --help
 * printed the usage to @out; -EINVAL when the arguments are wrong, after
 * a message that says which and the usage went to @err.  Strings in @o
 * other than the PCI addresses point into @argv.
 */
int target_options_parse(int argc, char **argv, struct target_options *o,
			 FILE *out, FILE *err);

#endif /* DOORBELL_TARGET_OPTIONS_H */
