/*
 * bench-gen: writes a deterministic set of fifteen-minute discharge
 * observations as sf obs records (CSV or NDJSON) on stdout, for
 * scripts/bench.py.
 *
 * usage: bench-gen [-u] [-c config] [-f csv|ndjson] [-m obs] [-n stations]
 *                  [-s start]
 *
 * Station i (0 <= i < n) is number 01000000 + i, printed with eight
 * digits; its observation j (start <= j < start + m) is at
 * 2024-01-01T00:00:00Z + 900 j seconds. Rows are grouped by station,
 * ascending in time, as the fetchers emit them. Every value is a function
 * of (i, j) alone, so "-s 1000 -m 10" writes the ten observations that
 * follow "-m 1000", and two runs with the same options write the same
 * bytes.
 *
 * discharge has two decimals; 1 in 1000 is null with quality_code
 * "P:Ice"; about 1 in 5 of the rest is "A", the others "P". With -u every
 * value is changed (raised by about 1 %, at least one hundredth) and
 * marked "A" (a provisional value approved), to produce updated rows.
 *
 * Plain C11 without sf's libraries, so the driver can build it with
 * "cc -O2" alone.
 */
#define _POSIX_C_SOURCE 200809L	/* getopt */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIRST_STATION	1000000L	/* 01000000 */
#define EPOCH_2024	1704067200LL	/* 2024-01-01T00:00:00Z */
#define STEP		900		/* fifteen minutes */
#define TIMELEN		64

static const char *progname = "bench-gen";

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-u] [-c config] [-f csv|ndjson] "
	    "[-m obs] [-n stations] [-s start]\n", progname);
	exit(2);
}

/* A whole number in [min, max] from option opt, or a usage error. */
static long
number(const char *s, int opt, long min, long max)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: -%c '%s': not a number from %ld to %ld\n",
		    progname, opt, s, min, max);
		exit(2);
	}
	return v;
}

/* splitmix64: a well-mixed 64-bit value from x; the whole generator. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Writes t (seconds since 1970, UTC, t >= 0) as YYYY-MM-DDTHH:MM:SSZ into
 * buf. The years we write need 21 bytes with the NUL; TIMELEN leaves room
 * for any long long, which keeps -Wformat-truncation quiet. Days to date
 * by Howard Hinnant's civil_from_days; no gmtime, so TZ cannot matter.
 */
static void
fmt_time(long long t, char buf[TIMELEN])
{
	long long days = t / 86400, secs = t % 86400;
	long long z, era, doe, yoe, y, doy, mp, d, m;

	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(buf, TIMELEN, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	    y, m, d, secs / 3600, secs / 60 % 60, secs % 60);
}

int
main(int argc, char *argv[])
{
	static char obuf[1 << 16];
	const char *config = "bench";
	long nst = 1000, nobs = 1000, start = 0, i, j;
	int c, json = 0, update = 0;

	while ((c = getopt(argc, argv, "c:f:m:n:s:u")) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			if (strpbrk(config, "\",\\\n\r") != NULL) {
				fprintf(stderr, "%s: -c '%s': needs quoting\n",
				    progname, config);
				exit(2);
			}
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				json = 0;
			else if (strcmp(optarg, "ndjson") == 0)
				json = 1;
			else
				usage();
			break;
		case 'm':
			nobs = number(optarg, c, 0, 100000000);
			break;
		case 'n':
			nst = number(optarg, c, 0, 98999999);
			break;
		case 's':
			start = number(optarg, c, 0, 100000000);
			break;
		case 'u':
			update = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (!json)
		puts("config,station,agency,type,observed_at,discharge,unit,"
		    "quality_code");
	for (i = 0; i < nst; i++) {
		long station = FIRST_STATION + i;
		/* Each station has its own typical flow, 10 to 5010 cfs. */
		uint64_t base = 1000 + mix((uint64_t)station) % 500000;

		for (j = start; j < start + nobs; j++) {
			uint64_t h = mix((uint64_t)station << 32 | (uint64_t)j);
			/* cents: base * [0.5, 1.5) */
			uint64_t cents = base / 2 + (h >> 20) % (base + 1);
			const char *q = h % 5 == 0 ? "A" : "P";
			int null = h % 1000 == 999;
			char t[TIMELEN], v[32];

			if (update) {
				cents += cents / 100 + 1;
				q = "A";
			}
			if (null)
				q = update ? "A:Ice" : "P:Ice";
			fmt_time(EPOCH_2024 + (long long)STEP * j, t);
			if (null)
				snprintf(v, sizeof(v), "%s", json ? "null" : "");
			else
				snprintf(v, sizeof(v), "%llu.%02llu",
				    (unsigned long long)(cents / 100),
				    (unsigned long long)(cents % 100));
			if (json)
				printf("{\"kind\":\"obs\",\"config\":\"%s\","
				    "\"station\":\"%08ld\",\"agency\":\"USGS\","
				    "\"type\":\"realtime_15min\","
				    "\"observed_at\":\"%s\",\"discharge\":%s,"
				    "\"unit\":\"cfs\",\"quality_code\":\"%s\"}\n",
				    config, station, t, v, q);
			else
				printf("%s,%08ld,USGS,realtime_15min,%s,%s,cfs,"
				    "%s\n", config, station, t, v, q);
		}
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror(progname);
		return 1;
	}
	return 0;
}
