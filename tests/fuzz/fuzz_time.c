/*
 * fuzz_time: time and number parsing (sf_time, sf_str).
 *
 * The input is two strings, split at the first newline: a time or a
 * number, and a zone. Whatever parses must come back: a time formatted
 * and parsed again is the same instant, a date is the same as the time
 * of its midnight, a number written shortest reads back as the same
 * double and is a JSON number; a whole number is within its range.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sf_str.h"
#include "sf_time.h"

static void
times(const char *s, const char *z)
{
	char buf[SF_TIME_LEN], dbuf[SF_DATE_LEN];
	struct sf_civil c;
	struct sf_err err;
	int64_t t, t2, d;
	int off;

	if (sf_time_parse(s, &t, &err) == 0) {
		sf_time_format(t, buf);
		FUZZ_CHECK(sf_time_parse(buf, &t2, &err) == 0 && t2 == t,
		    "format and parse again");
		sf_time_to_civil(t, &c);
		FUZZ_CHECK(sf_time_from_civil(&c) == t, "civil and back");
		FUZZ_CHECK(c.day <= sf_time_days_in_month(c.year, c.mon),
		    "a day past its month");
		sf_time_format_date(t, dbuf);
		FUZZ_CHECK(sf_time_parse_date(dbuf, &d, &err) == 0 &&
		    d <= t && t - d < 86400, "the date of a time");
	} else
		FUZZ_CHECK(strncmp(err.msg, "time '", 6) == 0, err.msg);
	if (sf_time_parse_date(s, &d, &err) == 0)
		FUZZ_CHECK(sf_time_parse(s, &t, &err) == 0 && t == d,
		    "a date is its midnight");
	if (sf_time_zone(z, &off, &err) == 0) {
		FUZZ_CHECK(off > -86400 && off < 86400, "zone offset");
		if (sf_time_parse_local(s, z, &t, &err) == 0) {
			FUZZ_CHECK(sf_time_parse(s, &t2, &err) == 0 &&
			    t == t2 - off, "local time and its zone");
		}
	} else
		(void)sf_time_parse_local(s, z, &t, &err);
}

static void
numbers(const char *s)
{
	char buf[SF_NUM_LEN], *copy;
	struct sf_err err;
	long long ll;
	double v, v2;

	if (sf_str_toll(s, -1000000, 1000000, &ll, &err) == 0)
		FUZZ_CHECK(ll >= -1000000 && ll <= 1000000, "range");
	if (sf_str_toll(s, LLONG_MIN, LLONG_MAX, &ll, &err) == 0)
		FUZZ_CHECK(ll == strtoll(s, NULL, 10), "strtoll differs");
	if (sf_str_todouble(s, &v, &err) == 0) {
		sf_str_fmt_double(v, buf);
		FUZZ_CHECK(strlen(buf) < sizeof(buf), "fmt_double length");
		FUZZ_CHECK(sf_str_is_json_number(buf), buf);
		FUZZ_CHECK(sf_str_todouble(buf, &v2, &err) == 0 && v2 == v,
		    "shortest form reads back");
	} else if (sf_str_is_json_number(s)) {
		/* the reason can be cut off after a long value */
		FUZZ_CHECK(strstr(err.msg, "out of range") != NULL ||
		    strlen(err.msg) == SF_ERR_MAX - 1, err.msg);
	}
	copy = strdup(s);
	FUZZ_CHECK(copy != NULL, "out of memory");
	sf_str_trim(copy);
	FUZZ_CHECK(copy[0] != ' ' && copy[0] != '\t', "trim");
	FUZZ_CHECK(sf_str_eq_ci(s, s) && sf_str_eq_ci(copy, copy), "eq_ci");
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *z;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if ((z = strchr(s, '\n')) != NULL)
		*z++ = '\0';
	else
		z = s + size;
	times(s, z);
	numbers(s);
	numbers(z);
	free(s);
	return 0;
}
