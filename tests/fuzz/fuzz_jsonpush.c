/*
 * fuzz_jsonpush: the JSON push tokenizer (sf_jsonpush).
 *
 * The input is a JSON text, fed whole and in random chunks; the callback
 * skips some keys' values and some containers, and stops at some event,
 * chosen from the input the same way in both runs. Both runs must give
 * the same events with the same texts and depths, the same result and
 * the same message. Texts must be NUL-terminated at their length and
 * the depth within bounds.
 */
#include <string.h>

#include "fuzz.h"
#include "sf_jsonpush.h"

struct run {
	struct sf_jsonpush *jp;
	struct fuzz_out o;
	uint64_t pick;		/* from the input: what to skip, where to stop */
	long events;
};

static int
cb(void *arg, enum sf_jsonpush_ev ev, const char *s, size_t len)
{
	struct run *r = arg;
	int depth = sf_jsonpush_depth(r->jp);
	uint64_t h;

	FUZZ_CHECK(s != NULL && s[len] == '\0', "text not terminated");
	FUZZ_CHECK(len <= SF_JSONPUSH_MAXTOK, "token too long");
	FUZZ_CHECK(depth >= 0 && depth <= SF_JSONPUSH_MAXDEPTH, "depth");
	if (ev == SF_JSONPUSH_KEY || ev == SF_JSONPUSH_STR)
		FUZZ_CHECK(strlen(s) == len, "a NUL inside a string");
	fuzz_out_num(&r->o, ev);
	fuzz_out_num(&r->o, depth);
	fuzz_out_add(&r->o, s, len);
	r->events++;
	h = (r->pick ^ (uint64_t)r->events) * 0x9E3779B97F4A7C15ULL;
	if ((h >> 58) == 0)
		return -1;
	if ((ev == SF_JSONPUSH_KEY || ev == SF_JSONPUSH_BEGIN_OBJ ||
	    ev == SF_JSONPUSH_BEGIN_ARR) && (h >> 61) == 1)
		return SF_JSONPUSH_SKIP;
	return 0;
}

static void
feed(struct run *r, struct fuzz_chunks *ch, const uint8_t *data,
    size_t size)
{
	struct sf_err err;
	size_t off = 0, k;
	int rc = 0;

	sf_err_clear(&err);
	r->events = 0;
	fuzz_out_clear(&r->o);
	while (rc == 0 && off < size) {
		k = ch != NULL ? fuzz_chunk(ch, size - off) : size;
		rc = sf_jsonpush_feed(r->jp, (const char *)data + off, k, &err);
		off += k;
	}
	FUZZ_CHECK(rc != 0 || sf_jsonpush_offset(r->jp) == (long long)size,
	    "offset");
	if (rc == 0)
		rc = sf_jsonpush_end(r->jp, &err);
	else
		FUZZ_CHECK(sf_jsonpush_feed(r->jp, "1", 1, &err) == -1,
		    "a feed after a failure");
	fuzz_out_num(&r->o, rc);
	fuzz_out_str(&r->o, err.msg);
	FUZZ_CHECK(sf_jsonpush_mem(r->jp) <= 2 * SF_JSONPUSH_MAXTOK + 64,
	    "memory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_out whole;
	struct fuzz_chunks ch;
	struct run r;

	memset(&r, 0, sizeof(r));
	fuzz_chunks_init(&ch, data, size);
	r.pick = ch.s;
	r.jp = sf_jsonpush_new(cb, &r);
	FUZZ_CHECK(r.jp != NULL, "out of memory");
	feed(&r, NULL, data, size);
	whole = r.o;
	memset(&r.o, 0, sizeof(r.o));
	/* a reset tokenizer must read the text as a new one does */
	sf_jsonpush_reset(r.jp);
	feed(&r, &ch, data, size);
	fuzz_out_same(&whole, &r.o, "whole and in chunks differ");
	sf_jsonpush_free(r.jp);
	fuzz_out_free(&whole);
	fuzz_out_free(&r.o);
	return 0;
}
