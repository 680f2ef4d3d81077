/*
 * sf_map: station id mappings, the table station_mappings: checking one,
 * reading the two file formats into the table, and looking ids up.
 *
 * A mapping takes a station (source agency USGS or EC, and its id there)
 * to its id at a target agency: NOAA-HADS (the NWS location id, NWSLI,
 * such as PTTP1) or NWM (a National Water Model reach id). The table holds
 * at most one id per station and target agency.
 *
 * File formats, both read one line at a time:
 * - the mapping CSV: a header row "source_agency,source_id,target_agency,
 *   target_id" (SF_MAP_CSV_HEADER), then one mapping per row; RFC 4180
 *   quoting on one line; lines starting with '#' and blank lines are
 *   skipped, and so is the header row when it comes again.
 * - the HADS crosswalk (hads.ncep.noaa.gov/USGS/ALL_USGS-HADS_SITES.txt):
 *   4 header lines, then "NWSLI|USGS number|GOES id|HSA|lat|lon|name",
 *   space padded; each row is the mapping USGS number -> NOAA-HADS NWSLI.
 */
#ifndef SF_MAP_H
#define SF_MAP_H

#include <stdio.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_maprow.h"
#include "sf_note.h"
#include "sf_rec.h"

/*
 * The shipped mappings, share/sf/hads_id_mappings.csv compiled in: its
 * lines, each ending in "\n", then NULL. Its name in messages is
 * SF_MAP_SHIPPED.
 */
extern const char *const sf_hads_csv[];
#define SF_MAP_SHIPPED "hads_id_mappings.csv"

enum sf_map_format { SF_MAP_CSV, SF_MAP_HADS };

struct sf_map_counts {
	long inserted;		/* new rows */
	long unchanged;		/* the same mapping was there */
	long replaced;		/* another target id was there (replace) */
	long conflicts;		/* another target id was there, kept */
	long bad;		/* lines that were not a valid mapping */
};

/*
 * An import: lines of one input, in order, into station_mappings. The
 * caller holds the transaction (sf_db_begin ... sf_db_commit), so that an
 * import is all in one. A mapping already stored with the same target id
 * is unchanged; with another target id it is a conflict, reported and
 * kept, unless replace is set, when the new one replaces it. name is
 * copied and used in messages ("-" or NULL reads as "stdin").
 * Returns the import (free with sf_map_import_free), or NULL with err.
 */
struct sf_map_import;

struct sf_map_import *sf_map_import_new(struct sf_db *db,
    enum sf_map_format fmt, const char *name, int replace,
    struct sf_err *err);
void sf_map_import_free(struct sf_map_import *im);

/*
 * Takes the next line of the input, the n bytes at line (a "\n" or "\r\n"
 * at the end is ignored; a UTF-8 BOM on the first line too; a NUL byte
 * makes a bad line). Returns
 *   0  a line with no mapping: blank, a comment or the CSV header; in HADS
 *      input, one of the first 4 lines that is not a valid row, as long as
 *      no row came before it (the header lines);
 *   1  a mapping inserted or found unchanged;
 *   2  a mapping replaced (replace set): err says which, for a note;
 *  -1  a bad line or a conflict: err is "NAME:LINE: reason", err->line
 *      the line; the import goes on with the next line;
 *  -2  the import cannot go on (the CSV header missing, a database
 *      error): err says why; the caller rolls back.
 */
int sf_map_import_line(struct sf_map_import *im, const char *line,
    size_t n, struct sf_err *err);

/* The counts so far; borrowed from im. */
const struct sf_map_counts *sf_map_import_counts(
    const struct sf_map_import *im);

/*
 * Imports the shipped mappings (sf_hads_csv) inside the caller's
 * transaction, for a new database. Any bad line or conflict is an error:
 * returns 0, or -1 with err.
 */
int sf_map_import_shipped(struct sf_db *db, struct sf_err *err);

/*
 * Imports every line of fp (NULL: the shipped mappings, sf_hads_csv) in
 * fmt into station_mappings in one transaction of its own. name is used
 * in messages ("-" reads as "stdin"). For each line that has something to
 * say, calls note(arg, level, msg): SF_NOTE_INFO for a note (a mapping
 * replaced), SF_NOTE_ERROR for a bad line or a conflict, which is
 * skipped. The counts go to *counts. Returns 0; 1 when some lines were
 * bad (the others are in); -1 with err when nothing was imported (a read
 * or database error, the CSV header missing).
 */
int sf_map_import_stream(struct sf_db *db, FILE *fp, enum sf_map_format fmt,
    const char *name, int replace,
    sf_note_fn *note, void *arg,
    struct sf_map_counts *counts, struct sf_err *err);


/* Looking ids up. */
struct sf_map;

/* Returns a lookup over db (free with sf_map_free), or NULL with err. */
struct sf_map *sf_map_new(struct sf_db *db, struct sf_err *err);
void sf_map_free(struct sf_map *m);

/*
 * Finds the id of station (source_agency, source_id) at target_agency.
 * Returns 1 with *target_id set (borrowed, valid until the next call or
 * sf_map_free), 0 when there is no mapping (*target_id NULL), -1 with err
 * on a database error.
 */
int sf_map_get(struct sf_map *m, const char *source_agency,
    const char *source_id, const char *target_agency,
    const char **target_id, struct sf_err *err);

/*
 * Fills the target_id of the request record rec with the station's id at
 * target_agency. The station's agency is the record's, else agency (when
 * not NULL), else the one its id's pattern names; it is written into rec
 * (NULL when none is found). The strings put in rec are borrowed from m,
 * valid until the next call. Returns 1 when filled; 0 when not, with msg
 * (appended) saying why ("no NWM mapping for station 'ID'"); -1 with err
 * on a database error.
 */
int sf_map_fill(struct sf_map *m, struct sf_rec *rec,
    const char *target_agency, const char *agency, struct sf_buf *msg,
    struct sf_err *err);

/*
 * Calls fn for every mapping, ordered by source agency, source id and
 * target agency; only those of source_agency and of target_agency when
 * they are not NULL. The row is borrowed for the call. fn returns 0 to go
 * on, anything else to stop, which sf_map_list then returns. Returns 0,
 * fn's value, or -1 with err on a database error.
 */
int sf_map_list(struct sf_db *db, const char *source_agency,
    const char *target_agency,
    int (*fn)(void *arg, const struct sf_map_row *r), void *arg,
    struct sf_err *err);

#endif
