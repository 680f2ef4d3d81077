/*
 * sf-fetch-usgs: USGS daily means, 15-minute values and the station
 * catalog, from the Water Data OGC API (or the legacy NWIS services).
 *
 * The fetch engine (sf_fetchrun) does the work: intake, jobs, pages,
 * the all-or-nothing window, error and done records, progress. The USGS
 * part, batches, windows, URLs and parsers, is the driver sf_usgsdrv.
 * What is left here is the options and the API key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_cli.h"
#include "sf_err.h"
#include "sf_fetch.h"
#include "sf_fetchrun.h"
#include "sf_http.h"
#include "sf_log.h"
#include "sf_time.h"
#include "sf_usgs.h"
#include "sf_usgsdrv.h"
#include "sf.h"

#define DEFAULT_URL	"https://api.waterdata.usgs.gov/ogcapi/v0"
#define NWIS_URL	"https://waterservices.usgs.gov/nwis"

static const char usage_text[] =
    "usage: sf-fetch-usgs [-qv] [--backoff MS] [--base-url URL] "
    "[-c NAME] [--end TIME] [-f FORMAT] [--huc HUC] [-j N] "
    "[--retries N] [-s ID ...] [--service NAME] [--site-type TYPE] "
    "[--start TIME] [--state ST] [--stations] [-t TYPE] [--timeout S]\n";

enum {
	OPT_HUC = 1,
	OPT_SERVICE,
	OPT_SITE_TYPE,
	OPT_STATE,
	OPT_STATIONS
};

static const struct option longopts[] = {
	SF_FETCHRUN_LONGOPTS,
	{ "huc", required_argument, NULL, OPT_HUC },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "site-type", required_argument, NULL, OPT_SITE_TYPE },
	{ "state", required_argument, NULL, OPT_STATE },
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

/* Checks what the options say together; fills d. */
static void
check_options(const struct sf_fetchrun_opts *o, struct sf_usgsdrv *d,
    const char *service)
{
	struct sf_err err;
	int64_t t;

	if (strcmp(service, "waterdata") == 0)
		d->nwis = 0;
	else if (strcmp(service, "nwis") == 0)
		d->nwis = 1;
	else {
		sf_error("--service: '%s': unknown (waterdata or nwis)",
		    service);
		sf_usage_die();
	}
	if (o->start != NULL && sf_time_parse(o->start, &t, &err) == -1) {
		sf_error("--start: %s", err.msg);
		sf_usage_die();
	}
	if (o->end != NULL && sf_fetch_end(o->end, &t, &err) == -1) {
		sf_error("--end: %s", err.msg);
		sf_usage_die();
	}
	if (o->type != NULL && strcmp(o->type, "daily_mean") != 0 &&
	    strcmp(o->type, "realtime_15min") != 0) {
		sf_error("-t: type '%s': unknown (daily_mean or "
		    "realtime_15min)", o->type);
		sf_usage_die();
	}
	if (d->catalog && o->nstations > 0)
		usage_error("--stations takes no -s");
	if (d->catalog && d->state != NULL &&
	    sf_usgs_state_fips(d->state) == NULL) {
		sf_error("--state: '%s': not a state's postal code", d->state);
		sf_usage_die();
	}
	if (!d->catalog && (d->state != NULL || d->huc != NULL))
		usage_error("--state and --huc go with --stations");
}

/* The base URL: --base-url, $SF_USGS_URL, or the service's; checked. */
static char *
base_url(const char *opt, int nwis)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;

	if (sf_fetchrun_base_url(&b, opt, "SF_USGS_URL", nwis ? NWIS_URL :
	    DEFAULT_URL, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	return sf_buf_detach(&b);
}

/* "X-Api-Key: KEY" into key when there is a key; exits when it is bad. */
static const char *
api_key(struct sf_buf *key)
{
	struct sf_buf pat = SF_BUF_INIT;
	struct sf_err err;
	int rc;

	rc = sf_fetch_usgs_key(&pat, &err);
	if (rc == -1)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (rc == 1)
		sf_buf_addf(key, "X-Api-Key: %s", pat.buf);
	sf_buf_release(&pat);
	return rc == 1 ? key->buf : NULL;
}

int
main(int argc, char *argv[])
{
	static const char *const headers[] = { "Accept: application/json",
	    NULL };
	struct sf_fetchrun_opts o;
	struct sf_fetchrun_conf conf = { 0 };
	struct sf_usgsdrv d = { 0 };
	struct sf_fetchrun *e;
	struct sf_buf key = SF_BUF_INIT;
	struct sf_err err;
	const char *service = "waterdata";
	char *base;
	int c, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	sf_fetchrun_opts_init(&o);
	d.site_type = "ST";
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
		case OPT_HUC:
			d.huc = optarg;
			break;
		case OPT_SERVICE:
			service = optarg;
			break;
		case OPT_SITE_TYPE:
			d.site_type = optarg;
			break;
		case OPT_STATE:
			d.state = optarg;
			break;
		case OPT_STATIONS:
			d.catalog = 1;
			break;
		default:
			sf_cli_opt(c, usage_text, o.stations);
		}
	}
	if (optind < argc) {
		sf_error("unexpected argument '%s'", argv[optind]);
		sf_usage_die();
	}
	check_options(&o, &d, service);
	d.base = base = base_url(o.base, d.nwis);

	conf.drv = &sf_usgsdrv;
	conf.ctx = &d;
	conf.opts = &o;
	conf.base = base;
	conf.headers = headers;
	conf.secret_header = api_key(&key);
	sf_cli_fetchrun(&conf);
	if ((e = sf_fetchrun_new(&conf, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (!d.catalog && sf_fetchrun_options(e, &err) == -1)
		usage_error(err.msg);
	if (!d.catalog && o.nstations == 0)
		(void)sf_fetchrun_read(e, stdin, "stdin");
	rval = sf_fetchrun_run(e);
	sf_fetchrun_free(e);
	sf_fetchrun_opts_release(&o);
	sf_buf_release(&key);
	free(base);
	if (sf_fshut(stdout, "stdout") == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}
