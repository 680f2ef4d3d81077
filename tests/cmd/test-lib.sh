# test-lib.sh: sourced by every tests/cmd/tNNNN-*.sh; prints TAP.
#
#   test_expect_success 'what' 'commands'   the commands exit 0
#   test_expect_failure is not provided: a known breakage is an open issue
#   test_expect_code N 'what' 'commands'    the commands exit N
#   test_cmp expected actual                 files are equal (shows a diff)
#   test_done                                prints the plan; exit status
#
# Each script runs in a fresh temporary directory (removed at the end)
# with TZ, LC_ALL and the clock (SF_NOW) pinned, the programs of the build
# under test first in PATH, and SF_DB pointing into the directory.
#
# A script whose header has the line "# engines: sqlite postgresql" runs
# a second time in tests/run's PostgreSQL pass: SF_TEST_PG then names the
# socket directory of the run's server, and SF_DB is a database of the
# script's own on it (dropped at the end). sql() speaks to either engine.
set -u
SF_TOP=${SF_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SF_BUILD=${SF_BUILD:-$SF_TOP/build/rel}
TEST_DATA=$SF_TOP/tests/data
FIXTURES=$SF_TOP/tests/data/fixtures
PATH=$SF_BUILD/bin:$PATH
TZ=America/New_York
LC_ALL=C
SF_NOW=2026-11-25T12:00:00Z
SF_DB=$PWD/sf.db
export PATH TZ LC_ALL SF_NOW SF_TOP SF_BUILD TEST_DATA
unset SF_USGS_URL SF_EC_URL SF_NWPS_URL API_USGS_PAT XDG_DATA_HOME

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/sf-test.XXXXXX") || exit 1
trap 'cd /; rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 1
HOME=$TRASH
SF_DB=$TRASH/sf.db
if [ -n "${SF_TEST_PG:-}" ]; then
	SF_TEST_PGDB=sft_$(basename "$0" .sh | tr -c 'a-z0-9\n' '_')_$$
	createdb -h "$SF_TEST_PG" -U sf "$SF_TEST_PGDB" || exit 1
	SF_DB="postgresql://sf@/$SF_TEST_PGDB?host=$SF_TEST_PG"
	trap 'cd /; rm -rf "$TRASH"; dropdb -h "$SF_TEST_PG" -U sf -f \
	    "$SF_TEST_PGDB" 2>/dev/null' EXIT
fi
export HOME SF_DB
test_count=0
test_failed=0

test_report_() {
	test_count=$((test_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $test_count - $2"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $2"
		sed 's/^/#   /' "$TRASH/.test-out"
	fi
}

test_expect_success() {
	( eval "$2" ) > "$TRASH/.test-out" 2>&1
	test_report_ $? "$1"
}

test_expect_code() {
	( eval "$3" ) > "$TRASH/.test-out" 2>&1
	rc=$?
	if [ "$rc" -eq "$1" ]; then
		test_report_ 0 "$2"
	else
		echo "exit status $rc, expected $1" >> "$TRASH/.test-out"
		test_report_ 1 "$2"
	fi
}

test_cmp() {
	diff -u "$1" "$2"
}

# sql STATEMENT: runs a query against $SF_DB with the sqlite3 shell, or
# psql in the PostgreSQL pass, which prints as sqlite3 does: columns
# joined by '|', instants as sf writes them (2024-01-01T00:00:00Z). The
# scripts write string literals in double quotes (their bodies are in
# single quotes), which SQLite takes and PostgreSQL reads as names: they
# become single quotes there.
sql() {
	if [ -n "${SF_TEST_PG:-}" ]; then
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$SF_DB" \
		    -c "$(printf '%s' "$1" | tr '"' "'")" > "$TRASH/.sql-out" ||
		    return 1
		sed 's/\([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\) \([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\)\(\.[0-9]*\)\{0,1\}+00/\1T\2Z/g' "$TRASH/.sql-out"
	else
		sqlite3 -batch -bail "$SF_DB" "$@"
	fi
}

# engine: the engine of this run, sqlite or postgresql
engine() {
	if [ -n "${SF_TEST_PG:-}" ]; then echo postgresql; else echo sqlite; fi
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# gen_obs STATIONS PER [CONFIG] [FIRST] [DELTA] [FORMAT]: a stream of
# STATIONS x PER fifteen-minute observations, grouped by station, in
# ascending time from 2024-01-01 plus FIRST steps; DELTA is added to every
# value (to make "changed" data); FORMAT is ndjson (default) or csv.
gen_obs() {
	awk -v ns="$1" -v per="$2" -v conf="${3:-t}" -v first="${4:-0}" \
	    -v delta="${5:-0}" -v fmt="${6:-ndjson}" 'BEGIN {
		base = 1704067200
		if (fmt == "csv")
			print "config,station,agency,type,observed_at,discharge,unit,quality_code"
		for (s = 0; s < ns; s++) {
			st = sprintf("%08d", 1000000 + s)
			for (i = first; i < first + per; i++) {
				t = base + i * 900
				# civil date from epoch seconds (days since 1970)
				d = int(t / 86400); r = t - d * 86400
				z = d + 719468; era = int(z / 146097)
				doe = z - era * 146097
				yoe = int((doe - int(doe/1460) + int(doe/36524) - int(doe/146096)) / 365)
				y = yoe + era * 400; doy = doe - (365*yoe + int(yoe/4) - int(yoe/100))
				mp = int((5*doy + 2)/153); dd = doy - int((153*mp+2)/5) + 1
				mm = mp < 10 ? mp + 3 : mp - 9; if (mm <= 2) y++
				ts = sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mm, dd,
				    int(r/3600), int(r%3600/60), r%60)
				v = (s * 7 + i * 3) % 1000 / 4 + delta
				if (fmt == "csv")
					printf "%s,%s,USGS,realtime_15min,%s,%s,cfs,P\n", conf, st, ts, v
				else
					printf "{\"kind\":\"obs\",\"config\":\"%s\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"realtime_15min\",\"observed_at\":\"%s\",\"discharge\":%s,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n", conf, st, ts, v
			}
		}
	}'
}

# add_config NAME [TYPE]: a pull configuration, as sf-config will make one
add_config() {
	sf-load < /dev/null &&
	sql "INSERT INTO pull_configurations (name, data_type, data_strategy,
	    pull_start_date, schedule_type) VALUES ('$1', '${2:-realtime_15min}',
	    'append', '1900-01-01T00:00:00Z', 'manual')"
}

# err_rec CONFIG STATION MESSAGE: an error record of a USGS realtime request,
# as a fetcher writes one for a failed station
err_rec() {
	printf '{"kind":"error","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","start":"2024-01-01T00:00:00Z","status":503,"message":"%s"}\n' "$@"
}

# dump: the archive's contents that a load decides, one table after another
dump() {
	sql "SELECT * FROM discharge_observations ORDER BY station_id, type, observed_at;
	    SELECT station_number, name, agency FROM stations ORDER BY 1;
	    SELECT series, t, value, qc FROM obs_revisions ORDER BY series, t, id;
	    SELECT c.name, p.station_number, p.last_successful_pull_date,
	        p.consecutive_failures FROM pull_station_progress p
	        JOIN pull_configurations c ON c.id = p.config_id ORDER BY 1, 2;"
}

# fake_crontab: a stand-in for crontab(1), $TRASH/fake/crontab (put
# $TRASH/fake in PATH to find it there), named by SF_CRONTAB (exported):
# "-l" prints ./table (an error when there is none), "-" replaces it and
# adds a line to ./writes
fake_crontab() {
	mkdir -p "$TRASH/fake"
	cat > "$TRASH/fake/crontab" <<-EOF
	#!/bin/sh
	case \$1 in
	-l)	if [ ! -f '$TRASH/table' ]; then
			echo "no crontab for tester" >&2; exit 1
		fi
		cat '$TRASH/table' ;;
	-)	cat > '$TRASH/table' && echo write >> '$TRASH/writes' ;;
	*)	echo "fake-crontab: bad usage" >&2; exit 1 ;;
	esac
	EOF
	chmod +x "$TRASH/fake/crontab"
	SF_CRONTAB=$TRASH/fake/crontab
	export SF_CRONTAB
}

# The version the build passes (config.mk), for -V and User-Agent checks
SF_VERSION=$(sed -n 's/^VERSION = //p' "$SF_TOP/config.mk")

test_must_be_empty() {
	if [ -s "$1" ]; then
		echo "'$1' is not empty:"; cat "$1"; return 1
	fi
}
