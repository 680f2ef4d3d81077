/*
 * sf_nwmfetch: the NWPS side of sf-fetch-nwm. A forecast body is parsed
 * twice, once without output and once with: the bodies are small, and a
 * body that fails half way must write nothing (a loader would take half a
 * forecast for all of it).
 */
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_maprow.h"
#include "sf_nwmfetch.h"
#include "sf_nwsid.h"
#include "sf_rec.h"
#include "sf.h"

#define SOURCES	"NOAA_RFC, NWM_SHORT_RANGE, NWM_MEDIUM_RANGE, NWM_LONG_RANGE"

int
sf_nwmfetch_series_of_source(const char *source, enum sf_nwps_series *s)
{
	int i;

	for (i = 0; i < SF_NWPS_NSERIES; i++)
		if (strcmp(source, sf_nwps_series_source(
		    (enum sf_nwps_series)i)) == 0) {
			*s = (enum sf_nwps_series)i;
			return 0;
		}
	return -1;
}

int
sf_nwmfetch_series_of_type(const char *t, enum sf_nwps_series *s)
{
	if (t == NULL || *t == '\0' || strcmp(t, "daily_mean") == 0 ||
	    strcmp(t, "realtime_15min") == 0) {
		*s = SF_NWPS_RFC;
		return 0;
	}
	return sf_nwmfetch_series_of_source(t, s);
}

int
sf_nwmfetch_is_reach(const struct sf_nwmfetch_job *q)
{
	return q->kind == SF_NWMFETCH_FORECAST && q->series != SF_NWPS_RFC;
}

int
sf_nwmfetch_request(const struct sf_rec *r,
    const enum sf_nwps_series *forced, struct sf_nwmfetch_job *q,
    struct sf_err *err)
{
	const char *src = r->f[SF_REQ_SOURCE], *t = r->f[SF_REQ_TYPE];
	const char *tg = r->f[SF_REQ_TARGET_ID];

	memset(q, 0, sizeof(*q));
	q->kind = SF_NWMFETCH_FORECAST;
	if (forced != NULL)
		q->series = *forced;
	else if (src != NULL && *src != '\0') {
		if (sf_nwmfetch_series_of_source(src, &q->series) == -1)
			return sf_err_set(err, "source '%s': not a forecast "
			    "source (" SOURCES ")", src);
	} else if (sf_nwmfetch_series_of_type(t, &q->series) == -1)
		return sf_err_set(err, "type '%s': not a forecast source ("
		    SOURCES ") nor an observation type", t);
	if (tg == NULL || *tg == '\0')
		return sf_err_set(err, "no target_id: put 'sf-map --to %s' "
		    "before sf-fetch-nwm",
		    sf_nwmfetch_is_reach(q) ? "NWM" : "NOAA-HADS");
	if ((sf_nwmfetch_is_reach(q) ? sf_nwsid_check_reach(tg, err) :
	    sf_nwsid_check_lid(tg, err)) == -1)
		return -1;
	q->id = tg;
	return 0;
}

int
sf_nwmfetch_gauge_request(const struct sf_rec *r,
    struct sf_nwmfetch_job *q, struct sf_err *err)
{
	const char *st = r->f[SF_REQ_STATION], *agency = r->f[SF_REQ_AGENCY];

	memset(q, 0, sizeof(*q));
	q->kind = SF_NWMFETCH_GAUGE;
	if (agency == NULL)
		agency = sf_id_agency_guess(st);
	if (agency != NULL && strcmp(agency, "USGS") != 0)
		return sf_err_set(err, "station '%s': not a USGS station "
		    "(NWPS knows USGS numbers only)", st);
	q->id = st;
	return 0;
}

void
sf_nwmfetch_option_request(struct sf_rec *r, const char *config,
    const char *id, int reach, enum sf_nwps_series series)
{
	const char *src;

	sf_rec_clear(r, SF_KIND_REQUEST);
	src = sf_nwps_series_source(reach ? series : SF_NWPS_RFC);
	r->f[SF_REQ_CONFIG] = config;
	r->f[SF_REQ_STATION] = id;
	r->f[SF_REQ_AGENCY] = reach ? "NWM" : "NOAA-HADS";
	r->f[SF_REQ_TYPE] = src;
	r->f[SF_REQ_SOURCE] = src;
	r->f[SF_REQ_TARGET_ID] = id;
}

void
sf_nwmfetch_url(struct sf_buf *b, const char *base,
    const struct sf_nwmfetch_job *q)
{
	sf_buf_reset(b);
	sf_buf_adds(b, base);
	if (q->kind == SF_NWMFETCH_GAUGE) {
		sf_http_url_seg(b, "gauges");
		sf_http_url_seg(b, q->id);
	} else if (!sf_nwmfetch_is_reach(q)) {
		sf_http_url_seg(b, "gauges");
		sf_http_url_seg(b, q->id);
		sf_http_url_path(b, "stageflow/forecast");
	} else {
		sf_http_url_seg(b, "reaches");
		sf_http_url_seg(b, q->id);
		sf_http_url_seg(b, "streamflow");
		sf_http_url_param(b, "series", sf_nwps_series_name(q->series));
	}
}

void
sf_nwmfetch_subject(struct sf_buf *b, const struct sf_nwmfetch_job *q)
{
	const char *a;

	if (q->kind == SF_NWMFETCH_GAUGE) {
		a = sf_id_agency_guess(q->id);
		sf_buf_addf(b, "%s '%s'", a != NULL && strcmp(a, "USGS") == 0 ?
		    "station" : "gauge", q->id);
	} else
		sf_buf_addf(b, "%s '%s'", sf_nwmfetch_is_reach(q) ? "reach" :
		    "gauge", q->id);
}

void
sf_nwmfetch_station(struct sf_buf *b, const char *station, const char *id)
{
	if (id == NULL || strcmp(station, id) != 0)
		sf_buf_addf(b, "station '%s': ", station);
}

void
sf_nwmfetch_failure(struct sf_buf *b, const struct sf_http_res *res,
    struct sf_nwps *body)
{
	char said[256];

	sf_buf_adds(b, res->err.msg);
	if (res->errbody_len > 0) {
		/* What the service (or a proxy) said, briefly. */
		sf_nwps_reset(body);
		sf_nwps_feed(body, res->errbody, res->errbody_len, NULL);
		sf_nwps_error_message(body, said, sizeof(said));
		sf_buf_addf(b, ": %s", said);
	}
}

void
sf_nwmfetch_words(const char *station, const struct sf_nwmfetch_job *q,
    const char *msg, struct sf_buf *rec, struct sf_buf *line)
{
	if (q->id != NULL) {
		sf_nwmfetch_subject(rec, q);
		sf_buf_adds(rec, ": ");
	}
	sf_buf_adds(rec, msg);
	sf_nwmfetch_station(line, station, q->id);
	sf_buf_adds(line, rec->buf);
}

static int
count_rec(void *arg, const struct sf_rec *rec)
{
	(void)arg;
	(void)rec;
	return 0;
}

/* Notes what a forecast body held, about: "station 'S': gauge 'LID'". */
static void
forecast_notes(const char *about, const struct sf_nwps_info *info,
    sf_note_fn *note, void *narg)
{
	if (info->flow_dropped > 0 && info->flow_unit[0] == '\0')
		sf_notef(note, narg, SF_NOTE_WARN, "%s: %ld flows left out: "
		    "their unit is not given", about, info->flow_dropped);
	else if (info->flow_dropped > 0)
		sf_notef(note, narg, SF_NOTE_WARN, "%s: %ld flows left out: "
		    "unit '%s' is not cfs or cms", about, info->flow_dropped,
		    info->flow_unit);
	sf_notef(note, narg, SF_NOTE_INFO, "%s: %ld records, run %s%s, %ld "
	    "missing values", about, info->records, info->run_date,
	    info->members > 1 ? " (members)" : "", info->missing);
}

int
sf_nwmfetch_forecast(struct sf_nwps *body, const struct sf_nwmfetch_job *q,
    const struct sf_rec *r, int (*emit)(void *arg, const struct sf_rec *rec),
    void *arg, sf_note_fn *note, void *narg, struct sf_nwps_info *info,
    struct sf_err *err)
{
	struct sf_nwps_who who;
	struct sf_buf about = SF_BUF_INIT;

	who.config = r->f[SF_REQ_CONFIG];
	who.station = r->f[SF_REQ_STATION];
	who.agency = r->f[SF_REQ_AGENCY];
	who.target_id = q->id;
	if (sf_nwps_forecast(body, q->series, &who, count_rec, NULL, info,
	    err) == -1)
		return -1;
	sf_nwmfetch_station(&about, who.station, q->id);
	sf_nwmfetch_subject(&about, q);
	if (info->no_forecast) {
		sf_notef(note, narg, SF_NOTE_WARN, "%s: no %s forecast issued",
		    about.buf, sf_nwps_series_source(q->series));
		sf_buf_release(&about);
		return 0;
	}
	if (sf_nwps_forecast(body, q->series, &who, emit, arg, info,
	    err) == -1) {
		sf_buf_release(&about);
		return -2;
	}
	forecast_notes(about.buf, info, note, narg);
	sf_buf_release(&about);
	return 0;
}

int
sf_nwmfetch_gauge(struct sf_nwps *body, const struct sf_nwmfetch_job *q,
    struct sf_buf *csv, sf_note_fn *note, void *narg, struct sf_err *err)
{
	struct sf_nwps_gauge g;
	struct sf_map_row rows[2];
	struct sf_buf about = SF_BUF_INIT;
	struct sf_err perr;
	int i, n, kept = 0;

	if (sf_nwps_gauge(body, &g, err) == -1)
		return -1;
	sf_nwmfetch_subject(&about, q);
	n = sf_nwps_gauge_mappings(&g, rows);
	if (n == 0 && strcmp(g.lid, q->id) == 0)
		sf_notef(note, narg, SF_NOTE_WARN, "%s: no USGS station "
		    "number: no mapping", about.buf);
	else if (n == 0)
		sf_notef(note, narg, SF_NOTE_WARN, "%s: gauge '%s' has no USGS "
		    "station number: no mapping", about.buf, g.lid);
	for (i = 0; i < n; i++) {
		if (sf_map_check(&rows[i], &perr) == -1) {
			sf_notef(note, narg, SF_NOTE_WARN, "%s: mapping to %s "
			    "left out: %s", about.buf, rows[i].target_agency,
			    perr.msg);
			continue;
		}
		sf_map_row_format(&rows[i], 0, 0, csv);
		kept++;
	}
	if (n > 0 && g.reach_id[0] == '\0')
		sf_notef(note, narg, SF_NOTE_INFO, "%s: gauge '%s' has no NWM "
		    "reach", about.buf, g.lid);
	sf_buf_release(&about);
	return kept;
}
