/*
 * fuzz_usgs: the USGS push parsers (sf_usgs) over one body.
 *
 * The body goes through one parser twice: whole, then (after
 * sf_usgs_reset, as for the next page) in random chunks. Both runs must
 * give the same records, return codes, messages, next link and counts.
 * The records must be what sf_usgs.h promises: obs or station records,
 * agency USGS. sf_usgs_error_message reads the body as an error page too.
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz_usgs.h"

static int
emit(void *arg, const struct sf_rec *rec)
{
	const char *agency;

	FUZZ_CHECK(rec->kind == SF_KIND_OBS || rec->kind == SF_KIND_STATION,
	    "a record of another kind");
	agency = rec->f[rec->kind == SF_KIND_OBS ? SF_OBS_AGENCY :
	    SF_ST_AGENCY];
	FUZZ_CHECK(agency != NULL && strcmp(agency, "USGS") == 0,
	    "agency not USGS");
	fuzz_out_rec(arg, rec);
	return 0;
}

/* Feeds the body in chunks (whole when ch is NULL) and ends it. */
static void
run(struct sf_usgs *u, struct fuzz_chunks *ch, const uint8_t *data,
    size_t size, struct fuzz_out *o)
{
	struct sf_usgs_stats st;
	struct sf_err err;
	size_t off = 0, k;
	const char *next;
	int rc = 0;

	sf_err_clear(&err);
	while (rc == 0 && off < size) {
		k = ch != NULL ? fuzz_chunk(ch, size - off) : size;
		rc = sf_usgs_feed(u, data + off, k, &err);
		off += k;
	}
	if (rc == 0)
		rc = sf_usgs_end(u, &err);
	else
		FUZZ_CHECK(sf_usgs_feed(u, "", 0, &err) == -1,
		    "a feed after a failure");
	fuzz_out_num(o, rc);
	if (rc != 0) {
		FUZZ_CHECK(err.msg[0] != '\0', "a failure says nothing");
		fuzz_out_str(o, err.msg);
	}
	next = sf_usgs_next(u);
	FUZZ_CHECK(rc == 0 || next == NULL, "a next link after a failure");
	fuzz_out_str(o, next);
	sf_usgs_stats(u, &st);
	fuzz_out_num(o, st.items);
	fuzz_out_num(o, st.records);
	fuzz_out_num(o, st.skipped);
	fuzz_out_num(o, st.returned);
	fuzz_out_num(o, st.nodata);
	FUZZ_CHECK(sf_usgs_mem(u) <= 4 * 1024 * 1024,
	    "memory grows past a token");
}

void
fuzz_usgs(enum sf_usgs_fmt fmt, const uint8_t *data, size_t size)
{
	struct fuzz_out whole = { 0 }, cut = { 0 };
	struct fuzz_chunks ch;
	struct sf_usgs *u;
	char msg[200];

	u = sf_usgs_new(fmt, "fz", emit, &whole);
	FUZZ_CHECK(u != NULL, "out of memory");
	run(u, NULL, data, size, &whole);
	sf_usgs_free(u);
	/* a parser reused for the next page must start over cleanly */
	u = sf_usgs_new(fmt, "fz", emit, &cut);
	FUZZ_CHECK(u != NULL, "out of memory");
	fuzz_chunks_init(&ch, data, size);
	run(u, &ch, data, size / 2, &cut);
	fuzz_out_clear(&cut);
	sf_usgs_reset(u);
	run(u, &ch, data, size, &cut);
	sf_usgs_free(u);
	fuzz_out_same(&whole, &cut, "whole and in chunks differ");
	fuzz_out_free(&whole);
	fuzz_out_free(&cut);

	sf_usgs_error_message(data, size, msg, sizeof(msg));
	FUZZ_CHECK(strlen(msg) < sizeof(msg), "message not terminated");
}
