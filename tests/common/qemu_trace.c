// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "qemu_trace.h"

int qemu_traced_writes(const char *log, unsigned int addr, char *last,
		       size_t len)
{
	char line[512], key[64];
	FILE *f = fopen(log, "r");
	int n = 0;

	if (!f)
		return -1;
	if (len)
		last[0] = '\0';
	snprintf(key, sizeof(key), "pci_nvme_mmio_write addr 0x%x ", addr);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, key)) {
			n++;
			if (len)
				snprintf(last, len, "%s", strstr(line, key));
		}
	fclose(f);
	if (len)
		last[strcspn(last, "\n")] = '\0';
	return n;
}

/* Register writes whose trace line also holds @key ("" for any). */
static int count_writes(const char *log, const char *key)
{
	char line[512];
	FILE *f = fopen(log, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "pci_nvme_mmio_write ") && strstr(line, key))
			n++;
	fclose(f);
	return n;
}

int qemu_traced_values(const char *log, unsigned int value)
{
	char key[32];

	snprintf(key, sizeof(key), " data 0x%x ", value);
	return count_writes(log, key);
}

int qemu_traced_all(const char *log)
{
	return count_writes(log, "");
}
