// SPDX-License-Identifier: GPL-2.0
/* doorbell-target's command line; see doorbell-target(8). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "doorbell_proto.h"
#include "options.h"
#include "parse.h"
#include "doorbell_vfio_pci.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: doorbell-target --device BDF [options]\n"
		"  -d, --device BDF     NVMe controller bound to vfio-pci; up to %u,\n"
		"                       one initiator on each (isolated mode)\n"
		"  -i, --isolate        one initiator per controller, also with one\n"
		"  -s, --shared-namespace\n"
		"                       isolated, yet serve namespaces that other\n"
		"                       controllers reach too\n"
		"  -b, --bind ADDR      address to listen on (default: any)\n"
		"  -p, --port PORT      rdma_cm port (default %s)\n"
		"  -D, --max-depth N    largest queue depth granted (default %u)\n"
		"  -v, --verbose        log each queue's DMA addresses\n"
		"  -h, --help\n"
		"SIGUSR1 resets the controllers; SIGINT/SIGTERM stop the target.\n",
		TARGET_MAX_CTRLS, DB_DEFAULT_PORT, TARGET_MAX_DEPTH);
}

static bool same_function(const struct dbvfio_pci_addr *a,
			  const struct dbvfio_pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->device == b->device && a->function == b->function;
}

static int bad(FILE *err, const char *what, const char *arg)
{
	fprintf(err, "doorbell-target: %s%s%s\n", what, arg ? ": " : "",
		arg ? arg : "");
	usage(err);
	return -EINVAL;
}

int target_options_parse(int argc, char **argv, struct target_options *o,
			 FILE *out, FILE *err)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "isolate", no_argument, NULL, 'i' },
		{ "shared-namespace", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "max-depth", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct dbvfio_pci_addr addrs[TARGET_MAX_CTRLS];
	const char *given[TARGET_MAX_CTRLS];
	unsigned int i, j;
	uint64_t num;
	int c;

	*o = (struct target_options){ .port = DB_DEFAULT_PORT,
				      .max_depth = TARGET_MAX_DEPTH };
	/* From the start, every time: 0 makes getopt begin afresh. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:isvb:p:D:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'd':
			if (o->nr_bdfs == TARGET_MAX_CTRLS) {
				fprintf(err,
					"doorbell-target: at most %u "
					"controllers, not '%s' too\n",
					TARGET_MAX_CTRLS, optarg);
				return -EINVAL;
			}
			given[o->nr_bdfs++] = optarg;
			break;
		case 'i':
			o->isolate = true;
			break;
		case 's':
			o->shared_namespace = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'b':
			o->bind_addr = optarg;
			break;
		case 'p':
			/* rdma_cm's ports are numbers: no service names. */
			if (util_parse_u64(optarg, 1, 65535, &num)) {
				fprintf(err,
					"doorbell-target: --port must be "
					"1-65535, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			o->port = optarg;
			break;
		case 'D':
			if (util_parse_u64(optarg, 2, TARGET_MAX_DEPTH, &num)) {
				fprintf(err,
					"doorbell-target: --max-depth must be "
					"2-%u, not '%s'\n",
					TARGET_MAX_DEPTH, optarg);
				return -EINVAL;
			}
			o->max_depth = num;
			break;
		case 'h':
			usage(out);
			return 1;
		case ':':
			return bad(err, "option needs a value",
				   argv[optind - 1]);
		default:
			return bad(err, "unknown option", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return bad(err, "unexpected argument", argv[optind]);
	if (!o->nr_bdfs)
		return bad(err, "--device is required", NULL);
	for (i = 0; i < o->nr_bdfs; i++) {
		if (dbvfio_pci_addr_parse(given[i], &addrs[i])) {
			fprintf(err,
				"doorbell-target: '%s' is not a PCI address "
				"(DDDD:BB:DD.F)\n",
				given[i]);
			return -EINVAL;
		}
		dbvfio_pci_addr_format(&addrs[i], o->bdfs[i]);
		for (j = 0; j < i; j++)
			if (same_function(&addrs[i], &addrs[j])) {
				fprintf(err,
					"doorbell-target: controller '%s' "
					"given twice\n",
					given[i]);
				return -EINVAL;
			}
	}
	if (o->nr_bdfs > 1)
		o->isolate = true;
	if (o->shared_namespace && !o->isolate)
		return bad(err, "--shared-namespace needs isolated mode", NULL);
	return 0;
}
