/*
 * sf_time: ISO 8601 instants and dates to and from int64_t seconds, and
 * agency time zones.
 *
 * The calendar arithmetic is our own (Howard Hinnant's days_from_civil
 * and civil_from_days, proleptic Gregorian) so that nothing depends on
 * TZ, time_t's width or the C library's idea of the epoch's range.
 * Parsing is strict: fixed field widths, every field range-checked, and
 * nothing may follow the time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf_err.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define T_MIN	INT64_C(-62135596800)
#define T_MAX	INT64_C(253402300799)

/* What a parse found, before range checks and zone arithmetic. */
struct parsed {
	struct sf_civil c;
	int has_zone;		/* Z or an offset followed the time */
	int offset;		/* seconds east of UTC, when has_zone */
};

static const struct {
	const char *name;
	int hours;
} zones[] = {
	{ "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -5 }, { "EDT", -4 },
	{ "CST", -6 }, { "CDT", -5 },
	{ "MST", -7 }, { "MDT", -6 },
	{ "PST", -8 }, { "PDT", -7 },
	{ "AKST", -9 }, { "AKDT", -8 },
	{ "HST", -10 },
};

/* Days since 1970-01-01 of y-m-d; int64_t throughout so no int overflows. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, struct sf_civil *c)
{
	int64_t era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (int)(y + (c->mon <= 2));
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
sf_time_days_in_month(int y, int m)
{
	static const int dim[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int64_t
sf_time_from_civil(const struct sf_civil *c)
{
	return days_from_civil(c->year, c->mon, c->day) * 86400 +
	    (int64_t)c->hour * 3600 + (int64_t)c->min * 60 + c->sec;
}

void
sf_time_to_civil(int64_t t, struct sf_civil *c)
{
	int64_t days, rem;

	if (t < T_MIN)
		t = T_MIN;
	if (t > T_MAX)
		t = T_MAX;
	days = t / 86400;
	rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, c);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
}

/* Reads exactly n digits at *pp into *v and advances; 0 or -1. */
static int
digits(const char **pp, int n, int *v)
{
	const char *p = *pp;
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*v = x;
	return 0;
}

/*
 * Reads a fixed offset "+HH:MM", "+HHMM" or "+HH" (or with '-') at *pp.
 * Returns 0 and advances, -1 on bad syntax (*pp unchanged), -2 when the
 * hours or minutes are out of range.
 */
static int
offset(const char **pp, int *off)
{
	const char *p = *pp;
	int sign, hh, mm = 0;

	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &hh) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &mm) == -1)
			return -1;
	} else if (*p >= '0' && *p <= '9') {
		if (digits(&p, 2, &mm) == -1)
			return -1;
	}
	if (hh > 23 || mm > 59)
		return -2;
	*off = sign * (hh * 3600 + mm * 60);
	*pp = p;
	return 0;
}

/*
 * Parses s into *r without looking at what the fields mean beyond their
 * ranges. what names the subject in messages ("time", "date").
 */
static int
parse(const char *s, int date_only, struct parsed *r, const char *what,
    struct sf_err *err)
{
	const char *p = s;
	struct sf_civil *c = &r->c;
	int rc;

	memset(r, 0, sizeof(*r));
	if (*s == '\0')
		return sf_err_set(err, "%s '%s': empty", what, s);
	if (digits(&p, 4, &c->year) == -1 || *p++ != '-' ||
	    digits(&p, 2, &c->mon) == -1 || *p++ != '-' ||
	    digits(&p, 2, &c->day) == -1)
		goto syntax;
	if (*p == 'T' || *p == ' ') {
		if (date_only)
			goto trailing;
		p++;
		if (digits(&p, 2, &c->hour) == -1 || *p++ != ':' ||
		    digits(&p, 2, &c->min) == -1)
			goto syntax;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &c->sec) == -1)
				goto syntax;
			if (*p == '.') {
				/* Truncated: the instant is in this second. */
				p++;
				if (*p < '0' || *p > '9')
					goto syntax;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z') {
			p++;
			r->has_zone = 1;
		} else if (*p == '+' || *p == '-') {
			rc = offset(&p, &r->offset);
			if (rc == -2)
				return sf_err_set(err,
				    "%s '%s': offset out of range", what, s);
			if (rc == -1)
				goto syntax;
			r->has_zone = 1;
		}
	}
	if (*p != '\0')
		goto trailing;

	if (c->year < 1)
		return sf_err_set(err, "%s '%s': year out of range", what, s);
	if (c->mon < 1 || c->mon > 12)
		return sf_err_set(err, "%s '%s': month out of range", what, s);
	if (c->day < 1 || c->day > sf_time_days_in_month(c->year, c->mon))
		return sf_err_set(err, "%s '%s': day out of range", what, s);
	if (c->hour > 23)
		return sf_err_set(err, "%s '%s': hour out of range", what, s);
	if (c->min > 59)
		return sf_err_set(err, "%s '%s': minute out of range",
		    what, s);
	if (c->sec > 59)
		return sf_err_set(err, "%s '%s': second out of range",
		    what, s);
	return 0;

syntax:
	if (date_only)
		return sf_err_set(err, "%s '%s': not YYYY-MM-DD", what, s);
	return sf_err_set(err, "%s '%s': not an ISO 8601 date or time",
	    what, s);
trailing:
	return sf_err_set(err, "%s '%s': trailing characters", what, s);
}

/* Wall time r shifted by off seconds east into *t, if still in range. */
static int
to_utc(const struct parsed *r, int off, int64_t *t, const char *s,
    struct sf_err *err)
{
	int64_t v = sf_time_from_civil(&r->c) - off;

	if (v < T_MIN || v > T_MAX)
		return sf_err_set(err, "time '%s': out of range", s);
	*t = v;
	return 0;
}

int
sf_time_parse(const char *s, int64_t *t, struct sf_err *err)
{
	struct parsed r;

	if (parse(s, 0, &r, "time", err) == -1)
		return -1;
	return to_utc(&r, r.has_zone ? r.offset : 0, t, s, err);
}

int
sf_time_parse_date(const char *s, int64_t *t, struct sf_err *err)
{
	struct parsed r;

	if (parse(s, 1, &r, "date", err) == -1)
		return -1;
	*t = sf_time_from_civil(&r.c);
	return 0;
}

/* Whether s starts with the upper-case ASCII prefix, in either case. */
static int
has_prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++) {
		if (*s != *prefix && *s != *prefix - 'A' + 'a')
			return 0;
	}
	return 1;
}

int
sf_time_zone(const char *zone, int *off, struct sf_err *err)
{
	const char *p = zone;
	size_t i;
	int rc, v;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (sf_str_eq_ci(zone, zones[i].name)) {
			*off = zones[i].hours * 3600;
			return 0;
		}
	}
	/* "UTC-08:00", the EC station list's form; GMT likewise. */
	if (has_prefix_ci(p, "UTC") || has_prefix_ci(p, "GMT"))
		p += 3;
	rc = offset(&p, &v);
	if (rc == -2)
		return sf_err_set(err, "zone '%s': offset out of range", zone);
	if (rc == -1 || *p != '\0')
		return sf_err_set(err, "zone '%s': unknown", zone);
	*off = v;
	return 0;
}

int
sf_time_parse_local(const char *s, const char *zone, int64_t *t,
    struct sf_err *err)
{
	struct parsed r;
	int off;

	if (sf_time_zone(zone, &off, err) == -1)
		return -1;
	if (parse(s, 0, &r, "time", err) == -1)
		return -1;
	if (r.has_zone)
		return sf_err_set(err,
		    "time '%s': has its own zone, but is read in zone '%s'",
		    s, zone);
	return to_utc(&r, off, t, s, err);
}

/* Writes v as n digits at p, with leading zeros; returns the end. */
static char *
put(char *p, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* Writes "YYYY-MM-DD" at p, unterminated; to_civil keeps year in range. */
static char *
put_date(char *p, const struct sf_civil *c)
{
	p = put(p, c->year, 4);
	*p++ = '-';
	p = put(p, c->mon, 2);
	*p++ = '-';
	return put(p, c->day, 2);
}

void
sf_time_format(int64_t t, char buf[SF_TIME_LEN])
{
	struct sf_civil c;
	char *p;

	sf_time_to_civil(t, &c);
	p = put_date(buf, &c);
	*p++ = 'T';
	p = put(p, c.hour, 2);
	*p++ = ':';
	p = put(p, c.min, 2);
	*p++ = ':';
	p = put(p, c.sec, 2);
	*p++ = 'Z';
	*p = '\0';
}

void
sf_time_format_date(int64_t t, char buf[SF_DATE_LEN])
{
	struct sf_civil c;

	sf_time_to_civil(t, &c);
	*put_date(buf, &c) = '\0';
}

int
sf_time_now(int64_t *t, struct sf_err *err)
{
	struct sf_err e;
	const char *s = getenv("SF_NOW");
	time_t now;

	if (s != NULL && *s != '\0') {
		if (sf_time_parse(s, t, &e) == -1)
			return sf_err_set(err, "SF_NOW: %s", e.msg);
		return 0;
	}
	now = time(NULL);
	if (now == (time_t)-1)
		return sf_err_set(err, "system clock: %s", strerror(errno));
	*t = (int64_t)now;
	return 0;
}
