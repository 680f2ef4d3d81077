/*
 * sf_buf: a growable byte buffer, always NUL-terminated.
 *
 * Initialise with SF_BUF_INIT or sf_buf_init(); release with
 * sf_buf_release(). buf->buf is never NULL after init and is owned by the
 * buffer; sf_buf_detach() hands it to the caller.
 */
#ifndef SF_BUF_H
#define SF_BUF_H

#include <stddef.h>
#include <string.h>

struct sf_buf {
	char *buf;
	size_t len;
	size_t cap;
};

extern char sf_buf_empty[];
#define SF_BUF_INIT { sf_buf_empty, 0, 0 }

void sf_buf_init(struct sf_buf *b);
void sf_buf_release(struct sf_buf *b);
/* Returns the string (caller frees) and leaves b empty and initialised. */
char *sf_buf_detach(struct sf_buf *b);
/* Makes room for n more bytes past len. */
void sf_buf_grow(struct sf_buf *b, size_t n);
void sf_buf_adds(struct sf_buf *b, const char *s);

/*
 * Inline: a parser or a writer calls these once or more per field of
 * every row, and a call costs more than the copy.
 */
static inline void
sf_buf_reset(struct sf_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->buf[0] = '\0';
}

static inline void
sf_buf_add(struct sf_buf *b, const void *p, size_t n)
{
	if (b->len + n >= b->cap)
		sf_buf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static inline void
sf_buf_addc(struct sf_buf *b, int c)
{
	if (b->len + 1 >= b->cap)
		sf_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}
void sf_buf_addf(struct sf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string, with the quotes; s must be UTF-8. */
void sf_buf_add_json_str(struct sf_buf *b, const char *s);
/* Appends s as an RFC 4180 CSV field, quoted only when it must be. */
void sf_buf_add_csv_field(struct sf_buf *b, const char *s);
/*
 * Appends s escaped for XML/HTML text and attribute values (< > & ");
 * control characters other than tab, newline and CR, which XML 1.0
 * forbids, are dropped. s may be NULL: nothing is appended.
 */
void sf_buf_add_xml(struct sf_buf *b, const char *s);

#endif
