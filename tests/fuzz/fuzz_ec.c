/*
 * fuzz_ec: the Environment Canada CSV parsers (sf_ec): wateroffice
 * daily_data and real_time_data, the Datamart hydrometric files and the
 * Datamart station list.
 *
 * The body goes through a parser of each layout twice, whole and in
 * random chunks; both must give the same records, return codes,
 * messages and counts. Records are obs or station records of agency EC.
 */
#include "fuzz.h"
#include "sf_ec.h"

static int
emit(void *arg, const struct sf_rec *rec)
{
	FUZZ_CHECK(rec->kind == SF_KIND_OBS || rec->kind == SF_KIND_STATION,
	    "a record of another kind");
	fuzz_out_rec(arg, rec);
	return 0;
}

static void
run(enum sf_ec_layout layout, struct fuzz_chunks *ch, const uint8_t *data,
    size_t size, struct fuzz_out *o)
{
	const struct sf_ec_stats *st;
	struct sf_err err;
	struct sf_ec *p;
	size_t off = 0, k;
	int rc = 0;

	p = sf_ec_new(layout, "fz", emit, o);
	FUZZ_CHECK(p != NULL, "out of memory");
	sf_err_clear(&err);
	while (rc == 0 && off < size) {
		k = ch != NULL ? fuzz_chunk(ch, size - off) : size;
		rc = sf_ec_feed(p, data + off, k, &err);
		off += k;
	}
	if (rc == 0)
		rc = sf_ec_finish(p, &err);
	fuzz_out_num(o, rc);
	if (rc != 0) {
		FUZZ_CHECK(err.msg[0] != '\0', "a failure says nothing");
		fuzz_out_str(o, err.msg);
		fuzz_out_num(o, err.line);
	}
	st = sf_ec_stats(p);
	fuzz_out_num(o, st->rows);
	fuzz_out_num(o, st->records);
	fuzz_out_num(o, st->other);
	fuzz_out_num(o, st->empty);
	fuzz_out_num(o, st->cp1252);
	sf_ec_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sf_ec_layout layouts[] = { SF_EC_DAILY,
	    SF_EC_REALTIME, SF_EC_DATAMART, SF_EC_STATIONS };
	struct fuzz_out whole = { 0 }, cut = { 0 };
	struct fuzz_chunks ch;
	size_t i;

	fuzz_chunks_init(&ch, data, size);
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		fuzz_out_clear(&whole);
		fuzz_out_clear(&cut);
		run(layouts[i], NULL, data, size, &whole);
		run(layouts[i], &ch, data, size, &cut);
		fuzz_out_same(&whole, &cut, sf_ec_layout_name(layouts[i]));
	}
	fuzz_out_free(&whole);
	fuzz_out_free(&cut);
	return 0;
}
