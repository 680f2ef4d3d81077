/*
 * sf_note: how a library operation tells its caller what it did, one
 * message at a time, without printing: it calls note(arg, level, msg),
 * and the program (sf_cli_note) or a server decides where it goes.
 */
#ifndef SF_NOTE_H
#define SF_NOTE_H

#include "sf_buf.h"
#include "sf_rec.h"

/* The levels; ERROR is 1 so that a "bad" flag (0 or 1) reads as one. */
#define SF_NOTE_INFO	0	/* what was done (shown with -v) */
#define SF_NOTE_ERROR	1	/* something failed */
#define SF_NOTE_WARN	2	/* done, but worth saying */

/* msg is valid during the call only. */
typedef void sf_note_fn(void *arg, int level, const char *msg);

/* Formats the message and calls note(arg, level, msg); note may be NULL. */
void sf_notef(sf_note_fn *note, void *arg, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Says an error record rec as one message at level ERROR: "station 'ID':
 * MESSAGE", or MESSAGE when it names no station (for outputs, like CSV,
 * that cannot carry the record).
 */
void sf_note_rec(sf_note_fn *note, void *arg, const struct sf_rec *rec);

/*
 * An sf_note_fn that keeps the messages: appends "LEVEL MESSAGE\n" to
 * the struct sf_buf arg (for a server's answer, or a test).
 */
void sf_note_buf(void *arg, int level, const char *msg);

#endif
