/*
 * t_jsonpush: the push tokenizer. Each text is fed whole, a byte at a
 * time and in odd-sized pieces, and the trace of its events (one short
 * word per event, with the depth) must be the same every time; bad texts
 * must fail with the message and byte offset given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_jsonpush.h"
#include "sf.h"

struct trace {
	struct sf_jsonpush *jp;
	struct sf_buf out;
	const char *skip_key;	/* skip the value of keys of this name */
	int skip_depth;		/* skip containers opening here */
	int stop_at;		/* stop at the nth event (1-based), or 0 */
	int n;
};

static int
tr_cb(void *arg, enum sf_jsonpush_ev ev, const char *s, size_t len)
{
	static const char *const names[] = {
		"{", "}", "[", "]", "k:", "s:", "n:", "t", "f", "z"
	};
	struct trace *t = arg;
	int d = sf_jsonpush_depth(t->jp);

	t->n++;
	if (t->stop_at && t->n == t->stop_at)
		return -1;
	if (t->out.len > 0)
		sf_buf_addc(&t->out, ' ');
	sf_buf_addf(&t->out, "%d%s", d, names[ev]);
	if (ev == SF_JSONPUSH_KEY || ev == SF_JSONPUSH_STR ||
	    ev == SF_JSONPUSH_NUM) {
		if (strlen(s) != len)
			sf_buf_adds(&t->out, "<len!>");
		sf_buf_adds(&t->out, s);
	}
	if (ev == SF_JSONPUSH_KEY && t->skip_key && strcmp(s, t->skip_key) == 0)
		return SF_JSONPUSH_SKIP;
	if ((ev == SF_JSONPUSH_BEGIN_OBJ || ev == SF_JSONPUSH_BEGIN_ARR) &&
	    d == t->skip_depth)
		return SF_JSONPUSH_SKIP;
	return 0;
}

/*
 * Feeds text in pieces of step bytes (0: whole; -1: pseudo-random sizes);
 * returns the trace, or "ERR message"; caller frees.
 */
static char *
run(const char *text, size_t len, int step, const char *skip_key,
    int skip_depth)
{
	struct trace t;
	struct sf_err err;
	size_t off = 0, k;
	unsigned seed = 12345;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	sf_buf_init(&t.out);
	t.skip_key = skip_key;
	t.skip_depth = skip_depth;
	t.jp = sf_jsonpush_new(tr_cb, &t);
	sf_err_clear(&err);
	while (rc == 0 && off < len) {
		if (step == 0)
			k = len;
		else if (step > 0)
			k = (size_t)step;
		else {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 61;
		}
		if (k > len - off)
			k = len - off;
		rc = sf_jsonpush_feed(t.jp, text + off, k, &err);
		off += k;
	}
	if (rc == 0)
		rc = sf_jsonpush_end(t.jp, &err);
	sf_jsonpush_free(t.jp);
	if (rc != 0) {
		sf_buf_reset(&t.out);
		sf_buf_addf(&t.out, "ERR %s", err.msg);
	}
	return sf_buf_detach(&t.out);
}

/* text gives want in every feeding, with skips as given. */
static void
trace_is(const char *text, const char *want, const char *skip_key,
    int skip_depth, const char *what)
{
	static const int steps[] = { 0, 1, 2, 3, 7, -1 };
	char w[200];
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *got = run(text, strlen(text), steps[i], skip_key,
		    skip_depth);

		snprintf(w, sizeof(w), "%s (pieces of %d)", what, steps[i]);
		is_str(got, want, w);
		free(got);
	}
}

static void
test_events(void)
{
	trace_is("{}", "1{ 0}", NULL, -1, "an empty object");
	trace_is(" [ ] ", "1[ 0]", NULL, -1, "an empty array, spaced");
	trace_is("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}",
	    "1{ 1k:a 1n:1 1k:b 2[ 2t 2f 2z 1] 1k:c 2{ 2k:d 2s:x 1} 0}",
	    NULL, -1, "nesting and depths");
	trace_is("-0.5e+10", "0n:-0.5e+10", NULL, -1, "a top-level number");
	trace_is("123", "0n:123", NULL, -1, "a number ended by the text");
	trace_is("[0,-1,1.25,2E3,1e-2]", "1[ 1n:0 1n:-1 1n:1.25 1n:2E3 "
	    "1n:1e-2 0]", NULL, -1, "number forms");
	trace_is("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\"",
	    "0s:a\"b\\c/d\b\f\n\r\te", NULL, -1, "simple escapes");
	trace_is("\"\\u00e9\\u20AC\\ud83d\\ude00\"",
	    "0s:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", NULL, -1,
	    "\\u escapes and a surrogate pair");
	trace_is("\"caf\xc3\xa9 \xe2\x82\xac\"", "0s:caf\xc3\xa9 \xe2\x82\xac",
	    NULL, -1, "raw UTF-8 kept");
	trace_is("{\"a\":{\"x\":[1,{\"y\":\"\\u0000\\ud800\"}]},\"b\":2}",
	    "1{ 1k:a 1k:b 1n:2 0}", "a", -1,
	    "a skipped object value: nothing stored, nothing checked past "
	    "syntax");
	trace_is("{\"a\":[1,2,[3]],\"b\":\"s\",\"a\":\"t\",\"c\":null}",
	    "1{ 1k:a 1k:b 1s:s 1k:a 1k:c 1z 0}", "a", -1,
	    "skipped array and string values");
	trace_is("[[1,[2]],{\"k\":3},4]", "1[ 2[ 2{ 1n:4 0]", NULL, 2,
	    "skipping at BEGIN drops the container and its end");
	trace_is("[1,2]", "1[", NULL, 1, "skipping the top container");
}

static void
fails_with(const char *text, size_t len, const char *want, const char *what)
{
	static const int steps[] = { 0, 1, -1 };
	char w[200];
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *got = run(text, len, steps[i], NULL, -1);

		snprintf(w, sizeof(w), "rejects %s (pieces of %d)", what,
		    steps[i]);
		is_str(got, want, w);
		free(got);
	}
}

#define FAILS(text, want, what) fails_with(text, sizeof(text) - 1, want, what)

static void
test_errors(void)
{
	FAILS("", "ERR byte 0: no JSON value", "an empty text");
	FAILS("  \n", "ERR byte 3: no JSON value", "white space only");
	FAILS("[1,]", "ERR byte 3: unexpected ']', expected a value",
	    "a trailing comma");
	FAILS("{\"a\":1,}", "ERR byte 7: unexpected '}', expected a member "
	    "name", "a trailing comma in an object");
	FAILS("[01]", "ERR byte 3: bad number '01'", "a leading zero");
	FAILS("[1.]", "ERR byte 3: bad number '1.'", "a bare point");
	FAILS("-", "ERR byte 1: bad number '-'", "a lone minus");
	FAILS("{\"a\" 1}", "ERR byte 5: unexpected '1', expected ':'",
	    "a missing colon");
	FAILS("[1 2]", "ERR byte 3: unexpected '2', expected ',' or ']'",
	    "a missing comma");
	FAILS("{\"a\":1]", "ERR byte 6: unexpected ']', expected ',' or '}'",
	    "a mismatched bracket");
	FAILS("[tru]", "ERR byte 4: unexpected ']' in 'true'",
	    "a cut literal");
	FAILS("nul", "ERR byte 3: the text ends inside 'null'",
	    "a literal cut by the end");
	FAILS("{} x", "ERR byte 3: unexpected 'x' after the value",
	    "text after the value");
	FAILS("[\"abc", "ERR byte 5: the text ends inside a string",
	    "an unterminated string");
	FAILS("{\"a\":[1,2", "ERR byte 9: the text ends inside an array",
	    "a cut array");
	FAILS("{\"a\":1", "ERR byte 6: the text ends inside an object",
	    "a cut object");
	FAILS("\"a\tb\"", "ERR byte 2: a control character (0x09) in a "
	    "string", "a raw tab in a string");
	FAILS("\"\\x\"", "ERR byte 2: bad escape '\\x' in a string",
	    "a bad escape");
	FAILS("\"\\u12G4\"", "ERR byte 5: bad \\u escape in a string",
	    "a bad \\u digit");
	FAILS("\"\\ud800x\"", "ERR byte 7: a lone surrogate in a string",
	    "a high surrogate alone");
	FAILS("\"\\udc00\"", "ERR byte 6: a lone surrogate in a string",
	    "a low surrogate alone");
	FAILS("\"\\u0000\"", "ERR byte 6: \\u0000 in a string",
	    "an escaped NUL");
	FAILS("\"\xc3\x28\"", "ERR byte 3: invalid UTF-8 in a string",
	    "invalid UTF-8");
	FAILS("\"\xed\xa0\x80\"", "ERR byte 4: invalid UTF-8 in a string",
	    "an encoded surrogate");
	FAILS("\"\xc0\xaf\"", "ERR byte 3: invalid UTF-8 in a string",
	    "an overlong form");
	FAILS("<html>", "ERR byte 0: unexpected '<', expected a value",
	    "an HTML page");
}

static void
test_depth_and_size(void)
{
	struct sf_buf b = SF_BUF_INIT;
	char *got, want[80];
	int i;

	for (i = 0; i < SF_JSONPUSH_MAXDEPTH; i++)
		sf_buf_addc(&b, '[');
	for (i = 0; i < SF_JSONPUSH_MAXDEPTH; i++)
		sf_buf_addc(&b, ']');
	got = run(b.buf, b.len, 0, NULL, 1);
	is_str(got, "1[", "the deepest nesting accepted (skipped)");
	free(got);
	sf_buf_reset(&b);
	for (i = 0; i <= SF_JSONPUSH_MAXDEPTH; i++)
		sf_buf_addc(&b, '[');
	got = run(b.buf, b.len, 0, NULL, 1);
	snprintf(want, sizeof(want), "ERR byte %d: nested deeper than %d",
	    SF_JSONPUSH_MAXDEPTH, SF_JSONPUSH_MAXDEPTH);
	is_str(got, want, "one deeper is refused");
	free(got);

	/* A long string is fine skipped, an error delivered. */
	sf_buf_reset(&b);
	sf_buf_adds(&b, "{\"a\":\"");
	for (i = 0; i < SF_JSONPUSH_MAXTOK + 10; i++)
		sf_buf_addc(&b, 'x');
	sf_buf_adds(&b, "\",\"b\":1}");
	got = run(b.buf, b.len, 0, "a", -1);
	is_str(got, "1{ 1k:a 1k:b 1n:1 0}", "a skipped string of any length");
	free(got);
	got = run(b.buf, b.len, 0, NULL, -1);
	snprintf(want, sizeof(want), "ERR byte 6: a string longer than %d "
	    "bytes", SF_JSONPUSH_MAXTOK);
	is_str(got, want, "a delivered string longer than SF_JSONPUSH_MAXTOK");
	free(got);
	sf_buf_release(&b);
}

static void
test_stop_and_reset(void)
{
	struct trace t;
	struct sf_err err;
	const char *text = "[1,2,3]";

	memset(&t, 0, sizeof(t));
	sf_buf_init(&t.out);
	t.stop_at = 3;
	t.jp = sf_jsonpush_new(tr_cb, &t);
	sf_err_set(&err, "untouched");
	is_int(sf_jsonpush_feed(t.jp, text, strlen(text), &err), -1,
	    "the callback's -1 stops the feed");
	is_str(err.msg, "untouched", "and leaves err to the callback");
	is_int(sf_jsonpush_feed(t.jp, "]", 1, &err), -1, "later feeds fail");
	is_str(err.msg, "stopped by the callback", "saying why");
	is_int(sf_jsonpush_end(t.jp, &err), -1, "and so does the end");

	sf_jsonpush_reset(t.jp);
	sf_buf_reset(&t.out);
	t.stop_at = 0;
	is_int(sf_jsonpush_feed(t.jp, text, strlen(text), &err), 0,
	    "after a reset a new text is read");
	is_int(sf_jsonpush_end(t.jp, &err), 0, "to its end");
	is_str(t.out.buf, "1[ 1n:1 1n:2 1n:3 0]", "with its events");
	is_int(sf_jsonpush_offset(t.jp), 7, "offset counts the bytes fed");
	ok(sf_jsonpush_mem(t.jp) < 4096, "and the memory held is small");
	sf_jsonpush_free(t.jp);
	sf_buf_release(&t.out);
}

/* The USGS's JSON fixtures: same trace in any pieces, and well formed. */
static void
test_fixtures(void)
{
	static const char *const files[] = {
		"usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json",
		"usgs/waterdata/monitoring_locations_10features_with_next_"
		    "cursor_2025_etl_project_02.json",
		"usgs/waterdata/multi_collection_fixtures_TRIMMED_"
		    "dataretrieval.json",
		"usgs/waterdata/time_series_metadata_bbox_daily_basin3d.json",
		"usgs/nwis/dv_json_2sites_range_2020_dataretrieval.json",
		"usgs/nwis/iv_json_2sites_00060_P1D_2020_hydrotools.json"
	};
	const char *top = getenv("SF_TOP");
	char path[1024], w[200];
	size_t i, n;

	if (top == NULL) {
		printf("Bail out! SF_TOP is not set (run through make test)\n");
		exit(1);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct sf_buf b = SF_BUF_INIT;
		char chunk[4096], *whole, *bytes, *odd;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/tests/data/fixtures/%s", top,
		    files[i]);
		if ((fp = fopen(path, "rb")) == NULL) {
			printf("Bail out! cannot open %s\n", path);
			exit(1);
		}
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			sf_buf_add(&b, chunk, n);
		fclose(fp);
		whole = run(b.buf, b.len, 0, NULL, -1);
		bytes = run(b.buf, b.len, 1, NULL, -1);
		odd = run(b.buf, b.len, -1, NULL, -1);
		snprintf(w, sizeof(w), "%s: read", strrchr(files[i], '/') + 1);
		ok(strncmp(whole, "ERR", 3) != 0 && strncmp(whole, "1{", 2) ==
		    0, w);
		snprintf(w, sizeof(w), "%s: same events fed byte by byte and "
		    "in odd pieces", strrchr(files[i], '/') + 1);
		ok(strcmp(whole, bytes) == 0 && strcmp(whole, odd) == 0, w);
		free(whole);
		free(bytes);
		free(odd);
		sf_buf_release(&b);
	}
}

int
main(void)
{
	test_events();
	test_errors();
	test_depth_and_size();
	test_stop_and_reset();
	test_fixtures();
	return tap_done();
}
