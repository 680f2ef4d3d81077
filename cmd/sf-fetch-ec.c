/*
 * sf-fetch-ec: Water Survey of Canada discharge from Environment and
 * Climate Change Canada: wateroffice daily means and real-time values, the
 * MSC Datamart's files of the last 30 days, and the Datamart station list.
 *
 * The fetch engine (sf_fetchrun) does the work: intake, jobs, the
 * all-or-nothing window, error and done records, pacing, progress. The EC
 * part, what each service holds, groups, windows, URLs and parsers, is the
 * driver sf_ecdrv. What is left here is the options and the environment.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_cli.h"
#include "sf_ecdrv.h"
#include "sf_err.h"
#include "sf_fetchrun.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_mem.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

#define WATEROFFICE_URL	"https://wateroffice.ec.gc.ca/services"
#define DATAMART_URL	"https://dd.weather.gc.ca/today/hydrometric"

static const char usage_text[] =
    "usage: sf-fetch-ec [-qv] [--backoff MS] [--base-url URL] "
    "[-c NAME] [--end TIME] [-f FORMAT] [-j N] [--retries N] "
    "[--service wateroffice|datamart] [-s ID ...] [--start TIME] "
    "[--stations] [-t TYPE] [--timeout S]\n";

enum {
	OPT_SERVICE = 1,
	OPT_STATIONS
};

static const struct option longopts[] = {
	SF_FETCHRUN_LONGOPTS,
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "stations", no_argument, NULL, OPT_STATIONS },
	{ NULL, 0, NULL, 0 }
};

/* A usage error: the message, then the hint; exits 2. */
static void
usage_error(const char *msg)
{
	sf_error("%s", msg);
	sf_usage_die();
}

/*
 * $SF_HTTP_BACKOFF_MS and $SF_HTTP_TIMEOUT_MS, milliseconds, the defaults
 * of --backoff and --timeout (they came first; the options win).
 */
static void
env_knobs(struct sf_fetchrun_opts *o)
{
	static const char *const names[] = { "SF_HTTP_BACKOFF_MS",
	    "SF_HTTP_TIMEOUT_MS" };
	struct sf_err err;
	const char *v;
	long long n;
	int i;

	for (i = 0; i < 2; i++) {
		if ((v = getenv(names[i])) == NULL || *v == '\0')
			continue;
		if (sf_str_toll(v, 1, 86400000, &n, &err) == -1)
			sf_die(SF_EXIT_USAGE, "%s: %s", names[i], err.msg);
		if (i == 0)
			o->backoff = (long)n;
		else
			o->timeout = (double)n / 1000;
	}
}

/* Checks what the options say together; fills d. */
static void
check_options(struct sf_fetchrun_opts *o, struct sf_ecdrv *d,
    const char *service)
{
	struct sf_err err;
	size_t i;

	if (strcmp(service, "wateroffice") == 0)
		d->service = SF_ECFETCH_WATEROFFICE;
	else if (strcmp(service, "datamart") == 0)
		d->service = SF_ECFETCH_DATAMART;
	else {
		sf_error("--service: '%s': not wateroffice or datamart",
		    service);
		sf_usage_die();
	}
	/* the engine checks the stations it fetches; these filter the list */
	for (i = 0; d->catalog && i < o->nstations; i++)
		if (sf_id_check("EC", o->stations[i], &err) == -1)
			usage_error(err.msg);
	if ((o->start || o->end || o->type || o->config) &&
	    (o->nstations == 0 || d->catalog))
		usage_error("--start, --end, --type and --config go with "
		    "--station, for requests made here");
	if (d->catalog)
		d->service = SF_ECFETCH_DATAMART;	/* the list is there */
	if (d->service == SF_ECFETCH_DATAMART && o->type == NULL)
		o->type = "realtime_15min";	/* all the Datamart has */
}

/* The base URL: --base-url, the service's variable, or its own. */
static char *
base_url(const char *opt, enum sf_ecfetch_service service)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;
	int dm = service == SF_ECFETCH_DATAMART;

	if (sf_fetchrun_base_url(&b, opt, dm ? "SF_EC_DATAMART_URL" :
	    "SF_EC_URL", dm ? DATAMART_URL : WATEROFFICE_URL, &err) == -1)
		usage_error(err.msg);
	return sf_buf_detach(&b);
}

/* --stations -s ID: the stations the list did not have. */
static int
missing(const struct sf_fetchrun_opts *o, const struct sf_ecdrv *d)
{
	size_t k;
	int rval = 0;

	for (k = 0; d->listed && k < o->nstations; k++)
		if (!d->seen[k]) {
			sf_error("station '%s': not in the station list",
			    o->stations[k]);
			rval = SF_EXIT_FAIL;
		}
	return rval;
}

int
main(int argc, char *argv[])
{
	struct sf_fetchrun_opts o;
	struct sf_fetchrun_conf conf = { 0 };
	struct sf_ecdrv d = { 0 };
	struct sf_fetchrun *e;
	struct sf_err err;
	const char *service = "wateroffice";
	char *base;
	int c, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	sf_fetchrun_opts_init(&o);
	env_knobs(&o);
	while ((c = getopt_long(argc, argv, SF_FETCHRUN_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (sf_fetchrun_opt(&o, c, optarg, &err)) {
		case 1:
			continue;
		case -1:
			sf_fetchrun_opts_release(&o);
			usage_error(err.msg);
		}
		switch (c) {
		case OPT_SERVICE:
			service = optarg;
			break;
		case OPT_STATIONS:
			d.catalog = 1;
			break;
		default:
			sf_cli_opt(c, usage_text, o.stations);
		}
	}
	if (optind < argc) {
		sf_error("'%s': unexpected argument", argv[optind]);
		sf_usage_die();
	}
	check_options(&o, &d, service);
	d.base = base = base_url(o.base, d.service);
	d.only = o.stations;
	d.nonly = o.nstations;
	d.seen = sf_calloc(o.nstations + 1, 1);

	conf.drv = &sf_ecdrv;
	conf.ctx = &d;
	conf.opts = &o;
	conf.base = base;
	sf_cli_fetchrun(&conf);
	d.now = conf.now;
	if ((e = sf_fetchrun_new(&conf, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (!d.catalog && sf_fetchrun_options(e, &err) == -1)
		usage_error(err.msg);
	if (!d.catalog && o.nstations == 0)
		(void)sf_fetchrun_read(e, stdin, "stdin");
	rval = sf_fetchrun_run(e);
	if (d.catalog && missing(&o, &d) != 0)
		rval = SF_EXIT_FAIL;
	sf_fetchrun_free(e);
	sf_fetchrun_opts_release(&o);
	free(d.seen);
	free(base);
	if (sf_fshut(stdout, "stdout") == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}
