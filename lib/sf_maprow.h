/*
 * sf_maprow: one station id mapping, a station (source agency USGS or EC,
 * and its id there) and its id at a target agency (NOAA-HADS or NWM), as
 * the two file formats and the mapping records hold it (the formats are
 * described in sf_map.h, which stores mappings). Pure: no database.
 */
#ifndef SF_MAPROW_H
#define SF_MAPROW_H

#include "sf_buf.h"
#include "sf_err.h"

#define SF_MAP_CSV_HEADER "source_agency,source_id,target_agency,target_id"

/* The longest target id accepted, in bytes. */
#define SF_MAP_ID_MAX 64

/* One mapping; the strings are borrowed (see where it came from). */
struct sf_map_row {
	const char *source_agency;
	const char *source_id;
	const char *target_agency;
	const char *target_id;
};

/* 1 when a is a source agency (USGS, EC), else 0. Case-sensitive. */
int sf_map_source_agency(const char *a);
/* 1 when a is a target agency (NOAA-HADS, NWM), else 0. Case-sensitive. */
int sf_map_target_agency(const char *a);

/*
 * Checks a mapping: known agencies; a source id that fits its agency's
 * pattern (sf_id_check); a target id of 1 to SF_MAP_ID_MAX printable
 * ASCII characters without space at either end (quotes, commas and the
 * like are taken as they are). Returns 0, or -1 with err naming the
 * field and the value.
 */
int sf_map_check(const struct sf_map_row *r, struct sf_err *err);

/*
 * Splits one line of the mapping CSV (no line end) into r, in place: the
 * fields of r point into line. Does not check the values (sf_map_check
 * does). Returns 0, or -1 with err: "expected 4 fields, found N", a quote
 * that is misplaced or not closed.
 */
int sf_map_parse_csv(char *line, struct sf_map_row *r, struct sf_err *err);

/*
 * Splits one row of the HADS crosswalk (no line end) into r, in place:
 * source USGS and the USGS number, target NOAA-HADS and the NWSLI, both
 * with the padding removed; the other fields must be there but are not
 * used. Does not check the ids. Returns 0, or -1 with err: "expected 7
 * fields, found N", "empty NWSLI", "empty USGS number".
 */
int sf_map_parse_hads(char *line, struct sf_map_row *r, struct sf_err *err);

/*
 * Appends r to b as a mapping record: an NDJSON object (ndjson 1), or a
 * CSV row, after the header row SF_MAP_CSV_HEADER when header is 1.
 */
void sf_map_row_format(const struct sf_map_row *r, int ndjson, int header,
    struct sf_buf *b);

#endif
