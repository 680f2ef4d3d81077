/*
 * sf-map: translate station ids between agencies (USGS and EC stations to
 * NOAA-HADS location ids and NWM reach ids), and keep the table
 * station_mappings that says how.
 *
 * Three forms: a filter that fills target_id in request records (or makes
 * request records for the stations named with -s); "import", which reads
 * a mapping CSV, the HADS crosswalk or the shipped mappings into the
 * table; "list", which prints the table as a mapping CSV.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_cli.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_map.h"
#include "sf_mapop.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-map [-qv] [--agency A] [--db PATH] [-f FORMAT] [-s ID ...] "
    "--to T [file ...]\n"
    "       sf-map import [-qv] [--db PATH] [--hads] [--replace] [file]\n"
    "       sf-map list [-qv] [--agency A] [--db PATH] [-f FORMAT] "
    "[--to T]\n";

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "hads", no_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "replace", no_argument, NULL, 'R' },
	{ "station", required_argument, NULL, 's' },
	{ "to", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

enum mode { FILTER, IMPORT, LIST };

static const char *const mode_name[] = { "the filter", "import", "list" };

struct opts {
	enum mode mode;
	const char *agency;	/* --agency */
	const char *dbpath;
	const char *to;		/* --to */
	enum sf_format fmt;
	int hads, replace;
	const char **ids;	/* -s, in order */
	int nids;
};

/* Refuses an option that the form in use does not take. */
static void
only(const struct opts *o, int ok, const char *opt)
{
	if (!ok) {
		sf_error("%s: not an option of %s", opt, mode_name[o->mode]);
		sf_usage_die();
	}
}

static int
run_filter(struct sf_db *db, const struct opts *o, int argc, char *argv[])
{
	struct sf_mapop_filter *f;
	FILE *fp;
	int i, r = 0, rval = 0;

	if ((f = sf_mapop_filter_new(db, stdout, o->fmt, o->to, o->agency,
	    sf_cli_note, NULL)) == NULL)
		return SF_EXIT_FAIL;
	for (i = 0; i < o->nids && r == 0; i++)
		r = sf_mapop_filter_station(f, o->ids[i]);
	for (i = 0; o->nids == 0 && r == 0 &&
	    (i < argc || (i == 0 && argc == 0)); i++) {
		if ((fp = sf_cli_open(argc ? argv[i] : "-")) == NULL) {
			rval = SF_EXIT_FAIL;
			continue;
		}
		r = sf_mapop_filter_stream(f, fp, argc ? argv[i] : "-");
		sf_cli_close(fp);
	}
	if (sf_mapop_filter_free(f) == -1 || r == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}

static int
run_import(struct sf_db *db, const struct opts *o, const char *file)
{
	FILE *fp = NULL;
	int r;

	if (file != NULL && (fp = sf_cli_open(file)) == NULL)
		return SF_EXIT_FAIL;
	r = sf_mapop_import(db, fp, file ? file : SF_MAP_SHIPPED, o->hads,
	    o->replace, sf_cli_note, NULL);
	sf_cli_close(fp);
	return r == 0 ? 0 : SF_EXIT_FAIL;
}

int
main(int argc, char *argv[])
{
	struct opts o = { 0 };
	struct sf_db *db;
	struct sf_err err;
	int c, i, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	o.mode = FILTER;
	o.fmt = SF_FMT_NDJSON;
	/*
	 * The verb is the first operand, wherever the options are: a
	 * first pass stops there ("+"), quietly; the real pass reports.
	 */
	opterr = 0;
	while (getopt_long(argc, argv, "+f:hqs:vV", longopts, NULL) != -1)
		;
	opterr = 1;
	if (optind < argc && (strcmp(argv[optind], "import") == 0 ||
	    strcmp(argv[optind], "list") == 0) &&
	    strcmp(argv[optind - 1], "--") != 0) {
		if (strcmp(argv[optind], "import") == 0)
			o.mode = IMPORT;
		else {
			o.mode = LIST;
			o.fmt = SF_FMT_CSV;
		}
		for (i = optind; i < argc; i++)
			argv[i] = argv[i + 1];
		argc--;
	}
	optind = 0;	/* start over, permuting */
	o.ids = sf_calloc((size_t)argc, sizeof(*o.ids));
	while ((c = getopt_long(argc, argv, "f:hqs:vV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a':
			only(&o, o.mode != IMPORT, "--agency");
			if (!sf_map_source_agency(optarg)) {
				sf_error("--agency: '%s': not USGS or EC",
				    optarg);
				sf_usage_die();
			}
			o.agency = optarg;
			break;
		case 'd':
			o.dbpath = optarg;
			break;
		case 'f':
			only(&o, o.mode != IMPORT, "--format");
			if (sf_format_parse(optarg, &o.fmt, &err) == -1) {
				sf_error("--format: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 'H':
			only(&o, o.mode == IMPORT, "--hads");
			o.hads = 1;
			break;
		case 'R':
			only(&o, o.mode == IMPORT, "--replace");
			o.replace = 1;
			break;
		case 's':
			only(&o, o.mode == FILTER, "--station");
			o.ids[o.nids++] = optarg;
			break;
		case 't':
			only(&o, o.mode != IMPORT, "--to");
			if (!sf_map_target_agency(optarg)) {
				sf_error("--to: '%s': not NOAA-HADS or NWM",
				    optarg);
				sf_usage_die();
			}
			o.to = optarg;
			break;
		default:
			sf_cli_opt(c, usage_text, o.ids);
		}
	}
	argc -= optind;
	argv += optind;

	if (o.mode == FILTER && o.to == NULL) {
		sf_error("--to is required (NOAA-HADS or NWM)");
		sf_usage_die();
	}
	if (o.mode == FILTER && o.nids > 0 && argc > 0) {
		sf_error("give stations with -s or records to read, not both");
		sf_usage_die();
	}
	for (i = 0; i < o.nids; i++) {
		if (o.agency == NULL && sf_id_agency_guess(o.ids[i]) == NULL) {
			sf_error("station '%s': not a USGS or EC station id "
			    "(give --agency)", o.ids[i]);
			sf_usage_die();
		}
	}
	if ((o.mode == IMPORT && argc > 1) || (o.mode == LIST && argc > 0)) {
		sf_error("%s: too many operands", mode_name[o.mode]);
		sf_usage_die();
	}
	if (o.mode == IMPORT && o.hads && argc == 0) {
		sf_error("--hads needs a file ('-' for the standard input)");
		sf_usage_die();
	}

	/* only import writes: the filter and list never create a database */
	sf_db_set_seed(sf_map_import_shipped);
	if ((db = sf_db_open_opt(o.dbpath, SF_DB_PG | (o.mode == IMPORT ?
	    SF_DB_CREATE : SF_DB_READONLY), &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (o.mode == IMPORT)
		rval = run_import(db, &o, argc ? argv[0] : NULL);
	else if (o.mode == LIST)
		rval = sf_mapop_list(db, o.agency, o.to, stdout, o.fmt,
		    sf_cli_note, NULL) ? SF_EXIT_FAIL : 0;
	else
		rval = run_filter(db, &o, argc, argv);
	sf_db_close(db);
	free(o.ids);
	if (sf_fshut(stdout, "stdout") == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}
