/*
 * sf-fetch-nwm: NOAA forecasts from the National Water Prediction Service,
 * the official River Forecast Center forecast at a gauge and the National
 * Water Model guidance at a reach, as forecast records; with --mappings,
 * the station mappings gauges/{id} reveals, as the CSV sf-map import takes.
 *
 * The fetch engine (sf_fetchrun) does the work: intake, jobs in request
 * order, error and done records, pacing, progress. The NWPS part, series,
 * ids, URLs and the shaping of the answers, is the driver sf_nwmdrv.
 * What is left here is the options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_cli.h"
#include "sf_err.h"
#include "sf_fetchrun.h"
#include "sf_http.h"
#include "sf_log.h"
#include "sf_map.h"
#include "sf_mem.h"
#include "sf_nwmdrv.h"
#include "sf_nwmfetch.h"
#include "sf_nwsid.h"
#include "sf_rec.h"
#include "sf_time.h"
#include "sf.h"

#define DEFAULT_URL	"https://api.water.noaa.gov/nwps/v1"

static const char usage_text[] =
    "usage: sf-fetch-nwm [-qv] [--backoff MS] [--base-url URL] "
    "[-c NAME] [-f FORMAT] [-j N] [--reach ID ...] [--retries N] "
    "[-s LID ...] [--series SERIES] [-t SOURCE] [--timeout S]\n"
    "       sf-fetch-nwm --mappings [-qv] [--backoff MS] [--base-url URL] "
    "[-j N] [--retries N] [-s ID ...] [--timeout S]\n";

enum {
	OPT_GAUGE = 1,
	OPT_MAPPINGS,
	OPT_REACH,
	OPT_SERIES
};

/*
 * --gauge comes before the shared table, whose alias of -s it overrides:
 * it names a gauge for a forecast, never a station for --mappings.
 */
static const struct option longopts[] = {
	{ "gauge", required_argument, NULL, OPT_GAUGE },
	SF_FETCHRUN_LONGOPTS,
	{ "mappings", no_argument, NULL, OPT_MAPPINGS },
	{ "reach", required_argument, NULL, OPT_REACH },
	{ "series", required_argument, NULL, OPT_SERIES },
	{ NULL, 0, NULL, 0 }
};

/* What the options of sf-fetch-nwm's own say. */
struct own {
	const char **gauges, **reaches;	/* --gauge, --reach */
	int ngauges, nreaches;
	int mappings, fmt_set, series_set;
	enum sf_nwps_series series;
};

static void
usage_error(const char *opt, const char *msg)
{
	sf_error("%s%s%s", opt ? opt : "", opt ? ": " : "", msg);
	sf_usage_die();
}

/* Checks the id of a gauge (reach 0) or reach option, or dies. */
static void
check_noaa_id(const char *opt, const char *id, int reach, const char *hint)
{
	struct sf_err err;

	if ((reach ? sf_nwsid_check_reach(id, &err) :
	    sf_nwsid_check_lid(id, &err)) == -1) {
		sf_error("%s: %s%s", opt, err.msg, hint);
		sf_usage_die();
	}
}

/* Checks a station id of --mappings, or dies. */
static void
check_id(const char *opt, const char *id)
{
	const char *p;

	if (*id == '\0' || strlen(id) > SF_MAP_ID_MAX) {
		sf_error("%s: '%s': not an id (1 to %d characters)", opt, id,
		    SF_MAP_ID_MAX);
		sf_usage_die();
	}
	for (p = id; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			sf_error("%s: '%s': not an id (a space or a byte that "
			    "is not printable ASCII)", opt, id);
			sf_usage_die();
		}
}

/* Checks what the options say together. */
static void
check_options(const struct sf_fetchrun_opts *o, struct own *w)
{
	const char *bad;
	size_t i;

	if (o->config != NULL && *o->config == '\0')
		usage_error("--config", "empty name");
	if (o->start != NULL || o->end != NULL)
		usage_error(NULL, "--start and --end are for observations: a "
		    "forecast is the latest run");
	if (o->type != NULL && w->series_set)
		usage_error(NULL, "-t and --series say the same: give one");
	if (o->type != NULL && sf_nwmfetch_series_of_source(o->type,
	    &w->series) == -1) {
		sf_error("-t: '%s': not a forecast source (NOAA_RFC, "
		    "NWM_SHORT_RANGE, NWM_MEDIUM_RANGE, NWM_LONG_RANGE)",
		    o->type);
		sf_usage_die();
	}
	w->series_set |= o->type != NULL;
	if (w->mappings) {
		for (i = 0; i < o->nstations; i++)
			check_id("-s", o->stations[i]);
		bad = w->ngauges ? "--gauge" : w->nreaches ? "--reach" :
		    o->type ? "-t" : w->series_set ? "--series" : o->config ? "--config" :
		    w->fmt_set ? "--format" : NULL;
		if (bad != NULL) {
			sf_error("--mappings writes mapping CSV: %s is not one "
			    "of its options", bad);
			sf_usage_die();
		}
		return;
	}
	/* without --mappings, -s names a gauge as --gauge does */
	for (i = 0; i < o->nstations; i++)
		check_noaa_id("-s", o->stations[i], 0, " (for a station, give "
		    "its NOAA id: sf-map --to NOAA-HADS -s ID | sf-fetch-nwm)");
	if ((w->ngauges || o->nstations) && w->series_set &&
	    w->series != SF_NWPS_RFC) {
		sf_error("--gauge asks the rfc series; --series %s is for "
		    "--reach", sf_nwps_series_name(w->series));
		sf_usage_die();
	}
	if (w->nreaches && w->series_set && w->series == SF_NWPS_RFC)
		usage_error(NULL, "--reach asks an NWM series: --series rfc is "
		    "for gauges");
}

/* The base URL: --base-url, $SF_NWPS_URL or NWPS's; checked. */
static char *
base_url(const char *opt)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;

	if (sf_fetchrun_base_url(&b, opt, "SF_NWPS_URL", DEFAULT_URL,
	    &err) == -1)
		usage_error(NULL, err.msg);
	return sf_buf_detach(&b);
}

/*
 * Takes id, of an option, as a request: a gauge, a reach or, with
 * --mappings, a station to look up.
 */
static void
take_option(struct sf_fetchrun *e, const struct sf_fetchrun_opts *o,
    const struct own *w, const char *id, int reach)
{
	struct sf_rec r;
	struct sf_err err;

	if (w->mappings) {
		sf_rec_clear(&r, SF_KIND_REQUEST);
		r.f[SF_REQ_STATION] = id;
	} else
		sf_nwmfetch_option_request(&r, o->config, id, reach,
		    !reach ? SF_NWPS_RFC : w->series_set ? w->series :
		    SF_NWPS_SHORT_RANGE);
	if (sf_fetchrun_request(e, &r, 0, &err) == -1)
		usage_error(NULL, err.msg);
}

/* What was done, with -v. */
static void
summary(const struct sf_nwmdrv *d, const struct sf_fetchrun *e)
{
	const struct sf_http_stats *hs = sf_fetchrun_http_stats(e);

	if (d->mappings)
		sf_info("%zu stations, %ld mappings, %ld failed; %ld requests, "
		    "%ld retries", d->nst, d->mapped, sf_nwmdrv_failed(d),
		    hs->requests, hs->retries);
	else
		sf_info("%zu stations, %ld records, %ld without a forecast, "
		    "%ld failed; %ld requests, %ld retries", d->nst,
		    sf_fetchrun_tally(e)->rows, d->empty, sf_nwmdrv_failed(d),
		    hs->requests, hs->retries);
}

/* Runs the fetch d and o describe; returns the exit status. */
static int
run(struct sf_nwmdrv *d, struct sf_fetchrun_opts *o, const struct own *w)
{
	static const char *const headers[] = { "Accept: application/json",
	    NULL };
	struct sf_fetchrun_conf conf = { 0 };
	struct sf_fetchrun *e;
	struct sf_err err;
	int i, rval = 0;

	conf.drv = &sf_nwmdrv;
	conf.ctx = d;
	conf.opts = o;
	conf.base = d->base;
	conf.headers = headers;
	sf_cli_fetchrun(&conf);
	if ((e = sf_fetchrun_new(&conf, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	d->e = e;
	for (i = 0; i < w->ngauges; i++)
		take_option(e, o, w, w->gauges[i], 0);
	for (i = 0; i < (int)o->nstations; i++)
		take_option(e, o, w, o->stations[i], 0);
	for (i = 0; i < w->nreaches; i++)
		take_option(e, o, w, w->reaches[i], 1);
	if (w->ngauges + o->nstations + w->nreaches == 0)
		rval = d->mappings ? sf_nwmdrv_read_gauges(d, stdin, "stdin") :
		    sf_fetchrun_read(e, stdin, "stdin");
	if (d->mappings)
		fputs(SF_MAP_CSV_HEADER "\n", stdout);
	rval |= sf_fetchrun_run(e);
	if (d->mappings)
		sf_nwmdrv_mappings(d, stdout);
	summary(d, e);
	sf_fetchrun_free(e);
	return rval ? SF_EXIT_FAIL : SF_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	struct sf_fetchrun_opts o;
	struct sf_nwmdrv d = { 0 };
	struct own w = { 0 };
	struct sf_err err;
	char *base;
	int c, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	sf_fetchrun_opts_init(&o);
	w.gauges = sf_calloc((size_t)argc, sizeof(*w.gauges));
	w.reaches = sf_calloc((size_t)argc, sizeof(*w.reaches));
	while ((c = getopt_long(argc, argv, SF_FETCHRUN_SHORTOPTS, longopts,
	    NULL)) != -1) {
		w.fmt_set |= c == 'f';
		switch (sf_fetchrun_opt(&o, c, optarg, &err)) {
		case 1:
			continue;
		case -1:
			usage_error(NULL, err.msg);
		}
		switch (c) {
		case OPT_GAUGE:
			check_noaa_id("--gauge", optarg, 0, "");
			w.gauges[w.ngauges++] = optarg;
			break;
		case OPT_MAPPINGS:
			w.mappings = 1;
			break;
		case OPT_REACH:
			check_noaa_id("--reach", optarg, 1, "");
			w.reaches[w.nreaches++] = optarg;
			break;
		case OPT_SERIES:
			if (sf_nwps_series_parse(optarg, &w.series, &err))
				usage_error("--series", err.msg);
			w.series_set = 1;
			break;
		default:
			if (c == 'h' || c == 'V') {
				free(w.gauges);
				free(w.reaches);
			}
			sf_cli_opt(c, usage_text, o.stations);
		}
	}
	if (optind < argc) {
		sf_error("'%s': no operands (requests come on the standard "
		    "input)", argv[optind]);
		sf_usage_die();
	}
	check_options(&o, &w);
	if (w.mappings)
		o.fmt = SF_FMT_CSV;	/* no error or done records */
	d.base = base = base_url(o.base);
	d.config = o.config;
	d.mappings = w.mappings;
	d.series = w.series_set ? &w.series : NULL;
	rval = run(&d, &o, &w);
	sf_nwmdrv_release(&d);
	sf_fetchrun_opts_release(&o);
	free(w.gauges);
	free(w.reaches);
	free(base);
	if (sf_fshut(stdout, "stdout") == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}
