/*
 * sf_quality: checking quality codes, and mapping every agency's codes to
 * the one vocabulary. The tables here are the table of sf(7) ("Quality
 * codes"): change both together.
 */
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_quality.h"
#include "sf.h"

int
sf_quality_check(const char *code, struct sf_err *err)
{
	const char *p;
	size_t part = 0;

	if (strlen(code) > SF_QUALITY_MAX)
		return sf_err_set(err, "quality_code: longer than %d bytes",
		    SF_QUALITY_MAX);
	for (p = code; ; p++) {
		if (*p == ':' || *p == '\0') {
			if (part == 0)
				return sf_err_set(err, "quality_code '%s': "
				    "empty %s", code, p == code ?
				    "approval" : "qualifier");
			if (*p == '\0')
				return 0;
			part = 0;
			continue;
		}
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return sf_err_set(err, "quality_code: a control "
			    "character in '%s'", code);
		part++;
	}
}

struct word {
	const char *from;	/* compared without regard to case */
	const char *to;
};

/* USGS: NWIS RDB codes and the Water Data API's words. */
static const struct word usgs_words[] = {
	{ "e", "e" }, { "ESTIMATED", "e" },
	{ "Ice", "ice" },
	{ "Eqp", "eqp" }, { "EQUIPMENT", "eqp" },
	{ "EQUIPMENT MALFUNCTION", "eqp" },
	{ "Bkw", "bkw" }, { "BACKWATER", "bkw" },
	{ "Ssn", "ssn" }, { "SEASONAL", "ssn" },
	{ "Dis", "dis" }, { "DISCONTINUED", "dis" },
	{ "Mnt", "mnt" }, { "MAINTENANCE", "mnt" },
	{ "Fld", "fld" }, { "FLOOD", "fld" },
	{ "Rat", "rat" },
	{ "Dry", "dry" },
	{ "Zfl", "zfl" },
	{ NULL, NULL }
};

/* EC: the Water Survey's data symbols, and their words. */
static const struct word ec_words[] = {
	{ "E", "e" }, { "Estimated", "e" },
	{ "B", "ice" }, { "Backwater", "ice" }, { "Ice", "ice" },
	{ "A", "partial" }, { "Partial Day", "partial" },
	{ "D", "dry" }, { "Dry", "dry" },
	{ "R", "revised" }, { "Revised", "revised" },
	{ NULL, NULL }
};

static int
eq_ci_n(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i];
		unsigned char y = (unsigned char)b[i];

		if (y == '\0')
			return 0;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return b[n] == '\0';
}

/* Whether out, after its approval (the first nappr bytes), has word. */
static int
has_part(const struct sf_buf *out, size_t nappr, const char *w, size_t n)
{
	const char *p = out->buf + nappr, *end = out->buf + out->len;

	while (p < end) {
		const char *q = memchr(p + 1, ':', (size_t)(end - p - 1));

		if (q == NULL)
			q = end;
		if ((size_t)(q - p - 1) == n && memcmp(p + 1, w, n) == 0)
			return 1;
		p = q;
	}
	return 0;
}

void
sf_quality_map(const char *agency, const char *code, struct sf_buf *out)
{
	const struct word *tab = NULL, *w;
	const char *p = code, *q;
	size_t n, nappr;

	sf_buf_reset(out);
	if (agency != NULL && strcmp(agency, "USGS") == 0)
		tab = usgs_words;
	else if (agency != NULL && strcmp(agency, "EC") == 0)
		tab = ec_words;
	q = strchr(p, ':');
	n = q != NULL ? (size_t)(q - p) : strlen(p);
	if (eq_ci_n(p, n, "A") || eq_ci_n(p, n, "Approved") ||
	    eq_ci_n(p, n, "Final"))
		sf_buf_addc(out, 'A');
	else if (eq_ci_n(p, n, "P") || eq_ci_n(p, n, "Provisional"))
		sf_buf_addc(out, 'P');
	else
		sf_buf_add(out, p, n);
	nappr = out->len;
	while (q != NULL) {
		const char *to;
		size_t tn;

		p = q + 1;
		q = strchr(p, ':');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		to = NULL;
		for (w = tab; w != NULL && w->from != NULL; w++)
			if (eq_ci_n(p, n, w->from)) {
				to = w->to;
				break;
			}
		tn = to != NULL ? strlen(to) : n;
		if (has_part(out, nappr, to != NULL ? to : p, tn))
			continue;
		sf_buf_addc(out, ':');
		sf_buf_add(out, to != NULL ? to : p, tn);
	}
}
