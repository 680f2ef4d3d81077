/*
 * sf_ec: push parsers for the CSV bodies of Environment and Climate
 * Change Canada (Water Survey of Canada): wateroffice daily_data and
 * real_time_data, the MSC Datamart per-station files, and the Datamart
 * station list. Records come out through a callback as they complete.
 *
 * The caller feeds the body as it arrives, split anywhere (one byte at a
 * time is fine), then calls sf_ec_finish. Memory is one row (at most
 * SF_EC_ROWMAX bytes) and small fixed buffers, whatever the length of the
 * body. Rows are emitted in body order (the services send each station in
 * ascending time).
 *
 * Common to every layout:
 * - A UTF-8 BOM at the start and spaces and tabs around every field (the
 *   "EF BB BF 20" before "ID") are dropped; CRLF, LF or CR line ends; the
 *   last record need not end in one; blank lines are skipped; RFC 4180
 *   quoting (a quoted field may hold commas, "" and line breaks).
 * - Encoding: UTF-8, with a Windows-1252 fallback: a record that is not
 *   valid UTF-8 is decoded as Windows-1252 and so is every record after
 *   it (a body has one encoding). Output strings are always UTF-8.
 * - Header names are compared on their English part: the text before the
 *   first '/', without a trailing "(...)", trimmed, case-insensitive
 *   ("Parameter/Paramètre" is "Parameter", "Discharge / Débit (cms)" is
 *   "Discharge").
 * - A body with a header and no row is no data: zero records, success.
 *   An empty body (no header at all) is an error.
 * - Station ids must fit sf_id_check("EC"); values must be numbers
 *   (sf_str_todouble) and are passed on as written.
 * - Any error stops the parse: a header whose layout is not known (the
 *   message quotes the header), a row with another number of fields than
 *   the header, a bad id, number, date or time, a quote not closed at the
 *   end, a NUL byte, a row over SF_EC_ROWMAX, the callback's refusal.
 *   Messages read "LAYOUT: line N: what 'value': reason", with err->line
 *   set.
 *
 * Layouts and the records they make (agency "EC", unit "cms", config as
 * given to sf_ec_new):
 *
 * SF_EC_DAILY: services/daily_data/csv/inline. Columns by header name:
 *   ID, Date, Parameter and Value are required; Symbol, and Approval
 *   should the service add it, are used; others are ignored. Rows whose
 *   Parameter is discharge ("discharge/débit", "flow" or "47") become obs
 *   of type daily_mean at Date "T00:00:00Z" (the station's day, not
 *   shifted); other parameters (water level) are skipped and counted.
 *   quality_code: the approval, "P" when the body has none (the body
 *   carries no approval), then the HYDAT symbol (A partial day, B ice,
 *   D dry, E estimated, S sample), e.g. "P", "P:B".
 * SF_EC_REALTIME: services/real_time_data/csv/inline. Columns as above,
 *   plus Qualifier, Qualifiers and Approval; Grade is ignored. Date is a
 *   UTC date and time ("2025-10-22T00:00:00Z", "2025-10-22 00:00:00"); a
 *   bare date is an error. Rows whose Parameter is 47 (discharge) become
 *   obs of type realtime_15min; others (46, water level) are skipped and
 *   counted. quality_code: the approval ("Provisional/Provisoire" P,
 *   "Final/Finale" or "Approved/Approuvé" A, empty P, another word W
 *   "P:W"), then Qualifier, Symbol and Qualifiers when not empty and
 *   not already there, joined with ':'.
 * SF_EC_DATAMART: csv/{PROV}/{hourly,daily}/{PROV}_{STN}_*_hydrometric.csv.
 *   The names repeat, so columns go by position: ID, Date, Water Level,
 *   Grade, Symbol, QA/QC, Discharge, Grade, Symbol, QA/QC; the header
 *   must read ID, Date, Water Level..., and Discharge... in the 7th
 *   column. Date is local standard time with its offset
 *   ("2020-01-19T04:45:00-08:00", "-03:30"), converted to UTC; a time
 *   without an offset is an error. The discharge column becomes obs of
 *   type realtime_15min (the unit-value series, whatever the interval).
 *   quality_code: the discharge QA/QC (1 preliminary, 2 reviewed, 3
 *   checked: P; 4 approved: A; empty or another: P), then the discharge
 *   Symbol when not empty.
 * SF_EC_STATIONS: doc/hydrometric_StationList.csv. Columns by name: ID
 *   required; Name, Latitude, Longitude, Prov and Timezone used when
 *   present. Station records: name, latitude and longitude as written
 *   (checked as numbers), state = the province or territory, utc_offset
 *   normalised through sf_time_zone ("UTC-08:00" is "-08:00", "UTC" is
 *   "+00:00"); huc_code, drainage_area_sqmi, altitude_ft and uses_dst
 *   null. The config given to sf_ec_new is not used.
 *
 * Empty values (every obs layout): a row with an empty value becomes an
 * obs with a null discharge when the row has a word for it beyond its
 * approval (a symbol or a qualifier: "P:B" for ice), else it is skipped
 * and counted (a level-only Datamart row, a day left blank), since a
 * null with nothing to say would only overwrite what the archive holds.
 */
#ifndef SF_EC_H
#define SF_EC_H

#include <stddef.h>

#include "sf_err.h"
#include "sf_rec.h"

/* The longest row accepted, in bytes as received. */
#define SF_EC_ROWMAX 65536
/* The most fields a row may have. */
#define SF_EC_MAXF 64

enum sf_ec_layout {
	SF_EC_DAILY,		/* wateroffice daily_data */
	SF_EC_REALTIME,		/* wateroffice real_time_data */
	SF_EC_DATAMART,		/* Datamart per-station hourly/daily file */
	SF_EC_STATIONS		/* Datamart hydrometric_StationList.csv */
};

struct sf_ec_stats {
	long rows;		/* data rows read (not the header, not blanks) */
	long records;		/* records emitted */
	long other;		/* rows of another parameter, skipped */
	long empty;		/* rows with no value and nothing said, skipped */
	int cp1252;		/* 1 once the body was read as Windows-1252 */
};

struct sf_ec;

/*
 * A parser for one body of the given layout. config (may be NULL) is
 * copied and put in every obs record's config field. emit is called with
 * each record; the record and its strings are borrowed for the duration
 * of the call only. A non-zero return from emit stops the parse (the
 * feed or finish that called it returns -1). arg is passed to emit as
 * is. Free with sf_ec_free.
 */
struct sf_ec *sf_ec_new(enum sf_ec_layout layout, const char *config,
    int (*emit)(void *arg, const struct sf_rec *rec), void *arg);

/*
 * Parses the n bytes at buf, emitting the records they complete. Returns
 * 0, or -1 with err set; after an error every later call returns -1 with
 * the same message.
 */
int sf_ec_feed(struct sf_ec *p, const void *buf, size_t n,
    struct sf_err *err);

/*
 * Ends the body: emits the last record (which need not end in a line
 * end) and checks that the body was whole (a header was seen, no quote
 * left open). Returns 0, or -1 with err set. Call once, after the last
 * feed.
 */
int sf_ec_finish(struct sf_ec *p, struct sf_err *err);

/* The counts so far; borrowed, valid until sf_ec_free. */
const struct sf_ec_stats *sf_ec_stats(const struct sf_ec *p);

/* The layout's name in messages: "daily_data", "real_time_data", ... */
const char *sf_ec_layout_name(enum sf_ec_layout layout);

/* Frees p and everything it holds; p may be NULL. */
void sf_ec_free(struct sf_ec *p);

#endif
