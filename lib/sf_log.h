/*
 * sf_log: diagnostics and exit codes for the programs (never for libsf).
 *
 * Messages go to stderr as "PROG: message", warnings as
 * "PROG: warning: message". Exit codes: SF_EXIT_OK, SF_EXIT_FAIL (runtime
 * failure, partial failure included), SF_EXIT_USAGE (nothing was done).
 */
#ifndef SF_LOG_H
#define SF_LOG_H

#include <stdio.h>

#define SF_EXIT_OK	0
#define SF_EXIT_FAIL	1
#define SF_EXIT_USAGE	2

/* Sets the program name used as prefix; keeps the pointer. */
void sf_log_init(const char *progname);
const char *sf_log_progname(void);
/* 0 normal, -1 quiet (-q: errors only), 1 verbose (-v). */
void sf_log_set_level(int level);
int sf_log_level(void);

void sf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sf_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only at level >= 1. */
void sf_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints like sf_error and exits with code. */
void sf_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* "PROG: try 'PROG --help'" to stderr, exit SF_EXIT_USAGE. */
void sf_usage_die(void) __attribute__((noreturn));

/*
 * Handles an option every program shares, as getopt_long returned it:
 * 'h' prints usage to stdout and exits 0, 'V' prints "PROG VERSION" and
 * exits 0, 'q' and 'v' set the level. Returns 1 when c was one of them,
 * 0 when the caller must handle it (or call sf_usage_die).
 */
int sf_common_opt(int c, const char *usage, const char *version);

/*
 * Flushes and closes fp (stdout); returns 0, or -1 after reporting the
 * write error. A closed pipe (EPIPE) is a quiet end and returns 0.
 */
int sf_fshut(FILE *fp, const char *name);

#endif
