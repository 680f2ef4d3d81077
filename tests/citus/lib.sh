# tests/citus/lib.sh: a throwaway Citus cluster (a coordinator and two
# workers, PostgreSQL 15 with the citus extension) on loopback ports, for
# make test-citus; sourced after tests/cmd/test-lib.sh and tests/pg/lib.sh
# (whose pg_as_ runs the servers as their user).
#
#   citus_start  initdb three nodes into a new temporary directory, start
#                them on free 127.0.0.1 ports, create the extension on
#                each and add the workers to the coordinator; sets CITUS_DIR
#                and exports SF_PG_URI (the coordinator's); returns
#                non-zero, saying why on stderr, if it cannot (no Citus
#                installed: scripts/README says how to get it).
#   citus_stop   stops the nodes and removes the directory (also at exit)
#   citus_psql   psql on a node: citus_psql NODE ARGS... (NODE: c, w1, w2)
#
# As for tests/pg/lib.sh, the servers run as SF_PG_USER (nobody) when the
# suite runs as root. They accept connections from 127.0.0.1 only.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
CITUS_DIR=

# citus_port_ NODE: the node's port
citus_port_() {
	cat "$CITUS_DIR/$1.port"
}

# citus_free_port_: a TCP port of 127.0.0.1 nobody listens on now
citus_free_port_() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

citus_psql() {
	node=$1; shift
	psql -X -q -A -t -v ON_ERROR_STOP=1 \
	    -d "postgresql://sf@127.0.0.1:$(citus_port_ "$node")/postgres" "$@"
}

# citus_node_ NODE: initdb and start one node
citus_node_() {
	d=$CITUS_DIR/$1
	port=$(citus_free_port_) || return 1
	echo "$port" >"$CITUS_DIR/$1.port"
	if ! (cd "$CITUS_DIR" && pg_as_ "$PG_BIN/initdb" -D "$d" -U sf \
	    -A trust -E UTF8 --no-locale --no-sync >"$d.initdb.log" 2>&1); then
		echo "citus_start: initdb '$d' failed:" >&2
		cat "$d.initdb.log" >&2
		return 1
	fi
	if ! (cd "$CITUS_DIR" && pg_as_ "$PG_BIN/pg_ctl" -D "$d" \
	    -l "$d.log" -w -t 60 -o "-c listen_addresses=127.0.0.1 \
	    -c port=$port -c unix_socket_directories='$CITUS_DIR' \
	    -c shared_preload_libraries=citus -c fsync=off \
	    -c synchronous_commit=off -c full_page_writes=off \
	    -c max_connections=100" start >"$d.pg_ctl.log" 2>&1); then
		echo "citus_start: node '$1' did not start:" >&2
		cat "$d.pg_ctl.log" "$d.log" >&2
		return 1
	fi
	citus_psql "$1" -c "CREATE EXTENSION citus" >/dev/null
}

citus_start() {
	[ -z "$CITUS_DIR" ] || citus_stop
	if [ ! -f "$("$PG_BIN/pg_config" --sharedir 2>/dev/null)/extension/citus.control" ]; then
		echo "citus_start: Citus is not installed for PostgreSQL in" \
		    "'$PG_BIN' (make test-citus needs it; see scripts/README)" >&2
		return 1
	fi
	CITUS_DIR=$(mktemp -d /tmp/sf-citus.XXXXXX) || return 1
	trap 'citus_stop; cd /; [ -z "${TRASH:-}" ] || rm -rf "$TRASH"' EXIT
	trap 'exit 1' HUP INT TERM
	if [ "$(id -u)" -eq 0 ]; then
		chown "${SF_PG_USER:-nobody}" "$CITUS_DIR" || return 1
	fi
	chmod 700 "$CITUS_DIR"
	for n in c w1 w2; do
		citus_node_ $n || return 1
	done
	citus_psql c -c "SELECT citus_set_coordinator_host('127.0.0.1',
	    $(citus_port_ c))" >/dev/null &&
	citus_psql c -c "SELECT citus_add_node('127.0.0.1',
	    $(citus_port_ w1))" >/dev/null &&
	citus_psql c -c "SELECT citus_add_node('127.0.0.1',
	    $(citus_port_ w2))" >/dev/null || return 1
	SF_PG_URI="postgresql://sf@127.0.0.1:$(citus_port_ c)/postgres"
	export SF_PG_URI
}

citus_stop() {
	[ -n "$CITUS_DIR" ] || return 0
	for n in c w1 w2; do
		if [ -f "$CITUS_DIR/$n/postmaster.pid" ]; then
			(cd "$CITUS_DIR" && pg_as_ "$PG_BIN/pg_ctl" \
			    -D "$CITUS_DIR/$n" -m immediate -w stop \
			    >/dev/null 2>&1)
		fi
	done
	rm -rf "$CITUS_DIR"
	CITUS_DIR=
	unset SF_PG_URI
}
