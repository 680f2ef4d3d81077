/*
 * sf_ecdrv: the Environment Canada driver of the fetch engine
 * (sf_fetchrun): wateroffice daily means and real-time values, the MSC
 * Datamart's per-station files of the last 30 days, and the Datamart
 * station list.
 *
 * take checks the station id. plan fits each request to its service
 * (sf_ecfetch_fit: whole days, the real-time reach, the Datamart's 30
 * days; what it says is a warning, a request the service cannot serve
 * fails), leaves out a request made twice ("warning: station 'ID':
 * requested twice, the second request left out"), and cuts the rest into
 * groups (sf_ecfetch_group), one job each, whose windows are
 * sf_ecfetch_window's.
 *
 * The Datamart files its stations by province, which only its station
 * list says: plan reads the list first (a station not in it fails: "not
 * in the Datamart station list"; the list failing fails every station),
 * then makes one job a station, of one window of two pages: the hourly
 * file, then the daily file. The daily rows before the hourly file's
 * first row are kept, then every hourly row (the window is sorted whole:
 * sort_window). A file that is not there (404) is empty; both empty is
 * "warning: station 'ID': no Datamart file (HTTP 404): no data".
 *
 * Rows outside the station's part of the window, or of a station not in
 * the job, are left out (said with -v). An error answer adds the first
 * line of its body (sf_ecfetch_snippet).
 *
 * With catalog set, plan makes one job of no station: the station list,
 * as station records, only the stations of only when nonly > 0 (then
 * seen[k], nonly flags of the caller's, says whether only[k] was in it).
 */
#ifndef SF_ECDRV_H
#define SF_ECDRV_H

#include "sf_ecfetch.h"
#include "sf_fetchrun.h"

#define SF_ECDRV_GAP_MS		100	/* after an answer, before the next */
#define SF_ECDRV_BACK_DAYS	7	/* no start: this long before the end */

/* What the program chose; strings borrowed. */
struct sf_ecdrv {
	enum sf_ecfetch_service service;
	const char *base;		/* checked base URL */
	int catalog;			/* --stations */
	const char *const *only;	/* catalog: these stations only */
	size_t nonly;
	char *seen;			/* catalog: nonly flags, set by the run */
	int listed;			/* catalog: the list was read whole */
	int64_t now;			/* the run's (sf_fetchrun_conf.now) */
	struct sf_fetchrun *e;		/* the driver's, set in plan */
};

/* The driver; its ctx is a struct sf_ecdrv. */
extern const struct sf_fetch_driver sf_ecdrv;

#endif
