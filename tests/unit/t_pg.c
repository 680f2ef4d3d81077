/*
 * t_pg: the parts of lib/sf_pg that need no server: which strings select
 * PostgreSQL, connection failures as errors (never printed, never
 * repeating the password), COPY text escaping and the lock key. The
 * server-backed checks are tests/cmd/t0930-pg-load.sh.
 */
#include <math.h>
#include <stdlib.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_pg.h"
#include "sf.h"

static void
test_is_uri(void)
{
	ok(sf_pg_is_uri("postgresql://sf@/sf?host=/tmp/x"), "postgresql:// URI");
	ok(sf_pg_is_uri("postgres://u:p@db.example:5432/sf"), "postgres:// URI");
	ok(sf_pg_is_uri("host=/run/postgresql dbname=sf"), "conninfo string");
	ok(sf_pg_is_uri("dbname = sf"), "conninfo with spaces around =");
	ok(!sf_pg_is_uri("sf.db"), "a file name is not");
	ok(!sf_pg_is_uri("/var/lib/sf/sf.db"), "a path is not");
	ok(!sf_pg_is_uri("./a=b.db"), "a path with = is not");
	ok(!sf_pg_is_uri("nosuchkey=1"), "an unknown keyword is not");
	ok(!sf_pg_is_uri("postgresql:"), "a bare scheme is not");
	ok(!sf_pg_is_uri(""), "empty is not");
	ok(!sf_pg_is_uri(NULL), "NULL is not");
}

static void
test_open_fails(void)
{
	struct sf_err err;
	struct sf_pg *pg;

	sf_err_clear(&err);
	pg = sf_pg_open("postgresql://u:s3cret@/db?host=/nonexistent/sf-t-pg"
	    "&connect_timeout=2", &err);
	ok(pg == NULL, "no server: NULL");
	ok(strncmp(err.msg, "postgresql: connect: ", 21) == 0,
	    "no server: says connect");
	ok(strstr(err.msg, "s3cret") == NULL, "the password is not repeated");
	ok(strchr(err.msg, '\n') == NULL, "one line");
	sf_err_clear(&err);
	ok(sf_pg_open("sf.db", &err) == NULL, "a file name is refused");
	is_str(err.msg, "postgresql: not a connection string",
	    "a file name: message");
	sf_pg_close(NULL);
	ok(1, "close of NULL");
}

static void
test_copy(void)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;
	struct sf_pg_obs o = { 7, 1704067200, "realtime_15min", "cfs", "P",
	    1.25, 1, 0 };

	sf_pg_copy_field(&b, "a\tb\\c\nd\re");
	is_str(b.buf, "a\\tb\\\\c\\nd\\re", "special bytes escaped");
	sf_buf_reset(&b);
	sf_pg_copy_field(&b, NULL);
	is_str(b.buf, "\\N", "NULL is \\N");
	sf_buf_reset(&b);
	sf_pg_copy_field(&b, "\\N");
	is_str(b.buf, "\\\\N", "the text \\N is not NULL");
	sf_buf_reset(&b);

	ok(sf_pg_copy_obs(&b, 3, &o, &err) == 0, "a row");
	is_str(b.buf, "3\t7\trealtime_15min\t1704067200\t1.25\tcfs\tP\n",
	    "a row: line");
	sf_buf_reset(&b);
	o.discharge = 0.1;
	o.quality_code = NULL;
	sf_pg_copy_obs(&b, 0, &o, &err);
	is_str(b.buf, "0\t7\trealtime_15min\t1704067200\t0.10000000000000001"
	    "\tcfs\t\\N\n", "round-trip digits, no code");
	sf_buf_reset(&b);
	o.has_discharge = 0;
	o.observed_at = -2208988800;	/* 1900, before the epoch */
	sf_pg_copy_obs(&b, 1, &o, &err);
	is_str(b.buf, "1\t7\trealtime_15min\t-2208988800\t\\N\tcfs\t\\N\n",
	    "missing value, time before 1970");
	sf_buf_reset(&b);
	o.has_discharge = 1;
	o.discharge = NAN;
	ok(sf_pg_copy_obs(&b, 1, &o, &err) == -1, "NaN refused");
	is_str(err.msg, "postgresql: observation: discharge is not a finite "
	    "number", "NaN: message");
	o.discharge = INFINITY;
	ok(sf_pg_copy_obs(&b, 1, &o, &err) == -1, "infinity refused");
	o.discharge = 1;
	o.unit = NULL;
	ok(sf_pg_copy_obs(&b, 1, &o, &err) == -1, "no unit refused");
	is_int(b.len, 0, "a refused row adds nothing");
	sf_buf_release(&b);
}

static void
test_key(void)
{
	/* FNV-1a 32: "" is the offset basis, "a" a published value */
	is_int(sf_pg_config_key(""), (int32_t)0x811c9dc5u, "key of \"\"");
	is_int(sf_pg_config_key("a"), (int32_t)0xe40c292cu, "key of \"a\"");
	ok(sf_pg_config_key("hourly") != sf_pg_config_key("daily"),
	    "two names, two keys");
}

int
main(void)
{
	test_is_uri();
	test_open_fails();
	test_copy();
	test_key();
	return tap_done();
}
