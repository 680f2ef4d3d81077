/*
 * sf_crontab: building crontab lines and merging them into a crontab.
 *
 * A line is "SCHEDULE [XDG_CONFIG_HOME=DIR] flock -n LOCK sh -c 'PIPE'
 * 2>>LOG". Every path is quoted for sh (and again inside the sh -c
 * quotes), every '%' escaped for cron, and nothing read from the database
 * is written unless it is a word of its vocabulary, a name of the
 * configuration grammar or a schedule sf_sched rebuilt: a line feed in a
 * data type would otherwise start a second, live, crontab entry.
 */
#include <string.h>

#include "sf_buf.h"
#include "sf_config.h"
#include "sf_crontab.h"
#include "sf_err.h"
#include "sf_sched.h"
#include "sf_str.h"
#include "sf_vocab.h"
#include "sf.h"

#define BEGIN_PFX	"# BEGIN sf"
#define BEGIN_SFX	"(managed by sf-config)"
#define END_PFX		"# END sf"
#define PG_PFX		"postgresql://"	/* how sf_pg_display begins */
/* Characters a path may hold and still go unquoted into a command. */
#define SHELL_SAFE	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"abcdefghijklmnopqrstuvwxyz0123456789/._-"
#define SHOW_MAX	60	/* bytes of a bad value shown in a message */

/*
 * Writes s into buf (size n) for a message: printable ASCII as is, other
 * bytes as \n, \t or \xNN, cut to SHOW_MAX bytes with "...". A value that
 * failed its check is shown this way, so that the message is one line.
 */
static const char *
show(const char *s, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0;

	for (; *p != '\0' && k + 8 < n; p++) {
		if ((size_t)(p - (const unsigned char *)s) >= SHOW_MAX) {
			memcpy(buf + k, "...", 3);
			k += 3;
			break;
		}
		if (*p == '\n' || *p == '\t') {
			buf[k++] = '\\';
			buf[k++] = *p == '\n' ? 'n' : 't';
		} else if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			buf[k++] = '\\';
			buf[k++] = 'x';
			buf[k++] = hex[*p >> 4];
			buf[k++] = hex[*p & 15];
		} else
			buf[k++] = (char)*p;
	}
	buf[k] = '\0';
	return buf;
}

/* 1 when s holds a control character (a line end above all). */
static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The word of list equal to s ignoring case (canonical), or NULL. */
static const char *
word(const char *s, const char *const *list)
{
	if (s == NULL)
		return NULL;
	for (; *list != NULL; list++)
		if (sf_str_eq_ci(s, *list))
			return *list;
	return NULL;
}

/* Appends s, single-quoted for sh unless it needs no quotes. */
static void
add_quoted(struct sf_buf *b, const char *s)
{
	if (*s != '\0' && strspn(s, SHELL_SAFE) == strlen(s)) {
		sf_buf_adds(b, s);
		return;
	}
	sf_buf_addc(b, '\'');
	for (; *s != '\0'; s++)
		if (*s == '\'')
			sf_buf_adds(b, "'\\''");
		else
			sf_buf_addc(b, *s);
	sf_buf_addc(b, '\'');
}

/* Appends the path dir/name, quoted. */
static void
add_path(struct sf_buf *b, const char *dir, const char *name)
{
	struct sf_buf t = SF_BUF_INIT;

	sf_buf_addf(&t, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/",
	    name);
	add_quoted(b, t.buf);
	sf_buf_release(&t);
}

/* Appends s with each '%' escaped, as cron makes a bare one a line end. */
static void
add_cron(struct sf_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '%')
			sf_buf_addc(b, '\\');
		sf_buf_addc(b, *s);
	}
}

/* The pipeline of c (checked), for sh -c. */
static void
pipeline(const char *name, const char *agency, const char *source,
    const struct sf_crontab_env *e, struct sf_buf *pipe)
{
	add_path(pipe, e->bin, "sf-progress");
	sf_buf_adds(pipe, " --db ");
	add_quoted(pipe, e->db);
	sf_buf_adds(pipe, " plan ");
	add_quoted(pipe, name);
	sf_buf_adds(pipe, " | ");
	if (source != NULL) {
		add_path(pipe, e->bin, "sf-map");
		sf_buf_adds(pipe, " --db ");
		add_quoted(pipe, e->db);
		sf_buf_adds(pipe, strncmp(source, "NWM", 3) == 0 ?
		    " --to NWM | " : " --to NOAA-HADS | ");
		add_path(pipe, e->bin, "sf-fetch-nwm");
	} else
		add_path(pipe, e->bin, strcmp(agency, "EC") == 0 ?
		    "sf-fetch-ec" : "sf-fetch-usgs");
	sf_buf_adds(pipe, " | ");
	add_path(pipe, e->bin, "sf-load");
	sf_buf_adds(pipe, " --db ");
	add_quoted(pipe, e->db);
}

/* Checks the paths of e: absolute, no control characters. */
static int
env_check(const struct sf_crontab_env *e, struct sf_err *err)
{
	const char *p[3] = { e->bin, e->dir, e->db };
	char b[SHOW_MAX * 4 + 8];
	int i;

	for (i = 0; i < 3; i++) {
		/* a conninfo is no path: only its characters matter */
		if (i == 2 && e->pg && p[i] != NULL && *p[i] != '\0') {
			if (has_ctrl(p[i]))
				return sf_err_set(err, "database: holds a "
				    "control character, which a crontab line "
				    "cannot");
			continue;
		}
		if (p[i] == NULL || p[i][0] != '/')
			return sf_err_set(err, "path '%s': not absolute",
			    p[i] ? show(p[i], b, sizeof(b)) : "");
		if (has_ctrl(p[i]))
			return sf_err_set(err, "path '%s': holds a control "
			    "character, which a crontab line cannot",
			    show(p[i], b, sizeof(b)));
	}
	if (e->xdg_config_home != NULL && e->xdg_config_home[0] == '/' &&
	    has_ctrl(e->xdg_config_home))
		return sf_err_set(err, "XDG_CONFIG_HOME '%s': holds a control "
		    "character, which a crontab line cannot",
		    show(e->xdg_config_home, b, sizeof(b)));
	if (e->pg && e->pgpassfile != NULL && e->pgpassfile[0] == '/' &&
	    has_ctrl(e->pgpassfile))
		return sf_err_set(err, "PGPASSFILE '%s': holds a control "
		    "character, which a crontab line cannot",
		    show(e->pgpassfile, b, sizeof(b)));
	if (e->tag != NULL && (*e->tag == '\0' ||
	    strspn(e->tag, SHELL_SAFE) != strlen(e->tag) ||
	    strchr(e->tag, '/') != NULL))
		return sf_err_set(err, "lock file tag '%s': not a plain word",
		    show(e->tag, b, sizeof(b)));
	return 0;
}

int
sf_crontab_line(const struct sf_crontab_conf *c,
    const struct sf_crontab_env *e, struct sf_buf *out, struct sf_err *err)
{
	struct sf_buf sched = SF_BUF_INIT, pipe = SF_BUF_INIT;
	struct sf_buf cmd = SF_BUF_INIT, t = SF_BUF_INIT;
	const char *name = c->name ? c->name : "", *type, *agency;
	const char *source = NULL, *st = c->schedule_type;
	char b[SHOW_MAX * 4 + 8];
	struct sf_err e2;
	int rc = -1;

	if (!sf_config_name_ok(name))
		return sf_err_set(err, "configuration '%s': the name is not "
		    "usable in a crontab line (letters, digits, '-', '_' and "
		    "'.' only)", show(name, b, sizeof(b)));
	if (st != NULL && strcmp(st, "manual") != 0 &&
	    strcmp(st, "cron") != 0 && strcmp(st, "interval") != 0)
		return sf_err_set(err, "configuration '%s': schedule type "
		    "'%s' is not cron, interval or manual: no crontab line "
		    "(fix it with sf-config set %s --schedule ...)", name,
		    show(st, b, sizeof(b)), name);
	if (st == NULL || c->schedule == NULL || strcmp(st, "manual") == 0) {
		sf_err_set(err, "configuration '%s': schedule type '%s' is "
		    "not run by cron: no crontab line", name, st ? st : "");
		return 1;
	}
	if ((type = word(c->type, sf_vocab_config_types)) == NULL)
		return sf_err_set(err, "configuration '%s': data type '%s' is "
		    "not a known type: no crontab line (fix it with sf-config "
		    "set %s --type TYPE)", name, c->type ? show(c->type, b,
		    sizeof(b)) : "", name);
	if ((agency = word(c->agency, sf_vocab_agencies)) == NULL) {
		if (c->agency == NULL)
			return sf_err_set(err, "configuration '%s': no "
			    "--agency: give it one with sf-config set", name);
		return sf_err_set(err, "configuration '%s': agency '%s' is "
		    "not a known agency: no crontab line (fix it with "
		    "sf-config set %s --agency AGENCY)", name,
		    show(c->agency, b, sizeof(b)), name);
	}
	if (strcmp(type, "forecast") == 0 &&
	    (source = word(c->source, sf_vocab_sources)) == NULL) {
		if (c->source == NULL)
			return sf_err_set(err, "configuration '%s': no "
			    "--source: give it one with sf-config set", name);
		return sf_err_set(err, "configuration '%s': source '%s' is "
		    "not a known source: no crontab line (fix it with "
		    "sf-config set %s --source SOURCE)", name,
		    show(c->source, b, sizeof(b)), name);
	}
	if (has_ctrl(c->schedule))
		return sf_err_set(err, "configuration '%s': schedule '%s' is "
		    "not a schedule: no crontab line (fix it with sf-config "
		    "set %s --schedule ...)", name,
		    show(c->schedule, b, sizeof(b)), name);
	if (sf_sched_cron_expr(c->schedule, &sched, &e2) == -1) {
		if (strstr(e2.msg, "cannot be written as a cron") != NULL)
			sf_err_set(err, "configuration '%s': %s (use a cron "
			    "expression: sf-config set %s --schedule '...')",
			    name, e2.msg, name);
		else
			sf_err_set(err, "configuration '%s': %s", name,
			    e2.msg);
		goto out;
	}
	if (env_check(e, err) == -1)
		goto out;

	pipeline(name, agency, source, e, &pipe);
	if (e->xdg_config_home != NULL && e->xdg_config_home[0] == '/') {
		sf_buf_adds(&cmd, "XDG_CONFIG_HOME=");
		add_quoted(&cmd, e->xdg_config_home);
		sf_buf_addc(&cmd, ' ');
	}
	if (e->pg && e->pgpassfile != NULL && e->pgpassfile[0] == '/') {
		sf_buf_adds(&cmd, "PGPASSFILE=");
		add_quoted(&cmd, e->pgpassfile);
		sf_buf_addc(&cmd, ' ');
	}
	sf_buf_adds(&cmd, "flock -n ");
	sf_buf_addf(&t, "%s%s%s.lock", name, e->tag ? "." : "",
	    e->tag ? e->tag : "");
	add_path(&cmd, e->dir, t.buf);
	sf_buf_adds(&cmd, " sh -c ");
	add_quoted(&cmd, pipe.buf);
	sf_buf_adds(&cmd, " 2>>");
	sf_buf_reset(&t);
	sf_buf_addf(&t, "%s%s%s.log", name, e->tag ? "." : "",
	    e->tag ? e->tag : "");
	add_path(&cmd, e->dir, t.buf);

	if (source != NULL)
		sf_buf_addf(out, "# %s (forecast, %s, %s)\n", name, source,
		    agency);
	else
		sf_buf_addf(out, "# %s (%s, %s)\n", name, type, agency);
	sf_buf_addf(out, "%s ", sched.buf);
	add_cron(out, cmd.buf);
	sf_buf_addc(out, '\n');
	rc = 0;
out:
	sf_buf_release(&sched);
	sf_buf_release(&pipe);
	sf_buf_release(&cmd);
	sf_buf_release(&t);
	return rc;
}

void
sf_crontab_marker(const char *db, int end, struct sf_buf *out)
{
	if (end)
		sf_buf_addf(out, "%s %s", END_PFX, db);
	else
		sf_buf_addf(out, "%s %s %s", BEGIN_PFX, db, BEGIN_SFX);
}

/*
 * What the line s (n bytes, no line end) is: 0 not a marker, 1 a begin
 * marker, 2 an end marker; *path, *plen the database it names (length 0
 * for the markers of old, which named none).
 */
static int
marker(const char *s, size_t n, const char **path, size_t *plen)
{
	size_t bp = strlen(BEGIN_PFX), bs = strlen(BEGIN_SFX);
	size_t ep = strlen(END_PFX);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	if (n >= bp + 1 + bs && memcmp(s, BEGIN_PFX, bp) == 0 &&
	    s[bp] == ' ' && memcmp(s + n - bs, BEGIN_SFX, bs) == 0) {
		*path = s + bp + 1;
		*plen = n - bp - 1 - bs;
		if (*plen > 0 && (*path)[*plen - 1] == ' ')
			--*plen;
		else if (*plen > 0)
			return 0;
		return 1;
	}
	if (n >= ep && memcmp(s, END_PFX, ep) == 0 &&
	    (n == ep || s[ep] == ' ')) {
		*path = n == ep ? s + n : s + ep + 1;
		*plen = n == ep ? 0 : n - ep - 1;
		return 2;
	}
	return 0;
}

/*
 * The text by which a line of the old unnamed block runs db: its
 * " --db DB " inside the sh -c quotes, with '%' escaped for cron.
 */
static void
old_db_text(const char *db, struct sf_buf *out)
{
	struct sf_buf t = SF_BUF_INIT, u = SF_BUF_INIT;
	const char *s;

	sf_buf_adds(&t, " --db ");
	add_quoted(&t, db);
	sf_buf_addc(&t, ' ');
	for (s = t.buf; *s != '\0'; s++)
		if (*s == '\'')
			sf_buf_adds(&u, "'\\''");
		else
			sf_buf_addc(&u, *s);
	add_cron(out, u.buf);
	sf_buf_release(&t);
	sf_buf_release(&u);
}

/* Is the block old[from, to) the old unnamed block of db? */
static int
runs_db(const char *from, const char *to, const struct sf_buf *needle)
{
	const char *nl, *p;

	for (; from < to; from = nl + 1) {
		nl = memchr(from, '\n', (size_t)(to - from));
		if (nl == NULL)
			nl = to;
		/* memmem is not POSIX: search the line by hand */
		for (p = from; p + needle->len <= nl; p++)
			if (memcmp(p, needle->buf, needle->len) == 0)
				return 1;
	}
	return 0;
}

int
sf_crontab_merge(const char *old, size_t len, const char *db,
    const char *lines, struct sf_buf *out, struct sf_err *err)
{
	const char *s, *end = old + len, *nl, *path, *bpath = NULL;
	const char *bstart = NULL, *bbegin = NULL;
	struct sf_buf needle = SF_BUF_INIT;
	size_t n, plen, bplen = 0, dlen = strlen(db);
	long line = 0, bline = 0;
	int kind, done = 0, ours, rc = -1;
	char b[SHOW_MAX * 4 + 8];

	if ((db[0] != '/' && strncmp(db, PG_PFX, strlen(PG_PFX)) != 0) ||
	    has_ctrl(db))
		return sf_err_set(err, "database '%s': not an absolute path "
		    "or a PostgreSQL URI without control characters",
		    show(db, b, sizeof(b)));
	old_db_text(db, &needle);
	for (s = old; s < end; s = nl + 1) {
		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - s);
		kind = marker(s, n, &path, &plen);
		if (kind == 1 && bstart != NULL) {
			sf_err_setl(err, line, "crontab line %ld: a block "
			    "begins inside the block of line %ld (fix it with "
			    "crontab -e)", line, bline);
			goto out;
		}
		if (kind == 1) {
			bbegin = s;
			bstart = nl < end ? nl + 1 : end;
			bpath = path;
			bplen = plen;
			bline = line;
			continue;
		}
		if (kind == 2 && (bstart == NULL || plen != bplen ||
		    memcmp(path, bpath, plen) != 0)) {
			sf_err_setl(err, line, "crontab line %ld: '%.*s' "
			    "without its '# BEGIN sf' line (fix it with "
			    "crontab -e)", line, (int)n, s);
			goto out;
		}
		if (kind == 2) {
			ours = plen == dlen && memcmp(path, db, dlen) == 0;
			if (!ours && plen == 0)
				ours = runs_db(bstart, s, &needle);
			if (ours && done) {
				sf_err_setl(err, line, "crontab line %ld: a "
				    "second block of '%s' (fix it with "
				    "crontab -e)", bline, db);
				goto out;
			}
			if (ours) {
				done = 1;
				if (*lines != '\0') {
					sf_crontab_marker(db, 0, out);
					sf_buf_addf(out, "\n%s", lines);
					sf_crontab_marker(db, 1, out);
					sf_buf_addc(out, '\n');
				}
			} else {
				/* another database's block, kept as it is */
				sf_buf_add(out, bbegin, (size_t)(nl - bbegin));
				sf_buf_addc(out, '\n');
			}
			bstart = NULL;
			continue;
		}
		if (bstart != NULL)
			continue;
		sf_buf_add(out, s, n);
		sf_buf_addc(out, '\n');
	}
	if (bstart != NULL) {
		sf_err_set(err, "crontab line %ld: a block without its "
		    "'# END sf' line (fix it with crontab -e)", bline);
		goto out;
	}
	if (!done && *lines != '\0') {
		sf_crontab_marker(db, 0, out);
		sf_buf_addf(out, "\n%s", lines);
		sf_crontab_marker(db, 1, out);
		sf_buf_addc(out, '\n');
	}
	rc = 0;
out:
	sf_buf_release(&needle);
	return rc;
}
