/* SPDX-License-Identifier: GPL-2.0 */
/* doorbell-target's command line (options.c). */
#ifndef DOORBELL_TARGET_OPTIONS_H
#define DOORBELL_TARGET_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

/* The deepest I/O queue the target grants an initiator. */
#define TARGET_MAX_DEPTH 64
/* The most controllers one target serves. */
#define TARGET_MAX_CTRLS 8

struct target_options {
	/* The NVMe controllers, valid PCI addresses, none twice. */
	const char *bdfs[TARGET_MAX_CTRLS];
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
 * point into @argv.
 */
int target_options_parse(int argc, char **argv, struct target_options *o,
			 FILE *out, FILE *err);

#endif /* DOORBELL_TARGET_OPTIONS_H */
