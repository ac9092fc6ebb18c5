/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's backing file of a namespace, for the tests that check what
 * landed on the media.  A target whose controllers each have a namespace
 * of its own has a file per namespace: a "%u" in the name stands for the
 * namespace's ID.
 */
#ifndef DOORBELL_TEST_BACKING_FILE_H
#define DOORBELL_TEST_BACKING_FILE_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Open @name read-only, its "%u" (if any) replaced by @nsid. */
static inline int backing_file_open(const char *name, uint32_t nsid)
{
	const char *mark = strstr(name, "%u");
	char path[512];

	if (!mark)
		return open(name, O_RDONLY);
	snprintf(path, sizeof(path), "%.*s%u%s", (int)(mark - name), name, nsid,
		 mark + 2);
	return open(path, O_RDONLY);
}

#endif
