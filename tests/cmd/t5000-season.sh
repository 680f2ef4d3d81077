#!/bin/sh
# engines: sqlite postgresql
test_description='a season unattended: revisions arrive, outages heal, dead gauges are named'
# SF_BUILD may be relative to where the test was started (tests/run makes
# it absolute; "SF_BUILD=build/san sh tests/cmd/t5000-season.sh" too)
case ${SF_BUILD:-} in
''|/*) ;;
*) SF_BUILD=$(pwd)/$SF_BUILD ;;
esac
. "$(dirname "$0")/../cmd/test-lib.sh"
. "$SF_TOP/tests/season/lib.sh"

# Issue 9, item 9.  A daily_mean append configuration of four USGS
# stations runs once per simulated day, for $DAYS days, through the line
# `sf-config crontab --install` put in the (fake) crontab, under env -i as
# cron runs it, against tests/server/waterdata-season.py: a Water Data API
# that publishes provisional values, approves them with other numbers
# weeks later (new last_modified), is down for $OUTAGE_RUNS runs and has a
# gauge that stops reporting.  See tests/season/README.
#
# SEASON_BREAK=revisions|breaker|staleness runs the same season with one
# feature taken away (a patched plan, or the staleness allowance made
# huge); the checks that feature serves must then fail.

STATIONS="01646500 01638500 01594440 03049500"
LIVE="01646500 01638500 03049500"
DEAD=01594440
DEAD_LAST=2026-05-01		# the dead gauge's last day with a value
PULL_START=2026-01-01		# the configuration's start; the data's first day
FIRST_RUN=2026-03-01		# the first simulated day
DAYS=${SEASON_DAYS:-91}
OUTAGE=${SEASON_OUTAGE:-2026-04-01/2026-04-06}
OUTAGE_FROM=${OUTAGE%/*}	# every request gets 503 on these days ...
OUTAGE_TO=${OUTAGE#*/}		# ... inclusive: 6 runs, one more than the limit
RUN_AT=12:00:00			# cron runs the line at 12:00 UTC ("0 12 * * *")
FIRST_BOUND=8			# requests of the first run (the history, paged) ...
RUN_BOUND=4			# ... of any other run outside the outage ...
OUTAGE_BOUND=10			# ... and of one in it (5 attempts of 2 requests)
KEY=season-key-6f1c9d2e
BREAK=${SEASON_BREAK:-}
STRATEGY=${SEASON_STRATEGY:-append}	# overwrite: the brute-force baseline

case $BREAK in
''|revisions|breaker|staleness) ;;
*) echo "SEASON_BREAK: revisions, breaker or staleness, not '$BREAK'" >&2
   exit 2 ;;
esac

DIR=$(pwd -P)
# the PostgreSQL pass keeps the database test-lib.sh made on its server
[ -n "${SF_TEST_PG:-}" ] || SF_DB=$DIR/sf.db
HOME=$DIR
export SF_DB HOME
# where the crontab lines log: beside a SQLite archive; for PostgreSQL in
# the default database's directory (sf-config(1))
LOGS="$DIR/*.log $DIR/.local/share/sf/*.log"
# an instant's day, and a value with one decimal, in either engine's SQL
day() { echo "substr(CAST($1 AS text), 1, 10)"; }
if [ "$(engine)" = postgresql ]; then
	dec() { echo "to_char($1, 'FM9999999990.0')"; }
else
	dec() { echo "printf('%.1f', $1)"; }
fi

# The programs cron runs are copies in a directory of their own (so a
# patched sf-progress can stand in for the real one, see SEASON_BREAK).
BIN=$DIR/bin
mkdir "$BIN"
for p in sf-config sf-progress sf-fetch-usgs sf-load sf-status; do
	cp "$SF_BUILD/bin/$p" "$BIN/" || exit 1
done
case $BREAK in
revisions)
	# the plan without the revision pass: drop modified_since requests
	mv "$BIN/sf-progress" "$BIN/sf-progress.real"
	cat >"$BIN/sf-progress" <<-EOF
	#!/bin/sh
	'$BIN/sf-progress.real' "\$@" | grep -v '"modified_since":"'
	EOF
	;;
breaker)
	# the plan as before the half-open breaker: a station at the limit
	# gets no request at all, ever
	mv "$BIN/sf-progress" "$BIN/sf-progress.real"
	cat >"$BIN/sf-progress" <<-EOF
	#!/bin/sh
	open=\$(sqlite3 '$SF_DB' "SELECT station_number FROM pull_station_progress
	    WHERE consecutive_failures >= 5" | tr '\n' '|')
	'$BIN/sf-progress.real' "\$@" |
	if [ -n "\$open" ]; then
		grep -Ev "\"station\":\"(\${open%|})\""
	else
		cat
	fi
	EOF
	;;
esac
chmod +x "$BIN"/*

# A stand-in for crontab(1), found in PATH and named by SF_CRONTAB: the
# table lives in ./table.
fake_crontab
PATH=$BIN:$TRASH/fake:$PATH
CRON_PATH=$BIN:/usr/bin:/bin
export PATH CRON_PATH

# The key, where cron's bare environment finds it (DESIGN.md).
mkdir -p "$HOME/.config/sf"
(umask 077 && printf '%s\n' "$KEY" >"$HOME/.config/sf/usgs.key")

start_season --first-day $PULL_START --approve-lag 30 --approve-every 14 \
	--outage $OUTAGE_FROM/$OUTAGE_TO --dead $DEAD@$DEAD_LAST \
	--max-limit 100

# The simulated days, one a line: "N DATE"
python3 -c '
import datetime as dt, sys
d = dt.date.fromisoformat(sys.argv[1])
for i in range(int(sys.argv[2])):
    print(i + 1, d + dt.timedelta(days=i))
' $FIRST_RUN $DAYS >days
LAST_DAY=$(tail -n 1 days | cut -d" " -f2)
FINAL_NOW=${LAST_DAY}T$RUN_AT

# day_plus DATE N: the date N days after DATE
day_plus() {
	python3 -c 'import datetime as dt, sys
print(dt.date.fromisoformat(sys.argv[1]) + dt.timedelta(days=int(sys.argv[2])))' "$1" "$2"
}

in_outage() {
	! [ "$1" \< $OUTAGE_FROM ] && ! [ "$1" \> $OUTAGE_TO ]
}

test_expect_success 'setup: a daily_mean append configuration of four stations' '
	sf-config add season --type daily_mean --agency USGS \
	    --start $PULL_START --schedule "0 12 * * *" --strategy $STRATEGY &&
	sf-config stations season add $STATIONS &&
	if test "$BREAK" = staleness; then
		sql "UPDATE pull_configurations SET stale_after_seconds = 315360000"
	fi
'

test_expect_success 'install: the crontab holds the printed lines, foreign lines kept' '
	printf "%s\n" "MAILTO=someone" "30 2 * * * /usr/local/bin/backup" >table &&
	sf-config crontab >printed &&
	sf-config crontab --install &&
	grep -Fx "30 2 * * * /usr/local/bin/backup" table &&
	grep -Fx MAILTO=someone table &&
	grep -v "^#" printed | grep . >lines &&
	test -s lines &&
	while IFS= read -r l; do
		grep -Fxq -e "$l" table || { echo "not installed: $l"; exit 1; }
	done <lines &&
	python3 "$SF_TOP/tests/season/cronjob.py" table "plan season" \
	    --schedule schedule --pass SF_NOW --pass SF_USGS_URL >job.sh &&
	echo "0 12 * * *" >expect && test_cmp expect schedule &&
	grep -c "env -i" job.sh >n && echo 1 >expect && test_cmp expect n &&
	grep -F "$SF_DB" job.sh >/dev/null &&
	! grep -F "$KEY" table
'

# The season: one run a day at 12:00 UTC, as cron would start it, then
# sf-status --check as a monitor would.  runs: "N DATE EXIT REQUESTS";
# checks: "N DATE EXIT"; progress: "N DATE FAILING".
: >runs
: >checks
: >progress
if [ -s job.sh ]; then
	while read -r n day; do
		now=${day}T$RUN_AT
		season_clock "$now"
		before=$(season_log_count)
		SF_NOW=$now SF_USGS_URL=$SERVER_URL timeout 120 sh job.sh
		rc=$?
		echo "$n $day $rc $(($(season_log_count) - before))" >>runs
		SF_NOW=$now sf-status --check >check.$n 2>&1
		echo "$n $day $?" >>checks
		echo "$n $day $(sql "SELECT count(*) FROM pull_station_progress
		    WHERE consecutive_failures > 0")" >>progress
	done <days
fi

while read -r n day rc k; do
	echo "# run $n ($day): $k requests${rc#0}"
done <runs | sed 's/requests\([1-9][0-9]*\)$/requests, exit \1/'

test_expect_success "the season ran: $DAYS runs, the outage answered 503" '
	test "$(wc -l <runs)" = $DAYS &&
	test "$DAYS" -ge 90 &&
	python3 - "$SERVER_LOG" $OUTAGE_FROM $OUTAGE_TO <<-\EOF
	import json, sys
	log = [json.loads(l) for l in open(sys.argv[1])]
	down = {r["now"][:10] for r in log if r["reply"] == 503}
	assert sys.argv[2] in down, sorted(down)
	assert all(sys.argv[2] <= d <= sys.argv[3] for d in down), sorted(down)
	assert all(r["reply"] in (200, 503) for r in log), \
	    [r for r in log if r["reply"] not in (200, 503)][:3]
	EOF
'

test_expect_success 'every run outside the outage exits 0; no sanitizer report' '
	while read -r n day rc k; do
		in_outage $day || test $rc = 0 || { echo "run $n ($day): exit $rc"; exit 1; }
	done <runs &&
	logs= && for f in $LOGS; do [ ! -f "$f" ] || logs="$logs $f"; done &&
	test -n "$logs" &&
	if grep -E "Sanitizer|runtime error" $logs; then false; fi
'

test_expect_success 'the archive holds exactly the service'"'"'s current values' '
	season_clock $FINAL_NOW &&
	season_dump --first-day $PULL_START --dead $DEAD@$DEAD_LAST | sort >expect &&
	sql "SELECT s.station_number, $(day d.observed_at),
	        $(dec d.discharge), substr(d.quality_code, 1, 1)
	    FROM discharge_observations d JOIN stations s ON s.id = d.station_id
	    ORDER BY 1, 2" | sort >actual &&
	test -s expect &&
	test_cmp expect actual
'

test_expect_success 'the replaced provisional values are in the revision history' '
	season_clock $FINAL_NOW &&
	season_history --first-day $PULL_START --dead $DEAD@$DEAD_LAST >history &&
	# a provisional value the archive saw: published before a run that
	# succeeded (outside the outage) and approved after it, by the end
	while read -r n day rc k; do
		in_outage $day || echo "${day}T$RUN_AT"
	done <runs >ok-runs &&
	python3 - history ok-runs <<-\EOF | sort >expect &&
	import sys
	runs = sorted(l.strip() for l in open(sys.argv[2]))
	for line in open(sys.argv[1]):
	    st, day, prov, pub, appr, at = line.rstrip("\n").split("|")
	    if at and any(pub <= r < at for r in runs):
	        print("%s|%s|%s" % (st, day, prov))
	EOF
	sql "SELECT s.station_number, $(day r.observed_at),
	        $(dec r.discharge)
	    FROM discharge_observation_revisions r
	    JOIN stations s ON s.id = r.station_id ORDER BY 1, 2" | sort >actual &&
	test "$(wc -l <expect)" -ge 100 &&
	test_cmp expect actual
'

# The run after the outage is the half-open breaker's probe: one request
# for the data (DESIGN.md), so the revision pass comes back a run later.
test_expect_success 'every run after the first asked what changed (last_modified)' '
	python3 - "$SERVER_LOG" "$FIRST_RUN" "$(day_plus $OUTAGE_TO 1)" <<-\EOF
	import json, sys
	runs = {}
	for line in open(sys.argv[1]):
	    r = json.loads(line)
	    if r["reply"] == 200:
	        runs.setdefault(r["now"], []).append("last_modified" in r["params"])
	probe = runs.get(sys.argv[3] + "T12:00:00Z", [])
	assert probe == [False], "the probe run asked %s" % probe
	missing = [t for t, lm in sorted(runs.items())
	           if t[:10] > sys.argv[2] and t[:10] != sys.argv[3]
	           and not any(lm)]
	assert not missing, "no last_modified request on %s" % missing[:5]
	EOF
'

test_expect_success 'the outage healed without a manual command' '
	healed=$(day_plus $OUTAGE_TO 2) &&
	while read -r n day failing; do
		if ! [ "$day" \< "$healed" ] && [ "$failing" != 0 ]; then
			echo "run $n ($day): $failing stations still failing"; exit 1
		fi
	done <progress &&
	sql "SELECT p.station_number, p.consecutive_failures,
	        $(day p.last_successful_pull_date)
	    FROM pull_station_progress p ORDER BY 1" >actual &&
	live_newest=$(day_plus $LAST_DAY -1) &&
	for s in $STATIONS; do
		if [ $s = $DEAD ]; then
			echo "$s|0|$DEAD_LAST"
		else
			echo "$s|0|$live_newest"
		fi
	done | sort >expect &&
	test_cmp expect actual &&
	test "$(sql "SELECT count(*) FROM data_pull_logs
	    WHERE status <> '"'"'success'"'"'")" -ge 5 &&
	# the breaker half-opened: a probe on each day of the outage after
	# the limit was reached (the cool-down is at most a day)
	python3 - "$SERVER_LOG" $OUTAGE_FROM $OUTAGE_TO <<-\EOF
	import datetime as dt, json, sys
	down = {json.loads(l)["now"][:10] for l in open(sys.argv[1])
	        if json.loads(l)["reply"] == 503}
	d, end = dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
	want = set()
	while d <= end:
	    want.add(str(d))
	    d += dt.timedelta(days=1)
	assert down == want, "503 answered on %s, not on every day of %s" % (
	    sorted(down), sorted(want))
	EOF
'

test_expect_success 'the dead gauge was reported by sf-status --check within 7 days' '
	first=
	while read -r n day rc; do
		[ "$day" \> $DEAD_LAST ] || continue
		if [ $rc != 0 ] && grep -i stale check.$n | grep -q "$DEAD"; then
			first=$day; break
		fi
	done <checks
	echo "first reported on ${first:-no day}" &&
	test -n "$first" &&
	! [ "$first" \> "$(day_plus $DEAD_LAST 7)" ] &&
	[ "$first" \> "$(day_plus $DEAD_LAST 1)" ] &&
	n=$(grep " $LAST_DAY " checks | cut -d" " -f1) &&
	grep -i stale check.$n | grep "$DEAD" &&
	for s in $LIVE; do
		if grep -i stale check.$n | grep "$s"; then exit 1; fi
	done
'

test_expect_success 'sf-status --check passes while everything is well' '
	healed=$(day_plus $OUTAGE_TO 2) && stale=$(day_plus $DEAD_LAST 2) &&
	while read -r n day rc; do
		if [ "$day" \< $OUTAGE_FROM ] ||
		    { ! [ "$day" \< "$healed" ] && [ "$day" \< "$stale" ]; }; then
			[ $rc = 0 ] || { echo "run $n ($day):"; cat check.$n; exit 1; }
		fi
	done <checks
'

test_expect_success "requests per run stay small (<= $RUN_BOUND; first $FIRST_BOUND, outage $OUTAGE_BOUND)" '
	while read -r n day rc k; do
		bound=$RUN_BOUND
		[ $n != 1 ] || bound=$FIRST_BOUND
		! in_outage $day || bound=$OUTAGE_BOUND
		[ "$k" -le $bound ] || { echo "run $n ($day): $k requests"; exit 1; }
	done <runs &&
	total=$(awk "{ t += \$4 } END { print t }" runs) &&
	echo "$total requests in $DAYS runs" &&
	test "$total" -le $((3 * DAYS))
'

test_expect_success 'the key reached every request from the key file, and nowhere else' '
	server_header X-Api-Key | sort -u >keys &&
	echo "$KEY" >expect && test_cmp expect keys &&
	! grep -rlF "$KEY" $LOGS table job.sh 2>/dev/null &&
	if [ "$(engine)" = postgresql ]; then
		pg_dump -d "$SF_DB" >dump
	else
		sqlite3 "$SF_DB" .dump >dump
	fi &&
	test -s dump && ! grep -F "$KEY" dump
'

test_done
