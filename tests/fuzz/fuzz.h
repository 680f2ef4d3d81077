/*
 * fuzz: what the libFuzzer targets of tests/fuzz share.
 *
 * A body is handed to a parser in chunks, as the network delivers it:
 * the chunk sizes come from a PRNG seeded with a hash of the input, so
 * the whole input stays the body (seeds are plain responses) and a given
 * input is always cut the same way. What a parser emits is written into
 * a struct fuzz_out, so that two runs over one body (whole, and in
 * chunks) can be compared byte for byte.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "sf_rec.h"

/* Aborts (a crash to libFuzzer) with the message when c is false. */
#define FUZZ_CHECK(c, what) \
	((c) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #c, (what)))

void fuzz_fail(const char *file, int line, const char *cond,
    const char *what) __attribute__((noreturn));

/* The chunk sizes of one body. */
struct fuzz_chunks {
	uint64_t s;
};

/* Seeds c from the n bytes at p (the input, so the cut is repeatable). */
void fuzz_chunks_init(struct fuzz_chunks *c, const void *p, size_t n);

/*
 * The size of the next chunk, 1 to left (left > 0): mostly a few bytes,
 * sometimes a few kilobytes, sometimes all that is left.
 */
size_t fuzz_chunk(struct fuzz_chunks *c, size_t left);

/* A number below n (n > 0) from the same PRNG. */
uint32_t fuzz_rand(struct fuzz_chunks *c, uint32_t n);

/* What came out of one run: records, return codes, messages. */
struct fuzz_out {
	char *p;
	size_t len, cap;
};

/* Empties o (its memory kept); fuzz_out_free releases it. */
void fuzz_out_clear(struct fuzz_out *o);
void fuzz_out_free(struct fuzz_out *o);

/* Appends n bytes, a string (NULL is written as a marker), a number. */
void fuzz_out_add(struct fuzz_out *o, const void *p, size_t n);
void fuzz_out_str(struct fuzz_out *o, const char *s);
void fuzz_out_num(struct fuzz_out *o, long long v);

/*
 * Appends rec: its kind and every field of its kind. Checks on the way
 * that the kind is known and every field is NULL or a string.
 */
void fuzz_out_rec(struct fuzz_out *o, const struct sf_rec *rec);

/* Aborts, saying which, when a and b differ. */
void fuzz_out_same(const struct fuzz_out *a, const struct fuzz_out *b,
    const char *what);

#endif
