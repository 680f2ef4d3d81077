/* sf_err: formatting of library errors. */
#include <stdarg.h>
#include <stdio.h>

#include "sf_err.h"
#include "sf.h"

static int
vset(struct sf_err *err, long line, const char *fmt, va_list ap)
{
	if (err == NULL)
		return -1;
	err->line = line;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int
sf_err_set(struct sf_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
sf_err_setl(struct sf_err *err, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, line, fmt, ap);
	va_end(ap);
	return -1;
}

void
sf_err_clear(struct sf_err *err)
{
	if (err == NULL)
		return;
	err->msg[0] = '\0';
	err->line = 0;
}
