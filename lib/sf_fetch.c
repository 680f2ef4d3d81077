/*
 * sf_fetch: the done record and the USGS API key (see sf_fetch.h).
 *
 * The key file is refused when group or others may read or write it, as
 * ssh refuses a private key: a key others can read is no longer secret,
 * and one others can write can be swapped for theirs. cron's bare
 * environment has no $API_USGS_PAT, so the file is how cron gets the key
 * without a crontab line ever holding it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_fetch.h"
#include "sf_time.h"

#define KEY_MAX 512		/* longer is no key */

void
sf_fetch_done(struct sf_rec *r, const char *config, const char *station,
    const char *agency, const char *type, const char *start, const char *end,
    const char *modified_since, long rows, char num[SF_NUM_LEN],
    const char *newest)
{
	sf_rec_clear(r, SF_KIND_DONE);
	r->f[SF_DONE_CONFIG] = config;
	r->f[SF_DONE_STATION] = station;
	r->f[SF_DONE_AGENCY] = agency;
	r->f[SF_DONE_TYPE] = type;
	r->f[SF_DONE_START] = start;
	r->f[SF_DONE_END] = end;
	r->f[SF_DONE_MODIFIED_SINCE] = modified_since;
	snprintf(num, SF_NUM_LEN, "%ld", rows);
	r->f[SF_DONE_ROWS] = num;
	r->f[SF_DONE_NEWEST] = newest;
}

int
sf_fetch_pass(struct sf_writer *w, enum sf_format fmt,
    const struct sf_rec *r, struct sf_err *err)
{
	if (fmt != SF_FMT_NDJSON)
		return 1;
	return sf_writer_put(w, r, err) == -1 ? -1 : 0;
}

/* Whether s is NULL or empty. */
static int
blank(const char *s)
{
	return s == NULL || *s == '\0';
}

enum sf_fetch_route
sf_fetch_route(const struct sf_rec *r)
{
	const char *t;

	if (r->kind != SF_KIND_REQUEST)
		return SF_FETCH_NONE;
	if (!blank(r->f[SF_REQ_SOURCE]) || !blank(r->f[SF_REQ_TARGET_ID]))
		return SF_FETCH_FORECAST;
	t = r->f[SF_REQ_TYPE];
	if (blank(t) || strcmp(t, "daily_mean") == 0 ||
	    strcmp(t, "realtime_15min") == 0)
		return SF_FETCH_OBS;
	return SF_FETCH_FORECAST;
}

int
sf_fetch_obs_mine(const struct sf_rec *r, const char *agency)
{
	const char *a;

	if (r->kind != SF_KIND_REQUEST)
		return 0;
	/* an unknown type is still ours: it becomes an error record */
	if (!blank(r->f[SF_REQ_SOURCE]) || !blank(r->f[SF_REQ_TARGET_ID]))
		return 0;
	a = r->f[SF_REQ_AGENCY];
	return a == NULL || strcmp(a, agency) == 0;
}

int
sf_fetch_end(const char *s, int64_t *t, struct sf_err *err)
{
	if (sf_time_parse(s, t, err) == -1)
		return -1;
	if (strlen(s) == 10)
		*t += 86399;	/* a date: the end of that day */
	return 0;
}

int
sf_fetch_span(const char *type, const char *start, const char *end,
    const char *mod, int64_t now, int64_t back, struct sf_fetch_span *sp,
    struct sf_err *err)
{
	struct sf_err e;

	memset(sp, 0, sizeof(*sp));
	if (blank(type) || strcmp(type, "daily_mean") == 0)
		sp->realtime = 0;
	else if (strcmp(type, "realtime_15min") == 0)
		sp->realtime = 1;
	else
		return sf_err_set(err, "type '%s': not daily_mean or "
		    "realtime_15min", type);
	sp->end = now;
	if (!blank(end)) {
		if (sf_fetch_end(end, &sp->end, &e) == -1)
			return sf_err_set(err, "end: %s", e.msg);
	}
	if (blank(start)) {
		if (back == 0)
			return sf_err_set(err, "no start");
		sp->start = sp->end - back;
	} else if (sf_time_parse(start, &sp->start, &e) == -1)
		return sf_err_set(err, "start: %s", e.msg);
	if (!blank(mod)) {
		if (sf_time_parse(mod, &sp->mod, &e) == -1)
			return sf_err_set(err, "modified_since: %s", e.msg);
		sp->has_mod = 1;
	}
	return 0;
}

void
sf_fetch_tally_start(struct sf_fetch_tally *t, size_t total, int fd, int on)
{
	memset(t, 0, sizeof(*t));
	t->total = total;
	t->t0 = time(NULL);
	t->on = on && isatty(fd);
}

void
sf_fetch_tally_show(const struct sf_fetch_tally *t, FILE *fp,
    const char *prog, int last)
{
	if (!t->on)
		return;
	if (last == -1) {
		fputc('\n', fp);
		return;
	}
	fprintf(fp, "\r%s: %ld/%zu stations, %ld requests, %ld rows, %lds%s",
	    prog, t->done, t->total, t->requests, t->rows,
	    (long)(time(NULL) - t->t0), last ? "\n" : "");
}

long
sf_fetch_pace(struct sf_http *h, const struct sf_http_res *res)
{
	const char *v;
	long long n;

	v = sf_http_res_header(res, "X-RateLimit-Remaining");
	if (v == NULL || sf_str_toll(v, 0, LLONG_MAX, &n, NULL) == -1 ||
	    n >= SF_FETCH_RATE_LOW)
		return -1;
	sf_http_hold(h, (SF_FETCH_RATE_LOW - (long)n) * 500L);
	return (long)n;
}

/* The key file's path into b. Returns 0, or -1 when there is no home. */
static int
key_path(struct sf_buf *b)
{
	const char *d = getenv("XDG_CONFIG_HOME");

	if (d != NULL && *d != '\0') {
		sf_buf_addf(b, "%s/sf/usgs.key", d);
		return 0;
	}
	if ((d = getenv("HOME")) == NULL || *d == '\0')
		return -1;
	sf_buf_addf(b, "%s/.config/sf/usgs.key", d);
	return 0;
}

/* Reads the key from the open file fd at path into key. */
static int
read_key(int fd, const char *path, struct sf_buf *key, struct sf_err *err)
{
	char buf[KEY_MAX + 2];
	ssize_t n;
	size_t len = 0, i;

	while (len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sf_err_set(err, "key file '%s': %s", path,
			    strerror(errno));
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	len = strcspn(buf, "\n");
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0 || len > KEY_MAX)
		return sf_err_set(err, "key file '%s': no key on its first "
		    "line", path);
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] <= ' ' ||
		    (unsigned char)buf[i] >= 0x7f)
			return sf_err_set(err, "key file '%s': the key holds "
			    "a space or a control character", path);
	sf_buf_add(key, buf, len);
	memset(buf, 0, sizeof(buf));
	return 0;
}

int
sf_fetch_usgs_key(struct sf_buf *key, struct sf_err *err)
{
	struct sf_buf path = SF_BUF_INIT;
	const char *v = getenv("API_USGS_PAT");
	struct stat st;
	int fd, rc;

	sf_buf_reset(key);
	if (v != NULL && *v != '\0') {
		sf_buf_adds(key, v);
		return 1;
	}
	if (key_path(&path) == -1)
		return 0;
	if ((fd = open(path.buf, O_RDONLY | O_NOCTTY | O_NONBLOCK)) == -1) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 :
		    sf_err_set(err, "key file '%s': %s", path.buf,
		    strerror(errno));
		sf_buf_release(&path);
		return rc;
	}
	if (fstat(fd, &st) == -1)
		rc = sf_err_set(err, "key file '%s': %s", path.buf,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = sf_err_set(err, "key file '%s': not a regular file",
		    path.buf);
	else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		rc = sf_err_set(err, "key file '%s': readable or writable by "
		    "group or others (chmod 600 %s)", path.buf, path.buf);
	else
		rc = read_key(fd, path.buf, key, err) == -1 ? -1 : 1;
	close(fd);
	sf_buf_release(&path);
	return rc;
}
