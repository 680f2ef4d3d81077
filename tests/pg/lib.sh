# tests/pg/lib.sh: a throwaway PostgreSQL 15 for the tests; sourced by a
# tests/cmd script after test-lib.sh (or by scripts/bench-pg).
#
#   pg_start    initdb into a new temporary directory and start a server
#               that listens only on a Unix socket in that directory;
#               sets PG_DIR and exports SF_PG_URI; returns non-zero (and
#               says why on stderr) if it cannot. Stopped at exit.
#   pg_stop     stops the server and removes its directory
#   pg_psql     psql on SF_PG_URI, quiet, unaligned, stopping on error
#
# When the suite runs as root the server runs as the unprivileged user
# SF_PG_USER (default nobody), since postgres refuses to run as root.
# A test that needs the server and cannot start it fails: it never skips.
# PG_BIN names the server's binaries; PG_OPTS adds server settings
# ("-c name=value ..."), for the benchmark.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=

# pg_as_ CMD...: runs CMD as the server's user
pg_as_() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="${SF_PG_USER:-nobody}" \
		    --regid="$(id -g "${SF_PG_USER:-nobody}")" --clear-groups \
		    --reset-env -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	[ -z "$PG_DIR" ] || pg_stop
	if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
		echo "pg_start: no PostgreSQL in '$PG_BIN'" \
		    "(scripts/install-deps installs postgresql-15)" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d /tmp/sf-pg.XXXXXX) || return 1
	trap 'pg_stop; cd /; [ -z "${TRASH:-}" ] || rm -rf "$TRASH"' EXIT
	trap 'exit 1' HUP INT TERM
	if [ "$(id -u)" -eq 0 ]; then
		chown "${SF_PG_USER:-nobody}" "$PG_DIR" || return 1
	fi
	chmod 700 "$PG_DIR"
	if ! (cd "$PG_DIR" && pg_as_ "$PG_BIN/initdb" -D "$PG_DIR/data" \
	    -U sf -A trust -E UTF8 --no-locale --no-sync \
	    >"$PG_DIR/initdb.log" 2>&1); then
		echo "pg_start: initdb '$PG_DIR/data' failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		return 1
	fi
	# listen_addresses '' opens no TCP port: the socket in PG_DIR only
	if ! (cd "$PG_DIR" && pg_as_ "$PG_BIN/pg_ctl" -D "$PG_DIR/data" \
	    -l "$PG_DIR/server.log" -w -t 60 -o "-c listen_addresses='' \
	    -c unix_socket_directories='$PG_DIR' -c fsync=off \
	    -c synchronous_commit=off -c full_page_writes=off \
	    ${PG_OPTS:-}" start >"$PG_DIR/pg_ctl.log" 2>&1); then
		echo "pg_start: server in '$PG_DIR' did not start:" >&2
		cat "$PG_DIR/pg_ctl.log" "$PG_DIR/server.log" >&2
		return 1
	fi
	SF_PG_URI="postgresql://sf@/postgres?host=$PG_DIR"
	export SF_PG_URI
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		(cd "$PG_DIR" && pg_as_ "$PG_BIN/pg_ctl" -D "$PG_DIR/data" \
		    -m immediate -w stop >/dev/null 2>&1)
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
	unset SF_PG_URI
}

pg_psql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$SF_PG_URI" "$@"
}
