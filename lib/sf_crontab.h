/*
 * sf_crontab: the crontab lines that run pull configurations, and the
 * merge of those lines into a user's crontab.
 *
 * Pure: no I/O and no database. The caller reads the configurations and
 * the crontab and hands them in as text; everything taken from the
 * database is checked here against its vocabulary or grammar before a
 * byte of it reaches a line, because the database is meant to be written
 * with plain SQL and a crontab line is a command.
 *
 * Each database owns one block of the crontab, between the lines
 * "# BEGIN sf PATH (managed by sf-config)" and "# END sf PATH", PATH
 * being the database's absolute path, or for PostgreSQL its URI without
 * a password (sf_pg_display: "postgresql://USER@HOST:PORT/DBNAME").
 * Merging replaces that block only; other blocks and foreign lines are
 * kept byte for byte.
 */
#ifndef SF_CRONTAB_H
#define SF_CRONTAB_H

#include "sf_buf.h"
#include "sf_err.h"

/* A configuration as read from the database; any field may be NULL. */
struct sf_crontab_conf {
	const char *name;
	const char *type;		/* data_type */
	const char *agency;
	const char *source;		/* forecasts only */
	const char *schedule_type;	/* "cron" and "interval" get a line */
	const char *schedule;
};

/* Where the lines point. All borrowed; paths absolute. */
struct sf_crontab_env {
	const char *bin;	/* the directory of the sf programs */
	const char *db;		/* the database: a path, or with pg the
				   PostgreSQL conninfo, which the caller has
				   checked holds no password */
	const char *dir;	/* the directory of lock and log files */
	/*
	 * $XDG_CONFIG_HOME when the line is made, or NULL: an absolute
	 * value is set on the line so that the fetchers find the same key
	 * file under cron (a relative one is ignored, as the XDG spec says).
	 */
	const char *xdg_config_home;
	int pg;			/* db is a PostgreSQL conninfo */
	/*
	 * NULL, or a word of SHELL_SAFE characters put into the names of
	 * the lock and log files, NAME.TAG.lock and NAME.TAG.log, which
	 * then tell databases apart that share dir (PostgreSQL's).
	 */
	const char *tag;
	/*
	 * With pg: $PGPASSFILE when the line is made, or NULL; an absolute
	 * value is set on the line, as xdg_config_home is, so that libpq
	 * finds the password file under cron.
	 */
	const char *pgpassfile;
};

/*
 * Appends the comment line and the crontab line of c to out. Returns 0;
 * 1 when c gets no line and that is not an error (a schedule type cron
 * does not run: err says so, for a warning); -1 when c cannot have a line
 * (a value outside its vocabulary, a bad name or schedule, a path with a
 * control character): err says why, and out is unchanged.
 */
int sf_crontab_line(const struct sf_crontab_conf *c,
    const struct sf_crontab_env *e, struct sf_buf *out, struct sf_err *err);

/*
 * Appends to out the marker line that begins (end 0) or ends (end 1) the
 * block of the database db.
 */
void sf_crontab_marker(const char *db, int end, struct sf_buf *out);

/*
 * The crontab old (len bytes) with the block of the database db replaced
 * by lines (complete lines, each ending in a line feed), into out. The
 * block is appended when old has none, and removed when lines is empty.
 * db is an absolute path or a postgresql:// URI (without password). A
 * block written before markers named their database ("# BEGIN sf
 * (managed by sf-config)") is taken as db's when its lines run db. Every
 * other line is kept; a last line without its line end gets one. Returns
 * 0, or -1 with err when old's markers are out of order (nested, unclosed
 * or unopened blocks, two blocks of db) or db is neither or holds a
 * control character;
 * out is then unspecified.
 */
int sf_crontab_merge(const char *old, size_t len, const char *db,
    const char *lines, struct sf_buf *out, struct sf_err *err);

#endif
