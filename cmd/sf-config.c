/*
 * sf-config: pull configurations, their stations and schedules, and the
 * crontab lines that run them.
 *
 * Configurations live in the tables pull_configurations and
 * pull_configuration_stations. "sf-config crontab" turns each enabled one
 * into a crontab line running the whole pipeline with absolute paths, so
 * that it works in cron's bare environment, and --install merges those
 * lines into the user's crontab between two marker comments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_config.h"
#include "sf_cronio.h"
#include "sf_crontab.h"
#include "sf_db.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_report.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-config add [-qv] [--db PATH] name --type TYPE "
    "--agency AGENCY --start DATE --schedule SCHEDULE "
    "[--strategy STRATEGY] [--source SOURCE] [--description TEXT] "
    "[--revision-window DAYS] [--stale-after DURATION]\n"
    "       sf-config set [-qv] [--db PATH] name [--type TYPE] "
    "[--agency AGENCY] [--start DATE] [--schedule SCHEDULE] "
    "[--strategy STRATEGY] [--source SOURCE] [--description TEXT] "
    "[--revision-window DAYS] [--stale-after DURATION]\n"
    "       sf-config show [-qv] [--db PATH] [-f FORMAT] name\n"
    "       sf-config list [-qv] [--db PATH] [-f FORMAT]\n"
    "       sf-config rm [-qv] [--db PATH] name ...\n"
    "       sf-config enable [-qv] [--db PATH] name ...\n"
    "       sf-config disable [-qv] [--db PATH] name ...\n"
    "       sf-config stations [-qv] [--db PATH] name add station ...\n"
    "       sf-config stations [-qv] [--db PATH] name rm station ...\n"
    "       sf-config stations [-qv] [--db PATH] [-f FORMAT] name list\n"
    "       sf-config crontab [-qv] [--db PATH] [name ...]\n"
    "       sf-config crontab [-qv] [--db PATH] --install | --uninstall\n";

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "db", required_argument, NULL, 'd' },
	{ "description", required_argument, NULL, 'D' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "install", no_argument, NULL, 'I' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "revision-window", required_argument, NULL, 'W' },
	{ "schedule", required_argument, NULL, 'S' },
	{ "source", required_argument, NULL, 'o' },
	{ "stale-after", required_argument, NULL, 'A' },
	{ "start", required_argument, NULL, 'b' },
	{ "station", required_argument, NULL, 's' },
	{ "strategy", required_argument, NULL, 'y' },
	{ "type", required_argument, NULL, 't' },
	{ "uninstall", no_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* What the options say: a configuration's fields, and -s stations. */
struct fields {
	struct sf_config_opts o;
	const char **ids;		/* -s, in order */
	int nids;
};

static void
check_name(const char *name)
{
	if (!sf_config_name_ok(name)) {
		sf_error("configuration name '%s': use 1 to %d letters, "
		    "digits, '-', '_' or '.', not starting with '-' or '.'",
		    name, SF_CONFIG_NAME_MAX);
		sf_usage_die();
	}
}

/* add, set, show, list, rm, enable, disable */

static int
cmd_add(struct sf_db *db, const char *name, struct fields *f, int64_t now)
{
	char nextbuf[SF_TIME_LEN];
	struct sf_err err;

	if (sf_config_add(db, name, &f->o.ch, now, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	sf_info("configuration '%s': added, next run %s", name,
	    sf_config_next_run(f->o.ch.schedule_type, f->o.ch.schedule, now,
	    nextbuf));
	return 0;
}

static int
cmd_set(struct sf_db *db, const char *name, struct fields *f, int64_t now)
{
	const char *dropped;
	struct sf_err err;
	int rc;

	rc = sf_config_set(db, name, &f->o.ch, now, &dropped, &err);
	if (rc != 0) {
		sf_error("%s", err.msg);
		return rc == -2 ? SF_EXIT_USAGE : SF_EXIT_FAIL;
	}
	if (dropped != NULL)
		sf_info("configuration '%s': source %s dropped: not a "
		    "forecast configuration", name, dropped);
	sf_info("configuration '%s': changed", name);
	return 0;
}

static int
cmd_show(struct sf_db *db, const char *name, enum sf_report_format fmt)
{
	const char *v[SF_CONFIG_NCOLS];
	struct sf_config_nums nums;
	struct sf_report rep;
	struct sf_config *c;
	struct sf_err err;
	size_t n, i;

	if (sf_config_list(db, name, &c, &n, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if (name != NULL && n == 0) {
		sf_error("configuration '%s': not defined", name);
		return SF_EXIT_FAIL;
	}
	sf_report_init(&rep, stdout, fmt, "config", sf_config_cols,
	    SF_CONFIG_NCOLS);
	for (i = 0; i < n; i++) {
		sf_config_cells(&c[i], &nums, v);
		sf_report_put(&rep, v);
	}
	sf_report_finish(&rep);
	sf_report_release(&rep);
	sf_config_free(c, n);
	return 0;
}

/* rm, enable (on 1) or disable (on 0) each name; goes on after one. */
static int
cmd_each(struct sf_db *db, int argc, char **argv, int on, int64_t now)
{
	struct sf_err err;
	int i, rc, rval = 0;

	for (i = 0; i < argc; i++) {
		rc = on == -1 ? sf_config_rm(db, argv[i], &err) :
		    sf_config_enable(db, argv[i], on, now, &err);
		if (rc != 0) {
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
			if (rc == -1)
				break;
			continue;
		}
		sf_info("configuration '%s': %s", argv[i], on == -1 ?
		    "removed" : on ? "enabled" : "disabled");
	}
	return rval;
}

/* stations */

static void
bad_station(void *arg, const char *msg)
{
	(void)arg;
	sf_error("%s", msg);
}

static int
stations_add(struct sf_db *db, const struct sf_config *c, int argc,
    char **argv, int64_t now)
{
	struct sf_config_stations s;
	struct sf_err err;
	size_t nnew;
	long bad = 0, b, nrec;
	int k, stdin_read = 0, rval = SF_EXIT_FAIL;

	memset(&s, 0, sizeof(s));
	if (c->agency == NULL) {
		sf_error("configuration '%s': no agency (sf-config set %s "
		    "--agency USGS|EC)", c->name, c->name);
		return SF_EXIT_FAIL;
	}
	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "-") == 0) {
			if (stdin_read++)
				continue;
			b = sf_config_stations_read(stdin, c, &s, bad_station,
			    NULL, &nrec);
			if (b < 0)
				goto out;
			if (b == 0 && nrec == 0)
				sf_warn("configuration '%s': no station "
				    "records on stdin", c->name);
			bad += b;
		} else if (sf_id_check(c->agency, argv[k], &err) == -1) {
			sf_error("%s", err.msg);
			bad++;
		} else
			sf_config_stations_push(&s, argv[k], NULL, NULL, NULL);
	}
	if (bad > 0) {
		sf_error("configuration '%s': nothing added (%ld bad "
		    "station%s)", c->name, bad, bad == 1 ? "" : "s");
		goto out;
	}
	if (sf_config_stations_add(db, c, s.v, s.n, now, &nnew,
	    &err) == -1) {
		sf_error("%s", err.msg);
		goto out;
	}
	sf_info("configuration '%s': %zu station%s added, %zu already there",
	    c->name, nnew, nnew == 1 ? "" : "s", s.n - nnew);
	rval = 0;
out:
	sf_config_stations_release(&s);
	return rval;
}

static int
stations_rm(struct sf_db *db, const struct sf_config *c, int argc,
    char **argv, int64_t now)
{
	unsigned char *gone = sf_calloc((size_t)argc, 1);
	struct sf_err err;
	int i, removed = 0, rval = 0;

	if (sf_config_stations_rm(db, c, (const char *const *)argv,
	    (size_t)argc, now, gone, &err) == -1) {
		sf_error("%s", err.msg);
		free(gone);
		return SF_EXIT_FAIL;
	}
	for (i = 0; i < argc; i++) {
		if (gone[i]) {
			removed++;
			continue;
		}
		sf_error("configuration '%s': station '%s': not a station of "
		    "the configuration", c->name, argv[i]);
		rval = SF_EXIT_FAIL;
	}
	sf_info("configuration '%s': %d station%s removed", c->name, removed,
	    removed == 1 ? "" : "s");
	free(gone);
	return rval;
}

struct lister {
	struct sf_writer *w;
	int rval;
};

static int
list_one(const struct sf_rec *rec, void *arg)
{
	struct lister *l = arg;
	struct sf_err err;

	if (sf_writer_put(l->w, rec, &err) == -1) {
		sf_error("%s", err.msg);
		l->rval = SF_EXIT_FAIL;
	}
	return 0;
}

static int
cmd_stations(struct sf_db *db, int argc, char **argv, enum sf_format fmt,
    int64_t now)
{
	struct sf_config c;
	struct lister l = { NULL, 0 };
	struct sf_err err;
	int r;

	if (sf_config_get(db, argv[0], &c, &err) != 0) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if (strcmp(argv[1], "add") == 0)
		r = stations_add(db, &c, argc - 2, argv + 2, now);
	else if (strcmp(argv[1], "rm") == 0)
		r = stations_rm(db, &c, argc - 2, argv + 2, now);
	else {
		l.w = sf_writer_new(stdout, fmt);
		if (sf_config_stations_each(db, &c, list_one, &l, &err) == -1) {
			sf_error("%s", err.msg);
			l.rval = SF_EXIT_FAIL;
		}
		sf_writer_free(l.w);
		r = l.rval;
	}
	sf_config_release(&c);
	return r;
}

/* crontab */

static void
note(void *arg, int bad, const char *msg)
{
	(void)arg;
	if (bad)
		sf_error("%s", msg);
	else
		sf_warn("%s", msg);
}

/*
 * Replaces the block of the database db in the user's crontab by lines
 * (removes it when lines is empty). Returns 0, or 1 after reporting.
 */
static int
install(const char *db, const struct sf_buf *lines)
{
	struct sf_err err;
	int changed;

	if (sf_cronio_install(db, lines->buf, &changed, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if (!changed)
		sf_info("crontab unchanged");
	else if (lines->len > 0)
		sf_info("crontab installed");
	else
		sf_info("crontab: block of '%s' removed", db);
	return 0;
}

static int
cmd_crontab(struct sf_db *db, int argc, char **argv, int do_install)
{
	struct sf_buf lines = SF_BUF_INIT;
	struct sf_cronio_paths p;
	struct sf_err err;
	int rval, n;

	if (sf_cronio_paths(db->path, &p, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	rval = sf_cronio_lines(db, &p, argv, argc, getenv("XDG_CONFIG_HOME"),
	    &lines, &n, note, NULL) ? SF_EXIT_FAIL : 0;
	if (do_install) {
		if (rval == 0 && n == 0) {
			sf_error("database '%s': no enabled configuration to "
			    "run (sf-config crontab --uninstall removes its "
			    "block)", p.db);
			rval = SF_EXIT_FAIL;
		}
		if (rval != 0)
			sf_error("crontab not changed");
		else
			rval = install(p.db, &lines);
	} else
		fwrite(lines.buf, 1, lines.len, stdout);
	sf_buf_release(&lines);
	sf_cronio_paths_release(&p);
	return rval;
}

/* Removes the block of the database dbopt names from the crontab. */
static int
cmd_uninstall(const char *dbopt)
{
	struct sf_buf path = SF_BUF_INIT, none = SF_BUF_INIT;
	struct sf_cronio_paths p;
	struct sf_err err;
	int is_default, rval;

	if (sf_db_path(dbopt, &path, &is_default, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if (sf_cronio_paths(path.buf, &p, &err) == -1) {
		sf_error("%s", err.msg);
		sf_buf_release(&path);
		return SF_EXIT_FAIL;
	}
	rval = install(p.db, &none);
	sf_cronio_paths_release(&p);
	sf_buf_release(&path);
	return rval;
}

/* main */

enum cmd {
	ADD, SET, SHOW, LIST, RM, ENABLE, DISABLE, STATIONS, CRONTAB, NCMDS
};

#define ONE	"no configuration named", "one configuration only"
#define SOME	"no configuration named", NULL

/* Each command: its name, how many operands, what to say otherwise. */
static const struct {
	const char *name;
	int min, max;		/* max -1: no limit */
	const char *few, *many;
} cmds[NCMDS] = {
	{ "add", 1, 1, ONE }, { "set", 1, 1, ONE }, { "show", 1, 1, ONE },
	{ "list", 0, 0, NULL, "no arguments (sf-config show NAME shows one)" },
	{ "rm", 1, -1, SOME }, { "enable", 1, -1, SOME },
	{ "disable", 1, -1, SOME },
	{ "stations", 0, -1, NULL, NULL },	/* checked on their own */
	{ "crontab", 0, -1, NULL, NULL },
};

/* Exits with a usage error for an option cmd does not take. */
static void
not_an_option(const char *cmd, const char *dashes, const char *opt)
{
	sf_error("%s: %s%s is not one of its options", cmd, dashes, opt);
	sf_usage_die();
}

int
main(int argc, char *argv[])
{
	const struct sf_config_change *ch;
	struct fields f;
	struct sf_db *db;
	struct sf_err err;
	enum cmd cmd;
	enum sf_report_format ofmt;
	const char *dbpath = NULL, *format = NULL, *fieldopt = NULL;
	const char *cname;
	char **all = NULL;
	int64_t now;
	int c, i, do_install = 0, do_uninstall = 0, rval = 0;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	memset(&f, 0, sizeof(f));
	sf_config_opts_init(&f.o);
	f.ids = sf_calloc((size_t)argc + 1, sizeof(*f.ids));
	while ((c = getopt_long(argc, argv, "f:hqs:vV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'A':
		case 'a':
		case 'b':
		case 'D':
		case 'o':
		case 'S':
		case 't':
		case 'W':
		case 'y':
			for (i = 0; longopts[i].name != NULL; i++)
				if (longopts[i].val == c)
					fieldopt = longopts[i].name;
			if (sf_config_opt(&f.o, fieldopt, optarg, &err) == -1) {
				sf_error("%s", err.msg);
				sf_usage_die();
			}
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 's':
			f.ids[f.nids++] = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'I':
			do_install = 1;
			break;
		case 'U':
			do_uninstall = 1;
			break;
		default:
			if (c == 'h' || c == 'V')
				free(f.ids);
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0) {
		sf_error("no command: add, set, show, list, rm, enable, "
		    "disable, stations or crontab");
		sf_usage_die();
	}
	for (cmd = 0; cmd < NCMDS; cmd++)
		if (strcmp(argv[0], cmds[cmd].name) == 0)
			break;
	if (cmd == NCMDS) {
		sf_error("command '%s': unknown (add, set, show, list, rm, "
		    "enable, disable, stations or crontab)", argv[0]);
		sf_usage_die();
	}
	cname = argv[0];
	argc--;
	argv++;

	/* which options and arguments each command takes */
	if (fieldopt != NULL && cmd != ADD && cmd != SET)
		not_an_option(cname, "--", fieldopt);
	if (f.nids > 0 && !(cmd == STATIONS && argc >= 2 &&
	    strcmp(argv[1], "list") != 0))
		not_an_option(cname, "--", "station");
	if (f.nids > 0) {
		/* -s ID is one more station argument, after the others */
		all = sf_calloc((size_t)(argc + f.nids + 1), sizeof(*all));
		memcpy(all, argv, (size_t)argc * sizeof(*all));
		memcpy(all + argc, f.ids, (size_t)f.nids * sizeof(*all));
		argv = all;
		argc += f.nids;
	}
	if (do_install && cmd != CRONTAB)
		not_an_option(cname, "--", "install");
	if (do_uninstall && cmd != CRONTAB)
		not_an_option(cname, "--", "uninstall");
	if (format != NULL && cmd != SHOW && cmd != LIST &&
	    !(cmd == STATIONS && argc >= 2 && strcmp(argv[1], "list") == 0))
		not_an_option(cname, "-", "f");
	ofmt = cmd == SHOW ? SF_REPORT_KEYS : cmd == LIST ? SF_REPORT_TABLE :
	    SF_REPORT_NDJSON;
	if (format != NULL) {
		if (sf_report_format_parse(format, &ofmt, &err) == -1 ||
		    (ofmt == SF_REPORT_TABLE && cmd != LIST)) {
			sf_error("format '%s': unknown (%s)", format,
			    cmd == LIST ? "table, csv or ndjson" :
			    "csv or ndjson");
			sf_usage_die();
		}
	}
	if (argc < cmds[cmd].min || (cmds[cmd].max >= 0 &&
	    argc > cmds[cmd].max)) {
		sf_error("%s: %s", cname, argc < cmds[cmd].min ?
		    cmds[cmd].few : cmds[cmd].many);
		sf_usage_die();
	}
	if (cmd == ADD)
		check_name(argv[0]);
	switch (cmd) {
	case STATIONS:
		if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
		    strcmp(argv[1], "rm") != 0 &&
		    strcmp(argv[1], "list") != 0)) {
			sf_error("stations: give a configuration and add, rm "
			    "or list");
			sf_usage_die();
		}
		if (strcmp(argv[1], "list") == 0 ? argc != 2 : argc < 3) {
			sf_error("stations %s: %s", argv[1],
			    argc == 2 ? "no station named" : "no arguments");
			sf_usage_die();
		}
		break;
	case CRONTAB:
		if (do_install && do_uninstall) {
			sf_error("crontab: --install or --uninstall, not both");
			sf_usage_die();
		}
		if ((do_install || do_uninstall) && argc > 0) {
			sf_error("crontab %s: no names (the crontab gets "
			    "every enabled configuration)", do_install ?
			    "--install" : "--uninstall");
			sf_usage_die();
		}
		break;
	default:
		break;
	}
	if (cmd == ADD) {
		ch = &f.o.ch;
		if (ch->type == NULL || ch->agency == NULL ||
		    ch->start == NULL || ch->schedule == NULL) {
			sf_error("add: %s is required", ch->type == NULL ?
			    "--type" : ch->agency == NULL ? "--agency" :
			    ch->start == NULL ? "--start" : "--schedule");
			sf_usage_die();
		}
		/* a forecast needs a source, and only a forecast takes one */
		if (!strcmp(ch->type, "forecast") == (ch->source == NULL)) {
			sf_error("add: %s", ch->source == NULL ? "a forecast "
			    "configuration needs --source" : "--source is only "
			    "for forecast configurations");
			sf_usage_die();
		}
	}

	if (sf_time_now(&now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	if (cmd == CRONTAB && do_uninstall) {
		rval = cmd_uninstall(dbpath);
		goto done;
	}
	/* only add creates a database: a typo elsewhere is an error */
	if ((db = sf_db_open_opt(dbpath, cmd == ADD ? SF_DB_CREATE :
	    cmd == SHOW || cmd == LIST || cmd == CRONTAB || (cmd == STATIONS &&
	    strcmp(argv[1], "list") == 0) ? SF_DB_READONLY : 0, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	switch (cmd) {
	case ADD:
		rval = cmd_add(db, argv[0], &f, now);
		break;
	case SET:
		rval = cmd_set(db, argv[0], &f, now);
		break;
	case SHOW:
		rval = cmd_show(db, argv[0], ofmt);
		break;
	case LIST:
		rval = cmd_show(db, NULL, ofmt);
		break;
	case RM:
		rval = cmd_each(db, argc, argv, -1, now);
		break;
	case ENABLE:
	case DISABLE:
		rval = cmd_each(db, argc, argv, cmd == ENABLE, now);
		break;
	case STATIONS:
		rval = cmd_stations(db, argc, argv, ofmt == SF_REPORT_CSV ?
		    SF_FMT_CSV : SF_FMT_NDJSON, now);
		break;
	case CRONTAB:
		rval = cmd_crontab(db, argc, argv, do_install);
		break;
	default:
		break;
	}
	sf_db_close(db);
done:
	sf_config_opts_release(&f.o);
	free(f.ids);
	free(all);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
