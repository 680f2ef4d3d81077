/*
 * tap_time.h: times written as text in the unit tests: T("2024-04-01")
 * is the instant, S(t) its text (one of four rotating buffers, so that a
 * test can compare a few at once).
 */
#ifndef TAP_TIME_H
#define TAP_TIME_H

#include <stdint.h>
#include <stdio.h>

#include "sf_time.h"

static inline int64_t
T(const char *s)
{
	int64_t t = 0;

	if (sf_time_parse(s, &t, NULL) == -1)
		printf("# bad time in the test: %s\n", s);
	return t;
}

static inline const char *
S(int64_t t)
{
	static char buf[4][SF_TIME_LEN];
	static int i;

	i = (i + 1) % 4;
	sf_time_format(t, buf[i]);
	return buf[i];
}

#endif
