/*
 * sf_mapop: sf-map's filter, import and listing over sf_map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mapop.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf.h"

struct sf_mapop_filter {
	struct sf_map *map;
	struct sf_writer *w;
	enum sf_format fmt;
	const char *to, *agency;
	sf_note_fn *note;
	void *arg;
	int failed;
};

struct sf_mapop_filter *
sf_mapop_filter_new(struct sf_db *db, FILE *out, enum sf_format fmt,
    const char *to, const char *agency, sf_note_fn *note, void *arg)
{
	struct sf_mapop_filter *f;
	struct sf_map *m;
	struct sf_err err;

	if ((m = sf_map_new(db, &err)) == NULL) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return NULL;
	}
	f = sf_calloc(1, sizeof(*f));
	f->map = m;
	f->w = sf_writer_new(out, fmt);
	f->fmt = fmt;
	f->to = to;
	f->agency = agency;
	f->note = note;
	f->arg = arg;
	return f;
}

int
sf_mapop_filter_free(struct sf_mapop_filter *f)
{
	int failed = f->failed;

	sf_writer_free(f->w);
	sf_map_free(f->map);
	free(f);
	return failed ? -1 : 0;
}

/* Writes rec; an error record in CSV becomes a note. */
static void
put(struct sf_mapop_filter *f, const struct sf_rec *rec, const char *where)
{
	struct sf_err err;

	if (rec->kind == SF_KIND_ERROR && f->fmt == SF_FMT_CSV)
		sf_note_rec(f->note, f->arg, rec);
	else if (sf_writer_put(f->w, rec, &err) == -1) {
		sf_notef(f->note, f->arg, SF_NOTE_ERROR, "%s: %s", where,
		    err.msg);
		f->failed = 1;
	}
}

/* Fills and writes request rec, or its error record. 0, or -1 (database). */
static int
map_request(struct sf_mapop_filter *f, struct sf_rec *rec, const char *where)
{
	struct sf_buf msg = SF_BUF_INIT;
	struct sf_err err;
	struct sf_rec e;
	char num[SF_NUM_LEN];
	int r;

	if (rec->f[SF_REQ_STATION] == NULL || *rec->f[SF_REQ_STATION] == '\0') {
		sf_notef(f->note, f->arg, SF_NOTE_ERROR, "%s: request "
		    "without a station", where);
		f->failed = 1;
		return 0;
	}
	r = sf_map_fill(f->map, rec, f->to, f->agency, &msg, &err);
	if (r == -1) {
		sf_notef(f->note, f->arg, SF_NOTE_ERROR, "%s", err.msg);
		f->failed = 1;
	} else if (r == 0) {
		/* the error record that takes the request's place */
		sf_rec_error(&e, rec->f[SF_REQ_CONFIG], rec->f[SF_REQ_STATION],
		    rec->f[SF_REQ_AGENCY], rec->f[SF_REQ_TYPE],
		    rec->f[SF_REQ_START], 0, num, msg.buf);
		if (f->fmt == SF_FMT_CSV)
			sf_notef(f->note, f->arg, SF_NOTE_ERROR, "%s",
			    msg.buf);
		else
			put(f, &e, where);
		f->failed = 1;
	} else
		put(f, rec, where);
	sf_buf_release(&msg);
	return r == -1 ? -1 : 0;
}

int
sf_mapop_filter_station(struct sf_mapop_filter *f, const char *id)
{
	struct sf_rec rec;

	sf_rec_clear(&rec, SF_KIND_REQUEST);
	rec.f[SF_REQ_STATION] = id;
	return map_request(f, &rec, "-s");
}

int
sf_mapop_filter_stream(struct sf_mapop_filter *f, FILE *fp,
    const char *name)
{
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	struct sf_buf where = SF_BUF_INIT;
	int rc, r = 0;

	rd = sf_reader_new(fp, name);
	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			sf_notef(f->note, f->arg, SF_NOTE_ERROR, "%s",
			    err.msg);
			f->failed = 1;
			if (rc == -2)
				break;
			continue;
		}
		sf_buf_reset(&where);
		sf_buf_addf(&where, "%s:%ld", strcmp(name, "-") == 0 ?
		    "stdin" : name, sf_reader_line(rd));
		if (rec.kind != SF_KIND_REQUEST)
			put(f, &rec, where.buf);
		else if (map_request(f, &rec, where.buf) == -1) {
			r = -1;
			break;
		}
	}
	sf_buf_release(&where);
	sf_reader_free(rd);
	return r;
}

int
sf_mapop_import(struct sf_db *db, FILE *fp, const char *name, int hads,
    int replace, sf_note_fn *note, void *arg)
{
	struct sf_map_counts n;
	struct sf_err err;
	int r;

	r = sf_map_import_stream(db, fp, hads ? SF_MAP_HADS : SF_MAP_CSV,
	    name, replace, note, arg, &n, &err);
	if (r == -1) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		sf_notef(note, arg, SF_NOTE_ERROR, "nothing imported");
		return -1;
	}
	sf_notef(note, arg, SF_NOTE_INFO, "%ld inserted, %ld unchanged, %ld "
	    "replaced, %ld conflicts, %ld bad lines", n.inserted, n.unchanged,
	    n.replaced, n.conflicts, n.bad);
	return r == 1 ? -1 : 0;
}

struct lister {
	FILE *out;
	enum sf_format fmt;
	long rows;
	struct sf_buf b;
};

static int
list_row(void *arg, const struct sf_map_row *r)
{
	struct lister *l = arg;

	sf_buf_reset(&l->b);
	sf_map_row_format(r, l->fmt == SF_FMT_NDJSON, l->rows == 0, &l->b);
	l->rows++;
	fwrite(l->b.buf, 1, l->b.len, l->out);
	/* A closed pipe ends the listing; the caller reports other errors. */
	return ferror(l->out) ? 1 : 0;
}

int
sf_mapop_list(struct sf_db *db, const char *agency, const char *to,
    FILE *out, enum sf_format fmt, sf_note_fn *note, void *arg)
{
	struct lister l = { out, fmt, 0, SF_BUF_INIT };
	struct sf_err err;
	int r;

	r = sf_map_list(db, agency, to, list_row, &l, &err);
	sf_buf_release(&l.b);
	if (r == -1) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return -1;
	}
	return 0;
}
