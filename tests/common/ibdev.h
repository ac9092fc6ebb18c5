/* SPDX-License-Identifier: GPL-2.0 */
/* Opening a verbs device by name, for the C test programs. */
#ifndef DOORBELL_TEST_IBDEV_H
#define DOORBELL_TEST_IBDEV_H

#include <string.h>

#include <infiniband/verbs.h>

/* The opened device called @name, or NULL. */
static inline struct ibv_context *open_ibv_device(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;
	int i;

	for (i = 0; list && list[i]; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	return ctx;
}

#endif
