/*
 * sf-load: validate records and load them into the archive.
 *
 * Reads obs, forecast, station, error and done records (NDJSON or CSV) from the
 * files named, or stdin, and hands each to sf_store; a bad record is
 * reported with its line number and skipped, and the rest go on.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_db.h"
#include "sf_cli.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_map.h"
#include "sf_rec.h"
#include "sf_store.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

#define DEFAULT_BATCH 20000

static const char usage_text[] =
    "usage: sf-load [-qv] [--allow-negative] [--batch N] [--db PATH] "
    "[--strict] [file ...]\n";

static const struct option longopts[] = {
	{ "allow-negative", no_argument, NULL, 'N' },
	{ "batch", required_argument, NULL, 'b' },
	{ "db", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "strict", no_argument, NULL, 'S' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	sf_warn("%s", msg);
}

/*
 * Loads one input. Returns 0 when it was read to the end, 1 when it had
 * bad records (or could not be read), -1 when loading must stop: the
 * database failed, or --strict met a bad record.
 */
static int
load(struct sf_store *st, const char *name, int strict, long *bad)
{
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	FILE *fp;
	int rc, r = 0;

	if ((fp = sf_cli_open(name)) == NULL)
		return strict ? -1 : 1;
	rd = sf_reader_new(fp, name);
	for (;;) {
		rc = sf_reader_next(rd, &rec, &err);
		if (rc == 0)
			break;
		if (rc == -2) {
			sf_error("%s", err.msg);
			r = 1;
			break;
		}
		if (rc == -1) {
			sf_error("%s", err.msg);
			(*bad)++;
			r = 1;
			if (strict) {
				r = -1;
				break;
			}
			continue;
		}
		rc = sf_store_put(st, &rec, &err);
		if (rc == -1) {
			sf_error("%s:%ld: %s", strcmp(name, "-") == 0 ?
			    "stdin" : name, sf_reader_line(rd), err.msg);
			r = 1;
			if (strict) {
				r = -1;
				break;
			}
		} else if (rc == -2) {
			sf_error("%s", err.msg);
			r = -1;
			break;
		}
	}
	sf_reader_free(rd);
	sf_cli_close(fp);
	return r;
}

int
main(int argc, char *argv[])
{
	struct sf_store_opts o = { 0 };
	const struct sf_store_counts *n;
	struct sf_store *st;
	struct sf_db *db;
	struct sf_err err;
	const char *dbpath = NULL;
	long long batch = DEFAULT_BATCH;
	long bad = 0;
	int c, i, strict = 0, rval = 0, r;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "hqvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'N':
			o.allow_negative = 1;
			break;
		case 'b':
			if (sf_str_toll(optarg, 1, 100000000, &batch, &err)) {
				sf_error("--batch: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'S':
			strict = 1;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	if (sf_time_now(&o.now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	o.batch = strict ? 0 : (long)batch;
	o.warn = warn_cb;
	sf_db_set_seed(sf_map_import_shipped);
	if ((db = sf_db_open_opt(dbpath, SF_DB_CREATE | SF_DB_PG,
	    &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if ((st = sf_store_new(db, &o, &err)) == NULL) {
		sf_db_close(db);
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	}

	r = 0;
	for (i = 0; i < argc || (i == 0 && argc == 0); i++) {
		r = load(st, argc ? argv[i] : "-", strict, &bad);
		if (r != 0)
			rval = SF_EXIT_FAIL;
		if (r == -1)
			break;
	}
	if (r == -1 && strict) {
		sf_store_rollback(st);
		sf_error("nothing loaded (--strict)");
		if (sf_store_log(st, 1, &err) == -2)
			sf_error("%s", err.msg);
	} else if (r != -1) {
		if (sf_store_commit(st, &err) == -2 ||
		    sf_store_log(st, 0, &err) == -2) {
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
		}
	}
	n = sf_store_counts(st);
	if (n->failed > 0 || n->rejected > 0)
		rval = SF_EXIT_FAIL;
	sf_info("%ld inserted, %ld updated, %ld unchanged, %ld rejected, "
	    "%ld error records", n->inserted, n->updated, n->unchanged,
	    n->rejected + bad, n->failed);
	sf_store_free(st);
	sf_db_close(db);
	return rval;
}
