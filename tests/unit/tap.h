/*
 * tap.h: a few macros that make a unit test print TAP.
 * Each check prints "ok N - what" or "not ok N - what" with the place and
 * the values; tap_done() prints the plan and returns the exit status.
 */
#ifndef TAP_H
#define TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *file, int line, const char *what)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	return cond;
}

#define ok(cond, what) tap_ok(!!(cond), __FILE__, __LINE__, (what))

#define is_str(got, want, what) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int c_ = (g_ == NULL && w_ == NULL) ||				\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!tap_ok(c_, __FILE__, __LINE__, (what)))			\
		printf("#   got '%s'\n#  want '%s'\n",			\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

#define is_int(got, want, what) do {					\
	intmax_t g_ = (intmax_t)(got), w_ = (intmax_t)(want);		\
	if (!tap_ok(g_ == w_, __FILE__, __LINE__, (what)))		\
		printf("#   got %jd\n#  want %jd\n", g_, w_);		\
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
