/*
 * fuzz_rec: the record reader (sf_rec), NDJSON and CSV.
 *
 * The input is a record stream. It is read twice: from fmemopen, whole,
 * and through a stream whose reads return the random chunks of a pipe or
 * a socket. Both must give the same records, bad lines and faults, with
 * the same line numbers and messages. Every record read is written back
 * with the writer, in NDJSON and in CSV, which must not fail on what the
 * reader gave, except where the writer documents a refusal.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fuzz.h"
#include "sf_rec.h"

struct src {
	const unsigned char *p;
	size_t n, off;
	struct fuzz_chunks ch;
};

static ssize_t
src_read(void *cookie, char *buf, size_t size)
{
	struct src *s = cookie;
	size_t k;

	if (s->off == s->n || size == 0)
		return 0;
	k = fuzz_chunk(&s->ch, s->n - s->off);
	if (k > size)
		k = size;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static FILE *devnull;

/* 1 when every NUM field of rec is a number and every BOOL a boolean. */
static int
typed(const struct sf_rec *rec)
{
	const struct sf_kind_info *ki = sf_kind_info(rec->kind);
	struct sf_err err;
	double v;
	int i;

	for (i = 0; i < ki->nfields; i++) {
		if (rec->f[i] == NULL)
			continue;
		if (ki->types[i] == SF_FT_NUM &&
		    sf_str_todouble(rec->f[i], &v, &err) != 0)
			return 0;
		if (ki->types[i] == SF_FT_BOOL &&
		    strcmp(rec->f[i], "true") != 0 &&
		    strcmp(rec->f[i], "false") != 0)
			return 0;
	}
	return 1;
}

static void
readall(FILE *fp, struct fuzz_out *o)
{
	struct sf_reader *rd;
	struct sf_writer *wj, *wc;
	struct sf_rec rec;
	struct sf_err err;
	int rc;

	rd = sf_reader_new(fp, "fuzz");
	wj = sf_writer_new(devnull, SF_FMT_NDJSON);
	wc = sf_writer_new(devnull, SF_FMT_CSV);
	FUZZ_CHECK(rd != NULL && wj != NULL && wc != NULL, "out of memory");
	for (;;) {
		sf_err_clear(&err);
		rc = sf_reader_next(rd, &rec, &err);
		fuzz_out_num(o, rc);
		fuzz_out_num(o, sf_reader_line(rd));
		if (rc == 0)
			break;
		if (rc < 0) {
			FUZZ_CHECK(rec.kind == SF_KIND_NONE, "rec not cleared");
			FUZZ_CHECK(err.msg[0] != '\0', "a failure says nothing");
			fuzz_out_str(o, err.msg);
			fuzz_out_num(o, err.line);
			if (rc == -2) {
				rc = sf_reader_next(rd, &rec, &err);
				FUZZ_CHECK(rc == 0, "a read after a fault");
				break;
			}
			continue;
		}
		FUZZ_CHECK(rc == 1, "an unknown return");
		fuzz_out_rec(o, &rec);
		/* The writer takes what the reader gave, but for the values
		 * it refuses by its contract: the reader checks no types. */
		rc = sf_writer_put(wj, &rec, &err);
		FUZZ_CHECK(rc == 0 || !typed(&rec), err.msg);
		(void)sf_writer_put(wc, &rec, &err);
	}
	sf_writer_free(wj);
	sf_writer_free(wc);
	sf_reader_free(rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cookie_io_functions_t io = { .read = src_read };
	struct fuzz_out whole = { 0 }, cut = { 0 };
	struct src s;
	FILE *fp;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();

	/* fmemopen refuses a size of 0 on older C libraries */
	fp = size > 0 ? fmemopen((void *)(uintptr_t)data, size, "r") :
	    fopen("/dev/null", "r");
	FUZZ_CHECK(fp != NULL, "fmemopen");
	readall(fp, &whole);
	fclose(fp);

	s.p = data;
	s.n = size;
	s.off = 0;
	fuzz_chunks_init(&s.ch, data, size);
	fp = fopencookie(&s, "r", io);
	FUZZ_CHECK(fp != NULL, "fopencookie");
	readall(fp, &cut);
	fclose(fp);

	fuzz_out_same(&whole, &cut, "whole and in chunks differ");
	fuzz_out_free(&whole);
	fuzz_out_free(&cut);
	return 0;
}
