/*
 * sf_mapop: the three forms of sf-map as operations a program or a server
 * can run over sf_map: the filter that fills target_id in request
 * records, an import with its summary, and the listing. They say what
 * they did, and what failed, through an sf_note_fn.
 */
#ifndef SF_MAPOP_H
#define SF_MAPOP_H

#include <stdio.h>

#include "sf_db.h"
#include "sf_map.h"
#include "sf_note.h"
#include "sf_rec.h"

/* The filter: records in, records with target_id filled out. */
struct sf_mapop_filter;

/*
 * A filter writing records of format fmt to out, filling the target_id of
 * requests with the station's id at the agency to; agency (or NULL) is
 * the station's agency when a request does not say. Returns NULL after
 * noting the error.
 */
struct sf_mapop_filter *sf_mapop_filter_new(struct sf_db *db, FILE *out,
    enum sf_format fmt, const char *to, const char *agency,
    sf_note_fn *note, void *arg);

/*
 * Writes the request for station id, filled, or the error record that
 * takes its place (in CSV, where error records do not go, an error
 * note). Returns 0, or -1 when the database failed.
 */
int sf_mapop_filter_station(struct sf_mapop_filter *f, const char *id);

/*
 * Filters the records read from fp, name in messages ("-" for stdin):
 * other records pass, and an error record in CSV becomes an error note.
 * Returns 0, or -1 when the database failed.
 */
int sf_mapop_filter_stream(struct sf_mapop_filter *f, FILE *fp,
    const char *name);

/* Frees f. Returns 0, or -1 when anything failed since sf_mapop_filter_new. */
int sf_mapop_filter_free(struct sf_mapop_filter *f);

/*
 * Imports fp (NULL: the shipped mappings) as the HADS crosswalk (hads 1)
 * or a mapping CSV, named name in messages (sf_map_import_stream), and
 * notes the counts. Returns 0, or -1 when a line was bad or nothing was
 * imported.
 */
int sf_mapop_import(struct sf_db *db, FILE *fp, const char *name, int hads,
    int replace, sf_note_fn *note, void *arg);

/*
 * Writes the mappings (of source agency agency and target agency to, when
 * not NULL) to out as a mapping CSV or NDJSON (fmt). A write error ends
 * the listing quietly: the caller checks out. Returns 0, or -1.
 */
int sf_mapop_list(struct sf_db *db, const char *agency, const char *to,
    FILE *out, enum sf_format fmt, sf_note_fn *note, void *arg);

#endif
