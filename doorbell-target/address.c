// SPDX-License-Identifier: GPL-2.0
/*
 * Whether a --bind address is one of this host's (see address.h).
 */
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "address.h"

/* Do @a and @b, of one family, name the same host address? */
static bool sockaddr_same_host(const struct sockaddr *a,
			       const struct sockaddr *b)
{
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

/*
 * The address that means "every one of this host's": all zeroes in
 * either family (INADDR_ANY, in6addr_any).
 */
static bool sockaddr_is_any(const struct sockaddr *a)
{
	struct sockaddr_storage any = { .ss_family = a->sa_family };

	return sockaddr_same_host(a, (const struct sockaddr *)&any);
}

bool target_address_is_local(const char *addr, FILE *err)
{
	struct addrinfo *res;
	struct ifaddrs *ifs, *ifa;
	bool found = false;
	int ret;

	ret = getaddrinfo(addr, NULL, NULL, &res);
	if (ret) {
		fprintf(err, "doorbell-target: --bind '%s': %s\n", addr,
			gai_strerror(ret));
		return false;
	}
	if (sockaddr_is_any(res->ai_addr)) {
		freeaddrinfo(res);
		return true;
	}
	if (getifaddrs(&ifs)) {
		/* Not known here: the bind after the controllers will tell. */
		freeaddrinfo(res);
		return true;
	}
	for (ifa = ifs; ifa && !found; ifa = ifa->ifa_next)
		found = ifa->ifa_addr &&
			ifa->ifa_addr->sa_family == res->ai_family &&
			sockaddr_same_host(ifa->ifa_addr, res->ai_addr);
	freeifaddrs(ifs);
	freeaddrinfo(res);
	if (!found)
		fprintf(err,
			"doorbell-target: --bind %s: no interface of this "
			"host has that address\n",
			addr);
	return found;
}
