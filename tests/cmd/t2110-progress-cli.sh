#!/bin/sh
# engines: sqlite postgresql
test_description='sf-progress: plan, show and reset one by one; errors and usage'
. "$(dirname "$0")/test-lib.sh"


test_expect_success 'setup: configurations of every kind' '
	sf-load </dev/null &&
	sql "INSERT INTO pull_configurations (id, name, data_type,
	    data_strategy, pull_start_date, schedule_type, schedule_value,
	    agency, source, is_enabled) VALUES
	    (1, \"potomac\", \"realtime_15min\", \"append\", \"1900-01-01\",
	     \"cron\", \"*/15 * * * *\", \"USGS\", NULL, 1),
	    (2, \"fraser\", \"daily_mean\", \"append\",
	     \"1990-06-01T00:00:00Z\", \"interval\", \"1d\", \"EC\", NULL, 1),
	    (3, \"bc-fcst\", \"forecast\", \"append\", \"2026-01-01\",
	     \"interval\", \"1h\", \"EC\", \"NOAA_RFC\", 1),
	    (4, \"old\", \"daily_mean\", \"append\", \"1900-01-01\",
	     \"interval\", \"1d\", \"USGS\", NULL, 0),
	    (5, \"empty\", \"daily_mean\", \"append\", \"1900-01-01\",
	     \"interval\", \"1d\", \"USGS\", NULL, 1),
	    (6, \"nosource\", \"forecast\", \"append\", \"1900-01-01\",
	     \"interval\", \"1d\", \"USGS\", NULL, 1);
	    INSERT INTO pull_configuration_stations (config_id, station_number)
	    VALUES (1, \"01646500\"), (1, \"01638500\"), (2, \"08MF005\"),
	    (3, \"08MF005\"), (4, \"01646500\"), (6, \"01646500\")"
'

test_expect_success 'plan -f csv writes request records as CSV' '
	sf-progress plan -f csv fraser potomac >out &&
	cat >expect <<-\EOT &&
	config,station,agency,type,source,start,end,modified_since,target_id
	fraser,08MF005,EC,daily_mean,,1990-06-01T00:00:00Z,2026-11-25T12:00:00Z,,
	potomac,01638500,USGS,realtime_15min,,1900-01-01T00:00:00Z,2026-11-25T12:00:00Z,,
	potomac,01646500,USGS,realtime_15min,,1900-01-01T00:00:00Z,2026-11-25T12:00:00Z,,
	EOT
	test_cmp expect out
'

test_expect_success 'a forecast configuration plans its source as the type' '
	sf-progress plan bc-fcst >out &&
	echo "{\"kind\":\"request\",\"config\":\"bc-fcst\",\"station\":\"08MF005\",\"agency\":\"EC\",\"type\":\"NOAA_RFC\",\"source\":null,\"start\":\"2026-01-01T00:00:00Z\",\"end\":null,\"modified_since\":null,\"target_id\":null}" >expect &&
	test_cmp expect out
'

test_expect_code 1 'a forecast configuration without a source is an error' '
	sf-progress plan nosource potomac >out 2>err; rc=$?;
	echo "sf-progress: configuration '\''nosource'\'': a forecast configuration without a source" >expect &&
	test_cmp expect err &&
	test "$(wc -l <out)" = 2 &&
	exit $rc
'

test_expect_code 1 'an unknown configuration is an error; the others are still planned' '
	sf-progress plan nosuch fraser >out 2>err; rc=$?;
	echo "sf-progress: configuration '\''nosuch'\'': not defined (see sf-config)" >expect &&
	test_cmp expect err &&
	grep -c "\"config\":\"fraser\"" out &&
	exit $rc
'

test_expect_success 'a disabled configuration, or one without stations, plans nothing' '
	sf-progress plan old empty >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOT &&
	sf-progress: warning: configuration '\''old'\'' is disabled: nothing planned
	sf-progress: warning: configuration '\''empty'\'' has no enabled stations
	EOT
	test_cmp expect err
'

test_expect_success 'setup: progress and failures' '
	SF_NOW=2026-11-25T11:00:00Z &&
	printf "%s\n" "{\"kind\":\"obs\",\"config\":\"potomac\",\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"realtime_15min\",\"observed_at\":\"2026-11-25T10:45:00Z\",\"discharge\":5200,\"unit\":\"cfs\",\"quality_code\":\"P\"}" | sf-load &&
	SF_NOW=2026-11-25T11:15:00Z &&
	err_rec potomac 01638500 "HTTP 503 after 5 attempts" | sf-load;
	SF_NOW=2026-11-25T11:30:00Z &&
	err_rec potomac 01638500 "connection reset, 42 bytes" | sf-load;
	test "$(sql "SELECT count(*) FROM pull_station_progress")" = 2
'

test_expect_success 'show prints an aligned table' '
	sf-progress show >out &&
	cat >expect <<-\EOT &&
	CONFIG    STATION   LAST_PULL             FAILURES  LAST_ATTEMPT          LAST_ERROR_AT         LAST_ERROR
	bc-fcst   08MF005   -                            0  -                     -                     -
	fraser    08MF005   -                            0  -                     -                     -
	nosource  01646500  -                            0  -                     -                     -
	old       01646500  -                            0  -                     -                     -
	potomac   01638500  -                            2  2026-11-25T11:30:00Z  2026-11-25T11:30:00Z  connection reset, 42 bytes
	potomac   01646500  2026-11-25T10:45:00Z         0  2026-11-25T11:00:00Z  -                     -
	EOT
	test_cmp expect out
'

test_expect_success 'show NAME -f csv' '
	sf-progress show -f csv potomac >out &&
	cat >expect <<-\EOT &&
	config,station,last_successful_pull_date,consecutive_failures,last_attempt_at,last_error_at,last_error
	potomac,01638500,,2,2026-11-25T11:30:00Z,2026-11-25T11:30:00Z,"connection reset, 42 bytes"
	potomac,01646500,2026-11-25T10:45:00Z,0,2026-11-25T11:00:00Z,,
	EOT
	test_cmp expect out
'

test_expect_success 'show NAME -f ndjson' '
	sf-progress show --format ndjson potomac >out &&
	cat >expect <<-\EOT &&
	{"kind":"progress","config":"potomac","station":"01638500","last_successful_pull_date":null,"consecutive_failures":2,"last_attempt_at":"2026-11-25T11:30:00Z","last_error_at":"2026-11-25T11:30:00Z","last_error":"connection reset, 42 bytes"}
	{"kind":"progress","config":"potomac","station":"01646500","last_successful_pull_date":"2026-11-25T10:45:00Z","consecutive_failures":0,"last_attempt_at":"2026-11-25T11:00:00Z","last_error_at":null,"last_error":null}
	EOT
	test_cmp expect out
'

test_expect_success 'show lists progress of a station no longer configured' '
	sql "DELETE FROM pull_configuration_stations
	    WHERE config_id = 1 AND station_number = \"01646500\"" &&
	sf-progress show -f csv potomac >out &&
	grep "^potomac,01646500,2026-11-25T10:45:00Z," out &&
	sql "INSERT INTO pull_configuration_stations (config_id, station_number)
	    VALUES (1, \"01646500\")"
'

test_expect_success 'show of a configuration without stations prints nothing' '
	sf-progress show empty >out && test_must_be_empty out &&
	sf-progress show -f csv empty >out && test_must_be_empty out
'

test_expect_code 1 'show of an unknown configuration is an error' '
	sf-progress show nosuch 2>err; rc=$?;
	echo "sf-progress: configuration '\''nosuch'\'': not defined (see sf-config)" >expect &&
	test_cmp expect err && exit $rc
'

test_expect_success 'reset -v says what it did, station by station' '
	SF_NOW=2026-11-25T12:30:00Z sf-progress reset -v --failures-only potomac 01638500 01646500 2>err &&
	cat >expect <<-\EOT &&
	sf-progress: configuration '\''potomac'\'' station '\''01638500'\'': failures cleared
	sf-progress: configuration '\''potomac'\'' station '\''01646500'\'': nothing to clear
	EOT
	test_cmp expect err &&
	sql "SELECT station_number, consecutive_failures, last_error,
	    last_error_at, updated_at FROM pull_station_progress
	    ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	01638500|0||2026-11-25T11:30:00Z|2026-11-25T12:30:00Z
	01646500|0|||2026-11-25T11:00:00Z
	EOT
	test_cmp expect out
'

test_expect_success 'reset is quiet without -v' '
	sf-progress reset --from-start potomac 01638500 2>err &&
	test_must_be_empty err &&
	test "$(sql "SELECT count(*) FROM pull_station_progress
	    WHERE station_number = \"01638500\"")" = 0
'

test_expect_code 1 'reset of a station not in the configuration is an error' '
	sf-progress reset potomac 09999999 01646500 2>err; rc=$?;
	echo "sf-progress: configuration '\''potomac'\'' station '\''09999999'\'': not a station of the configuration" >expect &&
	test_cmp expect err &&
	test "$(sql "SELECT count(*) FROM pull_station_progress")" = 0 &&
	exit $rc
'

test_expect_code 1 'reset of an unknown configuration is an error' '
	sf-progress reset nosuch
'

test_expect_code 1 'a database that does not exist is an error, and is not created' '
	sf-progress --db none.db plan potomac 2>err; rc=$?;
	grep "^sf-progress: database '\''none.db'\'': cannot open" err &&
	test ! -e none.db &&
	exit $rc
'

for args in '' 'frobnicate' 'plan' 'reset' 'plan -f table potomac' \
    'plan --failures-only potomac' 'show --max-failures 3' \
    'reset -f csv potomac' 'show a b' 'plan --max-failures 0 potomac' \
    'plan -x potomac'
do
	test_expect_code 2 "usage error: sf-progress $args" "
		sf-progress $args >out 2>err; rc=\$?;
		test_must_be_empty out &&
		tail -n 1 err | grep -x \"sf-progress: try 'sf-progress --help'\" &&
		exit \$rc
	"
done

test_expect_code 2 'a bad SF_NOW is a usage error' '
	SF_NOW=yesterday sf-progress plan potomac
'

test_expect_success '--help and --version' '
	sf-progress --help >out && grep "^usage: sf-progress plan" out &&
	sf-progress --version >out && grep "^sf-progress [0-9]" out
'

test_done
