/*
 * fuzz_nwps: the NWPS bodies (sf_nwps): forecasts of every series, a
 * gauge's ids and the mappings they reveal, an error body's message.
 *
 * The body is fed in random chunks under a cap drawn from the input
 * (the body kept must be its first bytes, up to the cap), and read as
 * each of them. Forecast records are forecast records carrying the
 * caller's ids; a gauge's ids are short enough; a message is terminated.
 */
#include <string.h>

#include "fuzz.h"
#include "sf_map.h"
#include "sf_nwps.h"

static int
emit(void *arg, const struct sf_rec *rec)
{
	static struct fuzz_out scratch;	/* kept: reachable, no leak */
	long *n = arg;

	FUZZ_CHECK(rec->kind == SF_KIND_FORECAST, "not a forecast");
	FUZZ_CHECK(rec->f[SF_FC_STATION] != NULL &&
	    strcmp(rec->f[SF_FC_STATION], "01646500") == 0, "station");
	FUZZ_CHECK(rec->f[SF_FC_TARGET_ID] != NULL &&
	    strcmp(rec->f[SF_FC_TARGET_ID], "BRKM2") == 0, "target_id");
	fuzz_out_clear(&scratch);
	fuzz_out_rec(&scratch, rec);
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sf_nwps_who who = { "fz", "01646500", "USGS",
	    "BRKM2" };
	struct sf_nwps_info info;
	struct sf_nwps_gauge g;
	struct sf_map_row rows[2];
	struct fuzz_chunks ch;
	struct sf_err err;
	struct sf_nwps *p;
	const char *body;
	size_t cap, off = 0, k, len;
	char msg[120];
	long n;
	int i, rc = 0, s;

	fuzz_chunks_init(&ch, data, size);
	cap = fuzz_rand(&ch, 4) == 0 ? 1 + fuzz_rand(&ch, 4096) : 0;
	p = sf_nwps_new(cap);
	FUZZ_CHECK(p != NULL, "out of memory");
	while (off < size) {
		k = fuzz_chunk(&ch, size - off);
		if (sf_nwps_feed(p, data + off, k, &err) != 0)
			rc = -1;
		off += k;
	}
	body = sf_nwps_body(p, &len);
	FUZZ_CHECK(body[len] == '\0', "body not terminated");
	FUZZ_CHECK(rc == 0 ? len == size : cap > 0 && len == cap && size > cap,
	    "the body kept");
	FUZZ_CHECK(len == 0 || memcmp(body, data, len) == 0, "body bytes");

	for (s = 0; s < SF_NWPS_NSERIES; s++) {
		n = 0;
		memset(&info, 0, sizeof(info));
		rc = sf_nwps_forecast(p, (enum sf_nwps_series)s, &who, emit, &n,
		    &info, &err);
		FUZZ_CHECK(info.records == n, "records counted");
		FUZZ_CHECK(rc == 0 || err.msg[0] != '\0', "a silent failure");
		FUZZ_CHECK(strlen(info.flow_unit) < sizeof(info.flow_unit) &&
		    strlen(info.run_date) < sizeof(info.run_date), "info");
	}
	if (sf_nwps_gauge(p, &g, &err) == 0) {
		FUZZ_CHECK(g.lid[0] != '\0', "a gauge without a lid");
		n = sf_nwps_gauge_mappings(&g, rows);
		FUZZ_CHECK(n >= 0 && n <= 2, "mappings");
		for (i = 0; i < n; i++)
			(void)sf_map_check(&rows[i], &err);
	} else
		FUZZ_CHECK(g.lid[0] == '\0' && g.usgs_id[0] == '\0' &&
		    g.reach_id[0] == '\0', "g not emptied");
	sf_nwps_error_message(p, msg, sizeof(msg));
	FUZZ_CHECK(strlen(msg) < sizeof(msg), "message");
	sf_nwps_free(p);
	return 0;
}
