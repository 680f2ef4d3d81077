/*
 * fuzz: the helpers every fuzz target links (see fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *cond, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line,
	    cond, what);
	abort();
}

void
fuzz_chunks_init(struct fuzz_chunks *c, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	c->s = h ? h : 1;
}

uint32_t
fuzz_rand(struct fuzz_chunks *c, uint32_t n)
{
	c->s ^= c->s >> 12;	/* xorshift64* */
	c->s ^= c->s << 25;
	c->s ^= c->s >> 27;
	return (uint32_t)((c->s * 2685821657736338717ULL) >> 32) % n;
}

size_t
fuzz_chunk(struct fuzz_chunks *c, size_t left)
{
	uint32_t r = fuzz_rand(c, 16);
	size_t n;

	if (r < 10)		/* a few bytes: the splits that hurt */
		n = 1 + fuzz_rand(c, 8);
	else if (r < 14)	/* a network read */
		n = 1 + fuzz_rand(c, 4096);
	else if (r < 15)
		n = 1 + fuzz_rand(c, 64 * 1024);
	else
		n = left;
	return n < left ? n : left;
}

void
fuzz_out_clear(struct fuzz_out *o)
{
	o->len = 0;
}

void
fuzz_out_free(struct fuzz_out *o)
{
	free(o->p);
	o->p = NULL;
	o->len = o->cap = 0;
}

void
fuzz_out_add(struct fuzz_out *o, const void *p, size_t n)
{
	char *np;
	size_t ncap;

	if (o->cap - o->len < n) {
		ncap = o->cap ? o->cap : 256;
		while (ncap - o->len < n)
			ncap *= 2;
		if ((np = realloc(o->p, ncap)) == NULL)
			abort();
		o->p = np;
		o->cap = ncap;
	}
	if (n > 0)
		memcpy(o->p + o->len, p, n);
	o->len += n;
}

void
fuzz_out_str(struct fuzz_out *o, const char *s)
{
	size_t n;

	if (s == NULL) {
		fuzz_out_add(o, "\377N", 2);
		return;
	}
	n = strlen(s);
	fuzz_out_add(o, &n, sizeof(n));
	fuzz_out_add(o, s, n);
}

void
fuzz_out_num(struct fuzz_out *o, long long v)
{
	fuzz_out_add(o, &v, sizeof(v));
}

void
fuzz_out_rec(struct fuzz_out *o, const struct sf_rec *rec)
{
	const struct sf_kind_info *ki;
	int i;

	ki = sf_kind_info(rec->kind);
	FUZZ_CHECK(ki != NULL, "a record of no known kind");
	FUZZ_CHECK(ki->nfields <= SF_REC_MAXF, "too many fields");
	fuzz_out_num(o, rec->kind);
	for (i = 0; i < ki->nfields; i++) {
		if (rec->f[i] != NULL)
			(void)strlen(rec->f[i]);	/* ASan reads it */
		fuzz_out_str(o, rec->f[i]);
	}
}

void
fuzz_out_same(const struct fuzz_out *a, const struct fuzz_out *b,
    const char *what)
{
	FUZZ_CHECK(a->len == b->len &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0), what);
}
