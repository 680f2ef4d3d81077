/* sf_buf: growable buffers, and the escapes the record formats need. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf.h"
#include "sf_mem.h"

char sf_buf_empty[1];

void
sf_buf_init(struct sf_buf *b)
{
	b->buf = sf_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
sf_buf_release(struct sf_buf *b)
{
	if (b->cap)
		free(b->buf);
	sf_buf_init(b);
}

char *
sf_buf_detach(struct sf_buf *b)
{
	char *s = b->cap ? b->buf : sf_strdup("");

	sf_buf_init(b);
	return s;
}

void
sf_buf_grow(struct sf_buf *b, size_t n)
{
	size_t want = b->len + n + 1;

	if (want <= b->cap)
		return;
	if (b->cap == 0) {
		b->buf = NULL;
		b->cap = 64;
	}
	while (b->cap < want)
		b->cap *= 2;
	b->buf = sf_realloc(b->buf, b->cap);
	if (b->len == 0)
		b->buf[0] = '\0';
}

void
sf_buf_adds(struct sf_buf *b, const char *s)
{
	sf_buf_add(b, s, strlen(s));
}

void
sf_buf_addf(struct sf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->cap ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= (b->cap ? b->cap - b->len : 0)) {
		sf_buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
sf_buf_add_json_str(struct sf_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run;

	sf_buf_addc(b, '"');
	for (;;) {
		/* the bytes that stand for themselves go in one copy */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			sf_buf_add(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			sf_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			sf_buf_add(b, "\\\\", 2);
			break;
		case '\n':
			sf_buf_add(b, "\\n", 2);
			break;
		case '\r':
			sf_buf_add(b, "\\r", 2);
			break;
		case '\t':
			sf_buf_add(b, "\\t", 2);
			break;
		default: {
			char e[6] = { '\\', 'u', '0', '0',
			    hex[*p >> 4], hex[*p & 15] };

			sf_buf_add(b, e, 6);
		}
		}
		p++;
	}
	sf_buf_addc(b, '"');
}

void
sf_buf_add_csv_field(struct sf_buf *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		sf_buf_adds(b, s);
		return;
	}
	sf_buf_addc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			sf_buf_addc(b, '"');
		sf_buf_addc(b, *p);
	}
	sf_buf_addc(b, '"');
}

void
sf_buf_add_xml(struct sf_buf *b, const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '<':
			sf_buf_add(b, "&lt;", 4);
			break;
		case '>':
			sf_buf_add(b, "&gt;", 4);
			break;
		case '&':
			sf_buf_add(b, "&amp;", 5);
			break;
		case '"':
			sf_buf_add(b, "&quot;", 6);
			break;
		default:
			if (*p >= 0x20 || *p == '\t' || *p == '\n' ||
			    *p == '\r')
				sf_buf_addc(b, *p);
		}
	}
}
