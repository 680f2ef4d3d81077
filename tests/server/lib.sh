# tests/server/lib.sh: the loopback replay server in a shell test.
# Source it after test-lib.sh:
#
#	. "$SF_TOP/tests/server/lib.sh"
#	start_server routes [replay.py options]
#	SF_USGS_URL=$SERVER_URL sf-fetch-usgs ...
#	server_requests > actual		# "GET /path?query", one per request
#	stop_server
#
#   start_server ROUTES [OPTION...]  starts tests/server/replay.py on ROUTES,
#                    waits up to 10 s until it accepts, sets and exports
#                    SERVER_URL (http://127.0.0.1:PORT) and SERVER_LOG (its
#                    request log, emptied at each start) and SERVER_PID, and
#                    makes sure it is stopped when the shell that started it
#                    exits.  Returns 1 (showing the server's stderr) if it
#                    did not start.  A running server is stopped first.
#   stop_server      stops it (SIGTERM; SIGKILL after 5 s); returns the
#                    server's exit status (0 for a clean stop).
#   server_requests  prints "METHOD TARGET" for each request received.
#   server_header NAME  prints the request header NAME of each request (an
#                    empty line where it was absent).
#   server_param NAME   prints the decoded values of the query parameter NAME
#                    of each request, space separated (empty if absent).
#
# Call start_server and stop_server from the same shell: at the top of the
# script to share one server among tests, or both inside one
# test_expect_success (a server started there is stopped when that test's
# subshell ends).  The server also exits by itself when the shell that
# started it goes away (--watch-parent) and after 300 s (--max-seconds).

SERVER_PID=
SERVER_URL=
SERVER_LOG=
_srv_top=${SF_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

start_server() {
	if [ $# -lt 1 ]; then
		echo "start_server: usage: start_server ROUTES [OPTION...]" >&2
		return 2
	fi
	[ -z "$SERVER_PID" ] || stop_server
	_srv_routes=$1
	shift
	_srv_dir=${TRASH:-$PWD}/.server
	mkdir -p "$_srv_dir" || return 1
	rm -f "$_srv_dir/port"
	: > "$_srv_dir/log"
	FIXTURES=${FIXTURES:-} python3 "$_srv_top/tests/server/replay.py" \
		--port-file "$_srv_dir/port" --log "$_srv_dir/log" \
		--watch-parent "$@" "$_srv_routes" 2> "$_srv_dir/stderr" &
	SERVER_PID=$!
	_srv_i=0
	while [ ! -s "$_srv_dir/port" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $_srv_i -ge 100 ]
		then
			echo "start_server: the replay server did not start" >&2
			cat "$_srv_dir/stderr" >&2
			stop_server
			return 1
		fi
		sleep 0.1
		_srv_i=$((_srv_i + 1))
	done
	SERVER_URL=http://127.0.0.1:$(cat "$_srv_dir/port")
	SERVER_LOG=$_srv_dir/log
	export SERVER_URL SERVER_LOG SERVER_PID
	_srv_cleanup_on_exit
}

# Adds stop_server to the EXIT trap of the current shell, keeping the trap
# already there (test-lib.sh's removes the test directory).  A subshell
# does not run its parent's trap, so there stop_server is the whole trap.
_srv_cleanup_on_exit() {
	if [ "$(exec sh -c 'echo $PPID')" != "$$" ]; then
		trap 'stop_server' EXIT
		return 0
	fi
	[ -z "${_srv_trapped:-}" ] || return 0
	_srv_trapped=1
	_srv_old_trap=
	trap > "$_srv_dir/traps"
	sed 's/^trap -- /_srv_saw_trap /' "$_srv_dir/traps" > "$_srv_dir/traps.sh"
	. "$_srv_dir/traps.sh"
	trap "stop_server; $_srv_old_trap" EXIT
}

_srv_saw_trap() {
	[ "$2" != EXIT ] || _srv_old_trap=$1
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null
	_srv_i=0
	while kill -0 "$SERVER_PID" 2>/dev/null && [ $_srv_i -lt 50 ]; do
		sleep 0.1
		_srv_i=$((_srv_i + 1))
	done
	[ $_srv_i -lt 50 ] || kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	_srv_rc=$?
	SERVER_PID=
	return $_srv_rc
}

# _srv_log_query PYTHON-EXPRESSION [ARG]: prints the expression, evaluated
# with r (the log entry) and a (ARG), for each request in $SERVER_LOG
_srv_log_query() {
	python3 -c '
import json, sys
a = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    print('"$1"')
' "$SERVER_LOG" "${2:-}"
}

server_requests() {
	_srv_log_query 'r["method"] + " " + r["target"]'
}

server_header() {
	_srv_log_query 'r["headers"].get("-".join(w.capitalize() for w in a.split("-")), "")' "$1"
}

server_param() {
	_srv_log_query '" ".join(r["params"].get(a, []))' "$1"
}
