/*
 * sf_jsonpush: a byte-at-a-time JSON state machine with a fast path.
 *
 * The state says what the next byte may be; a string, a number or a
 * literal split across two feeds simply stays in its state, with the
 * bytes so far in tok. Inside a string the bytes up to the next quote,
 * backslash or control character are found in one scan and appended in
 * one go, which is where nearly all the bytes of a real body are.
 *
 * Skipping: skip_next marks the value after a skipped key; skip_depth,
 * when not -1, is the depth a skipped container returns to, and no event
 * is delivered (no string stored) until it does. The syntax is checked
 * all the same, so a bad body is bad wherever the damage is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_jsonpush.h"
#include "sf_mem.h"
#include "sf_str.h"
#include "sf.h"

enum st {
	ST_VALUE,		/* a value must follow (top, ':', array ',') */
	ST_VALUE_OR_END,	/* after '[' */
	ST_KEY_OR_END,		/* after '{' */
	ST_KEY,			/* after ',' in an object */
	ST_COLON,
	ST_COMMA_OR_END,	/* after a value inside a container */
	ST_STR,			/* inside a string */
	ST_ESC,			/* after a backslash */
	ST_HEX,			/* in the four digits of \u */
	ST_NUM,
	ST_LIT,			/* in true, false or null */
	ST_DONE,		/* the value is complete */
	ST_FAIL
};

struct sf_jsonpush {
	int (*cb)(void *, enum sf_jsonpush_ev, const char *, size_t);
	void *arg;
	enum st st;
	int depth;
	unsigned char obj[SF_JSONPUSH_MAXDEPTH];	/* 1 object, 0 array */
	int skip_depth;		/* -1, or where a skipped one ends */
	int skip_next;		/* the next value is skipped */
	int is_key;		/* the string being read is a member name */
	int store;		/* the string being read is kept */
	int high;		/* and holds a byte >= 0x80 as sent */
	unsigned hex;		/* the \u digits so far */
	int nhex;
	unsigned hi;		/* a high surrogate awaiting its low half */
	const char *lit;	/* the literal being matched */
	int nlit;
	struct sf_buf tok;
	long long off;		/* bytes fed before this call */
	int stopped;		/* the callback said stop */
	struct sf_err fail;	/* the failure, repeated to later calls */
};

struct sf_jsonpush *
sf_jsonpush_new(int (*cb)(void *, enum sf_jsonpush_ev, const char *, size_t),
    void *arg)
{
	struct sf_jsonpush *jp = sf_calloc(1, sizeof(*jp));

	jp->cb = cb;
	jp->arg = arg;
	sf_buf_init(&jp->tok);
	sf_jsonpush_reset(jp);
	return jp;
}

void
sf_jsonpush_free(struct sf_jsonpush *jp)
{
	if (jp == NULL)
		return;
	sf_buf_release(&jp->tok);
	free(jp);
}

void
sf_jsonpush_reset(struct sf_jsonpush *jp)
{
	jp->st = ST_VALUE;
	jp->depth = 0;
	jp->skip_depth = -1;
	jp->skip_next = 0;
	jp->hi = 0;
	jp->off = 0;
	jp->stopped = 0;
	sf_err_clear(&jp->fail);
	sf_buf_reset(&jp->tok);
}

int
sf_jsonpush_depth(const struct sf_jsonpush *jp)
{
	return jp->depth;
}

long long
sf_jsonpush_offset(const struct sf_jsonpush *jp)
{
	return jp->off;
}

void
sf_jsonpush_resume(struct sf_jsonpush *jp, long long n)
{
	jp->off += n;
	if (n > 0 && jp->st != ST_FAIL)
		jp->st = ST_COMMA_OR_END;
}

size_t
sf_jsonpush_mem(const struct sf_jsonpush *jp)
{
	return sizeof(*jp) + jp->tok.cap;
}

/* Records a failure at byte pos and repeats it into err; returns -1. */
static int
failf(struct sf_jsonpush *jp, struct sf_err *err, long long pos,
    const char *fmt, ...)
{
	char msg[SF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sf_err_set(&jp->fail, "byte %lld: %s", pos, msg);
	jp->st = ST_FAIL;
	return sf_err_set(err, "%s", jp->fail.msg);
}

/* The failure of an earlier call, again. */
static int
refail(struct sf_jsonpush *jp, struct sf_err *err)
{
	if (jp->stopped)
		return sf_err_set(err, "stopped by the callback");
	return sf_err_set(err, "%s", jp->fail.msg);
}

/* How a byte reads in a message: 'x', or its value when not printable. */
static const char *
show(int c, char buf[16])
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static int
call(struct sf_jsonpush *jp, enum sf_jsonpush_ev ev, const char *s, size_t len)
{
	int r = jp->cb(jp->arg, ev, s, len);

	if (r < 0) {
		jp->stopped = 1;
		jp->st = ST_FAIL;
		return -1;
	}
	return r;
}

/* After a value: the text is done, or its container goes on. */
static void
value_done(struct sf_jsonpush *jp)
{
	jp->st = jp->depth == 0 ? ST_DONE : ST_COMMA_OR_END;
}

/* Delivers a scalar value, unless it is skipped; 0 or -1. */
static int
scalar(struct sf_jsonpush *jp, enum sf_jsonpush_ev ev, const char *s,
    size_t len)
{
	if (jp->skip_depth >= 0)
		return 0;
	if (jp->skip_next) {
		jp->skip_next = 0;
		return 0;
	}
	return call(jp, ev, s, len) < 0 ? -1 : 0;
}

static int
begin(struct sf_jsonpush *jp, int obj, struct sf_err *err, long long pos)
{
	int r;

	if (jp->depth == SF_JSONPUSH_MAXDEPTH)
		return failf(jp, err, pos, "nested deeper than %d",
		    SF_JSONPUSH_MAXDEPTH);
	jp->obj[jp->depth++] = (unsigned char)obj;
	jp->st = obj ? ST_KEY_OR_END : ST_VALUE_OR_END;
	if (jp->skip_depth >= 0)
		return 0;
	if (jp->skip_next) {
		jp->skip_next = 0;
		jp->skip_depth = jp->depth - 1;
		return 0;
	}
	r = call(jp, obj ? SF_JSONPUSH_BEGIN_OBJ : SF_JSONPUSH_BEGIN_ARR, "",
	    0);
	if (r < 0)
		return -1;
	if (r == SF_JSONPUSH_SKIP)
		jp->skip_depth = jp->depth - 1;
	return 0;
}

static int
end(struct sf_jsonpush *jp)
{
	int obj = jp->obj[--jp->depth];

	value_done(jp);
	if (jp->skip_depth >= 0) {
		if (jp->depth == jp->skip_depth)
			jp->skip_depth = -1;
		return 0;
	}
	return call(jp, obj ? SF_JSONPUSH_END_OBJ : SF_JSONPUSH_END_ARR, "",
	    0) < 0 ? -1 : 0;
}

static void
string_begin(struct sf_jsonpush *jp, int is_key)
{
	jp->is_key = is_key;
	jp->store = !(jp->skip_depth >= 0 || (!is_key && jp->skip_next));
	jp->hi = 0;
	jp->high = 0;
	sf_buf_reset(&jp->tok);
	jp->st = ST_STR;
}

/* Whether the n bytes at s are UTF-8 (no overlong forms, no surrogates). */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int
string_end(struct sf_jsonpush *jp, struct sf_err *err, long long pos)
{
	int r;

	if (jp->hi != 0)
		return failf(jp, err, pos, "a lone surrogate in a string");
	if (!jp->store) {
		if (jp->is_key) {
			jp->st = ST_COLON;
			return 0;
		}
		if (jp->skip_next && jp->skip_depth < 0)
			jp->skip_next = 0;
		value_done(jp);
		return 0;
	}
	/* ASCII as sent (escapes give valid UTF-8): nothing to check. */
	if (jp->high &&
	    !utf8_ok((const unsigned char *)jp->tok.buf, jp->tok.len))
		return failf(jp, err, pos, "invalid UTF-8 in a string");
	if (jp->is_key) {
		jp->st = ST_COLON;
		r = call(jp, SF_JSONPUSH_KEY, jp->tok.buf, jp->tok.len);
		if (r < 0)
			return -1;
		if (r == SF_JSONPUSH_SKIP)
			jp->skip_next = 1;
		return 0;
	}
	value_done(jp);
	return scalar(jp, SF_JSONPUSH_STR, jp->tok.buf, jp->tok.len);
}

static void
put_utf8(struct sf_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		sf_buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		sf_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sf_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sf_buf_add(b, u, 4);
	}
}

/* A \uXXXX unit is complete: pairs surrogates, appends the character. */
static int
unit_done(struct sf_jsonpush *jp, struct sf_err *err, long long pos)
{
	unsigned u = jp->hex;

	jp->st = ST_STR;
	if (!jp->store)
		return 0;
	if (jp->hi != 0) {
		if (u < 0xdc00 || u > 0xdfff)
			return failf(jp, err, pos,
			    "a lone surrogate in a string");
		u = 0x10000 + ((jp->hi - 0xd800) << 10) + (u - 0xdc00);
		jp->hi = 0;
	} else if (u >= 0xd800 && u <= 0xdbff) {
		jp->hi = u;
		return 0;
	} else if (u >= 0xdc00 && u <= 0xdfff) {
		return failf(jp, err, pos, "a lone surrogate in a string");
	} else if (u == 0) {
		return failf(jp, err, pos, "\\u0000 in a string");
	}
	if (jp->tok.len + 4 > SF_JSONPUSH_MAXTOK)
		return failf(jp, err, pos, "a string longer than %d bytes",
		    SF_JSONPUSH_MAXTOK);
	put_utf8(&jp->tok, u);
	return 0;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
number_end(struct sf_jsonpush *jp, struct sf_err *err, long long pos)
{
	if (!sf_str_is_json_number(jp->tok.buf))
		return failf(jp, err, pos, "bad number '%.40s'", jp->tok.buf);
	value_done(jp);
	return scalar(jp, SF_JSONPUSH_NUM, jp->tok.buf, jp->tok.len);
}

static int
is_num_char(int c)
{
	return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' ||
	    c == 'E';
}

/*
 * A value starts with c (the state allowed one): returns how many bytes
 * it used (0 for a number, which ST_NUM reads from its first byte), or
 * -1 for failure.
 */
static int
value_begin(struct sf_jsonpush *jp, int c, struct sf_err *err, long long pos)
{
	char b[16];

	switch (c) {
	case '{':
		return begin(jp, 1, err, pos) == -1 ? -1 : 1;
	case '[':
		return begin(jp, 0, err, pos) == -1 ? -1 : 1;
	case '"':
		string_begin(jp, 0);
		return 1;
	case 't':
		jp->lit = "true";
		break;
	case 'f':
		jp->lit = "false";
		break;
	case 'n':
		jp->lit = "null";
		break;
	default:
		if (c == '-' || is_digit(c)) {
			sf_buf_reset(&jp->tok);
			jp->st = ST_NUM;
			return 0;
		}
		return failf(jp, err, pos, "unexpected %s, expected a value",
		    show(c, b));
	}
	jp->nlit = 1;
	jp->st = ST_LIT;
	return 1;
}

static int
literal_end(struct sf_jsonpush *jp)
{
	enum sf_jsonpush_ev ev;

	ev = jp->lit[0] == 't' ? SF_JSONPUSH_TRUE : jp->lit[0] == 'f' ?
	    SF_JSONPUSH_FALSE : SF_JSONPUSH_NULL;
	value_done(jp);
	return scalar(jp, ev, jp->lit, strlen(jp->lit));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The bytes that end a run of plain string bytes: '"', '\\', controls; and
 * those >= 0x80, noted in high so that an ASCII string (nearly every one)
 * skips the UTF-8 check.
 */
#define HIGH16 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
static const unsigned char str_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
	[0x80] = HIGH16, [0x90] = HIGH16, [0xa0] = HIGH16, [0xb0] = HIGH16,
	[0xc0] = HIGH16, [0xd0] = HIGH16, [0xe0] = HIGH16, [0xf0] = HIGH16
};

int
sf_jsonpush_feed(struct sf_jsonpush *jp, const char *buf, size_t n,
    struct sf_err *err)
{
	const unsigned char *start = (const unsigned char *)buf;
	const unsigned char *p = start, *e = start + n, *q;
	long long pos;
	char b[16];
	int c, r, obj;

	if (jp->st == ST_FAIL)
		return refail(jp, err);
	while (p < e) {
		c = *p;
		pos = jp->off + (p - start);
		switch (jp->st) {
		case ST_STR:
			if (jp->hi != 0 && c != '\\')
				return failf(jp, err, pos,
				    "a lone surrogate in a string");
			q = p;
			for (;;) {
				while (q < e && !str_special[*q])
					q++;
				if (q == e || str_special[*q] != 2)
					break;
				jp->high = 1;
				q++;
			}
			if (q > p && jp->store) {
				if (jp->tok.len + (size_t)(q - p) >
				    SF_JSONPUSH_MAXTOK)
					return failf(jp, err, pos,
					    "a string longer than %d bytes",
					    SF_JSONPUSH_MAXTOK);
				sf_buf_add(&jp->tok, p, (size_t)(q - p));
			}
			if (q == e) {
				p = q;
				break;
			}
			pos += q - p;
			p = q;
			c = *p++;
			if (c == '"') {
				if (string_end(jp, err, pos) == -1)
					return -1;
			} else if (c == '\\') {
				jp->st = ST_ESC;
			} else {
				return failf(jp, err, pos,
				    "a control character (0x%02x) in a string",
				    c);
			}
			break;
		case ST_ESC:
			p++;
			if (jp->hi != 0 && c != 'u' && jp->store)
				return failf(jp, err, pos,
				    "a lone surrogate in a string");
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				jp->hex = 0;
				jp->nhex = 0;
				jp->st = ST_HEX;
				continue;
			default:
				return failf(jp, err, pos,
				    "bad escape '\\%c' in a string",
				    c > 0x20 && c < 0x7f ? c : '?');
			}
			if (jp->store) {
				if (jp->tok.len + 1 > SF_JSONPUSH_MAXTOK)
					return failf(jp, err, pos,
					    "a string longer than %d bytes",
					    SF_JSONPUSH_MAXTOK);
				sf_buf_addc(&jp->tok, c);
			}
			jp->st = ST_STR;
			break;
		case ST_HEX:
			p++;
			if ((r = hexval(c)) < 0)
				return failf(jp, err, pos,
				    "bad \\u escape in a string");
			jp->hex = jp->hex << 4 | (unsigned)r;
			if (++jp->nhex == 4 && unit_done(jp, err, pos) == -1)
				return -1;
			break;
		case ST_NUM:
			q = p;
			while (q < e && is_num_char(*q))
				q++;
			if (q > p) {
				if (jp->tok.len + (size_t)(q - p) >
				    SF_JSONPUSH_MAXTOK)
					return failf(jp, err, pos,
					    "a number longer than %d bytes",
					    SF_JSONPUSH_MAXTOK);
				sf_buf_add(&jp->tok, p, (size_t)(q - p));
				p = q;
				break;
			}
			/* The byte after the number is read again. */
			if (number_end(jp, err, pos) == -1)
				return -1;
			break;
		case ST_LIT:
			if (c != jp->lit[jp->nlit])
				return failf(jp, err, pos,
				    "unexpected %s in '%s'", show(c, b),
				    jp->lit);
			p++;
			if (jp->lit[++jp->nlit] == '\0' &&
			    literal_end(jp) == -1)
				return -1;
			break;
		case ST_FAIL:
			return refail(jp, err);
		default:
			if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
				p++;
				break;
			}
			switch (jp->st) {
			case ST_VALUE_OR_END:
				if (c == ']') {
					p++;
					if (end(jp) == -1)
						return -1;
					break;
				}
				/* FALLTHROUGH */
			case ST_VALUE:
				if ((r = value_begin(jp, c, err, pos)) == -1)
					return -1;
				p += r;
				break;
			case ST_KEY_OR_END:
				if (c == '}') {
					p++;
					if (end(jp) == -1)
						return -1;
					break;
				}
				/* FALLTHROUGH */
			case ST_KEY:
				if (c != '"')
					return failf(jp, err, pos,
					    "unexpected %s, expected a member "
					    "name", show(c, b));
				p++;
				string_begin(jp, 1);
				break;
			case ST_COLON:
				if (c != ':')
					return failf(jp, err, pos,
					    "unexpected %s, expected ':'",
					    show(c, b));
				p++;
				jp->st = ST_VALUE;
				break;
			case ST_COMMA_OR_END:
				obj = jp->obj[jp->depth - 1];
				p++;
				if (c == ',') {
					jp->st = obj ? ST_KEY : ST_VALUE;
				} else if (c == (obj ? '}' : ']')) {
					if (end(jp) == -1)
						return -1;
				} else {
					return failf(jp, err, pos,
					    "unexpected %s, expected ',' or "
					    "'%c'", show(c, b),
					    obj ? '}' : ']');
				}
				break;
			case ST_DONE:
				return failf(jp, err, pos,
				    "unexpected %s after the value",
				    show(c, b));
			default:
				return failf(jp, err, pos, "internal error");
			}
			break;
		}
		if (jp->st == ST_FAIL)
			return -1;
	}
	jp->off += (long long)n;
	return 0;
}

int
sf_jsonpush_end(struct sf_jsonpush *jp, struct sf_err *err)
{
	switch (jp->st) {
	case ST_FAIL:
		return refail(jp, err);
	case ST_DONE:
		return 0;
	case ST_NUM:
		if (number_end(jp, err, jp->off) == -1)
			return -1;
		if (jp->st == ST_DONE)
			return 0;
		break;
	case ST_STR:
	case ST_ESC:
	case ST_HEX:
		return failf(jp, err, jp->off, "the text ends inside a string");
	case ST_LIT:
		return failf(jp, err, jp->off, "the text ends inside '%s'",
		    jp->lit);
	default:
		break;
	}
	if (jp->depth == 0)
		return failf(jp, err, jp->off, "no JSON value");
	return failf(jp, err, jp->off, "the text ends inside %s",
	    jp->obj[jp->depth - 1] ? "an object" : "an array");
}
