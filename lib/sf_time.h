/*
 * sf_time: instants as int64_t seconds since 1970-01-01T00:00:00Z.
 *
 * UTC only, proleptic Gregorian calendar, years 0001 to 9999 (so dates
 * before 1970 and after 2038 work). Nothing here reads TZ or calls the C
 * library's time-zone functions: local wall times are converted with an
 * explicit zone (a USGS zone code or a fixed offset).
 */
#ifndef SF_TIME_H
#define SF_TIME_H

#include <stdint.h>

#include "sf_err.h"

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define SF_TIME_LEN 21
/* "YYYY-MM-DD" and its NUL. */
#define SF_DATE_LEN 11

struct sf_civil {
	int year;	/* 1 to 9999 */
	int mon;	/* 1 to 12 */
	int day;	/* 1 to 31 */
	int hour;	/* 0 to 23 */
	int min;	/* 0 to 59 */
	int sec;	/* 0 to 59 */
};

/* The number of days of month mon (1-12) of year (proleptic Gregorian). */
int sf_time_days_in_month(int year, int mon);

/* Seconds since the epoch of c, taken as UTC. No range checks. */
int64_t sf_time_from_civil(const struct sf_civil *c);

/*
 * The UTC calendar fields of t. A t before 0001-01-01T00:00:00Z or after
 * 9999-12-31T23:59:59Z is taken as that bound.
 */
void sf_time_to_civil(int64_t t, struct sf_civil *c);

/*
 * Parses an ISO 8601 instant or date into *t:
 *   YYYY-MM-DD                          midnight UTC of that day
 *   YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z]   UTC (no designator is taken as UTC)
 *   YYYY-MM-DD[T ]HH:MM[:SS[.fff]]+HH:MM (also +HHMM, +HH, -..)
 * Field widths are fixed and nothing may follow. A fraction of a second
 * (any number of digits) is truncated toward the earlier second, before
 * 1970 too. Every field is range-checked (year 0000, month 13,
 * 2023-02-29, hour 24, minute 60, second 60 and offsets past 23:59 are
 * errors), and so is the instant (years 1 to 9999 after the offset).
 * Returns 0, or -1 with err "time 'S': reason" and *t untouched.
 */
int sf_time_parse(const char *s, int64_t *t, struct sf_err *err);

/*
 * Like sf_time_parse, but only YYYY-MM-DD is accepted; errors read
 * "date 'S': reason".
 */
int sf_time_parse_date(const char *s, int64_t *t, struct sf_err *err);

/*
 * Parses a zone into its offset from UTC in seconds (east positive):
 * the USGS codes EST EDT CST CDT MST MDT PST PDT AKST AKDT HST, UTC, GMT,
 * Z, in any case; fixed offsets "-05:00", "+0530", "-03", "-03:30" (two
 * digit hours to 23, minutes to 59); and "UTC-08:00" / "UTC+05:30" (the
 * EC station list's form; GMT+.. likewise). Returns 0, or -1 with err
 * "zone 'S': unknown" or "zone 'S': offset out of range" and *offset
 * untouched.
 */
int sf_time_zone(const char *zone, int *offset, struct sf_err *err);

/*
 * Parses local wall time s (the forms of sf_time_parse without a
 * designator) observed in zone (as sf_time_zone), into UTC *t. This is
 * how the repeated fall-back hour is told apart: 01:30 EDT and 01:30 EST
 * are an hour apart. An s with its own Z or offset is an error. Returns
 * 0, or -1 with err naming the time or the zone and *t untouched.
 */
int sf_time_parse_local(const char *s, const char *zone, int64_t *t,
    struct sf_err *err);

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" (clamped as sf_time_to_civil). */
void sf_time_format(int64_t t, char buf[SF_TIME_LEN]);

/* Writes the UTC date of t as "YYYY-MM-DD" (clamped likewise). */
void sf_time_format_date(int64_t t, char buf[SF_DATE_LEN]);

/*
 * The current time: $SF_NOW when set and not empty (an sf_time_parse
 * instant, so tests can pin the clock), else the system clock. Returns 0,
 * or -1 with err "SF_NOW: time 'S': reason" when SF_NOW does not parse.
 */
int sf_time_now(int64_t *t, struct sf_err *err);

#endif
