/*
 * t_time: sf_time's calendar, parsers, zones and clock. Run under several
 * TZ settings by the runner: nothing here may depend on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_time.h"
#include "sf.h"

/* Checks that s parses to want and formats back as back. */
static void
round_trip(const char *s, int64_t want, const char *back)
{
	struct sf_err err;
	char buf[SF_TIME_LEN], what[128];
	int64_t t = -1;
	int rc;

	sf_err_clear(&err);
	rc = sf_time_parse(s, &t, &err);
	snprintf(what, sizeof(what), "parse '%s'", s);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
	snprintf(what, sizeof(what), "parse '%s' value", s);
	is_int(t, want, what);
	sf_time_format(want, buf);
	snprintf(what, sizeof(what), "format %jd", (intmax_t)want);
	is_str(buf, back, what);
}

/* Checks that s is rejected with a message naming it and saying why. */
static void
rejects(const char *s, const char *reason)
{
	struct sf_err err;
	char what[128], want[SF_ERR_MAX];
	int64_t t = 12345;
	int rc;

	sf_err_clear(&err);
	rc = sf_time_parse(s, &t, &err);
	snprintf(what, sizeof(what), "rejects '%s'", s);
	is_int(rc, -1, what);
	snprintf(what, sizeof(what), "rejects '%s': t untouched", s);
	is_int(t, 12345, what);
	snprintf(want, sizeof(want), "time '%s': %s", s, reason);
	snprintf(what, sizeof(what), "rejects '%s': message", s);
	is_str(err.msg, want, what);
}

static void
zone_is(const char *zone, int want)
{
	struct sf_err err;
	char what[128];
	int off = 99999, rc;

	sf_err_clear(&err);
	rc = sf_time_zone(zone, &off, &err);
	snprintf(what, sizeof(what), "zone '%s'", zone);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
	snprintf(what, sizeof(what), "zone '%s' offset", zone);
	is_int(off, want, what);
}

static void
zone_rejects(const char *zone, const char *reason)
{
	struct sf_err err;
	char what[128], want[SF_ERR_MAX];
	int off = 99999, rc;

	sf_err_clear(&err);
	rc = sf_time_zone(zone, &off, &err);
	snprintf(what, sizeof(what), "zone rejects '%s'", zone);
	is_int(rc, -1, what);
	snprintf(want, sizeof(want), "zone '%s': %s", zone, reason);
	snprintf(what, sizeof(what), "zone rejects '%s': message", zone);
	is_str(err.msg, want, what);
	snprintf(what, sizeof(what), "zone rejects '%s': offset untouched",
	    zone);
	is_int(off, 99999, what);
}

/* Parses wall time s in zone; returns the instant formatted, or the error. */
static const char *
local(const char *s, const char *zone, int64_t *t)
{
	static char buf[SF_ERR_MAX];
	struct sf_err err;

	sf_err_clear(&err);
	if (sf_time_parse_local(s, zone, t, &err) == -1) {
		snprintf(buf, sizeof(buf), "%s", err.msg);
		return buf;
	}
	sf_time_format(*t, buf);
	return buf;
}

static void
test_round_trips(void)
{
	round_trip("1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00Z");
	round_trip("1899-12-31T00:00:00Z", INT64_C(-2209075200),
	    "1899-12-31T00:00:00Z");
	round_trip("2100-01-01T00:00:00Z", INT64_C(4102444800),
	    "2100-01-01T00:00:00Z");
	round_trip("2038-01-19T03:14:08Z", INT64_C(2147483648),
	    "2038-01-19T03:14:08Z");
	round_trip("2038-01-19T03:14:07Z", INT64_C(2147483647),
	    "2038-01-19T03:14:07Z");
	round_trip("0001-01-01T00:00:00Z", INT64_C(-62135596800),
	    "0001-01-01T00:00:00Z");
	round_trip("9999-12-31T23:59:59Z", INT64_C(253402300799),
	    "9999-12-31T23:59:59Z");
	round_trip("2024-02-29T12:00:00Z", INT64_C(1709208000),
	    "2024-02-29T12:00:00Z");
	round_trip("1900-03-01T00:00:00Z", INT64_C(-2203891200),
	    "1900-03-01T00:00:00Z");
	round_trip("2000-02-29T00:00:00Z", INT64_C(951782400),
	    "2000-02-29T00:00:00Z");
	round_trip("1969-12-31T23:59:59Z", -1, "1969-12-31T23:59:59Z");

	/* Forms that are not already canonical. */
	round_trip("2024-01-15", INT64_C(1705276800), "2024-01-15T00:00:00Z");
	round_trip("1900-01-01", INT64_C(-2208988800), "1900-01-01T00:00:00Z");
	round_trip("2024-01-15T10:20", INT64_C(1705314000),
	    "2024-01-15T10:20:00Z");
	round_trip("2024-01-15T10:20Z", INT64_C(1705314000),
	    "2024-01-15T10:20:00Z");
	round_trip("2024-01-15 10:20:30", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T10:20:30", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
}

static void
test_offsets(void)
{
	/* 2024-01-15T10:20:30Z is 1705314030. */
	round_trip("2024-01-15T15:50:30+05:30", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T15:50:30+0530", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T06:50:30-03:30", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T07:20:30-03", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15 05:20:30-05:00", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T10:20:30+00:00", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T10:20:30-00:00", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T15:50+05:30", INT64_C(1705314000),
	    "2024-01-15T10:20:00Z");
	/* An offset can move the instant across a day and a year. */
	round_trip("2024-01-01T01:00:00+05:30", INT64_C(1704051000),
	    "2023-12-31T19:30:00Z");
	round_trip("2023-12-31T22:00:00-03:30", INT64_C(1704072600),
	    "2024-01-01T01:30:00Z");
}

static void
test_fractions(void)
{
	round_trip("2024-01-15T10:20:30.5Z", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T10:20:30.123456Z", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T10:20:30.999999999", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	round_trip("2024-01-15T15:50:30.75+05:30", INT64_C(1705314030),
	    "2024-01-15T10:20:30Z");
	/* Toward the earlier second, before the epoch too. */
	round_trip("1969-12-31T23:59:59.5Z", -1, "1969-12-31T23:59:59Z");
	round_trip("1969-12-31T23:59:59.999Z", -1, "1969-12-31T23:59:59Z");
	round_trip("1899-12-31T00:00:00.5Z", INT64_C(-2209075200),
	    "1899-12-31T00:00:00Z");
}

static void
test_rejects(void)
{
	const char *syn = "not an ISO 8601 date or time";
	const char *trail = "trailing characters";

	rejects("", "empty");
	rejects("2023-02-29", "day out of range");
	rejects("2024-02-30", "day out of range");
	rejects("2100-02-29", "day out of range");
	rejects("2024-04-31", "day out of range");
	rejects("2024-01-00", "day out of range");
	rejects("2024-01-32", "day out of range");
	rejects("2024-13-01", "month out of range");
	rejects("2024-00-01", "month out of range");
	rejects("0000-01-01", "year out of range");
	rejects("2024-01-15T24:00:00Z", "hour out of range");
	rejects("2024-01-15T23:60:00Z", "minute out of range");
	rejects("2024-01-15T23:59:60Z", "second out of range");
	rejects("2024-01-15T10:20:30+24:00", "offset out of range");
	rejects("2024-01-15T10:20:30+05:60", "offset out of range");
	rejects("2024-1-01", syn);
	rejects("2024-01-1", syn);
	rejects("24-01-01", syn);
	rejects("2024/01/01", syn);
	rejects("20240101", syn);
	rejects("2024", syn);
	rejects("2024-01-15T", syn);
	rejects("2024-01-15T10", syn);
	rejects("2024-01-15T10:2", syn);
	rejects("2024-01-15T10:20:3", syn);
	rejects("2024-01-15T10:20:30.", syn);
	rejects("2024-01-15T10:20.5", trail);
	rejects("2024-01-15T10:20:30+5", syn);
	rejects("2024-01-15T10:20:30+05:3", syn);
	rejects("2024-01-15T10:20:30+053", syn);
	rejects(" 2024-01-15", syn);
	rejects("2024-01-15 ", syn);
	rejects("2024-01-15x", trail);
	rejects("2024-01-15T10:20:30Zjunk", trail);
	rejects("2024-01-15T10:20:30Z ", trail);
	rejects("2024-01-15T10:20:30 UTC", trail);
	rejects("2024-01-15T10:20:30+05:30:00", trail);
	rejects("2024-01-15T10:20:30EST", trail);
	/* Offsets that would leave years 1 to 9999. */
	rejects("0001-01-01T00:00:00+00:01", "out of range");
	rejects("9999-12-31T23:59:59-00:01", "out of range");
	/* A NULL err is allowed. */
	ok(sf_time_parse("2024-13-01", &(int64_t){ 0 }, NULL) == -1,
	    "NULL err");
}

static void
test_date(void)
{
	struct sf_err err;
	char buf[SF_DATE_LEN];
	int64_t t = 0;

	sf_err_clear(&err);
	is_int(sf_time_parse_date("1899-12-31", &t, &err), 0,
	    "parse_date 1899-12-31");
	is_int(t, INT64_C(-2209075200), "parse_date 1899-12-31 value");
	is_int(sf_time_parse_date("2024-02-29", &t, &err), 0,
	    "parse_date 2024-02-29");
	is_int(t, INT64_C(1709164800), "parse_date 2024-02-29 value");
	t = 7;
	is_int(sf_time_parse_date("2024-02-29T00:00:00Z", &t, &err), -1,
	    "parse_date rejects a time");
	is_str(err.msg, "date '2024-02-29T00:00:00Z': trailing characters",
	    "parse_date rejects a time: message");
	is_int(t, 7, "parse_date rejects a time: t untouched");
	is_int(sf_time_parse_date("2023-02-29", &t, &err), -1,
	    "parse_date rejects 2023-02-29");
	is_str(err.msg, "date '2023-02-29': day out of range",
	    "parse_date rejects 2023-02-29: message");
	is_int(sf_time_parse_date("2024-2-29", &t, &err), -1,
	    "parse_date rejects 2024-2-29");
	is_str(err.msg, "date '2024-2-29': not YYYY-MM-DD",
	    "parse_date rejects 2024-2-29: message");
	is_int(sf_time_parse_date("", &t, &err), -1, "parse_date rejects ''");
	is_str(err.msg, "date '': empty", "parse_date rejects '': message");

	sf_time_format_date(0, buf);
	is_str(buf, "1970-01-01", "format_date 0");
	sf_time_format_date(-1, buf);
	is_str(buf, "1969-12-31", "format_date -1");
	sf_time_format_date(INT64_C(-2209075200) + 86399, buf);
	is_str(buf, "1899-12-31", "format_date 1899-12-31T23:59:59Z");
	sf_time_format_date(INT64_C(4102444800), buf);
	is_str(buf, "2100-01-01", "format_date 2100-01-01");
	sf_time_format_date(INT64_C(253402300799), buf);
	is_str(buf, "9999-12-31", "format_date 9999-12-31T23:59:59Z");
	sf_time_format_date(INT64_C(-62135596800), buf);
	is_str(buf, "0001-01-01", "format_date 0001-01-01");
	sf_time_format_date(INT64_C(1709251199), buf);
	is_str(buf, "2024-02-29", "format_date 2024-02-29T23:59:59Z");
}

static void
test_clamp(void)
{
	char buf[SF_TIME_LEN];

	sf_time_format(INT64_MIN, buf);
	is_str(buf, "0001-01-01T00:00:00Z", "format INT64_MIN clamps");
	sf_time_format(INT64_MAX, buf);
	is_str(buf, "9999-12-31T23:59:59Z", "format INT64_MAX clamps");
	sf_time_format(INT64_C(253402300800), buf);
	is_str(buf, "9999-12-31T23:59:59Z", "format 10000-01-01 clamps");
}

static void
test_zones(void)
{
	zone_is("EST", -5 * 3600);
	zone_is("EDT", -4 * 3600);
	zone_is("CST", -6 * 3600);
	zone_is("CDT", -5 * 3600);
	zone_is("MST", -7 * 3600);
	zone_is("MDT", -6 * 3600);
	zone_is("PST", -8 * 3600);
	zone_is("PDT", -7 * 3600);
	zone_is("AKST", -9 * 3600);
	zone_is("AKDT", -8 * 3600);
	zone_is("HST", -10 * 3600);
	zone_is("UTC", 0);
	zone_is("GMT", 0);
	zone_is("Z", 0);
	zone_is("est", -5 * 3600);
	zone_is("Akdt", -8 * 3600);
	zone_is("utc", 0);
	zone_is("z", 0);
	zone_is("-05:00", -5 * 3600);
	zone_is("+0530", 5 * 3600 + 30 * 60);
	zone_is("+05:30", 5 * 3600 + 30 * 60);
	zone_is("-03", -3 * 3600);
	zone_is("-03:30", -(3 * 3600 + 30 * 60));
	zone_is("+00:00", 0);
	zone_is("+14:00", 14 * 3600);
	zone_is("UTC-08:00", -8 * 3600);
	zone_is("UTC+05:30", 5 * 3600 + 30 * 60);
	zone_is("utc-03:30", -(3 * 3600 + 30 * 60));
	zone_is("GMT+01:00", 3600);

	zone_rejects("-25:00", "offset out of range");
	zone_rejects("+24:00", "offset out of range");
	zone_rejects("+05:60", "offset out of range");
	zone_rejects("UTC+05:60", "offset out of range");
	zone_rejects("XYZ", "unknown");
	zone_rejects("", "unknown");
	zone_rejects("ESTX", "unknown");
	zone_rejects("ES", "unknown");
	zone_rejects("UTC-8", "unknown");
	zone_rejects("UTC-", "unknown");
	zone_rejects("UT", "unknown");
	zone_rejects("-5", "unknown");
	zone_rejects("+05:30 ", "unknown");
	zone_rejects(" EST", "unknown");
	zone_rejects("America/New_York", "unknown");
}

static void
test_local(void)
{
	int64_t edt = 0, est = 0, t = 0;

	/* The repeated fall-back hour, told apart by the zone code. */
	is_str(local("2024-11-03 01:30", "EDT", &edt), "2024-11-03T05:30:00Z",
	    "01:30 EDT on 2024-11-03");
	is_str(local("2024-11-03 01:30", "EST", &est), "2024-11-03T06:30:00Z",
	    "01:30 EST on 2024-11-03");
	is_int(est - edt, 3600, "01:30 EST is an hour after 01:30 EDT");
	is_int(edt, INT64_C(1730611800), "01:30 EDT value");

	is_str(local("2025-10-22 00:00:00", "-03:30", &t),
	    "2025-10-22T03:30:00Z", "midnight at -03:30");
	is_str(local("2025-10-22T00:00:00", "UTC-08:00", &t),
	    "2025-10-22T08:00:00Z", "midnight at UTC-08:00");
	is_str(local("2025-10-22T05:30:00", "UTC+05:30", &t),
	    "2025-10-22T00:00:00Z", "05:30 at UTC+05:30");
	is_str(local("2025-10-22", "HST", &t), "2025-10-22T10:00:00Z",
	    "a date in HST is its midnight there");
	is_str(local("2025-01-01T00:00:00.9", "pst", &t),
	    "2025-01-01T08:00:00Z", "fraction in PST");
	is_str(local("2024-12-31T20:00", "-05:00", &t),
	    "2025-01-01T01:00:00Z", "crosses into the new year");
	is_str(local("2024-11-03 01:30Z", "EST", &t),
	    "time '2024-11-03 01:30Z': has its own zone, "
	    "but is read in zone 'EST'", "rejects Z with a zone");
	is_str(local("2024-11-03 01:30-05:00", "EST", &t),
	    "time '2024-11-03 01:30-05:00': has its own zone, "
	    "but is read in zone 'EST'", "rejects an offset with a zone");
	is_str(local("2024-11-03 01:30", "XYZ", &t), "zone 'XYZ': unknown",
	    "rejects an unknown zone");
	is_str(local("2024-02-30 01:30", "EST", &t),
	    "time '2024-02-30 01:30': day out of range",
	    "rejects a bad wall time");
	is_str(local("9999-12-31 23:00", "EST", &t),
	    "time '9999-12-31 23:00': out of range",
	    "rejects a wall time that leaves year 9999");
}

/* from_civil(to_civil(t)) == t every day from 1890 to 2110. */
static void
test_sweep(void)
{
	struct sf_civil c, prev;
	int64_t t, start, end, day;
	long bad_rt = 0, bad_step = 0, bad_field = 0, n = 0;

	c = (struct sf_civil){ 1890, 1, 1, 0, 0, 0 };
	start = sf_time_from_civil(&c);
	is_int(start, INT64_C(-2524521600), "from_civil 1890-01-01");
	c = (struct sf_civil){ 2110, 12, 31, 0, 0, 0 };
	end = sf_time_from_civil(&c);
	is_int(end, INT64_C(4449427200), "from_civil 2110-12-31");

	sf_time_to_civil(start - 86400, &prev);
	for (t = start; t <= end; t += 86400) {
		/* A time of day that moves, to test those fields too. */
		day = (t - start) / 86400;
		sf_time_to_civil(t + day % 86400, &c);
		if (sf_time_from_civil(&c) != t + day % 86400)
			bad_rt++;
		if (c.hour != day % 86400 / 3600 ||
		    c.min != day % 3600 / 60 || c.sec != day % 60)
			bad_field++;
		/* The next day of prev, by the rules. */
		if (prev.day == (prev.mon == 2 ?
		    ((prev.year % 4 == 0 && prev.year % 100 != 0) ||
		    prev.year % 400 == 0 ? 29 : 28) :
		    (prev.mon == 4 || prev.mon == 6 || prev.mon == 9 ||
		    prev.mon == 11) ? 30 : 31)) {
			if (c.day != 1 || (prev.mon == 12 ?
			    c.mon != 1 || c.year != prev.year + 1 :
			    c.mon != prev.mon + 1 || c.year != prev.year))
				bad_step++;
		} else if (c.day != prev.day + 1 || c.mon != prev.mon ||
		    c.year != prev.year)
			bad_step++;
		prev = c;
		n++;
	}
	is_int(n, 80718, "sweep covers every day of 1890 to 2110");
	is_int(bad_rt, 0, "sweep: from_civil(to_civil(t)) == t");
	is_int(bad_step, 0, "sweep: each day is the day after the last");
	is_int(bad_field, 0, "sweep: time of day fields");
	is_int(prev.year, 2110, "sweep ends in 2110");
	is_int(prev.mon, 12, "sweep ends in December");
	is_int(prev.day, 31, "sweep ends on the 31st");

	/* The negative side of to_civil's division, second by second. */
	sf_time_to_civil(-86401, &c);
	is_int(c.year * 10000 + c.mon * 100 + c.day, 19691230,
	    "to_civil -86401 date");
	is_int(c.hour * 10000 + c.min * 100 + c.sec, 235959,
	    "to_civil -86401 time");
	sf_time_to_civil(-86400, &c);
	is_int(c.year * 10000 + c.mon * 100 + c.day, 19691231,
	    "to_civil -86400 date");
	is_int(c.hour * 10000 + c.min * 100 + c.sec, 0,
	    "to_civil -86400 time");
}

static void
test_now(void)
{
	struct sf_err err;
	int64_t t = 0;

	sf_err_clear(&err);
	setenv("SF_NOW", "2024-06-01T12:00:00Z", 1);
	is_int(sf_time_now(&t, &err), 0, "now with SF_NOW");
	is_int(t, INT64_C(1717243200), "now is SF_NOW");
	setenv("SF_NOW", "1899-12-31", 1);
	is_int(sf_time_now(&t, &err), 0, "now with SF_NOW a date");
	is_int(t, INT64_C(-2209075200), "now is SF_NOW 1899-12-31");
	setenv("SF_NOW", "2024-06-01T08:00:00-04:00", 1);
	is_int(sf_time_now(&t, &err), 0, "now with SF_NOW and an offset");
	is_int(t, INT64_C(1717243200), "now is SF_NOW with its offset");

	t = 5;
	setenv("SF_NOW", "yesterday", 1);
	is_int(sf_time_now(&t, &err), -1, "now with a bad SF_NOW");
	is_str(err.msg,
	    "SF_NOW: time 'yesterday': not an ISO 8601 date or time",
	    "now with a bad SF_NOW: message");
	is_int(t, 5, "now with a bad SF_NOW: t untouched");

	/* Empty counts as unset, like an unset variable: the real clock. */
	setenv("SF_NOW", "", 1);
	is_int(sf_time_now(&t, &err), 0, "now with SF_NOW empty");
	ok(t > INT64_C(1704067200), "SF_NOW empty: the system clock");
	unsetenv("SF_NOW");
	t = 0;
	is_int(sf_time_now(&t, &err), 0, "now without SF_NOW");
	ok(t > INT64_C(1704067200) && t < INT64_C(4102444800),
	    "without SF_NOW: the system clock");
}

int
main(void)
{
	test_round_trips();
	test_offsets();
	test_fractions();
	test_rejects();
	test_date();
	test_clamp();
	test_zones();
	test_local();
	test_sweep();
	test_now();
	return tap_done();
}
