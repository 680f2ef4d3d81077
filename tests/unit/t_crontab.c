/*
 * t_crontab: the crontab lines of configurations (quoting, the checks of
 * every value taken from the database) and the merge of one database's
 * block into a crontab that holds others.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_crontab.h"
#include "sf_err.h"
#include "sf.h"

static const struct sf_crontab_env env = {
	"/opt/sf/bin", "/data/sf.db", "/data", NULL, 0, NULL, NULL
};

static struct sf_crontab_conf
conf(const char *name, const char *type, const char *agency,
    const char *source, const char *stype, const char *sched)
{
	struct sf_crontab_conf c;

	c.name = name;
	c.type = type;
	c.agency = agency;
	c.source = source;
	c.schedule_type = stype;
	c.schedule = sched;
	return c;
}

/* Checks the two lines of c (with env e). */
static void
line_is(const struct sf_crontab_conf *c, const struct sf_crontab_env *e,
    const char *want, const char *what)
{
	struct sf_buf out = SF_BUF_INIT;
	struct sf_err err;
	int rc;

	sf_err_clear(&err);
	rc = sf_crontab_line(c, e, &out, &err);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
	is_str(out.buf, want, what);
	sf_buf_release(&out);
}

/* Checks that c gets no line (rc), with the message want. */
static void
refused(const struct sf_crontab_conf *c, int want_rc, const char *want,
    const char *what)
{
	struct sf_buf out = SF_BUF_INIT;
	struct sf_err err;

	sf_buf_adds(&out, "kept\n");
	sf_err_clear(&err);
	is_int(sf_crontab_line(c, &env, &out, &err), want_rc, what);
	is_str(err.msg, want, what);
	is_str(out.buf, "kept\n", what);
	sf_buf_release(&out);
}

static void
test_lines(void)
{
	struct sf_crontab_conf c;
	struct sf_crontab_env e = env;

	c = conf("potomac", "daily_mean", "USGS", NULL, "cron", "0  6 * * *");
	line_is(&c, &env,
	    "# potomac (daily_mean, USGS)\n"
	    "0 6 * * * flock -n /data/potomac.lock sh -c '/opt/sf/bin/"
	    "sf-progress --db /data/sf.db plan potomac | /opt/sf/bin/"
	    "sf-fetch-usgs | /opt/sf/bin/sf-load --db /data/sf.db' "
	    "2>>/data/potomac.log\n", "a USGS daily configuration");

	c = conf("f", "realtime_15min", "ec", "ignored", "interval", "15m");
	line_is(&c, &env,
	    "# f (realtime_15min, EC)\n"
	    "*/15 * * * * flock -n /data/f.lock sh -c '/opt/sf/bin/"
	    "sf-progress --db /data/sf.db plan f | /opt/sf/bin/sf-fetch-ec | "
	    "/opt/sf/bin/sf-load --db /data/sf.db' 2>>/data/f.log\n",
	    "EC, an interval, words in any case written canonically");

	c = conf("n", "forecast", "USGS", "NWM_LONG_RANGE", "interval", "6h");
	line_is(&c, &env,
	    "# n (forecast, NWM_LONG_RANGE, USGS)\n"
	    "0 */6 * * * flock -n /data/n.lock sh -c '/opt/sf/bin/"
	    "sf-progress --db /data/sf.db plan n | /opt/sf/bin/sf-map --db "
	    "/data/sf.db --to NWM | /opt/sf/bin/sf-fetch-nwm | /opt/sf/bin/"
	    "sf-load --db /data/sf.db' 2>>/data/n.log\n",
	    "an NWM forecast maps to NWM");

	e.db = "/it's 100%/sf.db";
	e.dir = "/it's 100%";
	e.xdg_config_home = "/home/a b/.config";
	c = conf("p", "daily_mean", "USGS", NULL, "interval", "1d");
	line_is(&c, &e,
	    "# p (daily_mean, USGS)\n"
	    "0 0 * * * XDG_CONFIG_HOME='/home/a b/.config' flock -n "
	    "'/it'\\''s 100\\%/p.lock' sh -c '/opt/sf/bin/sf-progress --db "
	    "'\\''/it'\\''\\'\\'''\\''s 100\\%/sf.db'\\'' plan p | "
	    "/opt/sf/bin/sf-fetch-usgs | /opt/sf/bin/sf-load --db "
	    "'\\''/it'\\''\\'\\'''\\''s 100\\%/sf.db'\\''' "
	    "2>>'/it'\\''s 100\\%/p.log'\n",
	    "quotes, percent signs and XDG_CONFIG_HOME");

	e = env;
	e.xdg_config_home = "relative/conf";
	line_is(&c, &e,
	    "# p (daily_mean, USGS)\n"
	    "0 0 * * * flock -n /data/p.lock sh -c '/opt/sf/bin/sf-progress "
	    "--db /data/sf.db plan p | /opt/sf/bin/sf-fetch-usgs | "
	    "/opt/sf/bin/sf-load --db /data/sf.db' 2>>/data/p.log\n",
	    "a relative XDG_CONFIG_HOME is ignored");
}

static void
test_refused(void)
{
	struct sf_crontab_conf c;
	struct sf_buf out = SF_BUF_INIT;
	struct sf_crontab_env e = env;
	struct sf_err err;

	c = conf("x", "daily_mean\n* * * * * touch /tmp/x #", "USGS", NULL,
	    "cron", "0 6 * * *");
	refused(&c, -1, "configuration 'x': data type 'daily_mean\\n* * * * "
	    "* touch /tmp/x #' is not a known type: no crontab line (fix it "
	    "with sf-config set x --type TYPE)", "a line break in the type");
	c = conf("x", "forecast", "USGS", "NOAA_RFC\n* * * * * id", "cron",
	    "0 6 * * *");
	refused(&c, -1, "configuration 'x': source 'NOAA_RFC\\n* * * * * id' "
	    "is not a known source: no crontab line (fix it with sf-config "
	    "set x --source SOURCE)", "a line break in the source");
	c = conf("x", "forecast", "USGS", NULL, "cron", "0 6 * * *");
	refused(&c, -1, "configuration 'x': no --source: give it one with "
	    "sf-config set", "a forecast without a source");
	c = conf("x", "daily_mean", "USGS\r\n@reboot id", NULL, "cron",
	    "0 6 * * *");
	refused(&c, -1, "configuration 'x': agency 'USGS\\x0d\\n@reboot id' "
	    "is not a known agency: no crontab line (fix it with sf-config "
	    "set x --agency AGENCY)", "a line break in the agency");
	c = conf("x", "daily_mean", NULL, NULL, "cron", "0 6 * * *");
	refused(&c, -1, "configuration 'x': no --agency: give it one with "
	    "sf-config set", "no agency");
	c = conf("x", "daily_mean", "USGS", NULL, "cron",
	    "0 6 * * *\n* * * * * id");
	refused(&c, -1, "configuration 'x': schedule '0 6 * * *\\n* * * * * "
	    "id' is not a schedule: no crontab line (fix it with sf-config "
	    "set x --schedule ...)", "a line break in the schedule");
	c = conf("x", "daily_mean", "USGS", NULL, "cron", "0 6 * * * ; id");
	refused(&c, -1, "configuration 'x': schedule '0 6 * * * ; id': 7 "
	    "fields, not 5 (minute, hour, day of month, month, day of week)",
	    "a schedule with a command after it");
	c = conf("x", "daily_mean", "USGS", NULL, "cron\nid", "0 6 * * *");
	refused(&c, -1, "configuration 'x': schedule type 'cron\\nid' is not "
	    "cron, interval or manual: no crontab line (fix it with sf-config "
	    "set x --schedule ...)", "a line break in the schedule type");
	c = conf("x\n* * * * * id", "daily_mean", "USGS", NULL, "cron",
	    "0 6 * * *");
	refused(&c, -1, "configuration 'x\\n* * * * * id': the name is not "
	    "usable in a crontab line (letters, digits, '-', '_' and '.' "
	    "only)", "a line break in the name");
	c = conf("x", "daily_mean", "USGS", NULL, "interval", "7m");
	refused(&c, -1, "configuration 'x': interval '7m' cannot be written "
	    "as a cron schedule (use a cron expression: sf-config set x "
	    "--schedule '...')", "an interval cron cannot express");
	c = conf("x", "daily_mean", "USGS", NULL, "manual", "");
	refused(&c, 1, "configuration 'x': schedule type 'manual' is not run "
	    "by cron: no crontab line", "manual: no line, a warning");

	c = conf("x", "daily_mean", "USGS", NULL, "cron", "0 6 * * *");
	e.db = "/a\nb/sf.db";
	is_int(sf_crontab_line(&c, &e, &out, &err), -1, "a line break in a "
	    "path");
	is_str(err.msg, "path '/a\\nb/sf.db': holds a control character, "
	    "which a crontab line cannot", "a line break in a path: message");
	e = env;
	e.bin = "bin";
	is_int(sf_crontab_line(&c, &e, &out, &err), -1, "a relative path");
	e = env;
	e.xdg_config_home = "/x\n* * * * * id";
	is_int(sf_crontab_line(&c, &e, &out, &err), -1,
	    "a line break in XDG_CONFIG_HOME");
	is_int((int)out.len, 0, "nothing written for refused lines");
	sf_buf_release(&out);
}

/* Checks the merge of lines for db into old. */
static void
merge_is(const char *old, const char *db, const char *lines,
    const char *want, const char *what)
{
	struct sf_buf out = SF_BUF_INIT;
	struct sf_err err;
	int rc;

	sf_err_clear(&err);
	rc = sf_crontab_merge(old, strlen(old), db, lines, &out, &err);
	is_int(rc, 0, what);
	if (rc != 0)
		printf("#   error: %s\n", err.msg);
	is_str(out.buf, want, what);
	sf_buf_release(&out);
}

static void
merge_fails(const char *old, const char *want, const char *what)
{
	struct sf_buf out = SF_BUF_INIT;
	struct sf_err err;

	sf_err_clear(&err);
	is_int(sf_crontab_merge(old, strlen(old), "/a.db", "L\n", &out,
	    &err), -1, what);
	is_str(err.msg, want, what);
	sf_buf_release(&out);
}

#define BA	"# BEGIN sf /a.db (managed by sf-config)\n"
#define EA	"# END sf /a.db\n"
#define BB	"# BEGIN sf /b b.db (managed by sf-config)\n"
#define EB	"# END sf /b b.db\n"
#define BOLD	"# BEGIN sf (managed by sf-config)\n"
#define EOLD	"# END sf\n"

static void
test_merge(void)
{
	merge_is("", "/a.db", "L\n", BA "L\n" EA, "into an empty crontab");
	merge_is("MAILTO=x\n0 * * * * a % b", "/a.db", "L\n",
	    "MAILTO=x\n0 * * * * a % b\n" BA "L\n" EA,
	    "appended; the last line gets its line end");
	merge_is("x\n" BA "old\n" EA "y\n", "/a.db", "L1\nL2\n",
	    "x\n" BA "L1\nL2\n" EA "y\n", "replaced where it was");
	merge_is("x\n" BA "old\n" EA "y\n", "/a.db", "", "x\ny\n",
	    "removed when there are no lines");
	merge_is(BB "b\n" EB "x\n", "/a.db", "L\n",
	    BB "b\n" EB "x\n" BA "L\n" EA, "another database's block stays");
	merge_is(BA "a\n" EA BB "b\n" EB, "/b b.db", "",
	    BA "a\n" EA, "removing one block keeps the other");
	merge_is("# BEGIN sf /a.db (managed by sf-config)  \r\nold\n"
	    "# END sf /a.db \n", "/a.db", "L\n", BA "L\n" EA,
	    "markers with trailing blanks");
	merge_is(BOLD "0 * * * * flock -n /x.lock sh -c '/bin/sf-progress "
	    "--db /a.db plan p | /bin/sf-load --db /a.db' 2>>/x.log\n" EOLD,
	    "/a.db", "L\n", BA "L\n" EA, "an old block that runs db is taken");
	merge_is(BOLD "0 * * * * flock -n /x.lock sh -c '/bin/sf-progress "
	    "--db /c.db plan p' 2>>/x.log\n" EOLD, "/a.db", "L\n",
	    BOLD "0 * * * * flock -n /x.lock sh -c '/bin/sf-progress "
	    "--db /c.db plan p' 2>>/x.log\n" EOLD BA "L\n" EA,
	    "an old block of another database stays");
	merge_is(BOLD "0 * * * * flock -n '/a b/x.lock' sh -c "
	    "'/bin/sf-progress --db '\\''/a b/100\\%.db'\\'' plan p' "
	    "2>>/x.log\n" EOLD, "/a b/100%.db", "L\n",
	    "# BEGIN sf /a b/100%.db (managed by sf-config)\nL\n"
	    "# END sf /a b/100%.db\n", "an old block of a quoted path");

	merge_fails(BA "x\n", "crontab line 1: a block without its "
	    "'# END sf' line (fix it with crontab -e)", "an unclosed block");
	merge_fails("x\n" EA, "crontab line 2: '# END sf /a.db' without its "
	    "'# BEGIN sf' line (fix it with crontab -e)", "an end alone");
	merge_fails(BB BA EA EB, "crontab line 2: a block begins inside the "
	    "block of line 1 (fix it with crontab -e)", "nested blocks");
	merge_fails(BB "x\n" EA, "crontab line 3: '# END sf /a.db' without "
	    "its '# BEGIN sf' line (fix it with crontab -e)",
	    "an end that closes another block");
	merge_fails(BA EA "x\n" BA EA, "crontab line 4: a second block of "
	    "'/a.db' (fix it with crontab -e)", "two blocks of one database");
}

/* A PostgreSQL archive: the conninfo as the database, a tag, PGPASSFILE. */
static void
test_pg(void)
{
	struct sf_crontab_conf c;
	struct sf_crontab_env e = {
		"/opt/sf/bin", "postgresql://ann@db.example.org/sf",
		"/home/ann/.local/share/sf", NULL, 1, "pg-0123abcd",
		"/home/ann/.pgpass 2"
	};
	struct sf_buf out = SF_BUF_INIT;
	struct sf_err err;

	c = conf("potomac", "daily_mean", "USGS", NULL, "cron", "0 6 * * *");
	line_is(&c, &e, "# potomac (daily_mean, USGS)\n"
	    "0 6 * * * PGPASSFILE='/home/ann/.pgpass 2' flock -n "
	    "/home/ann/.local/share/sf/potomac.pg-0123abcd.lock sh -c "
	    "'/opt/sf/bin/sf-progress --db "
	    "'\\''postgresql://ann@db.example.org/sf'\\'' plan potomac | "
	    "/opt/sf/bin/sf-fetch-usgs | /opt/sf/bin/sf-load --db "
	    "'\\''postgresql://ann@db.example.org/sf'\\''' "
	    "2>>/home/ann/.local/share/sf/potomac.pg-0123abcd.log\n",
	    "pg: the URI on the line, the tag in the file names, PGPASSFILE");
	e.db = "host=/run/pg dbname=sf";
	e.pgpassfile = NULL;
	line_is(&c, &e, "# potomac (daily_mean, USGS)\n"
	    "0 6 * * * flock -n "
	    "/home/ann/.local/share/sf/potomac.pg-0123abcd.lock sh -c "
	    "'/opt/sf/bin/sf-progress --db '\\''host=/run/pg dbname=sf'"
	    "\\'' plan potomac | /opt/sf/bin/sf-fetch-usgs | "
	    "/opt/sf/bin/sf-load --db '\\''host=/run/pg dbname=sf'\\''' "
	    "2>>/home/ann/.local/share/sf/potomac.pg-0123abcd.log\n",
	    "pg: a key=value conninfo is quoted");
	e.pg = 0;
	is_int(sf_crontab_line(&c, &e, &out, &err), -1,
	    "without pg, a conninfo is no absolute path");
	e.pg = 1;
	e.tag = "a/b";
	is_int(sf_crontab_line(&c, &e, &out, &err), -1,
	    "a tag with a slash is refused");
	is_str(out.buf, "", "and nothing is written");
	e.tag = "pg-1";
	e.db = "host=x\n* * * * * evil";
	is_int(sf_crontab_line(&c, &e, &out, &err), -1,
	    "a conninfo with a line feed is refused");
	sf_buf_reset(&out);
	is_int(sf_crontab_merge("x\n", 2, "postgresql://ann@db/sf", "L\n",
	    &out, &err), 0, "pg: a URI names a block");
	is_str(out.buf, "x\n# BEGIN sf postgresql://ann@db/sf (managed by "
	    "sf-config)\nL\n# END sf postgresql://ann@db/sf\n",
	    "pg: the block of the URI");
	sf_buf_reset(&out);
	is_int(sf_crontab_merge("x\n", 2, "host=db", "L\n", &out, &err), -1,
	    "a block is named by a path or a postgresql:// URI only");
	sf_buf_release(&out);
}

int
main(void)
{
	test_lines();
	test_refused();
	test_merge();
	test_pg();
	return tap_done();
}
