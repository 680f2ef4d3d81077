/*
 * pgload: drives lib/sf_pg for the tests against a real server
 * (tests/cmd/t09*-pg-*.sh) and for scripts/bench-pg. The database is
 * $SF_PG_URI; without it pgload fails.
 *
 *   pgload migrate [GO]       create the schema (after file GO exists);
 *                             prints "created" or "found"
 *   pgload hold NAME HELD GO  lock configuration NAME, create file HELD,
 *                             wait for file GO, unlock
 *   pgload trylock NAME       prints "locked" (exit 0) or "busy" (exit 1)
 *   pgload load S N [DELTA [FIRST [BATCH]]]
 *                             N fifteen-minute values for each of
 *                             stations 1..S from 2024-01-01 plus FIRST
 *                             steps, DELTA added, in batches of BATCH rows
 *   pgload dup | odd | abort | reject
 *                             the edge cases of the loader (see below)
 *
 * Loads print "inserted I updated U unchanged K" (summed over batches) and
 * "maxrss KB" on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sf_err.h"
#include "sf_pg.h"
#include "sf.h"

static struct sf_pg *pg;
static struct sf_err err;
static struct sf_pg_counts total;

static void
die(void)
{
	fprintf(stderr, "pgload: %s\n", err.msg);
	sf_pg_close(pg);
	exit(1);
}

static long long
num(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s) {
		fprintf(stderr, "pgload: '%s': not a number\n", s);
		exit(2);
	}
	return v;
}

static void
wait_for(const char *path)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; access(path, F_OK) != 0; i++) {
		if (i > 60000) {
			fprintf(stderr, "pgload: '%s' never came\n", path);
			exit(1);
		}
		nanosleep(&ms, NULL);
	}
}

static void
commit(void)
{
	struct sf_pg_counts c;

	if (sf_pg_load_commit(pg, &c, &err) == -1)
		die();
	total.inserted += c.inserted;
	total.updated += c.updated;
	total.unchanged += c.unchanged;
}

static void
add(int64_t st, int64_t t, double v, const char *qc)
{
	struct sf_pg_obs o = { st, t, "realtime_15min", "cfs", qc, v, 1, 0 };

	if (sf_pg_load_obs(pg, &o, &err) == -1)
		die();
}

/* report: the counts, and the statistics flushed for the next session */
static void
report(void)
{
	struct rusage ru;

	printf("inserted %jd updated %jd unchanged %jd\n",
	    (intmax_t)total.inserted, (intmax_t)total.updated,
	    (intmax_t)total.unchanged);
	if (sf_pg_exec(pg, "SELECT pg_stat_force_next_flush()", 0, NULL,
	    NULL, NULL, &err) == -1 ||
	    sf_pg_exec(pg, "SELECT 1", 0, NULL, NULL, NULL, &err) == -1)
		die();
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "maxrss %ld\n", ru.ru_maxrss);
}

static void
load(int argc, char **argv)
{
	long long ns, per, delta, first, batch, s, i, n = 0;
	const int64_t base = 1704067200;	/* 2024-01-01T00:00:00Z */

	if (argc < 4)
		exit(2);
	ns = num(argv[2]);
	per = num(argv[3]);
	delta = argc > 4 ? num(argv[4]) : 0;
	first = argc > 5 ? num(argv[5]) : 0;
	batch = argc > 6 ? num(argv[6]) : 0;
	if (sf_pg_load_begin(pg, &err) == -1)
		die();
	for (s = 0; s < ns; s++) {
		for (i = first; i < first + per; i++) {
			if (batch > 0 && n > 0 && n % batch == 0) {
				commit();
				if (sf_pg_load_begin(pg, &err) == -1)
					die();
			}
			add(s + 1, base + i * 900,
			    (double)((s * 7 + i * 3) % 1000) / 4 + delta, "P");
			n++;
		}
	}
	commit();
	report();
}

int
main(int argc, char **argv)
{
	const char *uri = getenv("SF_PG_URI");
	const char *cmd = argc > 1 ? argv[1] : "";
	int created, rc;

	if (uri == NULL || *uri == '\0') {
		fprintf(stderr, "pgload: SF_PG_URI is not set\n");
		return 1;
	}
	if ((pg = sf_pg_open(uri, &err)) == NULL)
		die();
	if (strcmp(cmd, "migrate") == 0) {
		if (argc > 2)
			wait_for(argv[2]);
		if (sf_pg_migrate(pg, &created, &err) == -1)
			die();
		puts(created ? "created" : "found");
	} else if (strcmp(cmd, "hold") == 0 && argc == 5) {
		if ((rc = sf_pg_lock_config(pg, argv[2], &err)) != 0) {
			if (rc == -1)
				die();
			puts("busy");
			sf_pg_close(pg);
			return 1;
		}
		fclose(fopen(argv[3], "w"));
		wait_for(argv[4]);
		if (sf_pg_unlock_config(pg, argv[2], &err) == -1)
			die();
	} else if (strcmp(cmd, "trylock") == 0 && argc == 3) {
		if ((rc = sf_pg_lock_config(pg, argv[2], &err)) == -1)
			die();
		puts(rc == 0 ? "locked" : "busy");
		sf_pg_close(pg);
		return rc;
	} else if (strcmp(cmd, "load") == 0) {
		load(argc, argv);
	} else if (strcmp(cmd, "dup") == 0) {
		/* one key three times, out of order: the last row wins */
		if (sf_pg_load_begin(pg, &err) == -1)
			die();
		add(1, 1704067200, 1, "P");
		add(1, 1704068100, 5, "P");
		add(1, 1704067200, 2, "P");
		add(1, 1704067200, 3, "A");
		commit();
		report();
	} else if (strcmp(cmd, "odd") == 0) {
		/* a missing value, and a code with COPY's special bytes */
		struct sf_pg_obs o = { 2, 1704067200, "daily_mean", "cms",
		    "a\tb\\c\nd\r", 0, 0, 0 };

		if (sf_pg_load_begin(pg, &err) == -1 ||
		    sf_pg_load_obs(pg, &o, &err) == -1)
			die();
		commit();
		report();
	} else if (strcmp(cmd, "abort") == 0) {
		if (sf_pg_load_begin(pg, &err) == -1)
			die();
		add(1, 1, 1, NULL);
		sf_pg_load_abort(pg);
		/* the connection is usable again */
		if (sf_pg_load_begin(pg, &err) == -1)
			die();
		commit();
		report();
	} else if (strcmp(cmd, "reject") == 0) {
		/* a bad row aborts the batch; nothing of it is applied */
		if (sf_pg_load_begin(pg, &err) == -1)
			die();
		add(1, 1, 1, NULL);
		add(1, 2, 1.0 / 0.0, NULL);
	} else {
		fprintf(stderr, "usage: pgload migrate|hold|trylock|load|"
		    "dup|odd|abort|reject ...\n");
		sf_pg_close(pg);
		return 2;
	}
	sf_pg_close(pg);
	return 0;
}
