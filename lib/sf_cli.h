/*
 * sf_cli: what the programs share on top of sf_log (like sf_log, for the
 * programs, never for libsf): printing the notes of library operations
 * and opening an input named on the command line.
 */
#ifndef SF_CLI_H
#define SF_CLI_H

#include <stdio.h>

#include "sf_note.h"

struct sf_fetchrun_conf;

/*
 * An sf_note_fn that prints: SF_NOTE_ERROR with sf_error, SF_NOTE_WARN
 * with sf_warn, SF_NOTE_INFO with sf_info. arg is unused.
 */
void sf_cli_note(void *arg, int level, const char *msg);

/*
 * Opens the input name for reading, stdin for "-". Returns the stream,
 * or NULL after reporting "cannot open 'NAME': reason".
 */
FILE *sf_cli_open(const char *name);
/* Closes what sf_cli_open returned, except stdin; fp may be NULL. */
void sf_cli_close(FILE *fp);

/*
 * The default case of a program's getopt loop: an option every program
 * shares (sf_common_opt), else a usage error. Frees tofree (may be NULL)
 * first when the option ends the program (-h, -V).
 */
void sf_cli_opt(int c, const char *usage, void *tofree);

/*
 * Fills what every fetcher's engine takes from the program: records to
 * stdout, messages through sf_cli_note, the progress line unless -q, the
 * program's name and the run's now. Exits 2 when the clock cannot be read.
 */
void sf_cli_fetchrun(struct sf_fetchrun_conf *c);

#endif
