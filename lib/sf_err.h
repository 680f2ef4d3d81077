/*
 * sf_err: the error a library call leaves for its caller.
 *
 * Library code never prints: it fills a struct sf_err with a message that
 * names the subject ("time '2024-13-01': month out of range") and returns
 * -1 (or NULL). The program decides how to report it.
 */
#ifndef SF_ERR_H
#define SF_ERR_H

#include <stddef.h>

#define SF_ERR_MAX 512

struct sf_err {
	char msg[SF_ERR_MAX];
	long line;		/* input line number, 0 when not applicable */
};

/* Sets err (may be NULL) to the formatted message, line 0; returns -1. */
int sf_err_set(struct sf_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like sf_err_set, with an input line number; returns -1. */
int sf_err_setl(struct sf_err *err, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Empties err (may be NULL). */
void sf_err_clear(struct sf_err *err);

#endif
