/*
 * t_ec: the Environment Canada push parsers (sf_ec) over every EC fixture
 * in tests/data/fixtures/ec (see its SOURCES.md), fed whole, one byte at a
 * time and in random pieces; bodies derived from the fixtures for the
 * cases the recordings lack (each derivation is described where it is
 * made; the fixture files are never changed); errors; and the parse
 * throughput on a large generated body in the real daily_data layout.
 *
 * The geomet JSON fixture is not parsed: sf_ec has no geomet parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_ec.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_time.h"
#include "sf.h"

/* What the callback saw: one line per record, "kind|f0|f1|...", ~ NULL. */
struct out {
	struct sf_buf text;
	long n;
	long stop_after;	/* refuse the record after this many; 0 never */
};

static int
collect(void *arg, const struct sf_rec *r)
{
	struct out *o = arg;
	const struct sf_kind_info *ki = sf_kind_info(r->kind);
	int i;

	if (o->stop_after > 0 && o->n >= o->stop_after)
		return 1;
	sf_buf_adds(&o->text, ki->name);
	for (i = 0; i < ki->nfields; i++) {
		sf_buf_addc(&o->text, '|');
		sf_buf_adds(&o->text, r->f[i] != NULL ? r->f[i] : "~");
	}
	sf_buf_addc(&o->text, '\n');
	o->n++;
	return 0;
}

static void
out_init(struct out *o)
{
	sf_buf_init(&o->text);
	o->n = 0;
	o->stop_after = 0;
}

/* Line i of o (from 0; -1 is the last), without its "\n", or "". */
static const char *
nth(const struct out *o, long i)
{
	static char line[1024];
	const char *s = o->text.buf, *e;
	long k;

	if (i < 0)
		i = o->n + i;
	line[0] = '\0';
	for (k = 0; k < i && s != NULL; k++) {
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	if (s == NULL || *s == '\0' || (e = strchr(s, '\n')) == NULL)
		return line;
	if ((size_t)(e - s) >= sizeof(line))
		return line;
	memcpy(line, s, (size_t)(e - s));
	line[e - s] = '\0';
	return line;
}

/* How many lines of o contain sub. */
static long
count(const struct out *o, const char *sub)
{
	const char *s = o->text.buf, *e;
	long k = 0;

	while ((e = strchr(s, '\n')) != NULL) {
		const char *h = strstr(s, sub);

		if (h != NULL && h < e)
			k++;
		s = e + 1;
	}
	return k;
}

enum { WHOLE, BYTES, RANDOM };

static unsigned long rnd_state;

static unsigned long
rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return rnd_state >> 33;
}

/*
 * Parses the n bytes at s with a new parser, fed whole, one byte at a
 * time, or in random pieces of 1 to 97 bytes (seeded); collects into o.
 * Returns what the failing call or sf_ec_finish returned.
 */
static int
parse(enum sf_ec_layout lay, const char *cfg, const char *s, size_t n,
    int mode, unsigned long seed, struct out *o, struct sf_ec_stats *st,
    struct sf_err *err)
{
	struct sf_ec *p;
	size_t i = 0, k;
	int rc = 0;

	p = sf_ec_new(lay, cfg, collect, o);
	rnd_state = seed;
	sf_err_clear(err);
	while (i < n && rc == 0) {
		if (mode == WHOLE)
			k = n;
		else if (mode == BYTES)
			k = 1;
		else
			k = 1 + rnd() % 97;
		if (k > n - i)
			k = n - i;
		rc = sf_ec_feed(p, s + i, k, err);
		i += k;
	}
	if (rc == 0)
		rc = sf_ec_finish(p, err);
	if (st != NULL)
		*st = *sf_ec_stats(p);
	sf_ec_free(p);
	return rc;
}

/* The file's bytes (caller frees) and length; ends the test if it can't. */
static char *
slurp(const char *rel, size_t *n)
{
	const char *top = getenv("SF_TOP");
	char path[4096];
	FILE *fp;
	char *b;
	long len;

	if (top == NULL || *top == '\0') {
		printf("Bail out! SF_TOP is not set (run through make test)\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/tests/data/fixtures/ec/%s", top, rel);
	if ((fp = fopen(path, "rb")) == NULL ||
	    fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		printf("Bail out! cannot read fixture %s\n", path);
		exit(1);
	}
	b = sf_malloc((size_t)len + 1);
	if (fread(b, 1, (size_t)len, fp) != (size_t)len) {
		printf("Bail out! cannot read fixture %s\n", path);
		exit(1);
	}
	b[len] = '\0';
	fclose(fp);
	*n = (size_t)len;
	return b;
}

/*
 * Parses s whole (into o, st, returning its status) and checks that one
 * byte at a time and random pieces (three seeds) give the same records
 * and the same status.
 */
static int
parse_all(const char *what, enum sf_ec_layout lay, const char *cfg,
    const char *s, size_t n, struct out *o, struct sf_ec_stats *st,
    struct sf_err *err)
{
	char name[256];
	struct sf_err e2;
	struct out o2;
	int rc, rc2, same = 1;
	unsigned long seed;

	out_init(o);
	rc = parse(lay, cfg, s, n, WHOLE, 0, o, st, err);
	for (seed = 0; seed < 4; seed++) {
		out_init(&o2);
		rc2 = parse(lay, cfg, s, n, seed == 0 ? BYTES : RANDOM,
		    seed * 7919 + 1, &o2, NULL, &e2);
		if (rc2 != rc || strcmp(o2.text.buf, o->text.buf) != 0 ||
		    (rc != 0 && strcmp(e2.msg, err->msg) != 0))
			same = 0;
		sf_buf_release(&o2.text);
	}
	snprintf(name, sizeof(name), "%s: 1-byte and random pieces = whole",
	    what);
	ok(same, name);
	return rc;
}

/*
 * A copy of body s with each line rewritten by fn, which gets the line's
 * fields split at ',' (the wateroffice fixtures quote nothing; the BOM
 * and space stay in the header's first field), row 0 being the header,
 * and appends the new line without its line end; CRLF line ends and the
 * missing last one are kept. Caller frees.
 */
static char *
map_lines(const char *s, size_t n,
    void (*fn)(struct sf_buf *, char **, int, int, void *), void *arg,
    size_t *outn)
{
	struct sf_buf out = SF_BUF_INIT, line = SF_BUF_INIT;
	const char *e, *end = s + n;
	char *f[64], *q;
	int nf, row = 0;

	while (s < end) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		sf_buf_reset(&line);
		sf_buf_add(&line, s, (size_t)(e - s));
		if (line.len > 0 && line.buf[line.len - 1] == '\r')
			line.buf[--line.len] = '\0';
		nf = 0;
		f[nf++] = line.buf;
		for (q = line.buf; *q != '\0' && nf < 64; q++) {
			if (*q == ',') {
				*q = '\0';
				f[nf++] = q + 1;
			}
		}
		fn(&out, f, nf, row++, arg);
		if (e < end)
			sf_buf_adds(&out, "\r\n");
		s = e + 1;
	}
	sf_buf_release(&line);
	*outn = out.len;
	return sf_buf_detach(&out);
}

static void
join(struct sf_buf *out, char **f, int nf)
{
	int i;

	for (i = 0; i < nf; i++) {
		if (i > 0)
			sf_buf_addc(out, ',');
		sf_buf_adds(out, f[i]);
	}
}

/* map_lines: the Parameter column (the 3rd) of every data row, or of
 * every other one when arg is non-NULL, set to 47. */
static void
param47(struct sf_buf *out, char **f, int nf, int row, void *arg)
{
	if (row > 0 && nf > 2 && (arg == NULL || row % 2 == 0))
		f[2] = "47";
	join(out, f, nf);
}

/* map_lines: the daily_data columns in another order, with a column the
 * parser does not know, as the 2025 changes might make them. */
static void
permute(struct sf_buf *out, char **f, int nf, int row, void *arg)
{
	static const int order[] = { 1, 4, 3, 0, 2 };
	char *g[6];
	int i;

	if (nf != 5) {
		join(out, f, nf);
		return;
	}
	for (i = 0; i < 5; i++)
		g[i] = f[order[i]];
	g[5] = row == 0 ? "Grade/Classification" : "";
	if (row == 0) {
		/* the BOM and space stay at the very start */
		sf_buf_adds(out, "\xEF\xBB\xBF ");
		g[3] = "ID";
	}
	join(out, g, 6);
}

/* A copy of s with every from replaced by to; caller frees. */
static char *
subst(const char *s, size_t n, const char *from, const char *to,
    size_t *outn)
{
	struct sf_buf out = SF_BUF_INIT;
	size_t fl = strlen(from), i = 0;

	while (i < n) {
		if (i + fl <= n && memcmp(s + i, from, fl) == 0) {
			sf_buf_adds(&out, to);
			i += fl;
		} else
			sf_buf_addc(&out, s[i++]);
	}
	*outn = out.len;
	return sf_buf_detach(&out);
}

/*
 * A copy of UTF-8 s re-encoded in Windows-1252; caller frees. U+00A0 to
 * U+00FF become their single byte, U+2019 0x92, the BOM (U+FEFF, which
 * Windows-1252 cannot write) is dropped; other code points end the test.
 */
static char *
to_cp1252(const char *s, size_t n, size_t *outn)
{
	const unsigned char *u = (const unsigned char *)s;
	struct sf_buf out = SF_BUF_INIT;
	unsigned cp;
	size_t i = 0;

	while (i < n) {
		if (u[i] < 0x80) {
			sf_buf_addc(&out, u[i++]);
			continue;
		}
		if ((u[i] & 0xE0) == 0xC0) {
			cp = (u[i] & 0x1Fu) << 6 | (u[i + 1] & 0x3Fu);
			i += 2;
		} else {
			cp = (u[i] & 0x0Fu) << 12 | (u[i + 1] & 0x3Fu) << 6 |
			    (u[i + 2] & 0x3Fu);
			i += 3;
		}
		if (cp == 0xFEFF)
			continue;
		if (cp == 0x2019)
			sf_buf_addc(&out, 0x92);
		else if (cp >= 0xA0 && cp <= 0xFF)
			sf_buf_addc(&out, (int)cp);
		else {
			printf("Bail out! U+%04X in to_cp1252\n", cp);
			exit(1);
		}
	}
	*outn = out.len;
	return sf_buf_detach(&out);
}

static void
test_daily(void)
{
	struct sf_ec_stats st;
	struct sf_err err;
	struct out o, o2;
	char *s, *d, *d2;
	size_t n, dn, dn2;

	s = slurp("wateroffice/daily_data_08MF005_flow_2023.csv", &n);
	ok(n > 4 && memcmp(s, "\xEF\xBB\xBF ID,", 7) == 0,
	    "daily fixture: starts with BOM, space, ID");
	is_int(parse_all("daily 2023", SF_EC_DAILY, "bc-daily", s, n, &o,
	    &st, &err), 0, "daily 2023: parses");
	is_int(o.n, 365, "daily 2023: 365 records");
	is_int(st.rows, 365, "daily 2023: 365 rows");
	is_int(st.other, 0, "daily 2023: no other parameter");
	is_int(st.cp1252, 0, "daily 2023: read as UTF-8");
	is_str(nth(&o, 0), "obs|bc-daily|08MF005|EC|daily_mean|"
	    "2023-01-01T00:00:00Z|721|cms|P", "daily 2023: first record");
	is_str(nth(&o, 58), "obs|bc-daily|08MF005|EC|daily_mean|"
	    "2023-02-28T00:00:00Z|561|cms|P", "daily 2023: 28 February");
	is_str(nth(&o, 59), "obs|bc-daily|08MF005|EC|daily_mean|"
	    "2023-03-01T00:00:00Z|569|cms|P", "daily 2023: 1 March");
	is_str(nth(&o, -1), "obs|bc-daily|08MF005|EC|daily_mean|"
	    "2023-12-31T00:00:00Z|930|cms|P:E", "daily 2023: last record");
	is_int(count(&o, "|P:E"), 4, "daily 2023: 4 estimated days");
	is_str(nth(&o, -4), "obs|bc-daily|08MF005|EC|daily_mean|"
	    "2023-12-28T00:00:00Z|1110|cms|P:E", "daily 2023: 28 December");

	/* Derived: LF line ends instead of CRLF. */
	d = subst(s, n, "\r\n", "\n", &dn);
	out_init(&o2);
	is_int(parse(SF_EC_DAILY, "bc-daily", d, dn, WHOLE, 0, &o2, NULL,
	    &err), 0, "daily 2023 with LF: parses");
	is_str(o2.text.buf, o.text.buf, "daily 2023 with LF: same records");
	free(d);
	sf_buf_release(&o2.text);

	/* Derived: columns moved, an unknown column added (map_lines
	 * permute: Date,Symbol,Value,ID,Parameter,Grade). */
	d = map_lines(s, n, permute, NULL, &dn);
	ok(strncmp(d, "\xEF\xBB\xBF Date,Symbol/Symbole,Value/Valeur,ID,", 40)
	    == 0, "daily moved columns: derived header");
	out_init(&o2);
	is_int(parse(SF_EC_DAILY, "bc-daily", d, dn, RANDOM, 5, &o2, NULL,
	    &err), 0, "daily moved columns: parses");
	is_str(o2.text.buf, o.text.buf, "daily moved columns: same records");
	free(d);
	sf_buf_release(&o2.text);

	/* Derived: re-encoded in Windows-1252 (to_cp1252: the BOM dropped,
	 * "é" and "è" one byte each). */
	d = to_cp1252(s, n, &dn);
	ok(dn == n - 3 - 365 - 1 && memchr(d, 0xE8, 60) != NULL,
	    "daily cp1252: derived body (0xE8 in Paramètre)");
	out_init(&o2);
	is_int(parse_all("daily cp1252", SF_EC_DAILY, "bc-daily", d, dn,
	    &o2, &st, &err), 0, "daily cp1252: parses");
	is_int(st.cp1252, 1, "daily cp1252: read as Windows-1252");
	is_str(o2.text.buf, o.text.buf, "daily cp1252: same records as UTF-8");
	free(d);
	sf_buf_release(&o2.text);

	/* Derived: the Parameter of every other row made "level/niveau"
	 * (map_lines param47 marks them 47, subst names them; no value in
	 * the fixture is 47). */
	d = map_lines(s, n, param47, "odd", &dn);
	d2 = subst(d, dn, ",47,", ",level/niveau,", &dn2);
	out_init(&o2);
	is_int(parse(SF_EC_DAILY, NULL, d2, dn2, WHOLE, 0, &o2, &st, &err), 0,
	    "daily with level rows: parses");
	is_int(o2.n, 183, "daily with level rows: 183 discharge records");
	is_int(st.other, 182, "daily with level rows: 182 skipped");
	is_str(nth(&o2, 0), "obs|~|08MF005|EC|daily_mean|"
	    "2023-01-01T00:00:00Z|721|cms|P",
	    "daily with level rows: first, config null");
	is_str(nth(&o2, 1), "obs|~|08MF005|EC|daily_mean|"
	    "2023-01-03T00:00:00Z|685|cms|P",
	    "daily with level rows: 2 January skipped");
	free(d);
	free(d2);
	sf_buf_release(&o2.text);
	sf_buf_release(&o.text);
	free(s);

	s = slurp("wateroffice/daily_data_header_only.csv", &n);
	is_int(n, 60, "daily header only: 60 bytes");
	is_int(parse_all("daily header only", SF_EC_DAILY, "x", s, n, &o, &st,
	    &err), 0, "daily header only: success");
	is_int(o.n, 0, "daily header only: no record");
	is_int(st.rows, 0, "daily header only: no row");
	sf_buf_release(&o.text);
	free(s);
}

static void
test_daily_values(void)
{
	static const char body[] =
	    "\xEF\xBB\xBF ID,Date,Parameter/Param\xC3\xA8tre,Value/Valeur,"
	    "Symbol/Symbole\r\n"
	    "08MF005,1969-02-01,discharge/d\xC3\xA9""bit,,B\r\n"
	    "08MF005,1969-02-02,discharge/d\xC3\xA9""bit,,\r\n"
	    "\r\n"
	    "08MF005,1969-02-03,discharge/d\xC3\xA9""bit,12.5,A\r\n"
	    "05BH004,2024-02-29,discharge/d\xC3\xA9""bit,0,D";
	struct sf_ec_stats st;
	struct sf_err err;
	struct out o;

	/* Written for the decisions on empty values: an empty value with a
	 * symbol is a null with the symbol, without one it is skipped. */
	is_int(parse_all("daily values", SF_EC_DAILY, "c", body,
	    sizeof(body) - 1, &o, &st, &err), 0, "daily values: parses");
	is_int(o.n, 3, "daily values: 3 records");
	is_int(st.rows, 4, "daily values: 4 rows (blank line not counted)");
	is_int(st.empty, 1, "daily values: 1 empty row skipped");
	is_str(nth(&o, 0), "obs|c|08MF005|EC|daily_mean|1969-02-01T00:00:00Z|"
	    "~|cms|P:B", "daily values: ice day is null, P:B");
	is_str(nth(&o, 1), "obs|c|08MF005|EC|daily_mean|1969-02-03T00:00:00Z|"
	    "12.5|cms|P:A", "daily values: partial day P:A");
	is_str(nth(&o, 2), "obs|c|05BH004|EC|daily_mean|2024-02-29T00:00:00Z|"
	    "0|cms|P:D", "daily values: dry, leap day, second station");
	sf_buf_release(&o.text);
}

static void
test_realtime(void)
{
	struct sf_ec_stats st;
	struct sf_err err;
	struct out o;
	char *s, *d;
	size_t n, dn;

	s = slurp("wateroffice/real_time_data_08MF005_p46_2025-10-22.csv",
	    &n);
	ok(n > 4 && memcmp(s, "\xEF\xBB\xBF ID,", 7) == 0 &&
	    s[n - 1] != '\n', "real-time fixture: BOM, space; no last line end");
	is_int(parse_all("real-time p46", SF_EC_REALTIME, "c", s, n, &o, &st,
	    &err), 0, "real-time p46: parses");
	is_int(o.n, 0, "real-time p46: water level is not discharge");
	is_int(st.rows, 288, "real-time p46: 288 rows");
	is_int(st.other, 288, "real-time p46: 288 skipped as another "
	    "parameter");
	sf_buf_release(&o.text);

	/*
	 * Derived: the real body with its Parameter column rewritten from
	 * 46 to 47 (map_lines param47), standing in for a discharge body,
	 * which has the same layout.
	 */
	d = map_lines(s, n, param47, NULL, &dn);
	ok(strstr(d, "\r\n08MF005,2025-10-22T00:00:00Z,47,3.537,,,"
	    "Provisional/Provisoire,,\r\n") != NULL, "real-time p47: derived");
	is_int(parse_all("real-time p47", SF_EC_REALTIME, "c", d, dn, &o, &st,
	    &err), 0, "real-time p47: parses");
	is_int(o.n, 288, "real-time p47: 288 records");
	is_str(nth(&o, 0), "obs|c|08MF005|EC|realtime_15min|"
	    "2025-10-22T00:00:00Z|3.537|cms|P", "real-time p47: first");
	is_str(nth(&o, 1), "obs|c|08MF005|EC|realtime_15min|"
	    "2025-10-22T00:05:00Z|3.536|cms|P", "real-time p47: second");
	is_str(nth(&o, -1), "obs|c|08MF005|EC|realtime_15min|"
	    "2025-10-22T23:55:00Z|3.555|cms|P", "real-time p47: last");
	sf_buf_release(&o.text);
	free(d);

	/* Derived: only every other row rewritten to 47 (a body holding
	 * both parameters). */
	d = map_lines(s, n, param47, "odd", &dn);
	is_int(parse_all("real-time 46+47", SF_EC_REALTIME, "c", d, dn, &o,
	    &st, &err), 0, "real-time 46+47: parses");
	is_int(o.n, 144, "real-time 46+47: 144 discharge records");
	is_int(st.other, 144, "real-time 46+47: 144 level rows skipped");
	is_str(nth(&o, 0), "obs|c|08MF005|EC|realtime_15min|"
	    "2025-10-22T00:05:00Z|3.536|cms|P", "real-time 46+47: first");
	sf_buf_release(&o.text);
	free(d);
	free(s);

	s = slurp("wateroffice/real_time_data_header_only.csv", &n);
	is_int(parse_all("real-time header only", SF_EC_REALTIME, "c", s, n,
	    &o, &st, &err), 0, "real-time header only: success");
	is_int(o.n + st.rows, 0, "real-time header only: nothing");
	sf_buf_release(&o.text);
	free(s);
}

static void
test_realtime_values(void)
{
	static const char body[] =
	    "\xEF\xBB\xBF ID,Date,Parameter/Param\xC3\xA8tre,Value/Valeur,"
	    "Qualifier/Qualificatif,Symbol/Symbole,Approval/Approbation,"
	    "Grade/Classification,Qualifiers/Qualificatifs\r\n"
	    "08MF005,2024-03-10 06:00:00,47,810,,,Final/Finale,,\r\n"
	    "08MF005,2024-03-10T06:05:00Z,47,,,B,Provisional/Provisoire,,\r\n"
	    "08MF005,2024-03-10T06:10:00Z,47,,,,Provisional/Provisoire,,\r\n"
	    "08MF005,2024-03-10T06:15:00Z,47,802.5,Q1,E,,C,Q1\r\n"
	    "08MF005,2024-03-10T06:20:00Z,47,801,,,Reviewed/Revu,,";
	struct sf_ec_stats st;
	struct sf_err err;
	struct out o;

	is_int(parse_all("real-time values", SF_EC_REALTIME, NULL, body,
	    sizeof(body) - 1, &o, &st, &err), 0, "real-time values: parses");
	is_int(o.n, 4, "real-time values: 4 records");
	is_int(st.empty, 1, "real-time values: empty and unqualified skipped");
	is_str(nth(&o, 0), "obs|~|08MF005|EC|realtime_15min|"
	    "2024-03-10T06:00:00Z|810|cms|A", "real-time values: Final is A, "
	    "space form of the time");
	is_str(nth(&o, 1), "obs|~|08MF005|EC|realtime_15min|"
	    "2024-03-10T06:05:00Z|~|cms|P:B", "real-time values: ice null");
	is_str(nth(&o, 2), "obs|~|08MF005|EC|realtime_15min|"
	    "2024-03-10T06:15:00Z|802.5|cms|P:Q1:E",
	    "real-time values: qualifier, symbol, qualifiers");
	is_str(nth(&o, 3), "obs|~|08MF005|EC|realtime_15min|"
	    "2024-03-10T06:20:00Z|801|cms|P:Reviewed",
	    "real-time values: unknown approval kept after P");
	sf_buf_release(&o.text);
}

static void
test_datamart(void)
{
	struct sf_ec_stats st;
	struct sf_err err;
	struct out o, o2;
	char *s, *d, *d2;
	size_t n, dn, dn2;

	s = slurp("datamart/BC_hourly_hydrometric.csv", &n);
	ok(memcmp(s, "\xEF\xBB\xBF ID,", 7) == 0 &&
	    memcmp(s + n - 2, "\r\n", 2) == 0,
	    "datamart BC: BOM, space; CRLF after the last row");
	is_int(parse_all("datamart BC", SF_EC_DATAMART, "c", s, n, &o, &st,
	    &err), 0, "datamart BC: parses");
	is_int(o.n, 2, "datamart BC: 2 records");
	is_int(st.rows, 3, "datamart BC: 3 rows");
	is_int(st.empty, 1, "datamart BC: level-only row skipped");
	is_str(nth(&o, 0), "obs|c|08GA043|EC|realtime_15min|"
	    "2020-01-19T12:45:00Z|18.8|cms|P", "datamart BC: -08:00 to UTC");
	is_str(nth(&o, 1), "obs|c|08GAX43|EC|realtime_15min|"
	    "2020-01-19T12:50:00Z|18.7|cms|P", "datamart BC: second");

	/* Derived: Windows-1252 ("Débit" as 0xE9, the BOM dropped). */
	d = to_cp1252(s, n, &dn);
	out_init(&o2);
	is_int(parse_all("datamart BC cp1252", SF_EC_DATAMART, "c", d, dn,
	    &o2, &st, &err), 0, "datamart BC cp1252: parses");
	ok(st.cp1252 && strcmp(o2.text.buf, o.text.buf) == 0,
	    "datamart BC cp1252: same records as UTF-8");
	sf_buf_release(&o2.text);
	sf_buf_release(&o.text);
	free(d);

	/* Derived: the level-only row given a discharge symbol and QA/QC 4
	 * (",1,,,," made ",1,,,B,4"), and the first row's QA/QC made 4. */
	d = subst(s, n, ",1,,,,\r\n", ",1,,,B,4\r\n", &dn);
	d2 = subst(d, dn, "18.8,,,1", "18.8,,,4", &dn2);
	is_int(parse_all("datamart QA", SF_EC_DATAMART, "c", d2, dn2, &o, &st,
	    &err), 0, "datamart QA: parses");
	is_str(nth(&o, 0), "obs|c|08GA043|EC|realtime_15min|"
	    "2020-01-19T12:45:00Z|18.8|cms|A", "datamart QA: 4 is approved");
	is_str(nth(&o, 2), "obs|c|10CD005|EC|realtime_15min|"
	    "2020-01-19T12:45:00Z|~|cms|A:B", "datamart QA: null with symbol");
	sf_buf_release(&o.text);
	free(d);
	free(d2);
	free(s);

	s = slurp("datamart/NB_hourly_hydrometric.csv", &n);
	is_int(parse_all("datamart NB", SF_EC_DATAMART, "c", s, n, &o, &st,
	    &err), 0, "datamart NB: parses");
	is_int(o.n, 2, "datamart NB: 2 records");
	is_int(st.empty, 1, "datamart NB: level-only row skipped");
	is_str(nth(&o, 0), "obs|c|01AD003|EC|realtime_15min|"
	    "2020-01-19T12:25:00Z|11.7|cms|P", "datamart NB: -04:00 to UTC");
	is_str(nth(&o, 1), "obs|c|01AD003|EC|realtime_15min|"
	    "2020-01-19T12:30:00Z|11.8|cms|P", "datamart NB: last");
	sf_buf_release(&o.text);

	/* Derived: the NB file with its offsets rewritten to Newfoundland's
	 * -03:30 (no NL file is among the fixtures). */
	d = subst(s, n, "-04:00,", "-03:30,", &dn);
	is_int(parse_all("datamart -03:30", SF_EC_DATAMART, "c", d, dn, &o,
	    &st, &err), 0, "datamart -03:30: parses");
	is_str(nth(&o, 0), "obs|c|01AD003|EC|realtime_15min|"
	    "2020-01-19T11:55:00Z|11.7|cms|P", "datamart -03:30 to UTC");
	sf_buf_release(&o.text);
	free(d);

	/* Derived: a time without its offset. */
	d = subst(s, n, "08:25:00-04:00,", "08:25:00,", &dn);
	out_init(&o);
	is_int(parse(SF_EC_DATAMART, "c", d, dn, WHOLE, 0, &o, NULL, &err),
	    -1, "datamart no offset: error");
	is_str(err.msg, "datamart: line 2: time '2020-01-19T08:25:00': "
	    "no UTC offset", "datamart no offset: message");
	is_int(err.line, 2, "datamart no offset: err.line");
	sf_buf_release(&o.text);
	free(d);

	/* Derived: the level and discharge columns swapped in the header. */
	d = subst(s, n, "Water Level / Niveau d'eau (m)", "Discharge", &dn);
	out_init(&o);
	is_int(parse(SF_EC_DATAMART, "c", d, dn, WHOLE, 0, &o, NULL, &err),
	    -1, "datamart unknown header: error");
	ok(strstr(err.msg, "datamart: line 1: header 'ID,Date,Discharge,"
	    "Grade,") == err.msg && strstr(err.msg, "unknown layout") != NULL,
	    "datamart unknown header: message quotes the header");
	sf_buf_release(&o.text);
	free(d);
	free(s);
}

static void
test_stations(void)
{
	struct sf_ec_stats st;
	struct sf_err err;
	struct out o, o2;
	char *s, *d, *d2;
	size_t n, dn, dn2;

	s = slurp("datamart/hydrometric_StationList.csv", &n);
	is_int(parse_all("station list", SF_EC_STATIONS, "ignored", s, n, &o,
	    &st, &err), 0, "station list: parses");
	is_int(o.n, 4, "station list: 4 stations");
	is_str(nth(&o, 0), "station|01AD003|EC|ST. FRANCIS RIVER AT OUTLET OF "
	    "GLASIER LAKE|47.206610|-68.956940|NB|~|~|~|-04:00|~",
	    "station list: first");
	is_str(nth(&o, 1), "station|02YA002|EC|BARTLETTS RIVER NEAR ST. "
	    "ANTHONY|51.449220|-55.641250|NL|~|~|~|-03:30|~",
	    "station list: NL -03:30");
	is_str(nth(&o, 2), "station|02YC001|EC|TORRENT RIVER AT BRISTOL'S "
	    "POOL|50.607470|-57.151610|NL|~|~|~|-03:30|~",
	    "station list: quoted name with an apostrophe");
	is_str(nth(&o, 3), "station|08GA043|EC|CHEAKAMUS RIVER NEAR "
	    "BRACKENDALE|49.816030|-123.150080|BC|~|~|~|-08:00|~",
	    "station list: last, BC -08:00");

	/* Derived: Windows-1252 with accents and a 0x80-0x9F character
	 * ("GLASIER" made "GLACIÈRE", "BRISTOL'S" given U+2019). */
	d = subst(s, n, "GLASIER", "GLACI\xC3\x88RE", &dn);
	d2 = subst(d, dn, "BRISTOL'S", "BRISTOL\xE2\x80\x99S", &dn2);
	free(d);
	d = to_cp1252(d2, dn2, &dn);
	ok(memchr(d, 0xC8, dn) != NULL && memchr(d, 0x92, dn) != NULL,
	    "station list cp1252: derived (0xC8, 0x92)");
	out_init(&o2);
	is_int(parse_all("station list cp1252", SF_EC_STATIONS, NULL, d, dn,
	    &o2, &st, &err), 0, "station list cp1252: parses");
	is_str(nth(&o2, 0), "station|01AD003|EC|ST. FRANCIS RIVER AT OUTLET OF "
	    "GLACI\xC3\x88RE LAKE|47.206610|-68.956940|NB|~|~|~|-04:00|~",
	    "station list cp1252: È decoded");
	is_str(nth(&o2, 2), "station|02YC001|EC|TORRENT RIVER AT BRISTOL"
	    "\xE2\x80\x99S POOL|50.607470|-57.151610|NL|~|~|~|-03:30|~",
	    "station list cp1252: 0x92 is U+2019");
	sf_buf_release(&o2.text);
	free(d);
	free(d2);

	/* Derived: a name with a comma, a doubled quote and a line break;
	 * an empty time zone. */
	d = subst(s, n, "\"CHEAKAMUS RIVER NEAR BRACKENDALE\",49.816030,"
	    "-123.150080,BC,UTC-08:00", "\"CHEAKAMUS, \"\"THE\"\"\r\nRIVER\","
	    "49.816030,-123.150080,BC,", &dn);
	out_init(&o2);
	is_int(parse_all("station list quoting", SF_EC_STATIONS, NULL, d, dn,
	    &o2, &st, &err), 0, "station list quoting: parses");
	is_str(nth(&o2, 3), "station|08GA043|EC|CHEAKAMUS, \"THE\"\r",
	    "station list quoting: comma, quote, line break kept");
	ok(strstr(o2.text.buf, "\nRIVER|49.816030|-123.150080|BC|~|~|~|~|~\n")
	    != NULL, "station list quoting: empty zone is null");
	sf_buf_release(&o2.text);
	free(d);

	/* Derived: a zone sf_time_zone refuses. */
	d = subst(s, n, "UTC-08:00", "UTC-25:00", &dn);
	out_init(&o2);
	is_int(parse(SF_EC_STATIONS, NULL, d, dn, WHOLE, 0, &o2, NULL, &err),
	    -1, "station list bad zone: error");
	is_str(err.msg, "station list: line 5: zone 'UTC-25:00': offset out "
	    "of range", "station list bad zone: message");
	is_int(o2.n, 3, "station list bad zone: rows before it emitted");
	sf_buf_release(&o2.text);
	free(d);
	sf_buf_release(&o.text);
	free(s);
}

/* Expects body (a C string) to fail in layout with message msg. */
static void
bad(const char *what, enum sf_ec_layout lay, const char *body,
    const char *msg)
{
	char name[256];
	struct sf_err err;
	struct out o;
	int rc;

	out_init(&o);
	rc = parse_all(what, lay, NULL, body, strlen(body), &o, NULL, &err);
	snprintf(name, sizeof(name), "%s: error", what);
	is_int(rc, -1, name);
	snprintf(name, sizeof(name), "%s: message", what);
	is_str(err.msg, msg, name);
	sf_buf_release(&o.text);
}

#define DHDR "\xEF\xBB\xBF ID,Date,Parameter/Param\xC3\xA8tre,Value/Valeur," \
	"Symbol/Symbole\r\n"

static void
test_errors(void)
{
	static const char four[] = DHDR
	    "08MF005,2023-01-01,discharge,1,\r\n"
	    "08MF005,2023-01-02,discharge,2,\r\n"
	    "08MF005,2023-01-03,discharge,3,\r\n"
	    "08MF005,2023-01-04,discharge,4,\r\n";
	struct sf_err err;
	struct sf_ec *p;
	struct out o;
	char *big;
	size_t n;

	bad("unknown layout", SF_EC_DAILY,
	    "\xEF\xBB\xBF ID,Datum,Parameter,Wert\r\n08MF005,2023-01-01,47,1",
	    "daily_data: line 1: header 'ID,Datum,Parameter,Wert': unknown "
	    "layout (no Date, Value column)");
	bad("HTML body", SF_EC_REALTIME,
	    "<!DOCTYPE html>\n<html><body>Service unavailable</body></html>",
	    "real_time_data: line 1: header '<!DOCTYPE html>': unknown layout "
	    "(no ID, Date, Parameter, Value column)");
	bad("duplicate column", SF_EC_DAILY,
	    "ID,Date,Parameter,Value,Value/Valeur\r\n",
	    "daily_data: line 1: header 'ID,Date,Parameter,Value,"
	    "Value/Valeur': column 'Value' twice");
	bad("station list without ID", SF_EC_STATIONS, "Name,Latitude\n",
	    "station list: line 1: header 'Name,Latitude': unknown layout "
	    "(no ID column)");
	bad("empty body", SF_EC_DAILY, "", "daily_data: empty body: no header");
	bad("blank body", SF_EC_DAILY, "\xEF\xBB\xBF \r\n\r\n",
	    "daily_data: empty body: no header");
	bad("bad value", SF_EC_DAILY,
	    DHDR "08MF005,2023-01-01,discharge,721,\r\n"
	    "08MF005,2023-01-02,discharge,7 21,",
	    "daily_data: line 3: value '7 21': not a number");
	bad("bad date", SF_EC_DAILY,
	    DHDR "08MF005,2023-02-29,discharge,721,",
	    "daily_data: line 2: date '2023-02-29': day out of range");
	bad("real-time body in the daily layout", SF_EC_DAILY,
	    "ID,Date,Parameter,Value\r\n08MF005,2025-10-22T00:00:00Z,47,1",
	    "daily_data: line 2: date '2025-10-22T00:00:00Z': trailing "
	    "characters");
	bad("real-time date only", SF_EC_REALTIME,
	    "ID,Date,Parameter,Value\r\n08MF005,2025-10-22,47,1",
	    "real_time_data: line 2: time '2025-10-22': no time of day");
	bad("bad id", SF_EC_DAILY, DHDR "8MF005,2023-01-01,discharge,1,",
	    "daily_data: line 2: station '8MF005': not an EC station id "
	    "(2 digits, 2 upper-case letters, 3 upper-case letters or digits, "
	    "such as 05BH004)");
	bad("short row", SF_EC_DAILY, DHDR "08MF005,2023-01-01,discharge,1",
	    "daily_data: line 2: 4 fields, the header has 5");
	bad("open quote", SF_EC_STATIONS, "ID,Name\r\n01AD003,\"ST. FRANCIS",
	    "station list: line 2: quote not closed at the end");
	bad("text after quote", SF_EC_STATIONS,
	    "ID,Name\r\n01AD003,\"ST.\" FRANCIS",
	    "station list: line 2: text after a closing quote");

	/* A NUL byte (strlen would stop at it). */
	out_init(&o);
	is_int(parse(SF_EC_DAILY, NULL, DHDR "08MF\0", sizeof(DHDR) + 4,
	    BYTES, 0, &o, NULL, &err), -1, "NUL byte: error");
	is_str(err.msg, "daily_data: line 2: NUL byte", "NUL byte: message");
	sf_buf_release(&o.text);

	/* A row over SF_EC_ROWMAX: memory stays bounded. */
	n = SF_EC_ROWMAX + 100;
	big = sf_malloc(n);
	memcpy(big, DHDR, sizeof(DHDR) - 1);
	memset(big + sizeof(DHDR) - 1, 'x', n - sizeof(DHDR) + 1);
	out_init(&o);
	is_int(parse(SF_EC_DAILY, NULL, big, n, RANDOM, 3, &o, NULL, &err),
	    -1, "long row: error");
	is_str(err.msg, "daily_data: line 2: row longer than 65536 bytes",
	    "long row: message");
	free(big);
	sf_buf_release(&o.text);

	/* The callback stops the parse; later calls keep failing. */
	out_init(&o);
	o.stop_after = 2;
	p = sf_ec_new(SF_EC_DAILY, NULL, collect, &o);
	is_int(sf_ec_feed(p, four, sizeof(four) - 1, &err), -1,
	    "refused record: feed fails");
	is_str(err.msg, "daily_data: line 4: stopped by the caller",
	    "refused record: message");
	is_int(o.n, 2, "refused record: two taken");
	sf_err_clear(&err);
	is_int(sf_ec_feed(p, "x", 1, &err), -1, "after an error: feed fails");
	is_int(sf_ec_finish(p, &err), -1, "after an error: finish fails");
	is_str(err.msg, "daily_data: line 4: stopped by the caller",
	    "after an error: same message");
	is_int(sf_ec_stats(p)->records, 2, "refused record: 2 counted");
	sf_ec_free(p);
	sf_buf_release(&o.text);
	sf_ec_free(NULL);
	is_str(sf_ec_layout_name(SF_EC_DATAMART), "datamart", "layout name");
}

static int
count_only(void *arg, const struct sf_rec *r)
{
	(*(long *)arg)++;
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Throughput: a daily_data body in the real layout (BOM, space, the
 * header, CRLF, no last line end), 10 stations of 100,000 days each,
 * generated in 64 KiB pieces and fed as it is made (the whole body is
 * never in memory); the time counts the feeding only.
 */
static void
test_throughput(void)
{
	static const char *const stn[10] = {
		"08MF005", "05BH004", "02GA010", "01AD003", "08GA043",
		"02YA002", "02YC001", "10CD005", "08HDX03", "07BE001"
	};
	char piece[65536 + 128], day[SF_DATE_LEN];
	struct sf_err err;
	struct sf_ec *p;
	double t0, spent = 0;
	long records = 0, rows = 0, d;
	size_t len = 0, bytes = 0;
	int64_t t;
	int i, rc = 0;

	p = sf_ec_new(SF_EC_DAILY, "bench", count_only, &records);
	len = (size_t)snprintf(piece, sizeof(piece), "%s", DHDR);
	sf_time_parse_date("1850-01-01", &t, &err);
	for (i = 0; i < 10 && rc == 0; i++) {
		for (d = 0; d < 100000 && rc == 0; d++) {
			sf_time_format_date(t + d * 86400, day);
			len += (size_t)snprintf(piece + len, sizeof(piece) -
			    len, "%s%s,%s,discharge/d\xC3\xA9""bit,%ld.%ld,%s",
			    rows > 0 ? "\r\n" : "", stn[i], day, d % 2000,
			    d % 10, d % 7 == 0 ? "E" : "");
			rows++;
			if (len >= 65536) {
				t0 = now();
				rc = sf_ec_feed(p, piece, len, &err);
				spent += now() - t0;
				bytes += len;
				len = 0;
			}
		}
	}
	t0 = now();
	if (rc == 0)
		rc = sf_ec_feed(p, piece, len, &err);
	if (rc == 0)
		rc = sf_ec_finish(p, &err);
	spent += now() - t0;
	bytes += len;
	is_int(rc, 0, "throughput: parses");
	is_int(records, 1000000, "throughput: 1,000,000 records");
	is_int(sf_ec_stats(p)->rows, rows, "throughput: every row read");
	printf("# daily_data: %ld rows, %.1f MB in %.3f s: %.0f rows/s, "
	    "%.1f MB/s\n", rows, bytes / 1e6, spent, rows / spent,
	    bytes / 1e6 / spent);
	sf_ec_free(p);
}

int
main(void)
{
	test_daily();
	test_daily_values();
	test_realtime();
	test_realtime_values();
	test_datamart();
	test_stations();
	test_errors();
	test_throughput();
	return tap_done();
}
