// SPDX-License-Identifier: GPL-2.0
/*
 * A provider library that libibverbs cannot load: it needs a function
 * that no library exports, as dbrxe needs IBVERBS_PRIVATE_34 symbols
 * that a libibverbs of another private ABI lacks.  The dynamic loader
 * refuses it (RTLD_NOW) before any of its code runs.
 */
void verbs_private_symbol_of_another_abi(void);

static void __attribute__((constructor)) unloadable_register(void)
{
	verbs_private_symbol_of_another_abi();
}
