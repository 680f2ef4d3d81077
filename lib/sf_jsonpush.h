/*
 * sf_jsonpush: a push tokenizer for JSON bodies too large to hold.
 *
 * The caller feeds the bytes of one JSON text as they arrive, split
 * anywhere (one byte at a time works); the tokenizer keeps its state
 * between calls and calls back once per token. Nothing is built: memory
 * is a fixed nesting stack and one buffer for the current string or
 * number, which grows to the longest token delivered, at most
 * SF_JSONPUSH_MAXTOK bytes. The callback can skip a value, whose tokens are
 * then checked but neither stored nor delivered, so a large subtree
 * (a geometry, an unknown key) costs no memory and little time.
 *
 * The grammar is RFC 8259, strictly: one value, then only white space;
 * no comments, no trailing commas, no leading zeros, no control
 * characters in strings. Strings are delivered decoded as UTF-8; a
 * delivered string with invalid UTF-8, a lone surrogate escape or
 * \u0000 is an error.
 */
#ifndef SF_JSONPUSH_H
#define SF_JSONPUSH_H

#include <stddef.h>

#include "sf_err.h"

/* The longest string or number held; longer is an error. */
#define SF_JSONPUSH_MAXTOK (1024 * 1024)
/* The deepest nesting accepted; deeper is an error. */
#define SF_JSONPUSH_MAXDEPTH 256

enum sf_jsonpush_ev {
	SF_JSONPUSH_BEGIN_OBJ,	/* '{' */
	SF_JSONPUSH_END_OBJ,	/* '}' */
	SF_JSONPUSH_BEGIN_ARR,	/* '[' */
	SF_JSONPUSH_END_ARR,	/* ']' */
	SF_JSONPUSH_KEY,	/* an object member's name */
	SF_JSONPUSH_STR,	/* a string value */
	SF_JSONPUSH_NUM,	/* a number, as written */
	SF_JSONPUSH_TRUE,
	SF_JSONPUSH_FALSE,
	SF_JSONPUSH_NULL
};

/* What a callback returns besides 0 (go on) and -1 (stop). */
#define SF_JSONPUSH_SKIP 1

/*
 * The callback gets each event with its text: the decoded string (KEY,
 * STR), the number as written (NUM), "true", "false", "null", or "" for
 * the brackets. The text is NUL-terminated, len bytes long, and borrowed
 * until the callback returns.
 * It returns 0 to go on; SF_JSONPUSH_SKIP after KEY to skip that
 * member's value, after BEGIN_OBJ or BEGIN_ARR to skip the rest of that
 * container, END included (elsewhere SF_JSONPUSH_SKIP is 0); -1 to stop:
 * sf_jsonpush_feed then returns -1 with err untouched, so the callback
 * should say why.
 */
struct sf_jsonpush;

/* Returns a new tokenizer; free with sf_jsonpush_free. cb gets arg. */
struct sf_jsonpush *sf_jsonpush_new(int (*cb)(void *arg,
    enum sf_jsonpush_ev ev, const char *s, size_t len), void *arg);
void sf_jsonpush_free(struct sf_jsonpush *jp);

/* Starts over for a new text, keeping the buffers' memory. */
void sf_jsonpush_reset(struct sf_jsonpush *jp);

/*
 * Takes the next n bytes of the text. Returns 0, or -1 with err
 * "byte N: reason" (N counts from 0 over the whole text) for bad JSON,
 * or -1 with err untouched when the callback stopped. After -1 every
 * later call returns -1 with err "byte N: reason" again (or "stopped by
 * the callback").
 */
int sf_jsonpush_feed(struct sf_jsonpush *jp, const char *p, size_t n,
    struct sf_err *err);

/*
 * Says the text is complete. Returns 0 when one whole value was read,
 * else -1 with err ("byte N: the text ends inside a string", "byte 0: no
 * JSON value", ...) or the earlier failure.
 */
int sf_jsonpush_end(struct sf_jsonpush *jp, struct sf_err *err);

/*
 * The number of containers open: during BEGIN_* it counts the new one,
 * during END_* no longer the closed one. Within the callback only.
 */
int sf_jsonpush_depth(const struct sf_jsonpush *jp);

/* The bytes fed so far. */
long long sf_jsonpush_offset(const struct sf_jsonpush *jp);

/*
 * Says the caller read the next n bytes of the text itself instead of
 * feeding them: elements of the array open now, with the commas between
 * them, the last element complete. They count in the byte offsets, and
 * when n > 0 the tokenizer goes on as after an element: a ',' or the
 * array's end comes next. The caller vouches for those bytes (sf_usgs
 * reads the features of a long page this way). Only between feeds, with
 * an array open and nothing being skipped.
 */
void sf_jsonpush_resume(struct sf_jsonpush *jp, long long n);

/* The bytes the tokenizer holds (its token buffer), for memory tests. */
size_t sf_jsonpush_mem(const struct sf_jsonpush *jp);

#endif
