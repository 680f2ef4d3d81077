/* sf_log: how the programs talk to the person at the terminal. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_log.h"
#include "sf.h"

static const char *progname = "sf";
static int level;

void
sf_log_init(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash ? slash + 1 : name;
}

const char *
sf_log_progname(void)
{
	return progname;
}

void
sf_log_set_level(int l)
{
	level = l;
}

int
sf_log_level(void)
{
	return level;
}

static void
vlog(const char *prefix, const char *fmt, va_list ap)
{
	char line[4096];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", progname, prefix, line);
}

void
sf_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
sf_warn(const char *fmt, ...)
{
	va_list ap;

	if (level < 0)
		return;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void
sf_info(const char *fmt, ...)
{
	va_list ap;

	if (level < 1)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
sf_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
	exit(code);
}

void
sf_usage_die(void)
{
	fprintf(stderr, "%s: try '%s --help'\n", progname, progname);
	exit(SF_EXIT_USAGE);
}

int
sf_common_opt(int c, const char *usage, const char *version)
{
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		exit(sf_fshut(stdout, "stdout") ? SF_EXIT_FAIL : SF_EXIT_OK);
	case 'V':
		printf("%s %s\n", progname, version);
		exit(sf_fshut(stdout, "stdout") ? SF_EXIT_FAIL : SF_EXIT_OK);
	case 'q':
		sf_log_set_level(-1);
		return 1;
	case 'v':
		sf_log_set_level(1);
		return 1;
	}
	return 0;
}

int
sf_fshut(FILE *fp, const char *name)
{
	int r = 0;

	if (fflush(fp) == EOF || ferror(fp)) {
		if (errno != EPIPE) {
			sf_error("write error '%s': %s", name, strerror(errno));
			r = -1;
		}
	}
	if (fclose(fp) == EOF && r == 0 && errno != EPIPE) {
		sf_error("write error '%s': %s", name, strerror(errno));
		r = -1;
	}
	return r;
}
