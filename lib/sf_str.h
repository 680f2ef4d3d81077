/*
 * sf_str: numbers and small strings, parsed whole and locale-free.
 *
 * Every parser takes the entire string: leading or trailing garbage,
 * white space included, is an error naming the input.
 */
#ifndef SF_STR_H
#define SF_STR_H

#include "sf_err.h"

/* Enough for any double sf_str_fmt_double writes, with the NUL. */
#define SF_NUM_LEN 32

/*
 * Parses a decimal integer (optional sign) within [min, max] into *out.
 * Returns 0, or -1 with err "'S': not a whole number" / "'S': out of
 * range (MIN to MAX)" and *out untouched.
 */
int sf_str_toll(const char *s, long long min, long long max, long long *out,
    struct sf_err *err);

/*
 * Parses a finite decimal number ("12", "-0.5", "1e3", ".5", "5.", "+3")
 * into *out. Rejects empty strings, hex, inf, nan and surrounding space
 * ("'S': not a number") and overflow such as "1e999" ("'S': out of
 * range"); underflow gives what strtod makes of it (0 or subnormal).
 * Returns 0, or -1 with *out untouched.
 */
int sf_str_todouble(const char *s, double *out, struct sf_err *err);

/*
 * Writes the shortest of %.15g, %.16g and %.17g that reads back as exactly
 * v ("12", "0.1", "1234.5", "1e-07", "1e+21") into buf. Both zeros are
 * "0". v should be finite; NaN and infinities give "nan", "inf", "-inf".
 */
void sf_str_fmt_double(double v, char buf[SF_NUM_LEN]);

/*
 * Whether s is, whole, a number in JSON's grammar (RFC 8259):
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? -- so not "+1", ".5",
 * "1." or "007". Returns 1 or 0.
 */
int sf_str_is_json_number(const char *s);

/* Case-insensitive ASCII comparison; returns 1 when equal. */
int sf_str_eq_ci(const char *a, const char *b);

/* Removes ASCII space and tab from both ends of s, in place; returns s. */
char *sf_str_trim(char *s);

#endif
