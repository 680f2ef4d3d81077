/*
 * sf_cronio: where a crontab line points, and the user's crontab through
 * crontab(1). The merge itself is sf_crontab's; this is the I/O around it.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "sf_buf.h"
#include "sf_config.h"
#include "sf_cronio.h"
#include "sf_crontab.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_pg.h"
#include "sf.h"

void
sf_cronio_paths_release(struct sf_cronio_paths *p)
{
	free(p->bin);
	free(p->db);
	free(p->dir);
	free(p->name);
	free(p->tag);
	memset(p, 0, sizeof(*p));
}

/* The directory part of path ("." when it has none); caller frees. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return sf_strdup(".");
	if (slash == path)
		return sf_strdup("/");
	return sf_strndup(path, (size_t)(slash - path));
}

/* 1 when the conninfo s gives a password (libpq parses it). */
static int
has_password(const char *s)
{
	PQconninfoOption *o, *k;
	char *msg = NULL;
	int r = 0;

	if ((o = PQconninfoParse(s, &msg)) == NULL) {
		PQfreemem(msg);
		return 0;
	}
	for (k = o; k->keyword != NULL; k++)
		if (strcmp(k->keyword, "password") == 0 && k->val != NULL &&
		    *k->val != '\0')
			r = 1;
	PQconninfoFree(o);
	return r;
}

/* mkdir -p dir (absolute), as sf_db does for the default archive. */
static int
make_dir(const char *dir, struct sf_err *err)
{
	char *d = sf_strdup(dir), *s;
	int r = 0;

	for (s = d + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(d, 0777) == -1 && errno != EEXIST) {
			r = sf_err_set(err, "cannot create directory '%s': %s",
			    d, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(d);
	return r;
}

/*
 * The PostgreSQL side of sf_cronio_paths: p->bin is set. The lock and
 * log files go where the default archive's would, named apart by a hash
 * of the database's name (FNV-1a, 32 bits): cron needs a directory of
 * its own for them, and one user's databases rarely number more than a
 * few, so 8 hex digits tell them apart.
 */
static int
pg_paths(const char *conninfo, struct sf_cronio_paths *p,
    struct sf_err *err)
{
	struct sf_buf name = SF_BUF_INIT, dir = SF_BUF_INIT;
	const char *e, *s;
	uint32_t h = 2166136261u;
	char tag[16];
	int r = -1;

	sf_pg_display(conninfo, &name);
	if (has_password(conninfo)) {
		sf_err_set(err, "database '%s': the connection string holds a "
		    "password, which a crontab line must not: keep it in "
		    "~/.pgpass, or in the file PGPASSFILE names", name.buf);
		goto out;
	}
	if ((e = getenv("XDG_DATA_HOME")) != NULL && *e == '/')
		sf_buf_addf(&dir, "%s/sf", e);
	else if ((e = getenv("HOME")) != NULL && *e == '/')
		sf_buf_addf(&dir, "%s/.local/share/sf", e);
	else {
		sf_err_set(err, "database '%s': no directory for the lock and "
		    "log files: set HOME", name.buf);
		goto out;
	}
	if (make_dir(dir.buf, err) == -1)
		goto out;
	if ((p->dir = realpath(dir.buf, NULL)) == NULL) {
		sf_err_set(err, "directory '%s': %s", dir.buf,
		    strerror(errno));
		goto out;
	}
	for (s = name.buf; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	snprintf(tag, sizeof(tag), "pg-%08" PRIx32, h);
	p->tag = sf_strdup(tag);
	p->db = sf_strdup(conninfo);
	p->name = sf_strdup(name.buf);
	p->pg = 1;
	r = 0;
out:
	sf_buf_release(&name);
	sf_buf_release(&dir);
	return r;
}

int
sf_cronio_paths(const char *dbpath, struct sf_cronio_paths *p,
    struct sf_err *err)
{
	char buf[PATH_MAX], *d, *real;
	const char *base;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if ((n = readlink("/proc/self/exe", buf, sizeof(buf) - 1)) < 0)
		return sf_err_set(err, "cannot find this program's "
		    "directory: /proc/self/exe: %s", strerror(errno));
	buf[n] = '\0';
	p->bin = dir_of(buf);
	if (sf_pg_is_uri(dbpath)) {
		if (pg_paths(dbpath, p, err) == -1) {
			sf_cronio_paths_release(p);
			return -1;
		}
		return 0;
	}
	d = dir_of(dbpath);
	real = realpath(d, NULL);
	if (real == NULL) {
		sf_err_set(err, "database directory '%s': %s", d,
		    strerror(errno));
		free(d);
		sf_cronio_paths_release(p);
		return -1;
	}
	free(d);
	base = strrchr(dbpath, '/');
	base = base ? base + 1 : dbpath;
	p->dir = sf_strdup(real);
	p->db = sf_malloc(strlen(real) + strlen(base) + 2);
	snprintf(p->db, strlen(real) + strlen(base) + 2, "%s%s%s", real,
	    strcmp(real, "/") == 0 ? "" : "/", base);
	p->name = sf_strdup(p->db);
	free(real);
	return 0;
}

/* The crontab command: $SF_CRONTAB, else crontab. */
static const char *
crontab_cmd(void)
{
	const char *s = getenv("SF_CRONTAB");

	return s != NULL && *s != '\0' ? s : "crontab";
}

/*
 * Runs "CRONTAB arg", feeding it in (when not NULL) and collecting its
 * standard output into out (when not NULL) and its standard error into
 * errtext. Returns its exit status (128 + N for signal N), or -1 with
 * err when it could not be run.
 */
static int
run_crontab(const char *arg, const struct sf_buf *in, struct sf_buf *out,
    struct sf_buf *errtext, struct sf_err *err)
{
	const char *cmd = crontab_cmd();
	char buf[4096];
	FILE *ef;
	pid_t pid;
	ssize_t k;
	size_t off;
	int fd[2], status;

	if ((ef = tmpfile()) == NULL) {
		return sf_err_set(err, "cannot make a temporary file: %s",
		    strerror(errno));
	}
	if (pipe(fd) == -1) {
		sf_err_set(err, "cannot make a pipe: %s", strerror(errno));
		fclose(ef);
		return -1;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		sf_err_set(err, "cannot fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		fclose(ef);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (in != NULL)
			dup2(fd[0], 0);
		else
			dup2(fd[1], 1);
		dup2(fileno(ef), 2);
		close(fd[0]);
		close(fd[1]);
		execlp(cmd, cmd, arg, (char *)NULL);
		fprintf(stderr, "cannot run '%s': %s\n", cmd,
		    strerror(errno));
		_exit(127);
	}
	if (in != NULL) {
		close(fd[0]);
		for (off = 0; off < in->len; off += (size_t)k) {
			k = write(fd[1], in->buf + off, in->len - off);
			if (k < 0 && errno == EINTR) {
				k = 0;
				continue;
			}
			if (k < 0)
				break;	/* its exit status tells */
		}
		close(fd[1]);
	} else {
		close(fd[1]);
		while ((k = read(fd[0], buf, sizeof(buf))) != 0) {
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				break;
			sf_buf_add(out, buf, (size_t)k);
		}
		close(fd[0]);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			sf_err_set(err, "waiting for '%s': %s", cmd,
			    strerror(errno));
			fclose(ef);
			return -1;
		}
	rewind(ef);
	while ((off = fread(buf, 1, sizeof(buf), ef)) > 0)
		sf_buf_add(errtext, buf, off);
	fclose(ef);
	while (errtext->len > 0 && errtext->buf[errtext->len - 1] == '\n')
		errtext->buf[--errtext->len] = '\0';
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int
sf_cronio_install(const char *db, const char *lines, int *changed,
    struct sf_err *err)
{
	struct sf_buf old = SF_BUF_INIT, new = SF_BUF_INIT;
	struct sf_buf errtext = SF_BUF_INIT;
	const char *cmd = crontab_cmd();
	struct sf_err e2;
	int rc, r = -1;

	*changed = 0;
	rc = run_crontab("-l", NULL, &old, &errtext, err);
	if (rc == -1)
		goto out;
	if (rc != 0) {
		if (strstr(errtext.buf, "no crontab for") == NULL) {
			sf_err_set(err, "'%s -l' failed (exit %d)%s%s", cmd,
			    rc, errtext.len ? ": " : "", errtext.buf);
			goto out;
		}
		sf_buf_reset(&old);
	}
	if (sf_crontab_merge(old.buf, old.len, db, lines, &new, &e2) == -1) {
		sf_err_set(err, "crontab: %s", e2.msg);
		goto out;
	}
	if (new.len == old.len && memcmp(new.buf, old.buf, new.len) == 0) {
		r = 0;
		goto out;
	}
	sf_buf_reset(&errtext);
	signal(SIGPIPE, SIG_IGN);
	rc = run_crontab("-", &new, NULL, &errtext, err);
	signal(SIGPIPE, SIG_DFL);
	if (rc == -1)
		goto out;
	if (rc != 0) {
		sf_err_set(err, "'%s -' failed (exit %d)%s%s", cmd, rc,
		    errtext.len ? ": " : "", errtext.buf);
		goto out;
	}
	*changed = 1;
	r = 0;
out:
	sf_buf_release(&old);
	sf_buf_release(&new);
	sf_buf_release(&errtext);
	return r;
}

int
sf_cronio_lines(struct sf_db *db, const struct sf_cronio_paths *p,
    char *const *names, int n, const char *xdg, struct sf_buf *out,
    int *nlines, sf_note_fn *note, void *arg)
{
	struct sf_crontab_conf cc;
	struct sf_crontab_env e = { p->bin, p->db, p->dir, xdg, p->pg, p->tag,
	    p->pg ? getenv("PGPASSFILE") : NULL };
	struct sf_config *c = NULL, *one;
	struct sf_buf msg = SF_BUF_INIT;
	struct sf_err err;
	size_t nc = 0, k, i;
	int r = 0, rc;

	*nlines = 0;
	if (n == 0 && sf_config_list(db, NULL, &c, &nc, &err) == -1) {
		note(arg, SF_NOTE_ERROR, err.msg);
		return 1;
	}
	for (i = 0; i < (size_t)n; i++) {
		if (sf_config_list(db, names[i], &one, &k, &err) == -1) {
			note(arg, SF_NOTE_ERROR, err.msg);
			r = 1;
			break;
		}
		sf_buf_reset(&msg);
		if (k == 0) {
			sf_buf_addf(&msg, "configuration '%s': not defined",
			    names[i]);
			note(arg, SF_NOTE_ERROR, msg.buf);
			r = 1;
			free(one);
			continue;
		}
		if (!one[0].enabled) {
			sf_buf_addf(&msg, "configuration '%s' is disabled: no "
			    "crontab line", names[i]);
			note(arg, SF_NOTE_WARN, msg.buf);
		}
		c = sf_realloc(c, (nc + 1) * sizeof(*c));
		c[nc++] = one[0];
		free(one);
	}
	for (i = 0; i < nc; i++) {
		if (!c[i].enabled)
			continue;
		cc.name = c[i].name;
		cc.type = c[i].type;
		cc.agency = c[i].agency;
		cc.source = c[i].source;
		cc.schedule_type = c[i].schedule_type;
		cc.schedule = c[i].schedule;
		if ((rc = sf_crontab_line(&cc, &e, out, &err)) == 0)
			++*nlines;
		else
			note(arg, rc == -1 ? SF_NOTE_ERROR : SF_NOTE_WARN,
			    err.msg);
		if (rc == -1)
			r = 1;
	}
	sf_buf_release(&msg);
	sf_config_free(c, nc);
	return r;
}

/* Installs lines as the block of db, saying what changed. 0 or -1. */
static int
install(const char *db, const char *lines, sf_note_fn *note, void *arg)
{
	struct sf_err err;
	int changed;

	if (sf_cronio_install(db, lines, &changed, &err) == -1) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return -1;
	}
	if (!changed)
		sf_notef(note, arg, SF_NOTE_INFO, "crontab unchanged");
	else if (*lines != '\0')
		sf_notef(note, arg, SF_NOTE_INFO, "crontab installed");
	else
		sf_notef(note, arg, SF_NOTE_INFO, "crontab: block of '%s' "
		    "removed", db);
	return 0;
}

int
sf_cronio_crontab(struct sf_db *db, const char *dbopt, char *const *names,
    int n, const char *xdg, FILE *out, sf_note_fn *note, void *arg)
{
	struct sf_buf lines = SF_BUF_INIT, conninfo = SF_BUF_INIT;
	struct sf_cronio_paths p;
	struct sf_err err;
	int r, nl, is_default;

	/* the lines connect as db was: sf_db_path_of has dropped options */
	if (sf_db_engine(db) == SF_DB_POSTGRESQL)
		r = sf_db_path(dbopt, &conninfo, &is_default, &err) == -1 ? -1 :
		    sf_cronio_paths(conninfo.buf, &p, &err);
	else
		r = sf_cronio_paths(sf_db_path_of(db), &p, &err);
	sf_buf_release(&conninfo);
	if (r == -1) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return -1;
	}
	r = sf_cronio_lines(db, &p, names, n, xdg, &lines, &nl, note, arg) ?
	    -1 : 0;
	if (out == NULL) {
		if (r == 0 && nl == 0) {
			sf_notef(note, arg, SF_NOTE_ERROR, "database '%s': no "
			    "enabled configuration to run (sf-config crontab "
			    "--uninstall removes its block)", p.name);
			r = -1;
		}
		if (r != 0)
			sf_notef(note, arg, SF_NOTE_ERROR,
			    "crontab not changed");
		else
			r = install(p.name, lines.buf, note, arg);
	} else if (lines.len > 0)
		fwrite(lines.buf, 1, lines.len, out);
	sf_buf_release(&lines);
	sf_cronio_paths_release(&p);
	return r;
}

int
sf_cronio_uninstall(const char *dbopt, sf_note_fn *note, void *arg)
{
	struct sf_buf path = SF_BUF_INIT, name = SF_BUF_INIT;
	struct sf_cronio_paths p;
	struct sf_err err;
	int is_default, r = -1;

	if (sf_db_path(dbopt, &path, &is_default, &err) == -1)
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
	else if (sf_pg_is_uri(path.buf)) {
		/* the block's name alone: nothing to connect to or check */
		sf_pg_display(path.buf, &name);
		r = install(name.buf, "", note, arg);
	} else if (sf_cronio_paths(path.buf, &p, &err) == -1)
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
	else {
		r = install(p.name, "", note, arg);
		sf_cronio_paths_release(&p);
	}
	sf_buf_release(&path);
	sf_buf_release(&name);
	return r;
}
