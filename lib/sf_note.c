/*
 * sf_note: messages from library operations to a caller's function.
 */
#include <stdarg.h>
#include <stdio.h>

#include "sf_note.h"

void
sf_notef(sf_note_fn *note, void *arg, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	note(arg, level, msg);
}

void
sf_note_rec(sf_note_fn *note, void *arg, const struct sf_rec *rec)
{
	const char *st, *msg;

	st = rec->f[SF_EREC_STATION];
	msg = rec->f[SF_EREC_MESSAGE] ? rec->f[SF_EREC_MESSAGE] :
	    "error record without a message";
	if (st != NULL)
		sf_notef(note, arg, SF_NOTE_ERROR, "station '%s': %s", st, msg);
	else
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", msg);
}

void
sf_note_buf(void *arg, int level, const char *msg)
{
	sf_buf_addf(arg, "%d %s\n", level, msg);
}
