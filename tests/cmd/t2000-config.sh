#!/bin/sh
# engines: sqlite postgresql
test_description='sf-config: add, set, show, list, rm, enable, disable'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'add writes a configuration' '
	sf-config add potomac --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule "0  6 * * *" \
	    --description "Potomac, near DC" >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	sql "SELECT name, description, data_type, data_strategy,
	    pull_start_date, is_enabled, schedule_type, schedule_value,
	    last_run_at, next_run_at, created_at, updated_at, agency, source
	    FROM pull_configurations" >out &&
	echo "potomac|Potomac, near DC|daily_mean|append|1990-01-01T00:00:00Z|1|cron|0 6 * * *||2026-11-26T06:00:00Z|2026-11-25T12:00:00Z|2026-11-25T12:00:00Z|USGS|" >expect &&
	test_cmp expect out
'

test_expect_success 'add: intervals, forecasts, strategies; values in any case' '
	sf-config add fraser --type realtime_15min --agency ec \
	    --start 2024-06-01T06:30:00Z --schedule 15m --strategy OVERWRITE &&
	sf-config add fcst --type forecast --agency USGS --start 2024-01-01 \
	    --schedule 1h --source nwm_short_range &&
	sql "SELECT name, data_type, data_strategy, pull_start_date,
	    schedule_type, schedule_value, next_run_at, agency, source
	    FROM pull_configurations WHERE name <> \"potomac\" ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	fcst|forecast|append|2024-01-01T00:00:00Z|interval|1h|2026-11-25T13:00:00Z|USGS|NWM_SHORT_RANGE
	fraser|realtime_15min|overwrite|2024-06-01T06:30:00Z|interval|15m|2026-11-25T12:15:00Z|EC|
	EOT
	test_cmp expect out
'

test_expect_success 'show prints key: value lines' '
	sf-config show potomac >out &&
	cat >expect <<-\EOT &&
	name: potomac
	description: Potomac, near DC
	type: daily_mean
	strategy: append
	agency: USGS
	source: 
	start: 1990-01-01T00:00:00Z
	schedule_type: cron
	schedule: 0 6 * * *
	enabled: true
	stations: 0
	last_run_at: 
	next_run_at: 2026-11-26T06:00:00Z
	created_at: 2026-11-25T12:00:00Z
	updated_at: 2026-11-25T12:00:00Z
	revision_window_days: 
	stale_after_seconds: 
	EOT
	test_cmp expect out
'

test_expect_success 'list prints a table ordered by name' '
	sf-config list >out &&
	cat >expect <<-\EOT &&
	NAME     TYPE            AGENCY  SOURCE           SCHEDULE   ENABLED  STATIONS  NEXT_RUN
	fcst     forecast        USGS    NWM_SHORT_RANGE  1h         true            0  2026-11-25T13:00:00Z
	fraser   realtime_15min  EC      -                15m        true            0  2026-11-25T12:15:00Z
	potomac  daily_mean      USGS    -                0 6 * * *  true            0  2026-11-26T06:00:00Z
	EOT
	test_cmp expect out
'

test_expect_success 'list -f csv and -f ndjson carry every field' '
	sf-config list -f csv >out &&
	cat >expect <<-\EOT &&
	name,description,type,strategy,agency,source,start,schedule_type,schedule,enabled,stations,last_run_at,next_run_at,created_at,updated_at,revision_window_days,stale_after_seconds
	fcst,,forecast,append,USGS,NWM_SHORT_RANGE,2024-01-01T00:00:00Z,interval,1h,true,0,,2026-11-25T13:00:00Z,2026-11-25T12:00:00Z,2026-11-25T12:00:00Z,,
	fraser,,realtime_15min,overwrite,EC,,2024-06-01T06:30:00Z,interval,15m,true,0,,2026-11-25T12:15:00Z,2026-11-25T12:00:00Z,2026-11-25T12:00:00Z,,
	potomac,"Potomac, near DC",daily_mean,append,USGS,,1990-01-01T00:00:00Z,cron,0 6 * * *,true,0,,2026-11-26T06:00:00Z,2026-11-25T12:00:00Z,2026-11-25T12:00:00Z,,
	EOT
	test_cmp expect out &&
	sf-config show -f ndjson potomac >out &&
	cat >expect <<-\EOT &&
	{"kind":"config","name":"potomac","description":"Potomac, near DC","type":"daily_mean","strategy":"append","agency":"USGS","source":null,"start":"1990-01-01T00:00:00Z","schedule_type":"cron","schedule":"0 6 * * *","enabled":true,"stations":0,"last_run_at":null,"next_run_at":"2026-11-26T06:00:00Z","created_at":"2026-11-25T12:00:00Z","updated_at":"2026-11-25T12:00:00Z","revision_window_days":null,"stale_after_seconds":null}
	EOT
	test_cmp expect out &&
	test "$(sf-config list -f ndjson | wc -l)" = 3
'

test_expect_success 'an empty list prints nothing' '
	sf-config --db empty.db add x --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d &&
	sf-config --db empty.db rm x &&
	sf-config --db empty.db list >out &&
	test_must_be_empty out
'

for c in list "show potomac" "stations potomac list" crontab \
    "set potomac --schedule 1d" "rm potomac" "enable potomac" \
    "stations potomac add 01646500"; do
	test_expect_code 1 "$c: a missing database is an error, not created" "
		sf-config --db typo.db $c >out 2>err; rc=\$?;
		echo \"sf-config: database 'typo.db': cannot open (does it exist?)\" >expect &&
		{ test_cmp expect err && test_must_be_empty out &&
		    test ! -e typo.db; } || exit 3
		exit \$rc
	"
done

test_expect_success 'set changes the fields given, updated_at and next_run_at' '
	SF_NOW=2026-11-26T07:00:00Z sf-config set potomac \
	    --schedule "*/30 * * * *" --strategy overwrite --description "" &&
	sql "SELECT description, data_strategy, pull_start_date,
	    schedule_type, schedule_value, next_run_at, created_at, updated_at
	    FROM pull_configurations WHERE name = \"potomac\"" >out &&
	echo "|overwrite|1990-01-01T00:00:00Z|cron|*/30 * * * *|2026-11-26T07:30:00Z|2026-11-25T12:00:00Z|2026-11-26T07:00:00Z" >expect &&
	test_cmp expect out &&
	sf-config set potomac --schedule 1d --start 1980-01-01 &&
	sql "SELECT pull_start_date, schedule_type, schedule_value, next_run_at
	    FROM pull_configurations WHERE name = \"potomac\"" >out &&
	echo "1980-01-01T00:00:00Z|interval|1d|2026-11-26T00:00:00Z" >expect &&
	test_cmp expect out
'

test_expect_success 'set: an observation type drops the source' '
	sf-config set fcst --type daily_mean &&
	sql "SELECT data_type, source FROM pull_configurations
	    WHERE name = \"fcst\"" >out &&
	echo "daily_mean|" >expect && test_cmp expect out
'

test_expect_code 2 'set: forecast without a source is refused' '
	sf-config set fcst --type forecast 2>err; rc=$?;
	echo "sf-config: configuration '\''fcst'\'': a forecast configuration needs --source" >expect &&
	head -1 err >err1 && test_cmp expect err1 &&
	test "$(sql "SELECT data_type FROM pull_configurations
	    WHERE name = \"fcst\"")" = daily_mean &&
	exit $rc
'

test_expect_code 2 'set: --source on an observation configuration is refused' '
	sf-config set fcst --source NOAA_RFC 2>err; rc=$?;
	grep "^sf-config: configuration .fcst.: --source is only for forecast configurations$" err &&
	exit $rc
'

test_expect_success 'set: back to a forecast with a source' '
	sf-config set fcst --type forecast --source NOAA_RFC &&
	sql "SELECT data_type, source FROM pull_configurations
	    WHERE name = \"fcst\"" >out &&
	echo "forecast|NOAA_RFC" >expect && test_cmp expect out
'

test_expect_success 'disable clears next_run_at, enable computes it again' '
	SF_NOW=2026-11-25T12:10:00Z sf-config disable fraser fcst &&
	sql "SELECT name, is_enabled, next_run_at, updated_at
	    FROM pull_configurations WHERE name <> \"potomac\" ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	fcst|0||2026-11-25T12:10:00Z
	fraser|0||2026-11-25T12:10:00Z
	EOT
	test_cmp expect out &&
	test "$(sf-config show fraser | grep ^enabled)" = "enabled: false" &&
	SF_NOW=2026-11-25T12:20:00Z sf-config enable fraser &&
	sql "SELECT is_enabled, next_run_at FROM pull_configurations
	    WHERE name = \"fraser\"" >out &&
	echo "1|2026-11-25T12:30:00Z" >expect && test_cmp expect out
'

test_expect_success 'set on a disabled configuration leaves next_run_at empty' '
	sf-config set fcst --schedule 2h &&
	test "$(sql "SELECT is_enabled || \",\" ||
	    CASE WHEN next_run_at IS NULL THEN \"-\" ELSE \"set\" END
	    FROM pull_configurations WHERE name = \"fcst\"")" = "0,-"
'

test_expect_success 'rm removes a configuration with its stations, progress and logs' '
	sf-config stations fraser add 08MF005 05BH004 &&
	printf "%s\n" "{\"kind\":\"obs\",\"config\":\"fraser\",\"station\":\"08MF005\",\"agency\":\"EC\",\"type\":\"realtime_15min\",\"observed_at\":\"2024-06-01T00:00:00Z\",\"discharge\":4210,\"unit\":\"cms\",\"quality_code\":\"P\"}" |
	    sf-load &&
	test "$(sql "SELECT count(*) FROM pull_station_progress")" = 1 &&
	test "$(sql "SELECT count(*) FROM data_pull_logs")" = 1 &&
	sf-config rm fraser &&
	sql "SELECT count(*) FROM pull_configurations WHERE name = \"fraser\";
	    SELECT count(*) FROM pull_configuration_stations;
	    SELECT count(*) FROM pull_station_progress;
	    SELECT count(*) FROM data_pull_logs;
	    SELECT count(*) FROM discharge_observations" >out &&
	printf "0\n0\n0\n0\n1\n" >expect &&
	test_cmp expect out
'

test_expect_code 1 'duplicate names are refused' '
	sf-config add potomac --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule 1d 2>err; rc=$?;
	echo "sf-config: configuration '\''potomac'\'': already defined" >expect &&
	test_cmp expect err &&
	test "$(sql "SELECT schedule_value FROM pull_configurations
	    WHERE name = \"potomac\"")" = 1d &&
	exit $rc
'

test_expect_code 1 'unknown configurations are reported; the others go on' '
	sf-config disable nosuch potomac 2>err; rc=$?;
	echo "sf-config: configuration '\''nosuch'\'': not defined" >expect &&
	test_cmp expect err &&
	test "$(sql "SELECT is_enabled FROM pull_configurations
	    WHERE name = \"potomac\"")" = 0 &&
	exit $rc
'

for c in "show nosuch" "set nosuch --type daily_mean" "rm nosuch" \
    "enable nosuch" "stations nosuch list" "stations nosuch add 01646500" \
    "crontab nosuch"; do
	test_expect_code 1 "unknown configuration: $c" "
		sf-config $c >out 2>err; rc=\$?;
		echo \"sf-config: configuration 'nosuch': not defined\" >expect &&
		test_cmp expect err && test_must_be_empty out &&
		exit \$rc
	"
done

# bad_add REASON ARGS...: add with ARGS exits 2 with REASON, adding nothing
bad_add() {
	reason=$1; shift
	sf-config add "$@" >out 2>err; rc=$?
	printf "%s\n%s\n" "sf-config: $reason" \
	    "sf-config: try 'sf-config --help'" >expect
	test_cmp expect err && test_must_be_empty out &&
	test "$(sql "SELECT count(*) FROM pull_configurations
	    WHERE name = \"new\"")" = 0 &&
	return $rc
}

ok="--type daily_mean --agency USGS --start 2000-01-01"
test_expect_code 2 'a bad cron schedule is refused with the reason' "
	bad_add \"schedule '61 * * * *': minute 61 out of range (0-59)\" \
	    new $ok --schedule '61 * * * *'
"
test_expect_code 2 'a cron schedule with 4 fields is refused' "
	bad_add \"schedule '* * * *': 4 fields, not 5 (minute, hour, day of month, month, day of week)\" \
	    new $ok --schedule '* * * *'
"
test_expect_code 2 'a bad interval is refused' "
	bad_add \"schedule '15s': interval unit 's' is not m, h or d\" \
	    new $ok --schedule 15s
"
test_expect_code 2 'a schedule that never runs is refused' "
	bad_add \"schedule '0 0 30 2 *': never runs\" \
	    new $ok --schedule '0 0 30 2 *'
"
test_expect_code 2 'a bad type is refused' "
	bad_add \"--type 'hourly': not daily_mean, realtime_15min or forecast\" \
	    new --type hourly --agency USGS --start 2000-01-01 --schedule 1d
"
test_expect_code 2 'a bad agency is refused' "
	bad_add \"--agency 'NOAA': not USGS or EC\" \
	    new --type daily_mean --agency NOAA --start 2000-01-01 --schedule 1d
"
test_expect_code 2 'a bad strategy is refused' "
	bad_add \"--strategy 'merge': not append or overwrite\" \
	    new $ok --schedule 1d --strategy merge
"
test_expect_code 2 'a bad source is refused' "
	bad_add \"--source 'NWM': not NOAA_RFC, NWM_SHORT_RANGE, NWM_MEDIUM_RANGE or NWM_LONG_RANGE\" \
	    new --type forecast --agency USGS --start 2000-01-01 --schedule 1d --source NWM
"
test_expect_code 2 'a bad start date is refused' "
	bad_add \"--start: time '2000-02-30': day out of range\" \
	    new --type daily_mean --agency USGS --start 2000-02-30 --schedule 1d
"
test_expect_code 2 'a forecast needs a source' "
	bad_add 'add: a forecast configuration needs --source' \
	    new --type forecast --agency USGS --start 2000-01-01 --schedule 1d
"
test_expect_code 2 'only a forecast takes a source' "
	bad_add 'add: --source is only for forecast configurations' \
	    new $ok --schedule 1d --source NOAA_RFC
"
test_expect_code 2 'required options' "
	bad_add 'add: --schedule is required' new $ok
"
test_expect_code 2 'a description with a line break is refused' "
	bad_add '--description: control characters are not allowed' \
	    new $ok --schedule 1d --description 'a
b'
"
for n in "a b" "-x" ".hidden" "a/b" "x'y" \
    "12345678901234567890123456789012345678901234567890123456789012345"; do
	test_expect_code 2 "a bad name is refused: $n" '
		bad_add "configuration name '\''$n'\'': use 1 to 64 letters, digits, '\''-'\'', '\''_'\'' or '\''.'\'', not starting with '\''-'\'' or '\''.'\''" \
		    $ok --schedule 1d -- "$n"
	'
done

test_expect_success 'a name of 64 characters with - _ . is fine' '
	n=a-b_c.d012345678901234567890123456789012345678901234567890123456 &&
	test ${#n} = 64 &&
	sf-config add "$n" $ok --schedule 1d &&
	sf-config rm "$n"
'

test_expect_code 2 'an option of another command is refused' '
	sf-config list --type daily_mean 2>err; rc=$?;
	grep "^sf-config: list: --type is not one of its options$" err &&
	exit $rc
'

test_expect_code 2 'an unknown command is refused' '
	sf-config frobnicate 2>err; rc=$?;
	grep "^sf-config: command .frobnicate.: unknown" err &&
	exit $rc
'

test_expect_success 'options may come first; -V and --help' '
	sf-config --db other.db add x --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d && sf-config --db other.db rm x &&
	sf-config --db other.db -f csv list >out &&
	test_must_be_empty out &&
	sf-config -V >out && echo "sf-config $SF_VERSION" >expect &&
	test_cmp expect out &&
	sf-config --help >out && grep "^usage: sf-config add" out
'

test_expect_success '--revision-window and --stale-after: add, set, default' '
	sf-config add rw --type daily_mean --agency USGS --start 2024-01-01 \
	    --schedule 1d --revision-window 30 --stale-after 6h &&
	sql "SELECT revision_window_days, stale_after_seconds
	    FROM pull_configurations WHERE name = \"rw\"" >out &&
	echo "30|21600" >expect && test_cmp expect out &&
	for d in 90m:5400 3d:259200 45:45 45s:45; do
		sf-config set rw --stale-after ${d%%:*} &&
		sf-config show rw | sed -n "s/^stale_after_seconds: //p" >out &&
		echo ${d#*:} >expect && test_cmp expect out || exit 1
	done &&
	sf-config set rw --schedule 2d &&
	sf-config show rw | tail -2 >out &&
	printf "revision_window_days: 30\nstale_after_seconds: 45\n" >expect &&
	test_cmp expect out &&
	sf-config set rw --revision-window default --stale-after default &&
	sql "SELECT CASE WHEN revision_window_days IS NULL THEN \"NULL\" END,
	    CASE WHEN stale_after_seconds IS NULL THEN \"NULL\" END
	    FROM pull_configurations WHERE name = \"rw\"" >out &&
	echo "NULL|NULL" >expect && test_cmp expect out &&
	sf-config rm rw
'

for bad in "--revision-window 0:--revision-window: '0': out of range (1 to 3660)" \
    "--revision-window 1w:--revision-window: '1w': not a whole number" \
    "--stale-after 5x:--stale-after: duration '5x': not a number of seconds, nor a number and s, m, h or d (such as 6h)" \
    "--stale-after 0:--stale-after: duration '0': out of range (1s to 3660d)" \
    "--stale-after 3661d:--stale-after: duration '3661d': out of range (1s to 3660d)"; do
	test_expect_code 2 "a bad value is refused: ${bad%%:*}" "
		sf-config set potomac ${bad%%:*} 2>err; rc=\$?;
		printf '%s\n' \"sf-config: ${bad#*:}\" \"sf-config: try 'sf-config --help'\" >expect &&
		test_cmp expect err || exit 3
		exit \$rc
	"
done

test_done
