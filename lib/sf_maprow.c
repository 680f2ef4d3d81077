/*
 * sf_maprow: one station id mapping as the files and records hold it:
 * checking it, reading it from a line of either file format, writing it
 * as a record. No database: the parsers that find mappings (the NWPS
 * gauge metadata) use it from below sf_map, which stores them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_maprow.h"
#include "sf_str.h"
#include "sf.h"

#define HADS_FIELDS 7

int
sf_map_source_agency(const char *a)
{
	return a != NULL && (strcmp(a, "USGS") == 0 || strcmp(a, "EC") == 0);
}

int
sf_map_target_agency(const char *a)
{
	return a != NULL &&
	    (strcmp(a, "NOAA-HADS") == 0 || strcmp(a, "NWM") == 0);
}

int
sf_map_check(const struct sf_map_row *r, struct sf_err *err)
{
	const char *t = r->target_id;
	size_t i, n;

	if (r->source_agency == NULL || *r->source_agency == '\0')
		return sf_err_set(err, "empty source agency");
	if (!sf_map_source_agency(r->source_agency))
		return sf_err_set(err, "source agency '%s': unknown (USGS or "
		    "EC)", r->source_agency);
	if (r->source_id == NULL || *r->source_id == '\0')
		return sf_err_set(err, "empty source id");
	if (sf_id_check(r->source_agency, r->source_id, err) == -1)
		return -1;
	if (r->target_agency == NULL || *r->target_agency == '\0')
		return sf_err_set(err, "empty target agency");
	if (!sf_map_target_agency(r->target_agency))
		return sf_err_set(err, "target agency '%s': unknown "
		    "(NOAA-HADS or NWM)", r->target_agency);
	if (t == NULL || *t == '\0')
		return sf_err_set(err, "empty target id");
	n = strlen(t);
	for (i = 0; i < n; i++)
		if (t[i] < 0x20 || t[i] > 0x7e)
			return sf_err_set(err, "%s id: not printable ASCII",
			    r->target_agency);
	if (n > SF_MAP_ID_MAX)
		return sf_err_set(err, "%s id '%.20s...': longer than %d "
		    "characters", r->target_agency, t, SF_MAP_ID_MAX);
	if (t[0] == ' ' || t[n - 1] == ' ')
		return sf_err_set(err, "%s id '%s': space at an end",
		    r->target_agency, t);
	return 0;
}

/*
 * Splits line at commas, RFC 4180 quoting, in place: each field is
 * unquoted and NUL-terminated where it began. Stores up to max field
 * starts in f and returns the number of fields, or -1 with err.
 */
static int
split_csv(char *line, char **f, int max, struct sf_err *err)
{
	char *s = line, *w, c;
	int n = 0;

	for (;;) {
		w = s;
		if (n < max)
			f[n] = w;
		if (*s == '"') {
			for (s++;;) {
				if (*s == '\0')
					return sf_err_set(err, "quoted field "
					    "not closed");
				if (*s == '"' && s[1] == '"') {
					*w++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else
					*w++ = *s++;
			}
			if (*s != ',' && *s != '\0')
				return sf_err_set(err, "misplaced quote");
		} else {
			for (; *s != ',' && *s != '\0'; s++) {
				if (*s == '"')
					return sf_err_set(err, "misplaced "
					    "quote");
				*w++ = *s;
			}
		}
		c = *s;
		*w = '\0';
		n++;
		if (c == '\0')
			return n;
		s++;
	}
}

int
sf_map_parse_csv(char *line, struct sf_map_row *r, struct sf_err *err)
{
	char *f[4];
	int n;

	if ((n = split_csv(line, f, 4, err)) == -1)
		return -1;
	if (n != 4)
		return sf_err_set(err, "expected 4 fields, found %d", n);
	r->source_agency = f[0];
	r->source_id = f[1];
	r->target_agency = f[2];
	r->target_id = f[3];
	return 0;
}

int
sf_map_parse_hads(char *line, struct sf_map_row *r, struct sf_err *err)
{
	char *f[HADS_FIELDS], *s = line, *p;
	int n = 0;

	for (;;) {
		if (n < HADS_FIELDS)
			f[n] = s;
		n++;
		if ((p = strchr(s, '|')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	if (n != HADS_FIELDS)
		return sf_err_set(err, "expected %d fields, found %d",
		    HADS_FIELDS, n);
	r->source_agency = "USGS";
	r->source_id = sf_str_trim(f[1]);
	r->target_agency = "NOAA-HADS";
	r->target_id = sf_str_trim(f[0]);
	if (*r->target_id == '\0')
		return sf_err_set(err, "empty NWSLI");
	if (*r->source_id == '\0')
		return sf_err_set(err, "empty USGS number");
	return 0;
}

static void
json_field(struct sf_buf *b, const char *key, const char *val)
{
	sf_buf_addf(b, ",\"%s\":", key);
	sf_buf_add_json_str(b, val);
}

void
sf_map_row_format(const struct sf_map_row *r, int ndjson, int header,
    struct sf_buf *b)
{
	if (ndjson) {
		sf_buf_adds(b, "{\"kind\":\"mapping\"");
		json_field(b, "source_agency", r->source_agency);
		json_field(b, "source_id", r->source_id);
		json_field(b, "target_agency", r->target_agency);
		json_field(b, "target_id", r->target_id);
		sf_buf_adds(b, "}\n");
		return;
	}
	if (header)
		sf_buf_adds(b, SF_MAP_CSV_HEADER "\n");
	sf_buf_add_csv_field(b, r->source_agency);
	sf_buf_addc(b, ',');
	sf_buf_add_csv_field(b, r->source_id);
	sf_buf_addc(b, ',');
	sf_buf_add_csv_field(b, r->target_agency);
	sf_buf_addc(b, ',');
	sf_buf_add_csv_field(b, r->target_id);
	sf_buf_addc(b, '\n');
}
