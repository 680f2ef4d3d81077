/*
 * sf_nwmfetch: what sf-fetch-nwm asks NOAA's National Water Prediction
 * Service (NWPS) and what it makes of the answers: the series and NOAA id
 * a request asks for, the URL that asks it, and the forecast records or
 * station mappings an answer holds, with the notes worth saying.
 *
 * A forecast request names its station (USGS or EC), the NOAA id sf-map
 * found for it in target_id (an NWS location id for the official RFC
 * forecast at a gauge, an NWM reach id for the National Water Model) and
 * the series in source, or else in type. A gauge request (sf-fetch-nwm
 * --mappings) names a USGS station; NWPS answers gauges/{id} with the
 * gauge's ids, which become mapping rows.
 *
 * Nothing here does I/O: the caller fetches, feeds the body to an sf_nwps
 * (sf_nwps.h) and hands it over; notes go to an sf_note_fn.
 */
#ifndef SF_NWMFETCH_H
#define SF_NWMFETCH_H

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_http.h"
#include "sf_note.h"
#include "sf_nwps.h"
#include "sf_rec.h"

enum sf_nwmfetch_kind {
	SF_NWMFETCH_FORECAST,	/* stageflow/forecast or streamflow */
	SF_NWMFETCH_GAUGE	/* gauges/{id}: a gauge's ids */
};

/* What one request asks of NWPS. */
struct sf_nwmfetch_job {
	enum sf_nwmfetch_kind kind;
	enum sf_nwps_series series;	/* FORECAST: the series asked */
	/*
	 * The id asked (lid or reach id; GAUGE: the station); borrowed from
	 * the request. NULL when the request has none fit for a URL.
	 */
	const char *id;
};

/* Sets *s to the series whose source is s (NOAA_RFC, ...): 0, or -1. */
int sf_nwmfetch_series_of_source(const char *source, enum sf_nwps_series *s);

/*
 * Sets *s to the series a request of type t asks: the one whose source t
 * names, rfc for an observation type or none (NULL or ""). Returns 0, or
 * -1 when t is something else.
 */
int sf_nwmfetch_series_of_type(const char *t, enum sf_nwps_series *s);

/* 1 when q asks a reach (an NWM series), 0 for a gauge. */
int sf_nwmfetch_is_reach(const struct sf_nwmfetch_job *q);

/*
 * Fills q from r, a forecast request (SF_FETCH_FORECAST of sf_fetch_route;
 * its station is not empty): the series is *forced when not NULL (the
 * --series of the caller), else the one its source names, else the one
 * its type asks; the id is its target_id. Returns 0, or -1 with err the
 * message of its error record: "source 'X': not a forecast source (...)",
 * "type 'X': not a forecast source (...) nor an observation type", "no
 * target_id: put 'sf-map --to NOAA-HADS' before sf-fetch-nwm", or the
 * sf_nwsid message of a target_id outside its grammar. q->id is NULL
 * whenever the target_id cannot be asked (it would reach the messages).
 */
int sf_nwmfetch_request(const struct sf_rec *r,
    const enum sf_nwps_series *forced, struct sf_nwmfetch_job *q,
    struct sf_err *err);

/*
 * Fills q from r, a request for --mappings: its station is asked as
 * gauges/{station}. Returns 0, or -1 with err "station 'S': not a USGS
 * station (NWPS knows USGS numbers only)" when its agency (given, or
 * guessed from the id) is another one.
 */
int sf_nwmfetch_gauge_request(const struct sf_rec *r,
    struct sf_nwmfetch_job *q, struct sf_err *err);

/*
 * Makes r the request an option stands for: a gauge lid (reach 0) or an
 * NWM reach id (reach 1) asked for itself (station and target_id id,
 * agency NOAA-HADS or NWM, type and source the series' source), series
 * rfc for a gauge. config may be NULL. r borrows every string.
 */
void sf_nwmfetch_option_request(struct sf_rec *r, const char *config,
    const char *id, int reach, enum sf_nwps_series series);

/*
 * Sets b (reset first) to the URL asking base (checked, without its
 * trailing slash) for q, the id percent-encoded as a path segment:
 *   BASE/gauges/LID/stageflow/forecast                     (rfc)
 *   BASE/reaches/ID/streamflow?series=short_range          (NWM)
 *   BASE/gauges/ID                                         (GAUGE)
 * q->id must not be NULL.
 */
void sf_nwmfetch_url(struct sf_buf *b, const char *base,
    const struct sf_nwmfetch_job *q);

/*
 * Appends what a message about q names: "gauge 'LID'" or "reach 'ID'";
 * for GAUGE "station 'ID'" when the id looks like a USGS number, else
 * "gauge 'ID'".
 */
void sf_nwmfetch_subject(struct sf_buf *b, const struct sf_nwmfetch_job *q);

/*
 * Appends "station 'S': " unless id (the NOAA id, may be NULL) is the
 * station itself: a message about the request of station S.
 */
void sf_nwmfetch_station(struct sf_buf *b, const char *station,
    const char *id);

/*
 * Appends why a request failed, from res (its done result, rc -1, not a
 * body over its cap): res's message followed by ": SAID", what an error
 * body said (sf_nwps_error_message; body is reset and fed with it).
 */
void sf_nwmfetch_failure(struct sf_buf *b, const struct sf_http_res *res,
    struct sf_nwps *body);

/*
 * Passes the forecast records of body (complete, a 2xx answer) for q and
 * r, the request, to emit, after a first parse that emits nothing: a
 * body that fails half way gives no record. Then notes (at SF_NOTE_WARN)
 * a body that holds no forecast ("... no NOAA_RFC forecast issued") or
 * flows left out, and (at SF_NOTE_INFO) "... N records, run RUN, M
 * missing values"; each about "station 'S': gauge 'LID'" (no station when
 * it is the id). Returns 0 with info filled, -1 with err (sf_nwps's
 * message) when the body is no forecast (nothing emitted, no note), or
 * -2 when emit failed (its failure is emit's to report).
 */
int sf_nwmfetch_forecast(struct sf_nwps *body, const struct sf_nwmfetch_job *q,
    const struct sf_rec *r, int (*emit)(void *arg, const struct sf_rec *rec),
    void *arg, sf_note_fn *note, void *narg, struct sf_nwps_info *info,
    struct sf_err *err);

/*
 * Appends to csv (CSV rows of sf_map.h, no header) the mappings body, the
 * answer to gauges/{id} of q, reveals, and notes (SF_NOTE_WARN) a gauge
 * without a USGS number or a mapping left out, (SF_NOTE_INFO) a gauge
 * without a reach. Returns the number of rows appended, or -1 with err
 * (sf_nwps's message) when the body is no gauge.
 */
int sf_nwmfetch_gauge(struct sf_nwps *body, const struct sf_nwmfetch_job *q,
    struct sf_buf *csv, sf_note_fn *note, void *narg, struct sf_err *err);

/*
 * Words the failure msg of the request of station for q, as the fetch
 * engine's failure hook: rec "SUBJECT: msg" ("gauge 'AMAT2': GET ..."),
 * or msg alone when q asks nothing (q->id NULL: the request was refused);
 * line "station 'S': " and rec, without the station when it is the id.
 */
void sf_nwmfetch_words(const char *station, const struct sf_nwmfetch_job *q,
    const char *msg, struct sf_buf *rec, struct sf_buf *line);

#endif
