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

unsigned int qemu_source_id(const char *bdf)
{
	unsigned int dom, bus, dev, fn;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
		return ~0u;
	return bus << 8 | dev << 3 | fn;
}

/* One vtd_dmar_fault event of @line: 1 and its fields, or 0. */
static int parse_dmar_fault(const char *line, unsigned int *sid,
			    unsigned long long *addr, int *write)
{
	const char *p = strstr(line, "vtd_dmar_fault ");
	unsigned int fault, w;

	if (!p || sscanf(p,
			 "vtd_dmar_fault sid 0x%x fault %u addr 0x%llx "
			 "write %u",
			 sid, &fault, addr, &w) != 4)
		return 0;
	*write = w;
	return 1;
}

unsigned int qemu_traced_dmar_faults(const char *log, unsigned int sid,
				     unsigned long long iova, int write)
{
	long offset = 0;
	unsigned int n = 0;

	qemu_traced_dmar_faults_since(log, &offset, sid, iova & ~0xfffull, 1,
				      &n, write);
	return n;
}

unsigned int qemu_traced_dmar_faults_since(const char *log, long *offset,
					   unsigned int sid,
					   unsigned long long iova,
					   unsigned int npages,
					   unsigned int *per_page, int write)
{
	unsigned int n = 0, got_sid;
	unsigned long long addr;
	char line[256];
	int got_write;
	FILE *f = fopen(log, "r");

	if (!f)
		return 0;
	fseek(f, *offset, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		if (parse_dmar_fault(line, &got_sid, &addr, &got_write) &&
		    got_sid == sid && got_write == write && addr >= iova &&
		    (addr - iova) >> 12 < npages) {
			per_page[(addr - iova) >> 12]++;
			n++;
		}
	}
	*offset = ftell(f);
	fclose(f);
	return n;
}

long qemu_trace_end(const char *log)
{
	FILE *f = fopen(log, "r");
	long end;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	end = ftell(f);
	fclose(f);
	return end;
}
