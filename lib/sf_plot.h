/*
 * sf_plot: hydrographs as standalone SVG, from obs and forecast records.
 *
 * Records are added one at a time, in any order; each series (observed
 * values of a type, one forecast run, one ensemble: the members of a run)
 * is kept as a fixed number of time buckets that widen as the series'
 * span grows, each with its minimum and maximum, so memory does not grow
 * with the input and peaks survive any reduction. Drawing reduces the
 * buckets to pixel columns and writes the SVG through a callback, so a
 * program can write a file and sf-serve an HTTP response.
 */
#ifndef SF_PLOT_H
#define SF_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "sf_err.h"
#include "sf_rec.h"

struct sf_plot_opts {
	int width, height;	/* pixels; 0: 1000 by 500 */
	int log;		/* logarithmic discharge axis */
	int has_now;
	int64_t now;		/* the "now" marker, drawn when in range */
	const char *station;	/* keep this station only; NULL: all */
};

struct sf_plot;

/* A plot with options o (copied; the station string is copied too). */
struct sf_plot *sf_plot_new(const struct sf_plot_opts *o);
void sf_plot_free(struct sf_plot *p);

/*
 * Adds one record: obs and forecast records are points (a null discharge
 * is skipped), station records give a station its name; other kinds are
 * ignored. A cms value of a station drawn in cfs (the unit of its first
 * point) is converted, and the other way round. Returns 0, or -1 with err
 * when the record does not hold a usable time or number.
 */
int sf_plot_add(struct sf_plot *p, const struct sf_rec *r,
    struct sf_err *err);

/* The number of stations with points, and the id of the i-th (sorted). */
size_t sf_plot_count(struct sf_plot *p);
const char *sf_plot_station(struct sf_plot *p, size_t i);

/*
 * Writes the SVG of the i-th station through write (called with pieces
 * of the document; returns 0, or -1 to stop, which makes this return -1
 * with err "writing the SVG").
 *
 * The plot area is the rect of class "area"; its data-t0, data-t1 (epoch
 * seconds) and data-v0, data-v1 (discharge, or its log10 with --log)
 * attributes are the values at its left, right, bottom and top edges, so
 * a point (t, v) is drawn at x = x + (t - t0) / (t1 - t0) * width and
 * y = y + height - (v - v0) / (v1 - v0) * height, to 0.1 pixel.
 */
int sf_plot_svg(struct sf_plot *p, size_t i,
    int (*write)(void *arg, const char *s, size_t n), void *arg,
    struct sf_err *err);

#endif
