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
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "sf_db.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_map.h"
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

/* The filter's state. */
struct filter {
	struct sf_map *map;
	struct sf_writer *w;
	enum sf_format fmt;
	const char *to;
	const char *agency;
	int rval;
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

/*
 * Writes rec; an error record in CSV goes to stderr. Returns 0, or -1
 * when the writer refused it (reported here, with where).
 */
static int
put(struct filter *f, const struct sf_rec *rec, const char *where)
{
	struct sf_err err;
	const char *st, *msg;

	if (rec->kind == SF_KIND_ERROR && f->fmt == SF_FMT_CSV) {
		st = rec->f[SF_EREC_STATION];
		msg = rec->f[SF_EREC_MESSAGE] ? rec->f[SF_EREC_MESSAGE] :
		    "error record without a message";
		if (st != NULL)
			sf_error("station '%s': %s", st, msg);
		else
			sf_error("%s", msg);
		return 0;
	}
	if (sf_writer_put(f->w, rec, &err) == -1) {
		sf_error("%s: %s", where, err.msg);
		f->rval = SF_EXIT_FAIL;
		return -1;
	}
	return 0;
}

/* Emits the error record that takes the place of request rec. */
static void
fail_request(struct filter *f, const struct sf_rec *rec, const char *agency,
    const char *msg, const char *where)
{
	struct sf_rec e;
	char num[SF_NUM_LEN];

	sf_rec_error(&e, rec->f[SF_REQ_CONFIG], rec->f[SF_REQ_STATION], agency,
	    rec->f[SF_REQ_TYPE], rec->f[SF_REQ_START], 0, num, msg);
	if (f->fmt == SF_FMT_CSV)
		sf_error("%s", msg);
	else
		put(f, &e, where);
	f->rval = SF_EXIT_FAIL;
}

/*
 * Fills the target_id of request rec and writes it, or writes an error
 * record. Returns 0, or -1 when the database failed.
 */
static int
map_request(struct filter *f, struct sf_rec *rec, const char *where)
{
	struct sf_buf msg = SF_BUF_INIT;
	struct sf_err err;
	int r;

	if (rec->f[SF_REQ_STATION] == NULL || *rec->f[SF_REQ_STATION] == '\0') {
		sf_error("%s: request without a station", where);
		f->rval = SF_EXIT_FAIL;
		return 0;
	}
	r = sf_map_fill(f->map, rec, f->to, f->agency, &msg, &err);
	if (r == -1)
		sf_error("%s", err.msg);
	else if (r == 0)
		fail_request(f, rec, rec->f[SF_REQ_AGENCY], msg.buf, where);
	else
		put(f, rec, where);
	sf_buf_release(&msg);
	return r == -1 ? -1 : 0;
}

/* Filters one input. Returns 0, or -1 when the database failed. */
static int
filter_file(struct filter *f, const char *name)
{
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	struct sf_buf where = SF_BUF_INIT;
	FILE *fp;
	int rc, r = 0;

	if (strcmp(name, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(name, "r")) == NULL) {
		sf_error("cannot open '%s': %s", name, strerror(errno));
		f->rval = SF_EXIT_FAIL;
		return 0;
	}
	rd = sf_reader_new(fp, name);
	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			sf_error("%s", err.msg);
			f->rval = SF_EXIT_FAIL;
			if (rc == -2)
				break;
			continue;
		}
		sf_buf_reset(&where);
		sf_buf_addf(&where, "%s:%ld", strcmp(name, "-") == 0 ?
		    "stdin" : name, sf_reader_line(rd));
		if (rec.kind != SF_KIND_REQUEST)
			put(f, &rec, where.buf);
		else if (map_request(f, &rec, where.buf) == -1) {
			r = -1;
			break;
		}
	}
	sf_buf_release(&where);
	sf_reader_free(rd);
	if (fp != stdin)
		fclose(fp);
	return r;
}

static int
run_filter(struct sf_db *db, const struct opts *o, int argc, char *argv[])
{
	struct filter f = { 0 };
	struct sf_rec rec;
	struct sf_err err;
	int i, r = 0;

	if ((f.map = sf_map_new(db, &err)) == NULL) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	f.w = sf_writer_new(stdout, o->fmt);
	f.fmt = o->fmt;
	f.to = o->to;
	f.agency = o->agency;
	for (i = 0; i < o->nids && r == 0; i++) {
		sf_rec_clear(&rec, SF_KIND_REQUEST);
		rec.f[SF_REQ_STATION] = o->ids[i];
		r = map_request(&f, &rec, "-s");
	}
	for (i = 0; o->nids == 0 && r == 0 &&
	    (i < argc || (i == 0 && argc == 0)); i++)
		r = filter_file(&f, argc ? argv[i] : "-");
	if (r == -1)
		f.rval = SF_EXIT_FAIL;
	sf_writer_free(f.w);
	sf_map_free(f.map);
	return f.rval;
}

static void
import_note(void *arg, int bad, const char *msg)
{
	(void)arg;
	if (bad)
		sf_error("%s", msg);
	else
		sf_info("%s", msg);
}

static int
run_import(struct sf_db *db, const struct opts *o, const char *file)
{
	struct sf_map_counts n;
	struct sf_err err;
	FILE *fp = NULL;
	int r;

	if (file != NULL && strcmp(file, "-") == 0)
		fp = stdin;
	else if (file != NULL && (fp = fopen(file, "r")) == NULL) {
		sf_error("cannot open '%s': %s", file, strerror(errno));
		return SF_EXIT_FAIL;
	}
	r = sf_map_import_stream(db, fp, o->hads ? SF_MAP_HADS : SF_MAP_CSV,
	    file ? file : SF_MAP_SHIPPED, o->replace, import_note, NULL, &n,
	    &err);
	if (fp != NULL && fp != stdin)
		fclose(fp);
	if (r == -1) {
		sf_error("%s", err.msg);
		sf_error("nothing imported");
		return SF_EXIT_FAIL;
	}
	sf_info("%ld inserted, %ld unchanged, %ld replaced, %ld conflicts, "
	    "%ld bad lines", n.inserted, n.unchanged, n.replaced,
	    n.conflicts, n.bad);
	return r == 1 ? SF_EXIT_FAIL : 0;
}

struct lister {
	enum sf_format fmt;
	long rows;
	struct sf_buf b;
};

static int
list_row(void *arg, const struct sf_map_row *r)
{
	struct lister *l = arg;
	struct sf_buf *b = &l->b;

	sf_buf_reset(b);
	sf_map_row_format(r, l->fmt == SF_FMT_NDJSON, l->rows == 0, b);
	l->rows++;
	fwrite(b->buf, 1, b->len, stdout);
	/* A closed pipe ends the listing; sf_fshut reports other errors. */
	return ferror(stdout) ? 1 : 0;
}

static int
run_list(struct sf_db *db, const struct opts *o)
{
	struct lister l = { o->fmt, 0, SF_BUF_INIT };
	struct sf_err err;
	int r;

	r = sf_map_list(db, o->agency, o->to, list_row, &l, &err);
	sf_buf_release(&l.b);
	if (r == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	return 0;
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
			if (c == 'h' || c == 'V')
				free(o.ids);
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
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
	if ((db = sf_db_open_opt(o.dbpath, o.mode == IMPORT ? SF_DB_CREATE :
	    SF_DB_READONLY, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (o.mode == IMPORT)
		rval = run_import(db, &o, argc ? argv[0] : NULL);
	else if (o.mode == LIST)
		rval = run_list(db, &o);
	else
		rval = run_filter(db, &o, argc, argv);
	sf_db_close(db);
	free(o.ids);
	if (sf_fshut(stdout, "stdout") == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}
