#!/bin/sh
# t0950: one run of a configuration at a time on PostgreSQL (its session
# advisory lock, taken by sf-load when it meets the configuration), and
# every program reads a PostgreSQL archive named by --db or SF_DB.
test_description='PostgreSQL: one run per configuration; every program reads it'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"
PGLOAD=$SF_BUILD/tests/pgload

pg_start > start.out 2>&1
rc=$?

# wait_for FILE: until FILE exists (at most 30 s)
wait_for() {
	i=0
	while ! test -e "$1"; do
		i=$((i + 1)); [ $i -lt 3000 ] || return 1; sleep 0.01
	done
}

# holders: sessions that hold an advisory lock
holders() {
	pg_psql -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
	    AND granted"
}

test_expect_success 'the server starts; an archive with two configurations' '
	cat start.out && test "$rc" -eq 0 && test -x "$PGLOAD" &&
	sf-load --db "$SF_PG_URI" < /dev/null &&
	pg_psql -c "INSERT INTO pull_configurations (name, data_type,
	    pull_start_date, schedule_type) VALUES
	    ('\''hourly'\'', '\''realtime_15min'\'', '\''1900-01-01'\'', '\''manual'\''),
	    ('\''daily'\'', '\''realtime_15min'\'', '\''1900-01-01'\'', '\''manual'\'')" &&
	gen_obs 2 10 hourly > hourly && gen_obs 2 10 daily 50 > daily
'
test_expect_success 'while another session holds a configuration, sf-load stops' '
	rm -f held release &&
	{ "$PGLOAD" hold hourly held release > hold.out 2>&1 & } &&
	wait_for held &&
	{ sf-load --db "$SF_PG_URI" hourly 2> err; test $? -eq 1; } &&
	cat err &&
	echo "sf-load: configuration '\''hourly'\'' is being loaded by another run (its PostgreSQL advisory lock is held): stopping" > want &&
	test_cmp want err &&
	pg_psql -c "SELECT count(*) FROM discharge_observations" > n &&
	echo 0 > want && test_cmp want n &&
	pg_psql -c "SELECT count(*) FROM data_pull_logs" > n && test_cmp want n &&
	sf-load --db "$SF_PG_URI" daily &&
	pg_psql -c "SELECT count(*) FROM discharge_observations" > n &&
	echo 20 > want && test_cmp want n &&
	touch release && wait &&
	sf-load --db "$SF_PG_URI" hourly &&
	pg_psql -c "SELECT count(*) FROM discharge_observations" > n &&
	echo 40 > want && test_cmp want n
'
test_expect_success 'two sf-loads of one configuration at once: one runs' '
	gen_obs 8 20000 hourly 100 > big &&
	sf-load --db "$SF_PG_URI" --batch 2000 big 2> a.err &
	a=$! &&
	i=0; until [ "$(holders)" -ge 1 ]; do
		i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.05; done &&
	{ sf-load --db "$SF_PG_URI" hourly 2> b.err; test $? -eq 1; } &&
	grep -q "another run" b.err &&
	wait $a && cat a.err && test_must_be_empty a.err &&
	pg_psql -c "SELECT count(*) FROM discharge_observations" > n &&
	echo $((40 + 8 * 20000)) > want && test_cmp want n
'
test_expect_success 'the lock is only for the run: the next one runs' '
	sf-load --db "$SF_PG_URI" hourly && test "$(holders)" -eq 0
'
test_expect_success 'a killed sf-load releases its configuration' '
	sf-load --db "$SF_PG_URI" --batch 1000 big &
	a=$! &&
	i=0; until [ "$(holders)" -ge 1 ]; do
		i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.05; done &&
	kill -9 $a; wait $a;
	i=0; until [ "$(holders)" -eq 0 ]; do
		i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.05; done &&
	sf-load --db "$SF_PG_URI" hourly
'

# reads PROG ARGS...: PROG, given the archive by --db and then by SF_DB,
# reads it: exit 0, nothing on stderr
reads() {
	p=$1; shift
	{ "$p" --db "$SF_PG_URI" "$@" > out 2> err; test $? -eq 0; } &&
	test_must_be_empty err &&
	{ SF_DB=$SF_PG_URI "$p" "$@" > out2 2> err; test $? -eq 0; } &&
	test_must_be_empty err && test_cmp out out2
}

test_expect_success 'every program reads a PostgreSQL archive' '
	reads sf-query --kind station &&
	reads sf-status &&
	reads sf-progress show &&
	reads sf-progress show hourly &&
	reads sf-config list &&
	reads sf-config show hourly &&
	reads sf-map list &&
	reads sf-stations &&
	! grep -l "not supported" out out2
'
test_expect_success 'a key=value conninfo is PostgreSQL too, never a file' '
	sf-query --db "host=$PG_DIR user=sf dbname=postgres" > out 2> err &&
	test_must_be_empty err && test -s out &&
	! test -e "host=$PG_DIR user=sf dbname=postgres" &&
	sf-load --db "host=$PG_DIR user=sf dbname=postgres" hourly
'
test_expect_success 'a server that is not there: one line, exit 1, no password' '
	{ sf-load --db "postgresql://sf:secret@/postgres?host=$TRASH/none" hourly 2> err;
	  test $? -eq 1; } && cat err && test "$(wc -l < err)" -eq 1 &&
	grep -q "^sf-load: postgresql: connect: " err && ! grep -q secret err
'
test_done
