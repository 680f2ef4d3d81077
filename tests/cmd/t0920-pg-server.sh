#!/bin/sh
# t0920: the throwaway PostgreSQL of tests/pg/lib.sh: it starts, listens on
# its Unix socket only (no TCP port), runs unprivileged, stops, removes its
# directory, and starts again; without a server it fails, never skips.
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

# tcp_listeners PID: the TCP sockets PID listens on (inode numbers)
tcp_listeners() {
	socks=$(ls -l /proc/"$1"/fd 2>/dev/null |
	    sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p')
	for f in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$f" ] || continue
		awk 'NR > 1 && $4 == "0A" { print $10 }' "$f"
	done | while read -r ino; do
		for s in $socks; do
			if [ "$s" = "$ino" ]; then echo "$ino"; fi
		done
	done
}

# alive PID: PID is a running process (a zombie is not: the postmaster's
# parent may be a reaper that waits late)
alive() {
	st=$(awk '/^State:/ { print $2 }' /proc/"$1"/status 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

pg_start > start.out 2>&1
rc=$?
first=$PG_DIR
test_expect_success 'pg_start starts a server and sets SF_PG_URI' '
	cat start.out && test "$rc" -eq 0 &&
	case $SF_PG_URI in postgresql://*"host=$PG_DIR") ;; *) false ;; esac &&
	test -S "$PG_DIR/.s.PGSQL.5432"
'
test_expect_success 'psql connects over the socket' '
	pg_psql -c "SELECT 6 * 7" > out &&
	echo 42 > want && test_cmp want out
'
test_expect_success 'no TCP port is open' '
	pg_psql -c "SHOW listen_addresses" > out && echo > want &&
	test_cmp want out &&
	pid=$(head -n 1 "$PG_DIR/data/postmaster.pid") &&
	test -d "/proc/$pid" &&
	ls -l /proc/$pid/fd | grep -q "socket:" &&
	tcp_listeners "$pid" > tcp && test_must_be_empty tcp
'
test_expect_success 'the server does not run as root' '
	pid=$(head -n 1 "$PG_DIR/data/postmaster.pid") &&
	uid=$(awk "/^Uid:/ { print \$2 }" /proc/$pid/status) &&
	test "$uid" -ne 0
'
pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
pg_stop
test_expect_success 'pg_stop stops it and removes its directory' '
	test -n "$first" && ! test -e "$first" && test -z "$PG_DIR" &&
	test -n "$pid" && ! alive "$pid"
'
pg_start > start.out 2>&1
rc=$?
test_expect_success 'a second start works, in a new directory' '
	cat start.out && test "$rc" -eq 0 && test "$PG_DIR" != "$first" &&
	pg_psql -c "SELECT 1" > out && echo 1 > want && test_cmp want out
'
test_expect_success 'the server is stopped when the script exits' '
	d=$(sh -c ". \"$SF_TOP/tests/cmd/test-lib.sh\" >/dev/null;
	    . \"$SF_TOP/tests/pg/lib.sh\"; pg_start >/dev/null 2>&1 &&
	    head -n 1 \$PG_DIR/data/postmaster.pid && echo \$PG_DIR; exit 3")
	test $? -eq 3 &&
	pid=${d%%[!0-9]*} && dir=${d#*
} && test -n "$pid" && test -n "$dir" &&
	! alive "$pid" && ! test -e "$dir"
'
test_expect_success 'without PostgreSQL pg_start fails, it does not skip' '
	! (PG_DIR= PG_BIN=/nonexistent pg_start) 2> err &&
	grep -q "no PostgreSQL" err
'
test_done
