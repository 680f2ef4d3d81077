/*
 * sf_sched: pull schedules, as sf-config stores them and sf-status judges
 * them.
 *
 * A schedule is a 5-field cron expression ("*\/15 * * * *": minute, hour,
 * day of month, month, day of week; lists "1,5", ranges "1-5", steps
 * "*\/15" and "10-50/10"; month names and day names are not accepted;
 * day of week 0-7 with 0 and 7 Sunday; as in cron, when both day fields
 * are restricted a day matching either one runs, and a day field that
 * begins with "*", such as "*" followed by a step, does not count as
 * restricted) or an interval ("15m", "1h", "1d": a whole number and m, h
 * or d, from 1m to 366d; runs at whole multiples of the interval since
 * 1970-01-01T00:00:00Z). Times are UTC.
 */
#ifndef SF_SCHED_H
#define SF_SCHED_H

#include <stdint.h>

#include "sf_buf.h"
#include "sf_err.h"

enum sf_sched_kind { SF_SCHED_CRON, SF_SCHED_INTERVAL };

struct sf_sched {
	enum sf_sched_kind kind;
	int64_t every;		/* interval, seconds */
	uint64_t minute;	/* bit i: minute i (0-59) */
	uint32_t hour;		/* bit i: hour i (0-23) */
	uint32_t mday;		/* bit i: day i (1-31) */
	uint16_t month;		/* bit i: month i (1-12) */
	uint8_t wday;		/* bit i: weekday i (0-6, 0 Sunday) */
	int mday_any, wday_any;	/* the field began with "*" */
};

/*
 * Parses s into *sc; fields are separated by spaces or tabs. Returns 0, or
 * -1 with err naming the schedule and the reason ("schedule '61 * * * *':
 * minute 61 out of range (0-59)") and *sc untouched. A valid expression
 * may still never run ("0 0 31 2 *"): sf_sched_next tells.
 */
int sf_sched_parse(const char *s, struct sf_sched *sc, struct sf_err *err);

/*
 * The first run time after t (strictly), or -1 if it never runs (none in
 * 400 years, the period of the Gregorian calendar). Seconds are never part of a run time.
 */
int64_t sf_sched_next(const struct sf_sched *sc, int64_t t);

/* The last run time before t (strictly), or -1 if none in 400 years. */
int64_t sf_sched_prev(const struct sf_sched *sc, int64_t t);

/* "cron" or "interval": the seed's schedule_type for sc. */
const char *sf_sched_type(const struct sf_sched *sc);

/*
 * Writes the schedule s as a cron expression to out (replacing its
 * contents): a cron expression with its fields joined by one space, or
 * an interval that cron can run ("15m" is "*\/15 * * * *", "6h" is
 * "0 *\/6 * * *", "1d" is "0 0 * * *"). The text holds only digits, '*',
 * ',', '-', '/' and spaces. Returns 0, or -1 with err when s does not
 * parse or is an interval cron cannot express ("interval '7m' cannot be
 * written as a cron schedule"); out is then empty.
 */
int sf_sched_cron_expr(const char *s, struct sf_buf *out,
    struct sf_err *err);

/*
 * Parses a duration: a whole number of seconds, or a whole number and s,
 * m, h or d ("90m", "6h", "3d"), from 1 second to 3660 days, into *secs.
 * Returns 0, or -1 with err ("duration '5x': ...") and *secs untouched.
 */
int sf_sched_duration_parse(const char *s, int64_t *secs,
    struct sf_err *err);

#endif
