/*
 * sf_cronio: the system side of the crontab lines of sf_crontab: the
 * absolute paths a line names, and reading and writing the user's
 * crontab with crontab(1), or the command $SF_CRONTAB names.
 */
#ifndef SF_CRONIO_H
#define SF_CRONIO_H

#include <stdio.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_note.h"

/* The paths of a crontab line, all absolute; owned. */
struct sf_cronio_paths {
	char *bin;	/* the directory of the running program */
	char *db;	/* the database: its path, or PostgreSQL's conninfo */
	char *dir;	/* its directory: lock and log files */
	char *name;	/* the database's block: its path, or for
			   PostgreSQL the URI without password */
	char *tag;	/* PostgreSQL: "pg-" and 8 hex digits, the hash of
			   name, in the lock and log files' names; else NULL */
	int pg;		/* db is PostgreSQL's */
};

/*
 * Fills p for the database at dbpath (which need not exist; its
 * directory must). For a PostgreSQL conninfo (sf_pg_is_uri), which must
 * not hold a password, db is the conninfo as given, dir the directory of
 * the default SQLite archive ($XDG_DATA_HOME/sf, else
 * $HOME/.local/share/sf), made when missing, and tag tells this database
 * from others whose lock and log files share dir. Returns 0, or -1 with
 * err. Release with sf_cronio_paths_release.
 */
int sf_cronio_paths(const char *dbpath, struct sf_cronio_paths *p,
    struct sf_err *err);
void sf_cronio_paths_release(struct sf_cronio_paths *p);

/*
 * Appends to out the crontab lines (sf_crontab_line) of the n
 * configurations of db named by names, or of every enabled one when n is
 * 0, pointing at p; xdg_config_home is $XDG_CONFIG_HOME or NULL. For each
 * named one that gets no line, and each one sf_crontab_line refuses, calls
 * note(arg, level, msg): SF_NOTE_WARN (disabled, a manual
 * schedule), SF_NOTE_ERROR (not defined, a value refused, a database
 * error). *nlines counts the configurations that got lines. Returns 0, or
 * 1 when there was an error.
 */
int sf_cronio_lines(struct sf_db *db, const struct sf_cronio_paths *p,
    char *const *names, int n, const char *xdg_config_home,
    struct sf_buf *out, int *nlines,
    sf_note_fn *note, void *arg);

/*
 * Replaces the block of the database db (a path, or PostgreSQL's URI
 * without password) in the user's crontab by lines
 * (removes it when lines is ""), as sf_crontab_merge does, and writes the
 * crontab back only when that changes it (*changed says whether). A user
 * without a crontab has an empty one. Returns 0, or -1 with err: the
 * crontab command failed ("'crontab -l' failed (exit 1): its message"),
 * or the crontab's markers are out of order ("crontab: ...").
 */
int sf_cronio_install(const char *db, const char *lines, int *changed,
    struct sf_err *err);

/*
 * "sf-config crontab": writes to out the lines of the n configurations
 * names (every enabled one when n is 0) for db; or, when out is NULL,
 * installs the lines of every enabled one as db's block (refused when
 * there is none). dbopt is what db was opened by (sf_db_path: NULL for
 * the default), the conninfo the lines of a PostgreSQL archive connect
 * with. xdg is $XDG_CONFIG_HOME or NULL. Says what it did and what
 * failed through note. Returns 0, or -1 when something failed.
 */
int sf_cronio_crontab(struct sf_db *db, const char *dbopt,
    char *const *names, int n, const char *xdg, FILE *out,
    sf_note_fn *note, void *arg);

/*
 * Removes from the user's crontab the block of the database dbopt names
 * (sf_db_path: NULL for the default), through note. Returns 0 or -1.
 */
int sf_cronio_uninstall(const char *dbopt, sf_note_fn *note, void *arg);

#endif
