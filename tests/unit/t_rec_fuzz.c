/*
 * t_rec_fuzz: the NDJSON reader against jansson, whose json_loadb it
 * replaced. Random records, and records with bytes changed, put in or
 * taken out, are read by both: each line must be taken or refused alike,
 * with the same fields. The seed is fixed, so a run is repeatable. Lines
 * the reader refuses on purpose are not counted: a NUL byte outside a
 * string (jansson drops one after a number), values nested more than 64
 * deep (jansson allows 2048).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf.h"

#define NLINES 20000
#define MAXLINE 2048

static unsigned long long seed = 88172645463325252ULL;

/* A number below n (xorshift64*). */
static unsigned
rnd(unsigned n)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return (unsigned)((seed * 2685821657736338717ULL) >> 33) % n;
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static char line[MAXLINE];
static size_t len;
static int valid;	/* generate what should read as a record */

static void
put(const char *s)
{
	size_t n = strlen(s);

	if (len + n < MAXLINE - 64) {
		memcpy(line + len, s, n);
		len += n;
	}
}

static void
putch(int c)
{
	if (len < MAXLINE - 64)
		line[len++] = (char)c;
}

static void
ws(void)
{
	static const char *const w[] = { " ", "\t", "\r", "  ", " \t\r " };

	if (rnd(6) == 0)
		put(PICK(w));
}

static void
gen_number(void)
{
	static const char *const odd[] = {
		"-0", "0", "-0.0", "1e3", "1E+3", "1e-3", "0.00001", "1.50",
		"9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "1e309",
		"1e-400", "4.9e-324", "123456789012345.6", "01", "-", "+1",
		".5", "1.", "1.e5", "1e", "1e+", "0x10", "NaN", "-Infinity",
		"--1", "1.2.3", "00", "0e"
	};
	int i, n;

	if (!valid && rnd(4) == 0) {
		put(PICK(odd));
		return;
	}
	if (rnd(3) == 0)
		putch('-');
	if (rnd(3) == 0)
		putch('0');
	else {
		putch('1' + rnd(9));
		for (n = rnd(valid ? 18 : 21); n > 0; n--)
			putch('0' + rnd(10));
	}
	if (rnd(2)) {
		putch('.');
		for (n = 1 + rnd(18); n > 0; n--)
			putch(rnd(3) == 0 ? '0' : '0' + rnd(10));
	}
	if (rnd(5) == 0) {
		putch(rnd(2) ? 'e' : 'E');
		if (rnd(2))
			putch(rnd(2) ? '+' : '-');
		for (i = 0, n = 1 + rnd(valid ? 2 : 3); i < n; i++)
			putch('0' + rnd(10));
	}
}

static void
gen_string(void)
{
	static const char *const good[] = {
		"a", "bc", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n",
		"\\r", "\\t", "\\u0041", "\\u00e9", "\\u20ac", "\\uFFFF",
		"\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "}",
		"]", "{", "[", ",", ":", "\x7f"
	};
	static const char *const bad[] = {
		"\\ud800", "\\udc00", "\\ude00\\ude00", "\\ud800\\u0041",
		"\\u0000", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xff", "\x80", "\xe2\x82", "\\x", "\\u12", "\x1f", "\t",
		"\\ud83d\\u", "\\ud83d\\n"
	};
	int n;

	putch('"');
	for (n = rnd(6); n > 0; n--)
		put(valid || rnd(4) ? PICK(good) : PICK(bad));
	putch('"');
}

static void gen_value(int, int);

static void
gen_nested(int depth)
{
	int i, n = rnd(4), array = rnd(2);

	putch(array ? '[' : '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			putch(',');
		ws();
		if (!array) {
			gen_string();
			ws();
			putch(':');
			ws();
		}
		gen_value(depth + 1, 1);
		ws();
	}
	putch(array ? ']' : '}');
}

/* A value; nested says whether it may be an array or an object. */
static void
gen_value(int depth, int nested)
{
	int n;

	switch (rnd(12)) {
	case 0: case 1: case 2: case 3:
		gen_string();
		break;
	case 4: case 5: case 6:
		gen_number();
		break;
	case 7:
		put("true");
		break;
	case 8:
		put("false");
		break;
	case 9:
		put("null");
		break;
	case 10:
		if (nested && depth < 6)
			gen_nested(depth);
		else
			put("1");
		break;
	default:
		if (!nested || rnd(8) != 0) {
			gen_string();
			break;
		}
		/* Deep, and now and then too deep. */
		n = valid ? 10 + rnd(50) : 60 + rnd(10);
		if (len + 2 * (size_t)n >= MAXLINE - 64) {
			put("1");
			break;
		}
		memset(line + len, '[', (size_t)n);
		memset(line + len + n, ']', (size_t)n);
		len += 2 * (size_t)n;
	}
}

static void
gen_record(void)
{
	static const char *const keys[] = {
		"config", "station", "agency", "type", "start", "end",
		"target_id", "observed_at", "discharge", "unit", "quality_code",
		"source", "member", "run_date", "valid_at", "stage",
		"stage_unit", "name", "latitude", "longitude", "state",
		"huc_code", "drainage_area_sqmi", "altitude_ft", "utc_offset",
		"uses_dst", "status", "message", "disch\\u0061rge"
	};
	static const char *const other[] = { "extra", "", "Kind", "kind " };
	static const char *const kinds[] = {
		"request", "obs", "forecast", "station", "error", "o\\u0062s",
		"observation", "", "OBS"
	};
	int i, n = rnd(14), at = rnd(n + 1);

	ws();
	putch('{');
	for (i = 0; i <= n; i++) {
		if (i > 0)
			putch(',');
		ws();
		if (i == at || (!valid && rnd(20) == 0)) {
			put("\"kind\"");
			ws();
			putch(':');
			ws();
			if (!valid && rnd(10) == 0)
				gen_value(1, 1);
			else {
				putch('"');
				put(valid ? kinds[rnd(6)] : PICK(kinds));
				putch('"');
			}
		} else if (rnd(4) == 0) {
			/* An unknown key: any value will do. */
			putch('"');
			put(PICK(other));
			put("\"");
			ws();
			putch(':');
			ws();
			gen_value(1, 1);
		} else {
			putch('"');
			put(PICK(keys));
			putch('"');
			ws();
			putch(':');
			ws();
			gen_value(1, !valid);
		}
		ws();
	}
	putch('}');
	ws();
}

/* Changes, adds or removes bytes here and there, or cuts the line. */
static void
mutate(void)
{
	static const char *const bits[] = {
		"\"", "\\", "{", "}", "[", "]", ",", ":", "\\u", "\\ud800",
		"-", "0", "e", ".", "true", "\x80", "\xc0", "\xed\xa0\x80",
		"\xf4\x90", " ", "\r", "nul", "1e999", "\\u0000",
		"\"kind\":\"obs\"", ",\"discharge\":"
	};
	const char *s;
	size_t at, n;
	int k;

	for (k = 1 + rnd(4); k > 0 && len > 0; k--) {
		at = rnd((unsigned)len);
		switch (rnd(6)) {
		case 0:
			line[at] = (char)rnd(256);
			break;
		case 1:
			line[at] ^= (char)(1 << rnd(8));
			break;
		case 2:
			n = 1 + rnd(4);
			if (n > len - at)
				n = len - at;
			memmove(line + at, line + at + n, len - at - n);
			len -= n;
			break;
		case 3:
			s = PICK(bits);
			n = strlen(s);
			if (len + n >= MAXLINE - 64)
				break;
			memmove(line + at + n, line + at, len - at);
			memcpy(line + at, s, n);
			len += n;
			break;
		case 4:
			line[at] = '\0';
			break;
		default:
			len = at;
			break;
		}
	}
}

/* One line: no line end inside, and not blank (the reader skips those). */
static void
gen_line(void)
{
	size_t i;

	len = 0;
	valid = rnd(3) == 0;
	gen_record();
	if (!valid && rnd(2))
		mutate();
	for (i = 0; i < len; i++) {
		if (line[i] == '\n')
			line[i] = ' ';
	}
	for (i = 0; i < len; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	}
	if (i == len)
		line[len++] = 'x';
}

/*
 * What the jansson reader made of the n bytes at s: 1 and the fields of
 * kind *k in want, or -1. The strings are jansson's or in num; the caller
 * frees *o with json_decref.
 */
static int
oracle(const char *s, size_t n, json_t **o, enum sf_kind *k,
    const char **want, char num[][SF_NUM_LEN])
{
	const struct sf_kind_info *ki;
	json_error_t je;
	json_t *v;
	int i;

	if ((*o = json_loadb(s, n, 0, &je)) == NULL)
		return -1;
	v = json_object_get(*o, "kind");
	if (!json_is_object(*o) || !json_is_string(v) ||
	    (*k = sf_kind_from_name(json_string_value(v))) == SF_KIND_NONE)
		return -1;
	ki = sf_kind_info(*k);
	for (i = 0; i < ki->nfields; i++) {
		v = json_object_get(*o, ki->fields[i]);
		want[i] = num[i];
		if (v == NULL || json_is_null(v))
			want[i] = NULL;
		else if (json_is_string(v))
			want[i] = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(num[i], SF_NUM_LEN, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
		else if (json_is_real(v))
			sf_str_fmt_double(json_real_value(v), num[i]);
		else if (json_is_boolean(v))
			want[i] = json_is_true(v) ? "true" : "false";
		else
			return -1;
	}
	return 1;
}

/* Prints line s of n bytes in C notation, after what. */
static void
show(const char *what, const char *s, size_t n)
{
	size_t i;

	printf("#   %s: \"", what);
	for (i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", (unsigned char)s[i]);
	}
	printf("\"\n");
}

int
main(void)
{
	static const char head[] = "{\"kind\":\"obs\"}\n";
	static char num[SF_REC_MAXF][SF_NUM_LEN];
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	const char *want[SF_REC_MAXF];
	enum sf_kind k;
	json_t *o;
	char prefix[32];
	char *in;
	size_t *off, n = 0, cap = (size_t)NLINES * MAXLINE;
	long nrec = 0, nbad = 0, nskip = 0, ndiff = 0;
	int i, j, rc, jrc, shown = 0;
	FILE *fp;

	in = malloc(cap);
	off = malloc((NLINES + 1) * sizeof(*off));
	if (in == NULL || off == NULL) {
		perror("malloc");
		return 1;
	}
	memcpy(in, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (i = 0; i < NLINES; i++) {
		gen_line();
		off[i] = n;
		memcpy(in + n, line, len);
		n += len;
		in[n++] = '\n';
	}
	off[NLINES] = n;

	if ((fp = fmemopen(in, n, "r")) == NULL) {
		perror("fmemopen");
		return 1;
	}
	rd = sf_reader_new(fp, "in");
	is_int(sf_reader_next(rd, &rec, &err), 1, "the first line reads");
	for (i = 0; i < NLINES; i++) {
		const char *s = in + off[i];
		size_t sn = off[i + 1] - off[i];
		int diff = 0;

		sf_err_clear(&err);
		rc = sf_reader_next(rd, &rec, &err);
		jrc = oracle(s, sn, &o, &k, want, num);
		if (rc == 1)
			nrec++;
		else
			nbad++;
		if (rc == -1 && jrc == 1 && (memchr(s, '\0', sn) != NULL ||
		    strstr(err.msg, "nested too deep") != NULL)) {
			nskip++;
			json_decref(o);
			continue;
		}
		snprintf(prefix, sizeof(prefix), "in:%d: ", i + 2);
		if (rc != jrc || sf_reader_line(rd) != i + 2)
			diff = 1;
		else if (rc == -1)
			diff = strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
			    err.line != i + 2;
		else if (rec.kind != k)
			diff = 1;
		else {
			for (j = 0; j < sf_kind_info(k)->nfields; j++) {
				if ((rec.f[j] == NULL) != (want[j] == NULL) ||
				    (rec.f[j] != NULL &&
				    strcmp(rec.f[j], want[j]) != 0))
					diff = 1;
			}
		}
		if (diff) {
			ndiff++;
			if (shown++ < 5) {
				show("line", s, sn);
				printf("#   reader %d '%s', jansson %d\n", rc,
				    err.msg, jrc);
			}
		}
		json_decref(o);
	}
	is_int(sf_reader_next(rd, &rec, &err), 0, "then the end");
	printf("# %d lines: %ld records, %ld bad, %ld refused on purpose\n",
	    NLINES, nrec, nbad, nskip);
	is_int(ndiff, 0, "every line reads as with jansson");
	ok(nrec > NLINES / 5, "a fair share of the lines are records");
	ok(nbad > NLINES / 5, "a fair share of the lines are bad");
	ok(nskip < NLINES / 100, "few lines are refused on purpose");
	sf_reader_free(rd);
	fclose(fp);
	free(off);
	free(in);
	return tap_done();
}
