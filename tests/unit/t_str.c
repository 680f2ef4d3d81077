/*
 * t_str: sf_str's whole-string number parsers, shortest double formatting
 * and the small string helpers.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_str.h"
#include "sf.h"

static void
toll_is(const char *s, long long min, long long max, long long want)
{
	struct sf_err err;
	char what[128];
	long long v = 12345;
	int rc;

	sf_err_clear(&err);
	rc = sf_str_toll(s, min, max, &v, &err);
	snprintf(what, sizeof(what), "toll '%s'", s);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
	snprintf(what, sizeof(what), "toll '%s' value", s);
	ok(v == want, what);
	if (v != want)
		printf("#   got %lld\n#  want %lld\n", v, want);
}

static void
toll_rejects(const char *s, long long min, long long max, const char *msg)
{
	struct sf_err err;
	char what[128];
	long long v = 12345;

	sf_err_clear(&err);
	snprintf(what, sizeof(what), "toll rejects '%s'", s);
	is_int(sf_str_toll(s, min, max, &v, &err), -1, what);
	snprintf(what, sizeof(what), "toll rejects '%s': message", s);
	is_str(err.msg, msg, what);
	snprintf(what, sizeof(what), "toll rejects '%s': out untouched", s);
	ok(v == 12345, what);
}

static void
dbl_is(const char *s, double want)
{
	struct sf_err err;
	char what[128];
	double v = 12345;
	int rc;

	sf_err_clear(&err);
	rc = sf_str_todouble(s, &v, &err);
	snprintf(what, sizeof(what), "todouble '%s'", s);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
	snprintf(what, sizeof(what), "todouble '%s' value", s);
	ok(v == want && signbit(v) == signbit(want), what);
	if (v != want)
		printf("#   got %.17g\n#  want %.17g\n", v, want);
}

static void
dbl_rejects(const char *s, const char *reason)
{
	struct sf_err err;
	char what[128], want[SF_ERR_MAX];
	double v = 12345;

	sf_err_clear(&err);
	snprintf(what, sizeof(what), "todouble rejects '%s'", s);
	is_int(sf_str_todouble(s, &v, &err), -1, what);
	snprintf(want, sizeof(want), "'%s': %s", s, reason);
	snprintf(what, sizeof(what), "todouble rejects '%s': message", s);
	is_str(err.msg, want, what);
	snprintf(what, sizeof(what), "todouble rejects '%s': out untouched",
	    s);
	ok(v == 12345, what);
}

static void
fmt_is(double v, const char *want)
{
	char buf[SF_NUM_LEN], what[128];

	sf_str_fmt_double(v, buf);
	snprintf(what, sizeof(what), "fmt_double %.17g", v);
	is_str(buf, want, what);
}

static void
trim_is(const char *s, const char *want)
{
	char buf[64], what[128];
	char *r;

	snprintf(buf, sizeof(buf), "%s", s);
	r = sf_str_trim(buf);
	snprintf(what, sizeof(what), "trim '%s'", s);
	is_str(r, want, what);
	snprintf(what, sizeof(what), "trim '%s' returns its argument", s);
	ok(r == buf, what);
}

static void
test_toll(void)
{
	toll_is("0", 0, 10, 0);
	toll_is("12", 0, 100, 12);
	toll_is("-12", -100, 100, -12);
	toll_is("+12", 0, 100, 12);
	toll_is("007", 0, 10, 7);
	toll_is("10", 0, 10, 10);
	toll_is("-5", -5, 10, -5);
	toll_is("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX);
	toll_is("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN);

	toll_rejects("11", 0, 10, "'11': out of range (0 to 10)");
	toll_rejects("-6", -5, 10, "'-6': out of range (-5 to 10)");
	toll_rejects("9223372036854775808", LLONG_MIN, LLONG_MAX,
	    "'9223372036854775808': out of range "
	    "(-9223372036854775808 to 9223372036854775807)");
	toll_rejects("-9223372036854775809", LLONG_MIN, LLONG_MAX,
	    "'-9223372036854775809': out of range "
	    "(-9223372036854775808 to 9223372036854775807)");
	toll_rejects("99999999999999999999", 0, 10,
	    "'99999999999999999999': out of range (0 to 10)");
	toll_rejects("", 0, 10, "'': not a whole number");
	/* a long value is cut so that the reason stays in the message */
	toll_rejects("1234567890123456789012345678901234567890x", 0, 10,
	    "'1234567890123456789012345678901234567890...': not a whole number");
	toll_rejects(" 1", 0, 10, "' 1': not a whole number");
	toll_rejects("1 ", 0, 10, "'1 ': not a whole number");
	toll_rejects("\t1", 0, 10, "'\t1': not a whole number");
	toll_rejects("+", 0, 10, "'+': not a whole number");
	toll_rejects("-", 0, 10, "'-': not a whole number");
	toll_rejects("+-1", 0, 10, "'+-1': not a whole number");
	toll_rejects("1.0", 0, 10, "'1.0': not a whole number");
	toll_rejects("1e3", 0, 10000, "'1e3': not a whole number");
	toll_rejects("0x10", 0, 100, "'0x10': not a whole number");
	toll_rejects("abc", 0, 10, "'abc': not a whole number");
	toll_rejects("5abc", 0, 10, "'5abc': not a whole number");
}

static void
test_todouble(void)
{
	dbl_is("12", 12);
	dbl_is("-0.5", -0.5);
	dbl_is("1e3", 1000);
	dbl_is("1E3", 1000);
	dbl_is("1e+3", 1000);
	dbl_is("2.5e-3", 0.0025);
	dbl_is(".5", 0.5);
	dbl_is("5.", 5);
	dbl_is("+3", 3);
	dbl_is("-0", -0.0);
	dbl_is("0.1", 0.1);
	dbl_is("007.25", 7.25);
	dbl_is("1.7976931348623157e308", DBL_MAX);
	/* Underflow reads as what strtod makes of it, not an error. */
	dbl_is("1e-999", 0);

	dbl_rejects("", "not a number");
	dbl_rejects(" 1", "not a number");
	dbl_rejects("1 ", "not a number");
	dbl_rejects("0x10", "not a number");
	dbl_rejects("0X1p3", "not a number");
	dbl_rejects("inf", "not a number");
	dbl_rejects("-inf", "not a number");
	dbl_rejects("infinity", "not a number");
	dbl_rejects("nan", "not a number");
	dbl_rejects("NaN", "not a number");
	dbl_rejects(".", "not a number");
	dbl_rejects("-", "not a number");
	dbl_rejects("+.", "not a number");
	dbl_rejects("e3", "not a number");
	dbl_rejects("1e", "not a number");
	dbl_rejects("1e+", "not a number");
	dbl_rejects("1.2.3", "not a number");
	dbl_rejects("1,5", "not a number");
	dbl_rejects("--1", "not a number");
	dbl_rejects("1e999", "out of range");
	dbl_rejects("-1e999", "out of range");
	dbl_rejects("1.8e308", "out of range");
}

/* A deterministic generator (splitmix64), so failures can be repeated. */
static uint64_t
next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
test_fmt_double(void)
{
	char buf[SF_NUM_LEN], first[SF_NUM_LEN];
	uint64_t state = 20240229, bits;
	double v, back;
	long i, bad = 0, unparsed = 0, longer = 0, neg0 = 0, finite = 0;
	int prec;

	fmt_is(0.1, "0.1");
	fmt_is(1234.5, "1234.5");
	fmt_is(12, "12");
	fmt_is(-12, "-12");
	fmt_is(1e-7, "1e-07");
	fmt_is(0.0, "0");
	fmt_is(-0.0, "0");
	fmt_is(1e21, "1e+21");
	fmt_is(0.30000000000000004, "0.30000000000000004");
	fmt_is(0.1 + 0.2, "0.30000000000000004");
	fmt_is(1.0 / 3, "0.3333333333333333");
	fmt_is(123456789012345680.0, "1.2345678901234568e+17");
	fmt_is(5e-324, "4.94065645841247e-324");
	fmt_is(DBL_MAX, "1.7976931348623157e+308");
	fmt_is(-DBL_MAX, "-1.7976931348623157e+308");
	fmt_is(9007199254740993.0, "9007199254740992");
	fmt_is(2.5e-05, "2.5e-05");
	fmt_is(100000, "100000");
	fmt_is(1e15, "1e+15");
	fmt_is(NAN, "nan");
	fmt_is(-NAN, "nan");
	fmt_is(INFINITY, "inf");
	fmt_is(-INFINITY, "-inf");

	/*
	 * Random bit patterns cover every exponent; random values of a
	 * gauge's size cover the common case. Each must read back exactly,
	 * through sf_str_todouble too, and no shorter %g may read back.
	 */
	for (i = 0; i < 4000; i++) {
		bits = next(&state);
		if (i % 2 == 0) {
			memcpy(&v, &bits, sizeof(v));
			if (!isfinite(v))
				continue;
		} else
			v = (double)(bits >> 11) / (1 << 20) - 4096;
		finite++;
		sf_str_fmt_double(v, buf);
		if (sf_str_todouble(buf, &back, NULL) == -1) {
			if (unparsed++ == 0)
				printf("# unparsed: %s\n", buf);
			continue;
		}
		if (back != v && bad++ == 0)
			printf("# %.17g became %s\n", v, buf);
		if (strcmp(buf, "-0") == 0)
			neg0++;
		for (prec = 1; prec < 15; prec++) {
			snprintf(first, sizeof(first), "%.*g", prec, v);
			if (strtod(first, NULL) == v)
				break;
		}
		/* Any round-tripping precision up to 15 gives %.15g's. */
		if (prec < 15) {
			snprintf(first, sizeof(first), "%.15g", v);
			if (strcmp(buf, first) != 0 && longer++ == 0)
				printf("# %s should be %s\n", buf, first);
		}
	}
	ok(finite > 3900, "sweep: enough finite values");
	is_int(unparsed, 0, "sweep: sf_str_todouble reads every output");
	is_int(bad, 0, "sweep: every output reads back exactly");
	is_int(neg0, 0, "sweep: no -0");
	is_int(longer, 0, "sweep: %.15g when that reads back");
}

/* sf_str_fmt_double as it was before its fast path: the reference. */
static void
slow_fmt(double v, char buf[SF_NUM_LEN])
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
		snprintf(buf, SF_NUM_LEN, "0");
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, SF_NUM_LEN, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, SF_NUM_LEN, "%.17g", v);
}

static long
same_as_slow(double v, long *n)
{
	char fast[SF_NUM_LEN], slow[SF_NUM_LEN];

	(*n)++;
	sf_str_fmt_double(v, fast);
	slow_fmt(v, slow);
	if (strcmp(fast, slow) == 0)
		return 0;
	printf("# %.17g: %s, not %s\n", v, fast, slow);
	return 1;
}

/*
 * The fast path for short decimals writes what the printf path wrote,
 * byte for byte: short decimals at every scale and sign (its domain),
 * its edges (1e-4, 1e15, the 15th digit), and random doubles.
 */
static void
test_fmt_fast(void)
{
	static const double edge[] = { 1e-4, 1e-4 * (1 + 1e-16), 9.9999e-5,
	    0.00012, 1e15, 999999999999999.0, 999999999999999.9,
	    99999999999999.98, 123456789012345.0, 12345678901234.5,
	    0.1, 0.2, 0.3, 0.7, 1.1, 2.675, 1.005, 1e-5, 1e-7, 1e21, 5e-324,
	    4215.5, 12300, 0.82, 38.9, -77.1, 100, 1e14, 1e-3, 9.995,
	    0.000123456789012345, 1.23456789012345e-4, 4503599627370495.5,
	    1.0 / 3, 2.0 / 3, 148868.97747384998, 0.30000000000000004 };
	uint64_t state = 8, bits;
	long i, n = 0, bad = 0;
	double v, p;
	int k;

	for (i = 0; i < (long)(sizeof(edge) / sizeof(edge[0])); i++) {
		bad += same_as_slow(edge[i], &n);
		bad += same_as_slow(-edge[i], &n);
		bad += same_as_slow(nextafter(edge[i], 0), &n);
		bad += same_as_slow(nextafter(edge[i], 1e300), &n);
	}
	bad += same_as_slow(-0.0, &n);
	bad += same_as_slow(NAN, &n);
	bad += same_as_slow(-INFINITY, &n);
	for (i = 0; i < 20000; i++) {
		bits = next(&state);
		k = (int)(bits % 20);
		/* r of 1 to 16 digits over 10^k */
		v = (double)((bits >> 8) % (uint64_t)pow(10, 1 + (bits >> 5) % 16));
		for (p = 1; k > 0; k--)
			p *= 10;
		v /= p;
		bad += same_as_slow(i % 2 ? -v : v, &n);
		bits = next(&state);
		memcpy(&v, &bits, sizeof(v));
		bad += same_as_slow(v, &n);
		bad += same_as_slow((double)(bits >> 11) / (1 << 20), &n);
	}
	ok(n > 60000, "fast path: enough values compared");
	is_int(bad, 0, "fast path: every value written as the printf path did");
}

static void
test_eq_ci(void)
{
	ok(sf_str_eq_ci("EST", "est"), "eq_ci EST est");
	ok(sf_str_eq_ci("AkDt", "aKdT"), "eq_ci AkDt aKdT");
	ok(sf_str_eq_ci("", ""), "eq_ci empty");
	ok(sf_str_eq_ci("a-1_z", "A-1_Z"), "eq_ci punctuation and digits");
	ok(!sf_str_eq_ci("EST", "ES"), "eq_ci EST ES");
	ok(!sf_str_eq_ci("ES", "EST"), "eq_ci ES EST");
	ok(!sf_str_eq_ci("EST", "EDT"), "eq_ci EST EDT");
	ok(!sf_str_eq_ci("", "a"), "eq_ci empty and a");
	ok(!sf_str_eq_ci("@", "`"), "eq_ci @ and ` differ");
	ok(!sf_str_eq_ci("[", "{"), "eq_ci [ and { differ");
	ok(!sf_str_eq_ci("\xc9", "\xe9"), "eq_ci only folds ASCII");
}

static void
test_trim(void)
{
	trim_is("abc", "abc");
	trim_is("  abc", "abc");
	trim_is("abc  ", "abc");
	trim_is("\t a b \t", "a b");
	trim_is(" \t ", "");
	trim_is("", "");
	trim_is("x", "x");
	trim_is("\na\n", "\na\n");
}

static void
test_json_number(void)
{
	static const char *const yes[] = {
		"0", "-0", "12", "-1.5", "0.25", "1e3", "1E+3", "2.5e-07", NULL
	};
	static const char *const no[] = {
		"", "-", "+1", ".5", "1.", "007", "01", "1e", "1e+", "0x10",
		"inf", "NaN", " 1", "1 ", "1,5", NULL
	};
	size_t i;

	for (i = 0; yes[i] != NULL; i++)
		ok(sf_str_is_json_number(yes[i]), yes[i]);
	for (i = 0; no[i] != NULL; i++)
		ok(!sf_str_is_json_number(no[i]), no[i]);
}

int
main(void)
{
	test_toll();
	test_todouble();
	test_fmt_double();
	test_fmt_fast();
	test_eq_ci();
	test_trim();
	test_json_number();
	return tap_done();
}
