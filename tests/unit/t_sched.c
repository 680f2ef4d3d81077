/*
 * t_sched: parsing schedules, and their next and previous run times across
 * hour, day, month and year boundaries, leap days and the two day fields.
 * Run under several TZ settings by the runner: nothing here may depend on
 * it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_sched.h"
#include "sf_time.h"
#include "sf.h"

static int64_t
at(const char *iso)
{
	struct sf_err err;
	int64_t t = 0;

	if (sf_time_parse(iso, &t, &err) == -1)
		printf("# bad time in test: %s\n", err.msg);
	return t;
}

/* Checks that s parses; fills *sc. */
static void
accepts(const char *s, struct sf_sched *sc)
{
	struct sf_err err;
	char what[160];
	int rc;

	sf_err_clear(&err);
	rc = sf_sched_parse(s, sc, &err);
	snprintf(what, sizeof(what), "accepts '%s'", s);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
}

/* Checks that s is refused with "schedule 'S': reason", sc untouched. */
static void
rejects(const char *s, const char *reason)
{
	struct sf_sched sc;
	struct sf_err err;
	char what[160], want[SF_ERR_MAX];
	int rc;

	memset(&sc, 0x5a, sizeof(sc));
	sf_err_clear(&err);
	rc = sf_sched_parse(s, &sc, &err);
	snprintf(what, sizeof(what), "rejects '%s'", s);
	is_int(rc, -1, what);
	snprintf(want, sizeof(want), "schedule '%s': %s", s, reason);
	snprintf(what, sizeof(what), "rejects '%s': reason", s);
	is_str(err.msg, want, what);
	snprintf(what, sizeof(what), "rejects '%s': untouched", s);
	ok(sc.every == (int64_t)0x5a5a5a5a5a5a5a5aLL, what);
}

/* Checks next (dir > 0) or prev of s from the instant from. */
static void
step_is(int dir, const char *s, const char *from, const char *want)
{
	struct sf_sched sc;
	struct sf_err err;
	char what[200], got[SF_TIME_LEN];
	int64_t t;

	if (sf_sched_parse(s, &sc, &err) == -1) {
		ok(0, err.msg);
		return;
	}
	t = dir > 0 ? sf_sched_next(&sc, at(from)) :
	    sf_sched_prev(&sc, at(from));
	snprintf(what, sizeof(what), "'%s' %s %s", s,
	    dir > 0 ? "after" : "before", from);
	if (t == -1)
		is_str("-1", want ? want : "-1", what);
	else {
		sf_time_format(t, got);
		is_str(got, want ? want : "-1", what);
	}
}

#define next_is(s, from, want) step_is(1, (s), (from), (want))
#define prev_is(s, from, want) step_is(-1, (s), (from), (want))

static void
test_parse(void)
{
	struct sf_sched sc;

	accepts("*/15 * * * *", &sc);
	is_int(sc.kind, SF_SCHED_CRON, "cron kind");
	is_str(sf_sched_type(&sc), "cron", "schedule_type cron");
	ok(sc.minute == ((1ULL << 0) | (1ULL << 15) | (1ULL << 30) |
	    (1ULL << 45)), "*/15 is 0,15,30,45");
	ok(sc.hour == 0xffffff, "* hour is 0-23");
	ok(sc.mday == 0xfffffffe, "* day of month is 1-31");
	ok(sc.month == 0x1ffe, "* month is 1-12");
	ok(sc.wday == 0x7f, "* day of week is 0-6");
	ok(sc.mday_any && sc.wday_any, "* day fields are unrestricted");

	accepts("10-50/20 9-17/4 */2 1,6-7 5-7", &sc);
	ok(sc.minute == ((1ULL << 10) | (1ULL << 30) | (1ULL << 50)),
	    "10-50/20 is 10,30,50");
	ok(sc.hour == ((1u << 9) | (1u << 13) | (1u << 17)),
	    "9-17/4 is 9,13,17");
	ok(sc.mday == 0xaaaaaaaa, "*/2 day of month is the odd days");
	ok(sc.month == ((1u << 1) | (1u << 6) | (1u << 7)), "1,6-7");
	ok(sc.wday == ((1u << 0) | (1u << 5) | (1u << 6)),
	    "5-7 is Friday, Saturday, Sunday");
	ok(sc.mday_any && !sc.wday_any, "*/2 counts as unrestricted");

	accepts("0 0 * * 7", &sc);
	ok(sc.wday == 1, "7 is Sunday");
	accepts("0-59/59 0 1 1 0", &sc);
	ok(sc.minute == ((1ULL << 0) | (1ULL << 59)), "0-59/59");
	ok(!sc.mday_any && !sc.wday_any, "restricted day fields");
	accepts("\t0  6\t* * 1-5 ", &sc);
	ok(sc.hour == (1u << 6), "blanks and tabs between fields");
	accepts("*,5 * * * *", &sc);
	ok(sc.minute == (1ULL << 60) - 1, "* in a list");

	accepts("15m", &sc);
	is_int(sc.kind, SF_SCHED_INTERVAL, "interval kind");
	is_int(sc.every, 900, "15m is 900 s");
	is_str(sf_sched_type(&sc), "interval", "schedule_type interval");
	accepts("1h", &sc);
	is_int(sc.every, 3600, "1h");
	accepts(" 2d ", &sc);
	is_int(sc.every, 172800, "2d, with blanks");
	accepts("366d", &sc);
	accepts("527040m", &sc);
	is_int(sc.every, 366 * 86400, "527040m is 366d");
	accepts("7m", &sc);
	is_int(sc.every, 420, "7m");

	rejects("61 * * * *", "minute 61 out of range (0-59)");
	rejects("* 24 * * *", "hour 24 out of range (0-23)");
	rejects("* * 0 * *", "day of month 0 out of range (1-31)");
	rejects("* * 32 * *", "day of month 32 out of range (1-31)");
	rejects("* * * 13 *", "month 13 out of range (1-12)");
	rejects("* * * * 8", "day of week 8 out of range (0-7)");
	rejects("* * * 0-13 *", "month 0 out of range (1-12)");
	rejects("* * * 1-13 *", "month 13 out of range (1-12)");
	rejects("* * * jan *", "month 'jan': not a number, range or step");
	rejects("* * * * mon", "day of week 'mon': not a number, range or "
	    "step");
	rejects("5-1 * * * *", "minute range 5-1 runs backwards");
	rejects("*/0 * * * *", "minute step 0 out of range (1-59)");
	rejects("*/60 * * * *", "minute step 60 out of range (1-59)");
	rejects("5/15 * * * *", "minute '5/15': a step needs a range or '*'");
	rejects("1,,2 * * * *", "minute '1,,2': empty list item");
	rejects("1, * * * *", "minute '1,': empty list item");
	rejects("-5 * * * *", "minute '-5': not a number, range or step");
	rejects("1-5/ * * * *", "minute '1-5/': not a number, range or step");
	rejects("** * * * *", "minute '**': not a number, range or step");
	rejects("* * * *", "4 fields, not 5 (minute, hour, day of month, "
	    "month, day of week)");
	rejects("* * * * * *", "6 fields, not 5 (minute, hour, day of month, "
	    "month, day of week)");
	rejects("", "empty");
	rejects(" \t ", "empty");
	rejects("15s", "interval unit 's' is not m, h or d");
	rejects("0m", "interval out of range (1m to 366d)");
	rejects("367d", "interval out of range (1m to 366d)");
	rejects("527041m", "interval out of range (1m to 366d)");
	rejects("99999999999d", "interval out of range (1m to 366d)");
	rejects("m", "not 5 cron fields, nor an interval such as 15m, 1h or "
	    "1d");
	rejects("15mm", "not 5 cron fields, nor an interval such as 15m, 1h "
	    "or 1d");
	rejects("@hourly", "not 5 cron fields, nor an interval such as 15m, "
	    "1h or 1d");
	rejects("-15m", "not 5 cron fields, nor an interval such as 15m, 1h "
	    "or 1d");
}

static void
test_cron(void)
{
	/* strictly after / before, and whole minutes */
	next_is("*/15 * * * *", "2026-11-25T12:00:00Z", "2026-11-25T12:15:00Z");
	next_is("*/15 * * * *", "2026-11-25T12:14:59Z", "2026-11-25T12:15:00Z");
	next_is("*/15 * * * *", "2026-11-25T12:15:00Z", "2026-11-25T12:30:00Z");
	prev_is("*/15 * * * *", "2026-11-25T12:15:00Z", "2026-11-25T12:00:00Z");
	prev_is("*/15 * * * *", "2026-11-25T12:15:01Z", "2026-11-25T12:15:00Z");
	next_is("* * * * *", "2026-11-25T12:00:30Z", "2026-11-25T12:01:00Z");
	prev_is("* * * * *", "2026-11-25T12:00:30Z", "2026-11-25T12:00:00Z");
	prev_is("* * * * *", "2026-11-25T12:00:00Z", "2026-11-25T11:59:00Z");

	/* hour, day, month and year boundaries */
	next_is("*/15 * * * *", "2026-11-25T12:59:00Z", "2026-11-25T13:00:00Z");
	prev_is("45 * * * *", "2026-11-25T12:30:00Z", "2026-11-25T11:45:00Z");
	next_is("0 * * * *", "2026-11-25T23:30:00Z", "2026-11-26T00:00:00Z");
	prev_is("30 23 * * *", "2026-11-25T23:29:00Z", "2026-11-24T23:30:00Z");
	next_is("30 23 * * *", "2026-01-31T23:30:00Z", "2026-02-01T23:30:00Z");
	next_is("0 6 1 * *", "2026-11-25T12:00:00Z", "2026-12-01T06:00:00Z");
	prev_is("0 6 1 * *", "2026-11-25T12:00:00Z", "2026-11-01T06:00:00Z");
	next_is("0 0 1 1 *", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z");
	next_is("59 23 31 12 *", "2026-12-31T23:59:00Z",
	    "2027-12-31T23:59:00Z");
	prev_is("0 0 1 1 *", "2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
	prev_is("0 0 1 1 *", "1970-01-01T00:00:00Z", "1969-01-01T00:00:00Z");
	next_is("0 0 1 1 *", "1969-06-30T12:00:00Z", "1970-01-01T00:00:00Z");
	next_is("0 0 31 * *", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z");

	/* leap days, and the 8-year bound */
	next_is("0 12 29 2 *", "2026-01-01T00:00:00Z", "2028-02-29T12:00:00Z");
	next_is("0 12 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T12:00:00Z");
	prev_is("0 12 29 2 *", "2104-01-01T00:00:00Z", "2096-02-29T12:00:00Z");
	next_is("0 0 * 3 *", "2028-02-28T23:59:00Z", "2028-03-01T00:00:00Z");
	next_is("0 0 * * *", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z");
	next_is("0 0 * * *", "2100-02-28T00:00:00Z", "2100-03-01T00:00:00Z");
	/* a day of month and a weekday that must meet: every 28 years */
	next_is("0 0 29 2 */7", "2026-01-01T00:00:00Z", "2032-02-29T00:00:00Z");
	next_is("0 0 29 2 */7", "2032-03-01T00:00:00Z", "2060-02-29T00:00:00Z");
	prev_is("0 0 29 2 */7", "2060-01-01T00:00:00Z", "2032-02-29T00:00:00Z");
	next_is("0 0 31 2 *", "2026-11-25T12:00:00Z", NULL);
	prev_is("0 0 31 2 *", "2026-11-25T12:00:00Z", NULL);
	next_is("0 0 30 2 *", "2026-11-25T12:00:00Z", NULL);
	next_is("0 0 31 4,6,9,11 *", "2026-11-25T12:00:00Z", NULL);

	/* the two day fields: either one when both are restricted */
	next_is("0 0 13 * 5", "2026-11-25T12:00:00Z", "2026-11-27T00:00:00Z");
	next_is("0 0 13 * 5", "2026-12-11T00:00:00Z", "2026-12-13T00:00:00Z");
	next_is("0 0 13 * 5", "2026-12-13T00:00:00Z", "2026-12-18T00:00:00Z");
	prev_is("0 0 13 * 5", "2026-12-13T00:00:00Z", "2026-12-11T00:00:00Z");
	/* ... both when one starts with "*", as cron does */
	next_is("0 0 */2 * 1", "2026-11-25T12:00:00Z", "2026-12-07T00:00:00Z");
	next_is("0 0 13 * *", "2026-11-25T12:00:00Z", "2026-12-13T00:00:00Z");
	next_is("0 0 * * 5", "2026-11-25T12:00:00Z", "2026-11-27T00:00:00Z");
	next_is("0 0 * * 7", "2026-11-25T12:00:00Z", "2026-11-29T00:00:00Z");
	next_is("0 0 * * 0", "2026-11-25T12:00:00Z", "2026-11-29T00:00:00Z");
	prev_is("0 0 * * 3", "2026-11-25T00:00:00Z", "2026-11-18T00:00:00Z");

	/* ranges with steps */
	next_is("10-50/20 * * * *", "2026-11-25T12:50:00Z",
	    "2026-11-25T13:10:00Z");
	next_is("10-50/20 * * * *", "2026-11-25T12:10:00Z",
	    "2026-11-25T12:30:00Z");
	next_is("0 9-17/4 * * 1-5", "2026-11-25T17:00:00Z",
	    "2026-11-26T09:00:00Z");
	next_is("0 9-17/4 * * 1-5", "2026-11-27T17:00:00Z",
	    "2026-11-30T09:00:00Z");
	prev_is("0 9-17/4 * * 1-5", "2026-11-30T09:00:00Z",
	    "2026-11-27T17:00:00Z");
	next_is("0 0 1 */3 *", "2026-11-25T12:00:00Z", "2027-01-01T00:00:00Z");
}

static void
test_interval(void)
{
	next_is("15m", "2026-11-25T12:07:00Z", "2026-11-25T12:15:00Z");
	next_is("15m", "2026-11-25T12:15:00Z", "2026-11-25T12:30:00Z");
	prev_is("15m", "2026-11-25T12:15:00Z", "2026-11-25T12:00:00Z");
	prev_is("15m", "2026-11-25T12:15:01Z", "2026-11-25T12:15:00Z");
	next_is("1h", "2026-11-25T23:59:59Z", "2026-11-26T00:00:00Z");
	next_is("1d", "2026-11-25T12:00:00Z", "2026-11-26T00:00:00Z");
	prev_is("1d", "2026-11-26T00:00:00Z", "2026-11-25T00:00:00Z");
	next_is("7m", "1970-01-01T00:00:00Z", "1970-01-01T00:07:00Z");
	next_is("7m", "2026-11-25T12:00:00Z", "2026-11-25T12:06:00Z");
	next_is("1h", "1969-12-31T23:30:00Z", "1970-01-01T00:00:00Z");
	prev_is("1h", "1969-12-31T23:30:00Z", "1969-12-31T23:00:00Z");
	prev_is("1h", "1969-12-31T23:00:00Z", "1969-12-31T22:00:00Z");
	next_is("366d", "2026-11-25T12:00:00Z", "2027-02-13T00:00:00Z");
}

/* Checks the cron expression of s (want NULL: refused with msg). */
static void
cron_is(const char *s, const char *want, const char *msg)
{
	struct sf_buf out = SF_BUF_INIT;
	struct sf_err err;
	char what[160];
	int rc;

	sf_err_clear(&err);
	rc = sf_sched_cron_expr(s, &out, &err);
	snprintf(what, sizeof(what), "cron expression of '%s'", s);
	is_int(rc, want ? 0 : -1, what);
	is_str(want ? out.buf : err.msg, want ? want : msg, what);
	if (!want)
		is_int((int)out.len, 0, what);
	sf_buf_release(&out);
}

static void
test_cron_expr(void)
{
	cron_is(" 0\t6  * * 1-5 ", "0 6 * * 1-5", NULL);
	cron_is("*/15 * * * *", "*/15 * * * *", NULL);
	cron_is("1m", "* * * * *", NULL);
	cron_is("20m", "*/20 * * * *", NULL);
	cron_is("60m", "0 * * * *", NULL);
	cron_is("8h", "0 */8 * * *", NULL);
	cron_is("1440m", "0 0 * * *", NULL);
	cron_is("1d", "0 0 * * *", NULL);
	cron_is("7m", NULL, "interval '7m' cannot be written as a cron "
	    "schedule");
	cron_is("2d", NULL, "interval '2d' cannot be written as a cron "
	    "schedule");
	cron_is("0 6 * * *\n* * * * * id", NULL, "schedule '0 6 * * *\n* "
	    "* * * * id': 10 fields, not 5 (minute, hour, day of month, month, "
	    "day of week)");
}

/* Checks the duration s: want seconds, or -1 for refused with msg. */
static void
duration_is(const char *s, int64_t want, const char *msg)
{
	struct sf_err err;
	int64_t t = -7;
	char what[160];

	sf_err_clear(&err);
	snprintf(what, sizeof(what), "duration '%s'", s);
	is_int(sf_sched_duration_parse(s, &t, &err), want < 0 ? -1 : 0,
	    what);
	if (want < 0) {
		is_str(err.msg, msg, what);
		is_int(t, -7, what);
	} else
		is_int(t, want, what);
}

static void
test_duration(void)
{
	static const char bad[] = "not a number of seconds, nor a number "
	    "and s, m, h or d (such as 6h)";
	char msg[200];

	duration_is("45", 45, NULL);
	duration_is("45s", 45, NULL);
	duration_is("90m", 5400, NULL);
	duration_is("6h", 21600, NULL);
	duration_is("3d", 259200, NULL);
	duration_is("3660d", 3660 * 86400LL, NULL);
	duration_is("3661d", -1, "duration '3661d': out of range (1s to "
	    "3660d)");
	duration_is("99999999999999999999999", -1, "duration "
	    "'99999999999999999999999': out of range (1s to 3660d)");
	duration_is("0m", -1, "duration '0m': out of range (1s to 3660d)");
	snprintf(msg, sizeof(msg), "duration '6hh': %s", bad);
	duration_is("6hh", -1, msg);
	snprintf(msg, sizeof(msg), "duration '': %s", bad);
	duration_is("", -1, msg);
	snprintf(msg, sizeof(msg), "duration '-5': %s", bad);
	duration_is("-5", -1, msg);
	snprintf(msg, sizeof(msg), "duration '1w': %s", bad);
	duration_is("1w", -1, msg);
}

int
main(void)
{
	test_parse();
	test_cron();
	test_interval();
	test_cron_expr();
	test_duration();
	return tap_done();
}
