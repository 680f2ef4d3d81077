#!/bin/sh
test_description='sf-config crontab: a generated line runs under env -i'
. "$(dirname "$0")/test-lib.sh"

# The programs go into a directory of their own, with a space and a quote
# in its name, and so does the database: the line must quote both. The
# fetcher is a stand-in that turns each request into three observations;
# sf-progress is the real one when it is built, else a stand-in that
# plans one request per station with sqlite3.
BIN="$(pwd -P)/b i'n"
DATA="$(pwd -P)/da ta's"
mkdir "$BIN" "$DATA"
SF_DB=$DATA/sf.db
cp "$SF_BUILD/bin/sf-config" "$SF_BUILD/bin/sf-load" "$BIN/"
if [ -x "$SF_BUILD/bin/sf-progress" ]; then
	cp "$SF_BUILD/bin/sf-progress" "$BIN/"
else
	cat >"$BIN/sf-progress" <<-\EOF
	#!/bin/sh
	# stand-in: sf-progress --db DB plan NAME
	[ "$1" = --db ] && [ "$3" = plan ] || exit 2
	sqlite3 "$2" "SELECT s.station_number FROM pull_configuration_stations s
	    JOIN pull_configurations c ON c.id = s.config_id
	    WHERE c.name = '$4' AND s.is_enabled ORDER BY 1" |
	while read -r st; do
		printf '{"kind":"request","config":"%s","station":"%s","agency":"USGS","type":"daily_mean","source":null,"start":"1990-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":null}\n' "$4" "$st"
	done
	EOF
fi
cat >"$BIN/sf-fetch-usgs" <<-\EOF
#!/bin/sh
# stand-in fetcher: three daily means for each requested station
sed -n 's/.*"config":"\([^"]*\)".*"station":"\([^"]*\)".*/\1 \2/p' |
while read -r conf st; do
	for d in 01 02 03; do
		printf '{"kind":"obs","config":"%s","station":"%s","agency":"USGS","type":"daily_mean","observed_at":"2024-01-%sT00:00:00Z","discharge":%s,"unit":"cfs","quality_code":"A"}\n' "$conf" "$st" "$d" "1$d"
	done
done
EOF
chmod +x "$BIN"/*

# line NAME: the command of NAME's crontab line, as cron hands it to sh
line() {
	"$BIN/sf-config" crontab "$1" | sed -n 2p | cut -d" " -f6- |
	    sed 's/\\%/%/g'
}

test_expect_success 'setup: a configuration with two stations' '
	"$BIN/sf-config" add potomac --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule "*/15 * * * *" &&
	"$BIN/sf-config" stations potomac add 01646500 01638500
'

test_expect_success 'the line names the copies, by absolute paths' '
	line potomac >cmd &&
	grep -F "/b i" cmd && grep -F "/da ta" cmd &&
	test "$(grep -o "n/sf-load" cmd | wc -l)" = 1
'

test_expect_success 'the line runs under env -i and loads the rows' '
	cmd=$(line potomac) &&
	(cd / && env -i sh -c "$cmd") &&
	sql "SELECT s.station_number, d.observed_at, d.discharge
	    FROM discharge_observations d JOIN stations s ON s.id = d.station_id
	    ORDER BY 1, 2" >out &&
	cat >expect <<-\EOF &&
	01638500|2024-01-01T00:00:00Z|101.0
	01638500|2024-01-02T00:00:00Z|102.0
	01638500|2024-01-03T00:00:00Z|103.0
	01646500|2024-01-01T00:00:00Z|101.0
	01646500|2024-01-02T00:00:00Z|102.0
	01646500|2024-01-03T00:00:00Z|103.0
	EOF
	test_cmp expect out &&
	sql "SELECT station_number, last_successful_pull_date
	    FROM pull_station_progress ORDER BY 1" >out &&
	printf "%s\n" "01638500|2024-01-03T00:00:00Z" \
	    "01646500|2024-01-03T00:00:00Z" >expect &&
	test_cmp expect out &&
	test "$(sql "SELECT status, records_processed FROM data_pull_logs")" = "success|6" &&
	test -f "$DATA/potomac.lock" &&
	test_must_be_empty "$DATA/potomac.log"
'

test_expect_code 1 'a run that finds the lock taken does nothing' '
	sql "DELETE FROM data_pull_logs" &&
	cmd=$(line potomac) &&
	flock "$DATA/potomac.lock" env -i sh -c "$cmd"; rc=$?;
	test "$(sql "SELECT count(*) FROM data_pull_logs")" = 0 &&
	exit $rc
'

test_expect_success 'the stderr of the pipeline goes to the log' '
	"$BIN/sf-config" stations potomac add 01594440 &&
	printf "#!/bin/sh\ncat >/dev/null\necho \"boom\" >&2\n" >"$BIN/sf-fetch-usgs" &&
	cmd=$(line potomac) &&
	env -i sh -c "$cmd" &&
	echo boom >expect && test_cmp expect "$DATA/potomac.log"
'

test_done
