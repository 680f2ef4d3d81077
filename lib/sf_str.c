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

#include "sf_err.h"
#include "sf_str.h"
#include "sf.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * The value as a message quotes it: whole when short, else its first
 * QUOTE_MAX bytes and "...", so that a long value never pushes the reason
 * out of the message (SF_ERR_MAX).
 */
#define QUOTE_MAX	40

static const char *
quote(const char *s, char buf[QUOTE_MAX + 4])
{
	if (strlen(s) <= QUOTE_MAX)
		return s;
	memcpy(buf, s, QUOTE_MAX);
	memcpy(buf + QUOTE_MAX, "...", 4);
	return buf;
}

int
sf_str_toll(const char *s, long long min, long long max, long long *out,
    struct sf_err *err)
{
	const char *p = s;
	char *end, q[QUOTE_MAX + 4];
	long long v;

	if (*p == '+' || *p == '-')
		p++;
	if (!is_digit((unsigned char)*p))
		return sf_err_set(err, "'%s': not a whole number",
		    quote(s, q));
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return sf_err_set(err, "'%s': not a whole number",
		    quote(s, q));
	if (errno == ERANGE || v < min || v > max)
		return sf_err_set(err, "'%s': out of range (%lld to %lld)",
		    quote(s, q), min, max);
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
	char *end, q[QUOTE_MAX + 4];
	double v;

	if (!is_decimal(s))
		return sf_err_set(err, "'%s': not a number", quote(s, q));
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0')
		return sf_err_set(err, "'%s': not a number", quote(s, q));
	/* Underflow also sets ERANGE; a tiny number is kept as it reads. */
	if (errno == ERANGE && isinf(v))
		return sf_err_set(err, "'%s': out of range", quote(s, q));
	*out = v;
	return 0;
}

/*
 * The usual value is a decimal of at most 15 significant digits (12300,
 * 4215.5, 0.82, -77.1). When |v| is the double nearest to r / 10^k for a
 * whole r below 10^15, "%.15g" prints that decimal: v is within 2^-53 of
 * it, far less than half a unit of its 15th digit, so rounding v to 15
 * digits gives it back; and it reads back as v, so the slow path below
 * would stop at %.15g. r / 10^k is exact but for the one rounding of the
 * division, as strtod's, and that is what is compared. 1e-4 <= |v| <
 * 1e15 is where "%.15g" writes no exponent. Writes buf and returns 1, or
 * returns 0 when v is not such a decimal.
 */
static int
fmt_decimal(double v, char buf[SF_NUM_LEN])
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18 };
	char d[24], *p = buf;
	double a = fabs(v), sc, r;
	unsigned long long u;
	int k, n, i;

	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	for (k = 0; k < (int)(sizeof(p10) / sizeof(p10[0])); k++) {
		if ((sc = a * p10[k]) >= 1e15)
			return 0;
		r = floor(sc + 0.5);	/* exact: sc < 2^52 */
		if (r / p10[k] == a)
			break;
	}
	if (k == (int)(sizeof(p10) / sizeof(p10[0])))
		return 0;
	u = (unsigned long long)r;
	while (k > 0 && u % 10 == 0) {
		u /= 10;
		k--;
	}
	for (n = 0; n == 0 || u > 0; u /= 10)
		d[n++] = (char)('0' + u % 10);
	if (v < 0)
		*p++ = '-';
	for (i = n > k + 1 ? n - 1 : k; i >= 0; i--) {
		*p++ = i < n ? d[i] : '0';
		if (i == k && k > 0)
			*p++ = '.';
	}
	*p = '\0';
	return 1;
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
	if (fmt_decimal(v, buf))
		return;
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
