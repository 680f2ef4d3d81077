/*
 * sf_cli: helpers the programs share (they print, like sf_log).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_cli.h"
#include "sf_err.h"
#include "sf_fetchrun.h"
#include "sf_log.h"
#include "sf_time.h"
#include "sf.h"

void
sf_cli_note(void *arg, int level, const char *msg)
{
	(void)arg;
	if (level == SF_NOTE_ERROR)
		sf_error("%s", msg);
	else if (level == SF_NOTE_WARN)
		sf_warn("%s", msg);
	else
		sf_info("%s", msg);
}

FILE *
sf_cli_open(const char *name)
{
	FILE *fp;

	if (strcmp(name, "-") == 0)
		return stdin;
	if ((fp = fopen(name, "r")) == NULL)
		sf_error("cannot open '%s': %s", name, strerror(errno));
	return fp;
}

void
sf_cli_close(FILE *fp)
{
	if (fp != NULL && fp != stdin)
		fclose(fp);
}

void
sf_cli_opt(int c, const char *usage, void *tofree)
{
	if (c == 'h' || c == 'V')
		free(tofree);
	if (!sf_common_opt(c, usage, SF_VERSION))
		sf_usage_die();
}

void
sf_cli_fetchrun(struct sf_fetchrun_conf *c)
{
	struct sf_err err;

	c->out = stdout;
	c->note = sf_cli_note;
	c->progress = sf_log_level() >= 0;
	c->progname = sf_log_progname();
	if (sf_time_now(&c->now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
}
