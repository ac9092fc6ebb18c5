/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef DOORBELL_UTIL_CLOCK_H
#define DOORBELL_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

/*
 * Milliseconds on the monotonic clock: for deadlines and periods, which
 * must not move when the wall clock is set.
 */
static inline uint64_t util_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000ull + t.tv_nsec / 1000000;
}

/* Nanoseconds on the monotonic clock: for short intervals. */
static inline uint64_t util_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ull + t.tv_nsec;
}

#endif
