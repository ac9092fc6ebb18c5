// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names for the driver's return values: a negative errno, or a positive
 * NVMe status (SCT << 8 | SC) from a completion.
 */
#include <stdio.h>
#include <string.h>

#include "nvme_status.h"

struct dbnvme_status_name {
	int status;
	const char *name;
};

/* Generic (SCT 0) and command-specific (SCT 1) statuses, then media. */
static const struct dbnvme_status_name dbnvme_status_names[] = {
	{ 0x001, "Invalid Command Opcode" },
	{ 0x002, "Invalid Field in Command" },
	{ 0x003, "Command ID Conflict" },
	{ 0x004, "Data Transfer Error" },
	{ 0x005, "Commands Aborted due to Power Loss Notification" },
	{ 0x006, "Internal Error" },
	{ 0x007, "Command Abort Requested" },
	{ 0x008, "Command Aborted due to SQ Deletion" },
	{ 0x00b, "Invalid Namespace or Format" },
	{ 0x00c, "Command Sequence Error" },
	{ 0x013, "PRP Offset Invalid" },
	{ 0x080, "LBA Out of Range" },
	{ 0x081, "Capacity Exceeded" },
	{ 0x082, "Namespace Not Ready" },
	{ 0x100, "Completion Queue Invalid" },
	{ 0x101, "Invalid Queue Identifier" },
	{ 0x102, "Invalid Queue Size" },
	{ 0x10c, "Invalid Queue Deletion" },
	{ 0x180, "Conflicting Attributes" },
	{ 0x280, "Write Fault" },
	{ 0x281, "Unrecovered Read Error" },
	{ 0x286, "Access Denied" },
};

const char *dbnvme_strerror(int ret)
{
	static __thread char buf[64];
	size_t i;

	if (!ret)
		return "success";
	/* Past the errno range, -ret may not even be an int (INT_MIN). */
	if (ret < -4095) {
		snprintf(buf, sizeof(buf), "not an errno: %d", ret);
		return buf;
	}
	if (ret < 0)
		return strerror(-ret);
	for (i = 0;
	     i < sizeof(dbnvme_status_names) / sizeof(dbnvme_status_names[0]);
	     i++)
		if (dbnvme_status_names[i].status == ret)
			return dbnvme_status_names[i].name;
	snprintf(buf, sizeof(buf), "NVMe status SCT %#x SC %#x", ret >> 8,
		 ret & 0xff);
	return buf;
}
