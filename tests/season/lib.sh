# tests/season/lib.sh: the season stand-in (tests/server/waterdata-season.py)
# in a shell test.  Source it after test-lib.sh; it sources
# tests/server/lib.sh, whose stop_server and log helpers (server_requests,
# server_param, ...) work on this server too (the log has the same shape).
#
#   season_clock INSTANT      sets the stand-in's clock (YYYY-MM-DDTHH:MM:SSZ),
#                             as the test sets SF_NOW
#   start_season [OPTION...]  starts the stand-in with the scenario options
#                             given (it exits after an hour, or when the
#                             shell goes away), waits up to 10 s until it
#                             accepts (up to 30 s on a busy machine), and
#                             exports SERVER_URL, SERVER_LOG, SERVER_PID and
#                             SEASON_CLOCK (the clock file); it is stopped
#                             when the shell that started it exits
#   season_dump [OPTION...]   the service's current truth (--dump)
#   season_history [OPTION...] each day's publication and approval (--history)
#   season_log_count          how many requests the log holds so far

. "$SF_TOP/tests/server/lib.sh"

SEASON_PY=$SF_TOP/tests/server/waterdata-season.py
SEASON_CLOCK=${TRASH:-$PWD}/.season-clock

season_clock() {
	printf '%s\n' "$1" > "$SEASON_CLOCK.tmp" &&
	mv "$SEASON_CLOCK.tmp" "$SEASON_CLOCK"
}

start_season() {
	[ -z "$SERVER_PID" ] || stop_server
	_srv_dir=${TRASH:-$PWD}/.server
	mkdir -p "$_srv_dir" || return 1
	rm -f "$_srv_dir/port"
	: > "$_srv_dir/log"
	[ -f "$SEASON_CLOCK" ] || season_clock "${SF_NOW:-2026-01-01T00:00:00Z}"
	# No 300 s limit as replay.py has: on a busy machine a test can run
	# longer; --watch-parent and the EXIT trap stop it.
	python3 "$SEASON_PY" --control "$SEASON_CLOCK" \
		--port-file "$_srv_dir/port" --log "$_srv_dir/log" \
		--watch-parent --max-seconds 3600 "$@" 2> "$_srv_dir/stderr" &
	SERVER_PID=$!
	_srv_i=0
	while [ ! -s "$_srv_dir/port" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $_srv_i -ge 300 ]
		then
			echo "start_season: the stand-in did not start" >&2
			cat "$_srv_dir/stderr" >&2
			stop_server
			return 1
		fi
		sleep 0.1
		_srv_i=$((_srv_i + 1))
	done
	SERVER_URL=http://127.0.0.1:$(cat "$_srv_dir/port")
	SERVER_LOG=$_srv_dir/log
	export SERVER_URL SERVER_LOG SERVER_PID SEASON_CLOCK
	_srv_cleanup_on_exit
}

season_dump() {
	python3 "$SEASON_PY" --control "$SEASON_CLOCK" --dump "$@"
}

season_history() {
	python3 "$SEASON_PY" --control "$SEASON_CLOCK" --history "$@"
}

season_log_count() {
	wc -l < "$SERVER_LOG" | tr -d ' '
}
