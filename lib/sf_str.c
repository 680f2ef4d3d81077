/*
 * sf_str: whole-string number parsing, shortest round-trip formatting of
 * doubles, and small ASCII string helpers.
 *
 * strtoll and strtod do the arithmetic, but they skip leading space and
 * strtod also reads hex, inf and nan: the syntax is checked here first so
 * that only plain decimal numbers get through. We never call setlocale, so
 * both run in the C locale and the decimal point is always '.'.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
sf_str_toll(const char *s, long long min, long long max, long long *out,
    struct sf_err *err)
{
	const char *p = s;
	char *end;
	long long v;

	if (*p == '+' || *p == '-')
		p++;
	if (!is_digit((unsigned char)*p))
		return sf_err_set(err, "'%s': not a whole number", s);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return sf_err_set(err, "'%s': not a whole number", s);
	if (errno == ERANGE || v < min || v > max)
		return sf_err_set(err, "'%s': out of range (%lld to %lld)",
		    s, min, max);
	*out = v;
	return 0;
}

/* Whether s is [+-](D+[.D*]|.D+)([eE][+-]D+)? and nothing else. */
static int
is_decimal(const char *s)
{
	const char *p = s;
	int n = 0;

	if (*p == '+' || *p == '-')
		p++;
	for (; is_digit((unsigned char)*p); p++)
		n++;
	if (*p == '.') {
		p++;
		for (; is_digit((unsigned char)*p); p++)
			n++;
	}
	if (n == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit((unsigned char)*p))
			return 0;
		while (is_digit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

int
sf_str_is_json_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (is_digit((unsigned char)*p)) {
		while (is_digit((unsigned char)*p))
			p++;
	} else
		return 0;
	if (*p == '.') {
		p++;
		if (!is_digit((unsigned char)*p))
			return 0;
		while (is_digit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit((unsigned char)*p))
			return 0;
		while (is_digit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}


int
sf_str_todouble(const char *s, double *out, struct sf_err *err)
{
	char *end;
	double v;

	if (!is_decimal(s))
		return sf_err_set(err, "'%s': not a number", s);
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0')
		return sf_err_set(err, "'%s': not a number", s);
	/* Underflow also sets ERANGE; a tiny number is kept as it reads. */
	if (errno == ERANGE && isinf(v))
		return sf_err_set(err, "'%s': out of range", s);
	*out = v;
	return 0;
}

void
sf_str_fmt_double(double v, char buf[SF_NUM_LEN])
{
	int prec;

	if (isnan(v)) {
		snprintf(buf, SF_NUM_LEN, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, SF_NUM_LEN, "%s", v < 0 ? "-inf" : "inf");
		return;
	}
	if (v == 0) {
		/* Both zeros: "-0" is not what anyone wants to read. */
		snprintf(buf, SF_NUM_LEN, "0");
		return;
	}
	/* 17 significant digits always read back exactly. */
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, SF_NUM_LEN, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, SF_NUM_LEN, "%.17g", v);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
sf_str_eq_ci(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	}
	return *a == *b;
}

char *
sf_str_trim(char *s)
{
	size_t start = 0, end = strlen(s);

	while (start < end && (s[start] == ' ' || s[start] == '\t'))
		start++;
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}
