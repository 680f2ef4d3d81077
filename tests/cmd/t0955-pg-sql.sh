#!/bin/sh
# t0955: sf_sql's statements on a real PostgreSQL: the unit test t_sql,
# which runs the same checks on SQLite, run again against a server.
test_description='PostgreSQL: sf_sql behaves as on SQLite'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

test_expect_success 'the server starts' '
	cat start.out && test "$rc" -eq 0
'

test_expect_success 't_sql passes on both engines' '
	"$SF_BUILD/tests/t_sql" > tap.out; st=$?
	cat tap.out && test $st -eq 0 &&
	grep -q "^ok .* - postgresql: every key once" tap.out &&
	! grep -q "^not ok" tap.out
'

test_done
