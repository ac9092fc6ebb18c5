// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PCI address parsing and formatting.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "doorbell_vfio_pci.h"

int dbvfio_pci_addr_parse(const char *str, struct dbvfio_pci_addr *addr)
{
	unsigned int domain = 0, bus, device, function;
	int consumed = -1;

	if (!str || !addr)
		return -EINVAL;

	/*
	 * %n records how far the pattern matched, so a string with trailing
	 * characters ("00:03.0x") is refused instead of silently truncated.
	 */
	if (sscanf(str, "%4x:%2x:%2x.%1x%n", &domain, &bus, &device, &function,
		   &consumed) != 4 ||
	    str[consumed] != '\0') {
		domain = 0;
		consumed = -1;
		if (sscanf(str, "%2x:%2x.%1x%n", &bus, &device, &function,
			   &consumed) != 3 ||
		    str[consumed] != '\0')
			return -EINVAL;
	}

	/* sscanf accepts signs and spaces; a PCI address has neither. */
	if (strspn(str, "0123456789abcdefABCDEF:.") != strlen(str))
		return -EINVAL;
	if (device > 31 || function > 7)
		return -EINVAL;

	addr->domain = domain;
	addr->bus = bus;
	addr->device = device;
	addr->function = function;
	return 0;
}

void dbvfio_pci_addr_format(const struct dbvfio_pci_addr *addr, char *buf)
{
	snprintf(buf, DBVFIO_PCI_ADDR_STRLEN, "%04x:%02x:%02x.%x", addr->domain,
		 addr->bus, addr->device & 0x1f, addr->function & 7);
}
