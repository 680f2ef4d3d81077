/*
 * sf_sched: parsing pull schedules and finding their run times.
 *
 * Cron expressions are matched the way Vixie cron and cronie match them,
 * since the lines sf-config prints run under those: day of week 7 is
 * Sunday, steps start at the low end of their range, and a day field that
 * begins with "*" ("*", or "*" and a step) counts as unrestricted for
 * the rule that joins the two day fields. Run times are searched day by day,
 * which keeps the arithmetic in whole days and makes the 8-year bound
 * cheap (under 3000 days, each a few bit tests).
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_sched.h"
#include "sf_time.h"
#include "sf.h"

#define MAX_TEXT	256		/* longest schedule accepted */
/*
 * How far to search, in days: 400 Gregorian years, after which dates and
 * weekdays repeat exactly (146,097 days is 20,871 weeks), so a schedule
 * that runs at all runs within it. Eight years were not enough for a
 * day of month and a weekday that must meet: Feb 29 on a Sunday comes
 * every 28 years.
 */
#define SEARCH_DAYS	146097
#define MAX_INTERVAL	(366 * 86400LL)	/* "366d" */
#define MAX_DURATION	(3660 * 86400LL) /* "3660d", ten years */

struct field {
	const char *name;
	int lo, hi;
};

static const struct field fields[5] = {
	{ "minute", 0, 59 },
	{ "hour", 0, 23 },
	{ "day of month", 1, 31 },
	{ "month", 1, 12 },
	{ "day of week", 0, 7 },
};

/* floor(a / b) for b > 0, for times before 1970 too. */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return q;
}

/*
 * Reads a decimal number at *p into *v (more than 8 digits read as
 * 100000000, out of every range) and moves *p past it. Returns 0, or
 * -1 if *p does not start with a digit.
 */
static int
number(const char **p, int *v)
{
	const char *s = *p;
	int n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++)
		n = n >= 10000000 ? 100000000 : n * 10 + (*s - '0');
	*v = n;
	*p = s;
	return 0;
}

/*
 * Parses one cron field (the text tok, of length len) into the bit set
 * *bits. sched is the whole schedule, for messages.
 */
static int
parse_field(const char *sched, const struct field *f, const char *tok,
    size_t len, uint64_t *bits, struct sf_err *err)
{
	char buf[MAX_TEXT];
	const char *p, *e, *item;
	int a, b, step, i, spans;

	memcpy(buf, tok, len);
	buf[len] = '\0';
	*bits = 0;
	for (p = buf; ; p = e + 1) {
		e = p + strcspn(p, ",");
		if (e == p)
			return sf_err_set(err, "schedule '%s': %s '%s': empty "
			    "list item", sched, f->name, buf);
		item = p;
		spans = 1;
		if (*p == '*') {
			a = f->lo;
			b = f->hi;
			p++;
		} else {
			if (number(&p, &a) == -1)
				goto bad;
			b = a;
			spans = *p == '-';
			if (spans) {
				p++;
				if (number(&p, &b) == -1)
					goto bad;
			}
			if (a < f->lo || a > f->hi || b < f->lo || b > f->hi)
				return sf_err_set(err, "schedule '%s': %s %d "
				    "out of range (%d-%d)", sched, f->name,
				    a < f->lo || a > f->hi ? a : b, f->lo,
				    f->hi);
			if (b < a)
				return sf_err_set(err, "schedule '%s': %s "
				    "range %d-%d runs backwards", sched,
				    f->name, a, b);
		}
		step = 1;
		if (*p == '/') {
			if (!spans)
				return sf_err_set(err, "schedule '%s': %s "
				    "'%.*s': a step needs a range or '*'",
				    sched, f->name, (int)(e - item), item);
			p++;
			if (number(&p, &step) == -1)
				goto bad;
			if (step < 1 || step > f->hi)
				return sf_err_set(err, "schedule '%s': %s "
				    "step %d out of range (1-%d)", sched,
				    f->name, step, f->hi);
		}
		if (p != e)
			goto bad;
		for (i = a; i <= b; i += step)
			*bits |= (uint64_t)1 << i;
		if (*e == '\0')
			break;
	}
	return 0;
bad:
	return sf_err_set(err, "schedule '%s': %s '%s': not a number, range "
	    "or step", sched, f->name, buf);
}

/*
 * Parses the interval tok (of length len): a whole number and m, h or d.
 * sched is the whole schedule, for messages.
 */
static int
parse_interval(const char *sched, const char *tok, size_t len,
    struct sf_sched *sc, struct sf_err *err)
{
	const char *p = tok;
	int64_t unit;
	int n;

	if (number(&p, &n) == -1 || (size_t)(p - tok) + 1 != len)
		return sf_err_set(err, "schedule '%s': not 5 cron fields, "
		    "nor an interval such as 15m, 1h or 1d", sched);
	switch (*p) {
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return sf_err_set(err, "schedule '%s': interval unit '%c' is "
		    "not m, h or d", sched, *p);
	}
	if (n < 1 || n * unit > MAX_INTERVAL)
		return sf_err_set(err, "schedule '%s': interval out of range "
		    "(1m to 366d)", sched);
	memset(sc, 0, sizeof(*sc));
	sc->kind = SF_SCHED_INTERVAL;
	sc->every = n * unit;
	return 0;
}

int
sf_sched_parse(const char *s, struct sf_sched *sc, struct sf_err *err)
{
	const char *tok[5], *p;
	size_t len[5], l;
	uint64_t bits[5];
	int n = 0, i;

	if (strlen(s) >= MAX_TEXT)
		return sf_err_set(err, "schedule '%.40s...': too long", s);
	for (p = s; ; p += l) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		l = strcspn(p, " \t");
		if (n < 5) {
			tok[n] = p;
			len[n] = l;
		}
		n++;
	}
	if (n == 0)
		return sf_err_set(err, "schedule '%s': empty", s);
	if (n == 1)
		return parse_interval(s, tok[0], len[0], sc, err);
	if (n != 5)
		return sf_err_set(err, "schedule '%s': %d fields, not 5 "
		    "(minute, hour, day of month, month, day of week)", s, n);
	for (i = 0; i < 5; i++)
		if (parse_field(s, &fields[i], tok[i], len[i], &bits[i],
		    err) == -1)
			return -1;
	memset(sc, 0, sizeof(*sc));
	sc->kind = SF_SCHED_CRON;
	sc->minute = bits[0];
	sc->hour = (uint32_t)bits[1];
	sc->mday = (uint32_t)bits[2];
	sc->month = (uint16_t)bits[3];
	if (bits[4] & (1u << 7))
		bits[4] |= 1;		/* 7 is Sunday too */
	sc->wday = (uint8_t)(bits[4] & 0x7f);
	sc->mday_any = *tok[2] == '*';
	sc->wday_any = *tok[4] == '*';
	return 0;
}

const char *
sf_sched_type(const struct sf_sched *sc)
{
	return sc->kind == SF_SCHED_INTERVAL ? "interval" : "cron";
}

int
sf_sched_cron_expr(const char *s, struct sf_buf *out, struct sf_err *err)
{
	struct sf_sched sc;
	const char *p;
	int64_t m, h;
	size_t l;

	sf_buf_reset(out);
	if (sf_sched_parse(s, &sc, err) == -1)
		return -1;
	if (sc.kind == SF_SCHED_CRON) {
		for (p = s;; p += l) {
			p += strspn(p, " \t");
			if (*p == '\0')
				break;
			l = strcspn(p, " \t");
			if (out->len > 0)
				sf_buf_addc(out, ' ');
			sf_buf_add(out, p, l);
		}
		/* parse_field let nothing else through; say so here too */
		if (strspn(out->buf, "0123456789*,-/ ") != out->len) {
			sf_buf_reset(out);
			return sf_err_set(err, "schedule '%s': unexpected "
			    "characters", s);
		}
		return 0;
	}
	m = sc.every / 60;
	h = sc.every / 3600;
	if (sc.every == 86400)
		sf_buf_adds(out, "0 0 * * *");
	else if (sc.every % 3600 == 0 && 24 % h == 0)
		sf_buf_addf(out, h == 1 ? "0 * * * *" : "0 */%d * * *", (int)h);
	else if (sc.every % 60 == 0 && sc.every < 3600 && 60 % m == 0)
		sf_buf_addf(out, m == 1 ? "* * * * *" : "*/%d * * * *", (int)m);
	else
		return sf_err_set(err, "interval '%s' cannot be written as a "
		    "cron schedule", s);
	return 0;
}

int
sf_sched_duration_parse(const char *s, int64_t *secs, struct sf_err *err)
{
	static const char units[] = "smhd";
	static const int64_t mult[] = { 1, 60, 3600, 86400 };
	const char *p = s, *u;
	int64_t n = 0;

	if (*p < '0' || *p > '9')
		return sf_err_set(err, "duration '%s': not a number of "
		    "seconds, nor a number and s, m, h or d (such as 6h)", s);
	/* stop growing past the maximum: far from overflow */
	for (; *p >= '0' && *p <= '9'; p++)
		if (n <= MAX_DURATION)
			n = n * 10 + (*p - '0');
	u = *p != '\0' ? strchr(units, *p) : units;
	if (u == NULL || (*p != '\0' && p[1] != '\0'))
		return sf_err_set(err, "duration '%s': not a number of "
		    "seconds, nor a number and s, m, h or d (such as 6h)", s);
	n *= mult[u - units];
	if (n < 1 || n > MAX_DURATION)
		return sf_err_set(err, "duration '%s': out of range (1s to "
		    "3660d)", s);
	*secs = n;
	return 0;
}

/* Does the day (days since 1970-01-01) run, by its month and day fields? */
static int
day_runs(const struct sf_sched *sc, int64_t day)
{
	struct sf_civil c;
	int wd, dom, dow;

	sf_time_to_civil(day * 86400, &c);
	if (!(sc->month & (1u << c.mon)))
		return 0;
	/* 1970-01-01 was a Thursday */
	wd = (int)((day % 7 + 7 + 4) % 7);
	dom = (sc->mday & (1u << c.day)) != 0;
	dow = (sc->wday & (1u << wd)) != 0;
	if (sc->mday_any || sc->wday_any)
		return dom && dow;
	return dom || dow;
}

/* The first bit of mask at or above i (below n), or -1. */
static int
bit_up(uint64_t mask, int i, int n)
{
	for (; i < n; i++)
		if (mask & ((uint64_t)1 << i))
			return i;
	return -1;
}

/* The last bit of mask at or below i, or -1. */
static int
bit_down(uint64_t mask, int i)
{
	for (; i >= 0; i--)
		if (mask & ((uint64_t)1 << i))
			return i;
	return -1;
}

/*
 * The first minute of the day at or after minute m of it (0-1439) that
 * runs, as a minute of the day, or -1.
 */
static int
minute_up(const struct sf_sched *sc, int m)
{
	int h, mi;

	for (h = m / 60, mi = m % 60; h < 24; h++, mi = 0) {
		if (!(sc->hour & (1u << h)))
			continue;
		if ((mi = bit_up(sc->minute, mi, 60)) != -1)
			return h * 60 + mi;
	}
	return -1;
}

/* The last minute of the day at or before minute m that runs, or -1. */
static int
minute_down(const struct sf_sched *sc, int m)
{
	int h, mi;

	for (h = m / 60, mi = m % 60; h >= 0; h--, mi = 59) {
		if (!(sc->hour & (1u << h)))
			continue;
		if ((mi = bit_down(sc->minute, mi)) != -1)
			return h * 60 + mi;
	}
	return -1;
}

int64_t
sf_sched_next(const struct sf_sched *sc, int64_t t)
{
	int64_t start, day, d;
	int m;

	if (sc->kind == SF_SCHED_INTERVAL)
		return sc->every > 0 ?
		    (floordiv(t, sc->every) + 1) * sc->every : -1;
	start = (floordiv(t, 60) + 1) * 60;	/* the next whole minute */
	day = floordiv(start, 86400);
	m = (int)((start - day * 86400) / 60);
	for (d = day; d < day + SEARCH_DAYS; d++, m = 0) {
		if (!day_runs(sc, d))
			continue;
		if ((m = minute_up(sc, m)) != -1)
			return d * 86400 + m * 60;
	}
	return -1;
}

int64_t
sf_sched_prev(const struct sf_sched *sc, int64_t t)
{
	int64_t start, day, d;
	int m;

	if (sc->kind == SF_SCHED_INTERVAL)
		return sc->every > 0 ?
		    floordiv(t - 1, sc->every) * sc->every : -1;
	start = floordiv(t - 1, 60) * 60;	/* the last whole minute */
	day = floordiv(start, 86400);
	m = (int)((start - day * 86400) / 60);
	for (d = day; d > day - SEARCH_DAYS; d--, m = 1439) {
		if (!day_runs(sc, d))
			continue;
		if ((m = minute_down(sc, m)) != -1)
			return d * 86400 + m * 60;
	}
	return -1;
}
