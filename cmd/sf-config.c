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

#include "sf_cli.h"
#include "sf_config.h"
#include "sf_confop.h"
#include "sf_cronio.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_map.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_report.h"
#include "sf_time.h"
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
	struct fields f;
	struct sf_db *db;
	struct sf_err err;
	enum cmd cmd;
	enum sf_report_format ofmt;
	const char *dbpath = NULL, *format = NULL, *fieldopt = NULL;
	const char *cname, *msg;
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
			sf_cli_opt(c, usage_text, f.ids);
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
	if (cmd == ADD && (msg = sf_confop_add_check(&f.o.ch)) != NULL) {
		sf_error("add: %s", msg);
		sf_usage_die();
	}

	if (sf_time_now(&now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	if (cmd == CRONTAB && do_uninstall) {
		rval = sf_cronio_uninstall(dbpath, sf_cli_note, NULL);
		goto done;
	}
	/* only add creates a database: a typo elsewhere is an error */
	sf_db_set_seed(sf_map_import_shipped);
	if ((db = sf_db_open_opt(dbpath, SF_DB_PG | (cmd == ADD ?
	    SF_DB_CREATE : cmd == SHOW || cmd == LIST || cmd == CRONTAB ||
	    (cmd == STATIONS && strcmp(argv[1], "list") == 0) ?
	    SF_DB_READONLY : 0), &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	switch (cmd) {
	case ADD:
		rval = sf_confop_add(db, argv[0], &f.o.ch, now, sf_cli_note,
		    NULL);
		break;
	case SET:
		rval = sf_confop_set(db, argv[0], &f.o.ch, now, sf_cli_note,
		    NULL);
		break;
	case SHOW:
	case LIST:
		rval = sf_confop_show(db, cmd == SHOW ? argv[0] : NULL, stdout,
		    ofmt, sf_cli_note, NULL);
		break;
	case RM:
	case ENABLE:
	case DISABLE:
		rval = sf_confop_each(db, cmd == RM ? SF_CONFOP_RM :
		    cmd == ENABLE ? SF_CONFOP_ENABLE : SF_CONFOP_DISABLE, argv,
		    argc, now, sf_cli_note, NULL);
		break;
	case STATIONS:
		rval = sf_confop_stations(db, argv, argc, stdin, stdout,
		    ofmt == SF_REPORT_CSV ? SF_FMT_CSV : SF_FMT_NDJSON, now,
		    sf_cli_note, NULL);
		break;
	case CRONTAB:
		rval = sf_cronio_crontab(db, dbpath, argv, argc,
		    getenv("XDG_CONFIG_HOME"), do_install ? NULL : stdout,
		    sf_cli_note, NULL);
		break;
	default:
		break;
	}
	sf_db_close(db);
done:
	/* -1 failed, -2 a change that makes no sense */
	rval = rval == -2 ? SF_EXIT_USAGE : rval ? SF_EXIT_FAIL : 0;
	sf_config_opts_release(&f.o);
	free(f.ids);
	free(all);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
