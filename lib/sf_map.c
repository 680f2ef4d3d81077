/*
 * sf_map: station id mappings. An import reads its input one line at a
 * time through the caller, so the same code takes a file, the standard
 * input or the compiled-in shipped CSV, and the caller decides where the
 * transaction begins and ends (sf_db's migrate() imports the shipped
 * mappings inside the transaction that creates a SQLite schema; for
 * PostgreSQL, open_pg() right after the one that creates it). The
 * statements are sf_sql's, one text for both engines but the listing's
 * order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_map.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_sql.h"
#include "sf.h"

#define HADS_HEADER_LINES 4

/*
 * Import.
 */

struct sf_map_import {
	struct sf_db *db;
	enum sf_map_format fmt;
	char *name;
	int replace;
	long lineno;
	int header;		/* CSV: the header was seen */
	int rows;		/* a row was taken (HADS: the header is over) */
	struct sf_buf line;	/* the line being parsed, in place */
	struct sf_sql *find, *ins, *upd;
	struct sf_map_counts n;
};

struct sf_map_import *
sf_map_import_new(struct sf_db *db, enum sf_map_format fmt, const char *name,
    int replace, struct sf_err *err)
{
	struct sf_map_import *im = sf_calloc(1, sizeof(*im));

	im->db = db;
	im->fmt = fmt;
	im->name = sf_strdup(name == NULL || strcmp(name, "-") == 0 ?
	    "stdin" : name);
	im->replace = replace;
	sf_buf_init(&im->line);
	if ((im->find = sf_sql_prepare(db, "SELECT target_id FROM "
	    "station_mappings WHERE source_agency = ?1 AND source_id = ?2 "
	    "AND target_agency = ?3", NULL, 0, err)) == NULL ||
	    (im->ins = sf_sql_prepare(db, "INSERT INTO station_mappings "
	    "(source_agency, source_id, target_agency, target_id) "
	    "VALUES (?1, ?2, ?3, ?4)", NULL, 0, err)) == NULL ||
	    (im->upd = sf_sql_prepare(db, "UPDATE station_mappings SET "
	    "target_id = ?4 WHERE source_agency = ?1 AND source_id = ?2 "
	    "AND target_agency = ?3", NULL, 0, err)) == NULL) {
		sf_map_import_free(im);
		return NULL;
	}
	return im;
}

void
sf_map_import_free(struct sf_map_import *im)
{
	if (im == NULL)
		return;
	sf_sql_finalize(im->find);
	sf_sql_finalize(im->ins);
	sf_sql_finalize(im->upd);
	sf_buf_release(&im->line);
	free(im->name);
	free(im);
}

const struct sf_map_counts *
sf_map_import_counts(const struct sf_map_import *im)
{
	return &im->n;
}

static void
bind_row(struct sf_sql *st, const struct sf_map_row *r, int with_target)
{
	sf_sql_reset(st);
	sf_sql_clear(st);
	sf_sql_bind_text(st, 1, r->source_agency);
	sf_sql_bind_text(st, 2, r->source_id);
	sf_sql_bind_text(st, 3, r->target_agency);
	if (with_target)
		sf_sql_bind_text(st, 4, r->target_id);
}

/* Runs a statement that returns no row; resets it either way. */
static int
run(struct sf_map_import *im, struct sf_sql *st, const char *what,
    struct sf_err *err)
{
	int rc = sf_sql_step(st);

	sf_sql_reset(st);
	if (rc != SF_SQL_DONE)
		return sf_db_fail(im->db, what, err);
	return 0;
}

/* Stores r: returns as sf_map_import_line does. */
static int
store(struct sf_map_import *im, const struct sf_map_row *r,
    struct sf_err *err)
{
	char *old;
	int rc;

	bind_row(im->find, r, 0);
	rc = sf_sql_step(im->find);
	if (rc == SF_SQL_DONE) {
		sf_sql_reset(im->find);
		bind_row(im->ins, r, 1);
		if (run(im, im->ins, "inserting a mapping", err) == -1)
			return -2;
		im->n.inserted++;
		return 1;
	}
	if (rc != SF_SQL_ROW) {
		sf_db_fail(im->db, "looking up a mapping", err);
		sf_sql_reset(im->find);
		return -2;
	}
	old = sf_strdup(sf_sql_text(im->find, 0));
	sf_sql_reset(im->find);
	if (strcmp(old, r->target_id) == 0) {
		free(old);
		im->n.unchanged++;
		return 1;
	}
	if (!im->replace) {
		sf_err_setl(err, im->lineno, "%s:%ld: conflict: %s '%s' is "
		    "%s '%s' already, not '%s' (kept; --replace overwrites)",
		    im->name, im->lineno, r->source_agency, r->source_id,
		    r->target_agency, old, r->target_id);
		free(old);
		im->n.conflicts++;
		return -1;
	}
	bind_row(im->upd, r, 1);
	if (run(im, im->upd, "replacing a mapping", err) == -1) {
		free(old);
		return -2;
	}
	sf_err_setl(err, im->lineno, "%s:%ld: %s '%s' is %s '%s' now, not "
	    "'%s'", im->name, im->lineno, r->source_agency, r->source_id,
	    r->target_agency, r->target_id, old);
	free(old);
	im->n.replaced++;
	return 2;
}

static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

static int
bad_line(struct sf_map_import *im, const struct sf_err *why,
    struct sf_err *err)
{
	im->n.bad++;
	return sf_err_setl(err, im->lineno, "%s:%ld: %s", im->name,
	    im->lineno, why->msg);
}

static int
csv_line(struct sf_map_import *im, char *s, struct sf_err *err)
{
	struct sf_map_row r;
	struct sf_err why;

	if (*s == '#' || blank(s))
		return 0;
	if (strcmp(s, SF_MAP_CSV_HEADER) == 0) {
		im->header = 1;
		return 0;
	}
	if (!im->header) {
		sf_err_setl(err, im->lineno, "%s:%ld: expected the header "
		    "'%s'", im->name, im->lineno, SF_MAP_CSV_HEADER);
		return -2;
	}
	if (sf_map_parse_csv(s, &r, &why) == -1 ||
	    sf_map_check(&r, &why) == -1)
		return bad_line(im, &why, err);
	return store(im, &r, err);
}

static int
hads_line(struct sf_map_import *im, char *s, struct sf_err *err)
{
	struct sf_map_row r;
	struct sf_err why;

	if (blank(s))
		return 0;
	if (sf_map_parse_hads(s, &r, &why) == -1 ||
	    sf_map_check(&r, &why) == -1) {
		if (!im->rows && im->lineno <= HADS_HEADER_LINES)
			return 0;
		return bad_line(im, &why, err);
	}
	im->rows = 1;
	return store(im, &r, err);
}

int
sf_map_import_line(struct sf_map_import *im, const char *line, size_t n,
    struct sf_err *err)
{
	struct sf_err why;
	char *s;

	im->lineno++;
	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	sf_buf_reset(&im->line);
	sf_buf_add(&im->line, line, n);
	s = im->line.buf;
	if (im->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (memchr(im->line.buf, '\0', n) != NULL) {
		sf_err_set(&why, "NUL byte in the line");
		return bad_line(im, &why, err);
	}
	if (im->fmt == SF_MAP_HADS)
		return hads_line(im, s, err);
	return csv_line(im, s, err);
}

int
sf_map_import_shipped(struct sf_db *db, struct sf_err *err)
{
	struct sf_map_import *im;
	size_t i;
	int r = 0;

	if ((im = sf_map_import_new(db, SF_MAP_CSV, SF_MAP_SHIPPED, 0,
	    err)) == NULL)
		return -1;
	for (i = 0; sf_hads_csv[i] != NULL; i++) {
		if (sf_map_import_line(im, sf_hads_csv[i],
		    strlen(sf_hads_csv[i]), err) < 0) {
			r = -1;
			break;
		}
	}
	sf_map_import_free(im);
	return r;
}

int
sf_map_import_stream(struct sf_db *db, FILE *fp, enum sf_map_format fmt,
    const char *name, int replace,
    sf_note_fn *note, void *arg,
    struct sf_map_counts *counts, struct sf_err *err)
{
	struct sf_map_import *im;
	struct sf_err e2;
	char *line = NULL;
	size_t cap = 0, i = 0;
	ssize_t len;
	int rc, r = 0;

	memset(counts, 0, sizeof(*counts));
	if (sf_db_begin(db, err) == -1)
		return -1;
	if ((im = sf_map_import_new(db, fmt, name, replace, err)) == NULL) {
		sf_db_rollback(db);
		return -1;
	}
	for (;;) {
		if (fp == NULL) {
			if (sf_hads_csv[i] == NULL)
				break;
			rc = sf_map_import_line(im, sf_hads_csv[i],
			    strlen(sf_hads_csv[i]), &e2);
			i++;
		} else {
			if ((len = getline(&line, &cap, fp)) == -1) {
				if (!ferror(fp))
					break;
				r = sf_err_set(err, "cannot read '%s': %s",
				    strcmp(name, "-") == 0 ? "stdin" : name,
				    strerror(errno));
				break;
			}
			rc = sf_map_import_line(im, line, (size_t)len, &e2);
		}
		if (rc == 2 || rc == -1)
			note(arg, rc == -1 ? SF_NOTE_ERROR : SF_NOTE_INFO,
			    e2.msg);
		if (rc == -1)
			r = 1;
		if (rc == -2) {
			*err = e2;
			r = -1;
			break;
		}
	}
	free(line);
	if (r != -1 && sf_db_commit(db, err) == -1)
		r = -1;
	if (r == -1)
		sf_db_rollback(db);
	else
		*counts = *sf_map_import_counts(im);
	sf_map_import_free(im);
	return r;
}


/*
 * Lookup.
 */

struct sf_map {
	struct sf_db *db;
	struct sf_sql *get;
	char *target;
};

struct sf_map *
sf_map_new(struct sf_db *db, struct sf_err *err)
{
	struct sf_map *m = sf_calloc(1, sizeof(*m));

	m->db = db;
	if ((m->get = sf_sql_prepare(db, "SELECT target_id FROM "
	    "station_mappings WHERE source_agency = ?1 AND source_id = ?2 "
	    "AND target_agency = ?3", NULL, 0, err)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
sf_map_free(struct sf_map *m)
{
	if (m == NULL)
		return;
	sf_sql_finalize(m->get);
	free(m->target);
	free(m);
}

int
sf_map_get(struct sf_map *m, const char *source_agency,
    const char *source_id, const char *target_agency,
    const char **target_id, struct sf_err *err)
{
	int rc;

	*target_id = NULL;
	free(m->target);
	m->target = NULL;
	sf_sql_reset(m->get);
	sf_sql_bind_text(m->get, 1, source_agency);
	sf_sql_bind_text(m->get, 2, source_id);
	sf_sql_bind_text(m->get, 3, target_agency);
	rc = sf_sql_step(m->get);
	if (rc == SF_SQL_ROW)
		m->target = sf_strdup(sf_sql_text(m->get, 0));
	sf_sql_reset(m->get);
	if (rc != SF_SQL_ROW && rc != SF_SQL_DONE)
		return sf_db_fail(m->db, "looking up a mapping", err);
	*target_id = m->target;
	return m->target != NULL;
}

int
sf_map_list(struct sf_db *db, const char *source_agency,
    const char *target_agency,
    int (*fn)(void *arg, const struct sf_map_row *r), void *arg,
    struct sf_err *err)
{
	static const char sql[] =
	    "SELECT source_agency, source_id, target_agency, target_id "
	    "FROM station_mappings "
	    "WHERE (?1 IS NULL OR source_agency = ?1) "
	    "AND (?2 IS NULL OR target_agency = ?2) "
	    "ORDER BY source_agency, source_id, target_agency";
	/* in byte order, as SQLite sorts, whatever the database's locale */
	static const char pgsql[] =
	    "SELECT source_agency, source_id, target_agency, target_id "
	    "FROM station_mappings "
	    "WHERE (?1::text IS NULL OR source_agency = ?1) "
	    "AND (?2::text IS NULL OR target_agency = ?2) "
	    "ORDER BY source_agency COLLATE \"C\", source_id COLLATE \"C\", "
	    "target_agency COLLATE \"C\"";
	struct sf_map_row r;
	struct sf_sql *st;
	int rc, ret = 0;

	if ((st = sf_sql_prepare(db, sql, pgsql, SF_SQL_STREAM, err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, source_agency);
	sf_sql_bind_text(st, 2, target_agency);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		r.source_agency = sf_sql_text(st, 0);
		r.source_id = sf_sql_text(st, 1);
		r.target_agency = sf_sql_text(st, 2);
		r.target_id = sf_sql_text(st, 3);
		if ((ret = fn(arg, &r)) != 0)
			break;
	}
	if (ret == 0 && rc != SF_SQL_DONE)
		ret = sf_db_fail(db, "listing the mappings", err);
	sf_sql_finalize(st);
	return ret;
}

int
sf_map_fill(struct sf_map *m, struct sf_rec *rec, const char *to,
    const char *agency, struct sf_buf *msg, struct sf_err *err)
{
	const char *st = rec->f[SF_REQ_STATION], *target;
	int r;

	if (rec->f[SF_REQ_AGENCY] == NULL)
		rec->f[SF_REQ_AGENCY] = agency ? agency :
		    sf_id_agency_guess(st);
	if (rec->f[SF_REQ_AGENCY] == NULL) {
		sf_buf_addf(msg, "station '%s': agency unknown (not a USGS "
		    "or EC station id)", st);
		return 0;
	}
	if ((r = sf_map_get(m, rec->f[SF_REQ_AGENCY], st, to, &target,
	    err)) == -1)
		return -1;
	if (r == 0) {
		sf_buf_addf(msg, "no %s mapping for station '%s'", to, st);
		return 0;
	}
	rec->f[SF_REQ_TARGET_ID] = target;
	return 1;
}
