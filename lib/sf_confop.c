/*
 * sf_confop: the commands of sf-config over sf_config, saying what they
 * did through a note function.
 */
#include <stdlib.h>
#include <string.h>

#include "sf_confop.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_time.h"
#include "sf.h"

/* A note function with its argument, as callbacks get them. */
struct noter {
	sf_note_fn *note;
	void *arg;
	int failed;
};

const char *
sf_confop_add_check(const struct sf_config_change *ch)
{
	if (ch->type == NULL)
		return "--type is required";
	if (ch->agency == NULL)
		return "--agency is required";
	if (ch->start == NULL)
		return "--start is required";
	if (ch->schedule == NULL)
		return "--schedule is required";
	/* a forecast needs a source, and only a forecast takes one */
	if (strcmp(ch->type, "forecast") == 0 && ch->source == NULL)
		return "a forecast configuration needs --source";
	if (strcmp(ch->type, "forecast") != 0 && ch->source != NULL)
		return "--source is only for forecast configurations";
	return NULL;
}

int
sf_confop_add(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, sf_note_fn *note,
    void *arg)
{
	char nextbuf[SF_TIME_LEN];
	const char *next;
	struct sf_err err;

	if (sf_config_add(db, name, ch, now, &err) == -1) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return -1;
	}
	next = sf_config_next_run(ch->schedule_type, ch->schedule, now,
	    nextbuf);
	sf_notef(note, arg, SF_NOTE_INFO, "configuration '%s': added, next "
	    "run %s", name, next ? next : "(null)");
	return 0;
}

int
sf_confop_set(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, sf_note_fn *note,
    void *arg)
{
	const char *dropped;
	struct sf_err err;
	int rc;

	rc = sf_config_set(db, name, ch, now, &dropped, &err);
	if (rc != 0) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return rc == -2 ? -2 : -1;
	}
	if (dropped != NULL)
		sf_notef(note, arg, SF_NOTE_INFO, "configuration '%s': source "
		    "%s dropped: not a forecast configuration", name, dropped);
	sf_notef(note, arg, SF_NOTE_INFO, "configuration '%s': changed",
	    name);
	return 0;
}

int
sf_confop_show(struct sf_db *db, const char *name, FILE *out,
    enum sf_report_format fmt, sf_note_fn *note, void *arg)
{
	const char *v[SF_CONFIG_NCOLS];
	struct sf_config_nums nums;
	struct sf_report rep;
	struct sf_config *c;
	struct sf_err err;
	size_t n, i;

	if (sf_config_list(db, name, &c, &n, &err) == -1) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return -1;
	}
	if (name != NULL && n == 0) {
		sf_notef(note, arg, SF_NOTE_ERROR, "configuration '%s': not "
		    "defined", name);
		sf_config_free(c, n);
		return -1;
	}
	sf_report_init(&rep, out, fmt, "config", sf_config_cols,
	    SF_CONFIG_NCOLS);
	for (i = 0; i < n; i++) {
		sf_config_cells(&c[i], &nums, v);
		sf_report_put(&rep, v);
	}
	sf_report_finish(&rep);
	sf_report_release(&rep);
	sf_config_free(c, n);
	return 0;
}

int
sf_confop_each(struct sf_db *db, enum sf_confop_what what,
    char *const *names, int n, int64_t now, sf_note_fn *note, void *arg)
{
	struct sf_err err;
	int i, rc, r = 0;

	for (i = 0; i < n; i++) {
		rc = what == SF_CONFOP_RM ? sf_config_rm(db, names[i], &err) :
		    sf_config_enable(db, names[i], what == SF_CONFOP_ENABLE,
		    now, &err);
		if (rc != 0) {
			sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
			r = -1;
			if (rc == -1)
				break;
			continue;
		}
		sf_notef(note, arg, SF_NOTE_INFO, "configuration '%s': %s",
		    names[i], what == SF_CONFOP_RM ? "removed" :
		    what == SF_CONFOP_ENABLE ? "enabled" : "disabled");
	}
	return r;
}

/* stations */

static void
bad_station(void *arg, const char *msg)
{
	struct noter *nt = arg;

	sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "%s", msg);
}

static int
stations_add(struct sf_db *db, const struct sf_config *c, char *const *ids,
    int n, FILE *in, int64_t now, struct noter *nt)
{
	struct sf_config_stations s;
	struct sf_err err;
	size_t nnew;
	long bad = 0, b, nrec;
	int k, in_read = 0, r = -1;

	memset(&s, 0, sizeof(s));
	if (c->agency == NULL) {
		sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "configuration "
		    "'%s': no agency (sf-config set %s --agency USGS|EC)",
		    c->name, c->name);
		return -1;
	}
	for (k = 0; k < n; k++) {
		if (strcmp(ids[k], "-") == 0) {
			if (in_read++)
				continue;
			b = sf_config_stations_read(in, c, &s, bad_station, nt,
			    &nrec);
			if (b < 0)
				goto out;
			if (b == 0 && nrec == 0)
				sf_notef(nt->note, nt->arg, SF_NOTE_WARN,
				    "configuration '%s': no station records "
				    "on stdin", c->name);
			bad += b;
		} else if (sf_id_check(c->agency, ids[k], &err) == -1) {
			sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "%s",
			    err.msg);
			bad++;
		} else
			sf_config_stations_push(&s, ids[k], NULL, NULL, NULL);
	}
	if (bad > 0) {
		sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "configuration "
		    "'%s': nothing added (%ld bad station%s)", c->name, bad,
		    bad == 1 ? "" : "s");
		goto out;
	}
	if (sf_config_stations_add(db, c, s.v, s.n, now, &nnew, &err) == -1) {
		sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "%s", err.msg);
		goto out;
	}
	sf_notef(nt->note, nt->arg, SF_NOTE_INFO, "configuration '%s': %zu "
	    "station%s added, %zu already there", c->name, nnew,
	    nnew == 1 ? "" : "s", s.n - nnew);
	r = 0;
out:
	sf_config_stations_release(&s);
	return r;
}

static int
stations_rm(struct sf_db *db, const struct sf_config *c, char *const *ids,
    int n, int64_t now, struct noter *nt)
{
	unsigned char *gone = sf_calloc((size_t)n + 1, 1);
	struct sf_err err;
	int i, removed = 0, r = 0;

	if (sf_config_stations_rm(db, c, (const char *const *)ids, (size_t)n,
	    now, gone, &err) == -1) {
		sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "%s", err.msg);
		free(gone);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (gone[i]) {
			removed++;
			continue;
		}
		sf_notef(nt->note, nt->arg, SF_NOTE_ERROR, "configuration "
		    "'%s': station '%s': not a station of the configuration",
		    c->name, ids[i]);
		r = -1;
	}
	sf_notef(nt->note, nt->arg, SF_NOTE_INFO, "configuration '%s': %d "
	    "station%s removed", c->name, removed, removed == 1 ? "" : "s");
	free(gone);
	return r;
}

struct lister {
	struct sf_writer *w;
	struct noter *nt;
};

static int
list_one(const struct sf_rec *rec, void *arg)
{
	struct lister *l = arg;
	struct sf_err err;

	if (sf_writer_put(l->w, rec, &err) == -1) {
		sf_notef(l->nt->note, l->nt->arg, SF_NOTE_ERROR, "%s",
		    err.msg);
		l->nt->failed = 1;
	}
	return 0;
}

int
sf_confop_stations(struct sf_db *db, char *const *args, int n, FILE *in,
    FILE *out, enum sf_format fmt, int64_t now, sf_note_fn *note, void *arg)
{
	struct noter nt = { note, arg, 0 };
	struct lister l = { NULL, &nt };
	struct sf_config c;
	struct sf_err err;
	int r;

	if (sf_config_get(db, args[0], &c, &err) != 0) {
		sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
		return -1;
	}
	if (strcmp(args[1], "add") == 0)
		r = stations_add(db, &c, args + 2, n - 2, in, now, &nt);
	else if (strcmp(args[1], "rm") == 0)
		r = stations_rm(db, &c, args + 2, n - 2, now, &nt);
	else {
		l.w = sf_writer_new(out, fmt);
		if (sf_config_stations_each(db, &c, list_one, &l, &err) == -1) {
			sf_notef(note, arg, SF_NOTE_ERROR, "%s", err.msg);
			nt.failed = 1;
		}
		sf_writer_free(l.w);
		r = nt.failed ? -1 : 0;
	}
	sf_config_release(&c);
	return r;
}
