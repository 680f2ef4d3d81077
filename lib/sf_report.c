/*
 * sf_report: the reports of sf-config, sf-progress and sf-status, in one
 * place so that a table, CSV or NDJSON reads the same from every program.
 *
 * The table cannot be written before its widths are known, so its rows
 * are copied and kept; the other formats go out a row at a time and hold
 * only that line in memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_report.h"
#include "sf.h"

int
sf_report_format_parse(const char *s, enum sf_report_format *fmt,
    struct sf_err *err)
{
	if (strcmp(s, "table") == 0)
		*fmt = SF_REPORT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*fmt = SF_REPORT_CSV;
	else if (strcmp(s, "ndjson") == 0)
		*fmt = SF_REPORT_NDJSON;
	else
		return sf_err_set(err, "format '%s': unknown (table, csv or "
		    "ndjson)", s);
	return 0;
}

void
sf_report_init(struct sf_report *r, FILE *fp, enum sf_report_format fmt,
    const char *kind, const struct sf_report_col *cols, size_t ncols)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->fmt = fmt;
	r->kind = kind;
	r->cols = cols;
	r->ncols = ncols;
	sf_buf_init(&r->line);
}

/*
 * A copy of s for people (caller frees): control characters, which would
 * break the lines of a table, become '?' as ls(1) shows them.
 */
static char *
shown(const char *s)
{
	char *t = sf_strdup(s), *p;

	for (p = t; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return t;
}

static void
put_keys(struct sf_report *r, const char *const *v)
{
	size_t i;
	char *s;

	if (r->nrows > 0)
		sf_buf_addc(&r->line, '\n');
	for (i = 0; i < r->ncols; i++) {
		s = shown(v[i] == NULL ? "" : v[i]);
		sf_buf_addf(&r->line, "%s: %s\n", r->cols[i].name, s);
		free(s);
	}
}

static void
put_csv(struct sf_report *r, const char *const *v)
{
	size_t i;

	if (r->nrows == 0) {
		for (i = 0; i < r->ncols; i++) {
			if (i > 0)
				sf_buf_addc(&r->line, ',');
			sf_buf_add_csv_field(&r->line, r->cols[i].name);
		}
		sf_buf_addc(&r->line, '\n');
	}
	for (i = 0; i < r->ncols; i++) {
		if (i > 0)
			sf_buf_addc(&r->line, ',');
		if (v[i] != NULL)
			sf_buf_add_csv_field(&r->line, v[i]);
	}
	sf_buf_addc(&r->line, '\n');
}

static void
put_ndjson(struct sf_report *r, const char *const *v)
{
	size_t i;

	sf_buf_adds(&r->line, "{\"kind\":");
	sf_buf_add_json_str(&r->line, r->kind);
	for (i = 0; i < r->ncols; i++) {
		sf_buf_addc(&r->line, ',');
		sf_buf_add_json_str(&r->line, r->cols[i].name);
		sf_buf_addc(&r->line, ':');
		if (v[i] == NULL)
			sf_buf_adds(&r->line, "null");
		else if (r->cols[i].type != SF_REPORT_STR)
			sf_buf_adds(&r->line, v[i]);
		else
			sf_buf_add_json_str(&r->line, v[i]);
	}
	sf_buf_adds(&r->line, "}\n");
}

void
sf_report_put(struct sf_report *r, const char *const *v)
{
	size_t i;

	if (r->fmt == SF_REPORT_TABLE) {
		r->cells = sf_realloc(r->cells, (r->nrows + 1) * r->ncols *
		    sizeof(*r->cells));
		for (i = 0; i < r->ncols; i++)
			r->cells[r->nrows * r->ncols + i] =
			    shown(v[i] == NULL ? "-" : v[i]);
		r->nrows++;
		return;
	}
	sf_buf_reset(&r->line);
	if (r->fmt == SF_REPORT_KEYS)
		put_keys(r, v);
	else if (r->fmt == SF_REPORT_CSV)
		put_csv(r, v);
	else
		put_ndjson(r, v);
	r->nrows++;
	fwrite(r->line.buf, 1, r->line.len, r->fp);
}

/* The width of s on a terminal: its UTF-8 characters. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
pad(struct sf_buf *b, size_t n)
{
	while (n-- > 0)
		sf_buf_addc(b, ' ');
}

void
sf_report_finish(struct sf_report *r)
{
	const char *s;
	size_t *w, i, j, n, last = SIZE_MAX;

	if (r->fmt != SF_REPORT_TABLE || r->nrows == 0)
		return;
	w = sf_calloc(r->ncols, sizeof(*w));
	for (i = 0; i < r->ncols; i++)
		if (r->cols[i].head != NULL) {
			w[i] = width(r->cols[i].head);
			last = i;
		}
	if (last == SIZE_MAX) {		/* no column to show */
		free(w);
		return;
	}
	for (j = 0; j < r->nrows; j++)
		for (i = 0; i < r->ncols; i++)
			if ((n = width(r->cells[j * r->ncols + i])) > w[i])
				w[i] = n;
	for (j = 0; j <= r->nrows; j++) {
		sf_buf_reset(&r->line);
		for (i = 0; i < r->ncols; i++) {
			if (r->cols[i].head == NULL)
				continue;
			s = j == 0 ? r->cols[i].head :
			    r->cells[(j - 1) * r->ncols + i];
			if (r->cols[i].type == SF_REPORT_NUM)
				pad(&r->line, w[i] - width(s));
			sf_buf_adds(&r->line, s);
			if (i == last)
				break;
			if (r->cols[i].type != SF_REPORT_NUM)
				pad(&r->line, w[i] - width(s));
			sf_buf_adds(&r->line, "  ");
		}
		sf_buf_addc(&r->line, '\n');
		fwrite(r->line.buf, 1, r->line.len, r->fp);
	}
	free(w);
}

void
sf_report_release(struct sf_report *r)
{
	size_t i;

	for (i = 0; r->cells != NULL && i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	r->cells = NULL;
	r->nrows = 0;
	sf_buf_release(&r->line);
}
