/*
 * sf_nwmdrv: the NOAA NWPS driver of the fetch engine (sf_fetchrun): the
 * official RFC forecast at a gauge and the National Water Model guidance
 * at a reach, as forecast records; with mappings set, a gauge's ids
 * (gauges/{id}) as station mappings instead.
 *
 * A request is the driver's when sf_fetch_route says it is a forecast
 * request. take fills in what the request left out (the config of the
 * run, the agency its station id looks like) and reads the series and
 * NOAA id (sf_nwmfetch_request); a request it cannot ask keeps its place:
 * its window fails with the reason, so that its error record comes where
 * its forecast would have. plan makes one job per station, in order; a
 * job has one window and one page, parsed whole by sf_nwps. A body
 * without a forecast is a warning and a done record of no rows; the done
 * record of a forecast carries its run as newest. Failures name the NOAA
 * id asked ("gauge 'AMAT2': GET URL: HTTP 404: Not Found"), after the
 * station unless it is that id itself.
 *
 * With mappings set the engine runs with CSV output (no error or done
 * records); each station's mapping rows (two at most) are kept with it
 * until sf_nwmdrv_mappings writes them, in request order.
 */
#ifndef SF_NWMDRV_H
#define SF_NWMDRV_H

#include <stdio.h>

#include "sf_fetchrun.h"
#include "sf_nwps.h"

#define SF_NWMDRV_GAP_MS	100	/* no request within this of an answer */

/* What the program chose, and the run's counts; strings borrowed. */
struct sf_nwmdrv {
	const char *base;	/* checked base URL */
	const char *config;	/* for requests without one; may be NULL */
	int mappings;		/* --mappings: gauges/{id} */
	const enum sf_nwps_series *series;	/* --series, or NULL */
	struct sf_fetchrun *e;	/* the engine, for notes; set before run */
	/* the driver's, read after the run */
	long empty;		/* forecasts without a forecast issued */
	long mapped;		/* mapping rows */
	struct sf_fetch_station **st;	/* every station taken, in order */
	size_t nst, capst;
};

/* The driver; its ctx is a struct sf_nwmdrv (zeroed, then filled). */
extern const struct sf_fetch_driver sf_nwmdrv;

/* Frees what the driver kept in d (not d). */
void sf_nwmdrv_release(struct sf_nwmdrv *d);

/* Stations of the run that failed (after sf_fetchrun_run). */
long sf_nwmdrv_failed(const struct sf_nwmdrv *d);

/*
 * With mappings: reads request records from fp (named name) and takes
 * the station of each (sf_fetchrun_request), as sf_fetchrun_read does,
 * except that a record of another kind is skipped ("warning: NAME:N: KIND
 * record skipped: --mappings takes requests") and a request of another
 * agency than USGS is refused ("NAME:N: station 'S': not a USGS station
 * (NWPS knows USGS numbers only)"). Returns 0, or 1 when something was
 * bad (said).
 */
int sf_nwmdrv_read_gauges(struct sf_nwmdrv *d, FILE *fp, const char *name);

/*
 * With mappings: writes to fp the mapping rows of every station, in
 * request order (after sf_fetchrun_run).
 */
void sf_nwmdrv_mappings(const struct sf_nwmdrv *d, FILE *fp);

#endif
