#!/bin/sh
# engines: sqlite postgresql
test_description='sf-progress: Smart Append end to end, with a stand-in fetcher'
. "$(dirname "$0")/test-lib.sh"

# The stand-in fetcher: reads request records and, for each, replays the
# observations of the file "data" of the request's station at or after its
# start, under the request's configuration; a station listed in the file
# "fail" gets an error record instead. It logs "station start" of every
# request it sees to requests.log.
cat >fake-fetch <<\EOF
#!/bin/sh
exec awk '
function field(line, name,   m) {
	if (match(line, "\"" name "\":\"[^\"]*\"") == 0)
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub("^\"" name "\":\"", "", m)
	sub("\"$", "", m)
	return m
}
BEGIN {
	while ((getline l < "fail") > 0)
		bad[l] = 1
}
{
	conf = field($0, "config"); st = field($0, "station")
	start = field($0, "start")
	print st, start >> "requests.log"
	if (st in bad) {
		printf "{\"kind\":\"error\",\"config\":\"%s\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"realtime_15min\",\"start\":\"%s\",\"status\":503,\"message\":\"HTTP 503 after 5 attempts\"}\n", conf, st, start
		next
	}
	while ((getline l < "data") > 0)
		if (field(l, "station") == st && field(l, "observed_at") >= start) {
			sub("\"config\":\"[^\"]*\"", "\"config\":\"" conf "\"", l)
			print l
		}
	close("data")
}'
EOF
chmod +x fake-fetch

# pull [NAME]: one run of the crontab pipeline
pull() {
	sf-progress plan "${1:-potomac}" | ./fake-fetch | sf-load
}

# progress: station, last pull and failures of every station, by config
progress() {
	sql "SELECT c.name, p.station_number, p.last_successful_pull_date,
	    p.consecutive_failures FROM pull_station_progress p
	    JOIN pull_configurations c ON c.id = p.config_id ORDER BY 1, 2"
}

# req STATION START [CONFIG]: the request record sf-progress should emit
req() {
	printf '{"kind":"request","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","source":null,"start":"%s","end":null,"modified_since":null,"target_id":null}\n' "${3:-potomac}" "$1" "$2"
}

test_expect_success 'setup: a configuration of two stations and one disabled' '
	sf-load </dev/null &&
	sql "INSERT INTO pull_configurations (name, data_type, data_strategy,
	    pull_start_date, schedule_type, schedule_value, agency,
	    revision_window_days)
	    VALUES (\"potomac\", \"realtime_15min\", \"append\",
	    \"2024-01-01\", \"interval\", \"15m\", \"USGS\", 0);
	    INSERT INTO pull_configuration_stations (config_id, station_number,
	    is_enabled) VALUES (1, \"01000001\", 1), (1, \"01000000\", 1),
	    (1, \"01000009\", 0)" &&
	: >fail
'

test_expect_success 'the first plan starts every enabled station at pull_start_date' '
	sf-progress plan potomac >out 2>err &&
	{ req 01000000 2024-01-01T00:00:00Z &&
	  req 01000001 2024-01-01T00:00:00Z; } >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'the first pull loads everything from the start date' '
	gen_obs 2 8 potomac >data &&
	pull &&
	cat >expect <<-\EOT &&
	01000000 2024-01-01T00:00:00Z
	01000001 2024-01-01T00:00:00Z
	EOT
	test_cmp expect requests.log &&
	progress >out &&
	cat >expect <<-\EOT &&
	potomac|01000000|2024-01-01T01:45:00Z|0
	potomac|01000001|2024-01-01T01:45:00Z|0
	EOT
	test_cmp expect out &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 16
'

test_expect_success 'the second plan starts at the recorded progress' '
	sf-progress plan potomac >out &&
	{ req 01000000 2024-01-01T01:45:00Z &&
	  req 01000001 2024-01-01T01:45:00Z; } >expect &&
	test_cmp expect out
'

test_expect_success 'the second pull fetches only from there: one row of overlap' '
	rm requests.log &&
	gen_obs 2 16 potomac >data &&
	sf-progress plan potomac | ./fake-fetch | sf-load -v 2>err &&
	cat >expect <<-\EOT &&
	01000000 2024-01-01T01:45:00Z
	01000001 2024-01-01T01:45:00Z
	EOT
	test_cmp expect requests.log &&
	echo "sf-load: 16 inserted, 0 updated, 2 unchanged, 0 rejected, 0 error records" >expect &&
	test_cmp expect err &&
	progress >out &&
	cat >expect <<-\EOT &&
	potomac|01000000|2024-01-01T03:45:00Z|0
	potomac|01000001|2024-01-01T03:45:00Z|0
	EOT
	test_cmp expect out
'

test_expect_success 'a failed station does not advance; the others do' '
	gen_obs 2 20 potomac >data &&
	echo 01000001 >fail &&
	pull 2>err; test $? = 1 &&
	progress >out &&
	cat >expect <<-\EOT &&
	potomac|01000000|2024-01-01T04:45:00Z|0
	potomac|01000001|2024-01-01T03:45:00Z|1
	EOT
	test_cmp expect out &&
	sf-progress plan potomac >out &&
	{ req 01000000 2024-01-01T04:45:00Z &&
	  req 01000001 2024-01-01T03:45:00Z; } >expect &&
	test_cmp expect out
'

test_expect_success 'five consecutive failures trip the circuit breaker' '
	for i in 2 3 4; do pull 2>/dev/null; done;
	sf-progress plan potomac >out 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <out)" = 2 &&
	pull 2>/dev/null;
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 5 &&
	sf-progress plan potomac >out 2>err &&
	req 01000000 2024-01-01T04:45:00Z >expect &&
	test_cmp expect out &&
	echo "sf-progress: warning: configuration '\''potomac'\'' station '\''01000001'\'': circuit breaker open after 5 consecutive failures, next probe at 2026-11-25T13:00:00Z (sf-progress reset potomac 01000001 closes it now, keeping progress)" >expect &&
	test_cmp expect err
'

test_expect_success 'a broken station is no longer fetched' '
	rm requests.log &&
	pull &&
	echo "01000000 2024-01-01T04:45:00Z" >expect &&
	test_cmp expect requests.log &&
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 5
'

test_expect_success '--max-failures sets the limit; -q silences the warning' '
	sf-progress plan --max-failures 6 potomac >out 2>err &&
	test "$(wc -l <out)" = 2 && test_must_be_empty err &&
	sf-progress plan -q potomac >out 2>err &&
	test "$(wc -l <out)" = 1 && test_must_be_empty err &&
	sf-progress plan --max-failures 5 potomac 2>err >/dev/null &&
	grep -q "circuit breaker open" err
'

test_expect_success 'reset closes the breaker and keeps progress' '
	sf-progress reset potomac 01000001 &&
	progress >out &&
	cat >expect <<-\EOT &&
	potomac|01000000|2024-01-01T04:45:00Z|0
	potomac|01000001|2024-01-01T03:45:00Z|0
	EOT
	test_cmp expect out &&
	sql "SELECT last_error, last_error_at, updated_at FROM pull_station_progress
	    WHERE station_number = \"01000001\"" >out &&
	echo "|2026-11-25T12:00:00Z|2026-11-25T12:00:00Z" >expect &&
	test_cmp expect out &&
	sf-progress plan potomac >out 2>err &&
	{ req 01000000 2024-01-01T04:45:00Z &&
	  req 01000001 2024-01-01T03:45:00Z; } >expect &&
	test_cmp expect out && test_must_be_empty err
'

test_expect_success 'reset --from-start clears progress: the next plan starts at the start date' '
	sf-progress reset --from-start potomac 01000001 &&
	progress >out &&
	echo "potomac|01000000|2024-01-01T04:45:00Z|0" >expect &&
	test_cmp expect out &&
	sf-progress plan potomac >out &&
	{ req 01000000 2024-01-01T04:45:00Z &&
	  req 01000001 2024-01-01T00:00:00Z; } >expect &&
	test_cmp expect out
'

test_expect_success 'once the station works again it catches up' '
	: >fail &&
	pull &&
	progress >out &&
	cat >expect <<-\EOT &&
	potomac|01000000|2024-01-01T04:45:00Z|0
	potomac|01000001|2024-01-01T04:45:00Z|0
	EOT
	test_cmp expect out &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 40
'

test_expect_success 'an overwrite configuration always starts at the start date' '
	sql "INSERT INTO pull_configurations (name, data_type, data_strategy,
	    pull_start_date, schedule_type, schedule_value, agency)
	    VALUES (\"redo\", \"realtime_15min\", \"overwrite\",
	    \"2024-01-01T01:00:00Z\", \"interval\", \"1h\", \"USGS\");
	    INSERT INTO pull_configuration_stations (config_id, station_number)
	    VALUES (2, \"01000000\")" &&
	rm requests.log &&
	pull redo && pull redo &&
	cat >expect <<-\EOT &&
	01000000 2024-01-01T01:00:00Z
	01000000 2024-01-01T01:00:00Z
	EOT
	test_cmp expect requests.log &&
	progress >out &&
	grep "^redo|01000000|2024-01-01T04:45:00Z|0$" out &&
	sf-progress plan redo >out &&
	req 01000000 2024-01-01T01:00:00Z redo >expect &&
	test_cmp expect out
'

test_expect_success 'full reset of a configuration clears every station' '
	sf-progress reset -v --from-start potomac 2>err &&
	echo "sf-progress: configuration '\''potomac'\'': progress of 2 stations cleared" >expect &&
	test_cmp expect err &&
	progress >out &&
	echo "redo|01000000|2024-01-01T04:45:00Z|0" >expect &&
	test_cmp expect out
'

test_done
