/* t_plot: sf_plot's reduction and its SVG, through the C interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_plot.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

static int
to_buf(void *arg, const char *s, size_t n)
{
	sf_buf_add(arg, s, n);
	return 0;
}

static int
refuse(void *arg, const char *s, size_t n)
{
	(void)arg;
	(void)s;
	(void)n;
	return -1;
}

static void
point(struct sf_plot *p, const char *station, int64_t t, double v)
{
	char tb[SF_TIME_LEN], nb[SF_NUM_LEN];
	struct sf_rec r;
	struct sf_err err;

	sf_time_format(t, tb);
	sf_str_fmt_double(v, nb);
	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_STATION] = station;
	r.f[SF_OBS_AGENCY] = "USGS";
	r.f[SF_OBS_TYPE] = "realtime_15min";
	r.f[SF_OBS_OBSERVED_AT] = tb;
	r.f[SF_OBS_DISCHARGE] = nb;
	r.f[SF_OBS_UNIT] = "cfs";
	sf_plot_add(p, &r, &err);
}

/* The y of v in svg, as the area's attributes say, "%.1f". */
static void
y_of(const char *svg, double v, char *out, size_t n)
{
	const char *a = strstr(svg, "class=\"area\"");
	double y, h, v0, v1;

	if (a == NULL || sscanf(strstr(a, " y=\""), " y=\"%lf\"", &y) != 1 ||
	    sscanf(strstr(a, "height=\""), "height=\"%lf\"", &h) != 1 ||
	    sscanf(strstr(a, "data-v0=\""), "data-v0=\"%lf\"", &v0) != 1 ||
	    sscanf(strstr(a, "data-v1=\""), "data-v1=\"%lf\"", &v1) != 1) {
		snprintf(out, n, "?");
		return;
	}
	snprintf(out, n, ",%.1f ", y + h - (v - v0) / (v1 - v0) * h);
}

int
main(void)
{
	struct sf_plot_opts o = { 0 };
	struct sf_buf b = SF_BUF_INIT;
	struct sf_plot *p;
	struct sf_err err;
	char y[64];
	int64_t t0 = 1451606400, i;	/* 2016-01-01 */
	int forward;

	for (forward = 1; forward >= 0; forward--) {
		p = sf_plot_new(&o);
		for (i = 0; i < 350400; i++) {
			int64_t k = forward ? i : 350399 - i;

			point(p, "01", t0 + k * 900, k == 123457 ? 90000 :
			    1000 + (double)(k % 96));
		}
		is_int((int)sf_plot_count(p), 1, "one station");
		sf_buf_reset(&b);
		is_int(sf_plot_svg(p, 0, to_buf, &b, &err), 0, "drawn");
		ok(b.len < 1000000, "350,400 points: an SVG under 1 MB");
		y_of(b.buf, 90000, y, sizeof(y));
		ok(strstr(b.buf, y) != NULL, forward ?
		    "the lone peak is drawn at its height" :
		    "also when the points come backwards");
		y_of(b.buf, 1000, y, sizeof(y));
		ok(strstr(b.buf, y) != NULL, "and the lows at theirs");
		sf_plot_free(p);
	}

	o.station = "02";
	p = sf_plot_new(&o);
	point(p, "01", t0, 1);
	point(p, "02", t0, 5);
	point(p, "02", t0 + 900, 6);
	is_int((int)sf_plot_count(p), 1, "a station chosen: the others skipped");
	is_str(sf_plot_station(p, 0), "02", "the chosen one");
	is_int(sf_plot_svg(p, 0, refuse, NULL, &err), -1,
	    "a writer that fails fails the drawing");
	ok(strstr(err.msg, "writing the SVG") != NULL, "saying so");
	is_int(sf_plot_svg(p, 1, to_buf, &b, &err), -1, "no station 1");
	sf_plot_free(p);

	/* no point at all: no station, and nothing undefined on the way */
	p = sf_plot_new(&o);
	is_int((int)sf_plot_count(p), 0, "no points: no station");
	sf_plot_free(p);
	sf_buf_release(&b);
	return tap_done();
}
