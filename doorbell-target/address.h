/* SPDX-License-Identifier: GPL-2.0 */
/* doorbell-target's check of a --bind address (address.c). */
#ifndef DOORBELL_TARGET_ADDRESS_H
#define DOORBELL_TARGET_ADDRESS_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Is @addr (a name or a numeric address) one of this host's interface
 * addresses, or the wildcard?  Asked before the controllers are opened:
 * the RDMA bind comes after them, and needs an RDMA device, which a host
 * may lack at that point.  A refusal is explained on @err.  When the
 * host's addresses cannot be listed, the answer is yes, and the bind
 * tells.
 */
bool target_address_is_local(const char *addr, FILE *err);

#endif /* DOORBELL_TARGET_ADDRESS_H */
