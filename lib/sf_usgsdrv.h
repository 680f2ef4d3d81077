/*
 * sf_usgsdrv: the USGS driver of the fetch engine (sf_fetchrun): daily
 * means, 15-minute values and the station catalog of the Water Data OGC
 * API, or of the legacy NWIS services.
 *
 * take checks the station number and keeps whole days for daily means
 * (a start after the end is nothing to fetch). plan groups the stations
 * into batches (sf_usgsfetch_group: one config, type and end, close
 * starts, a URL under SF_USGSFETCH_URL_MAX); with catalog set it plans one
 * job of no station, the monitoring locations of state, huc and
 * site_type. A batch's windows are sf_usgsfetch_first/next's. Each page
 * is written once whole (page_whole: a window of 15-minute values of
 * hundreds of stations is millions of rows, too many to hold, and a
 * failed window keeps the pages written before it, as sf-load's progress
 * expects); pages are parsed by sf_usgs and followed by their next link
 * while they hold items; an NWIS 404 is no data, and an error answer's
 * body adds what it says (sf_usgs_error_message).
 */
#ifndef SF_USGSDRV_H
#define SF_USGSDRV_H

#include "sf_fetchrun.h"

/* What the program chose; strings borrowed. */
struct sf_usgsdrv {
	int nwis;		/* the NWIS services, not the OGC API */
	const char *base;	/* checked base URL */
	int catalog;		/* --stations */
	const char *state, *huc, *site_type;	/* the catalog's filters */
};

/* The driver; its ctx is a struct sf_usgsdrv. */
extern const struct sf_fetch_driver sf_usgsdrv;

#endif
