#!/bin/sh
# engines: sqlite postgresql
test_description='sf-progress: the revision pass of append configurations'
. "$(dirname "$0")/test-lib.sh"

obs() {
	printf '{"kind":"obs","config":"%s","station":"%s","agency":"%s","type":"daily_mean","observed_at":"%s","discharge":1,"unit":"%s","quality_code":"P"}\n' "$@"
}
# done_rec CONFIG STATION AGENCY START END MODIFIED_SINCE
done_rec() {
	printf '{"kind":"done","config":"%s","station":"%s","agency":"%s","type":"daily_mean","start":"%s","end":%s,"modified_since":%s,"rows":0,"newest":null}\n' "$@"
}
# fields: station, start, end and modified_since of each request planned
fields() {
	sed 's/.*"station":"\([^"]*\)".*"start":"\([^"]*\)","end":\([^,]*\),"modified_since":\([^,]*\),.*/\1 \2 \3 \4/' | tr -d '"'
}

test_expect_success 'setup: a USGS and an EC configuration, and an overwrite one' '
	sf-load </dev/null &&
	sql "INSERT INTO pull_configurations (name, data_type, data_strategy,
	    pull_start_date, schedule_type, agency, revision_window_days)
	    VALUES (\"potomac\", \"daily_mean\", \"append\", \"2024-01-01\",
	    \"manual\", \"USGS\", NULL),
	    (\"fraser\", \"daily_mean\", \"append\", \"2024-01-01\",
	    \"manual\", \"EC\", 30),
	    (\"redo\", \"daily_mean\", \"overwrite\", \"2024-01-01\",
	    \"manual\", \"USGS\", NULL);
	    INSERT INTO pull_configuration_stations (config_id, station_number)
	    VALUES (1, \"01000001\"), (1, \"01000002\"), (2, \"08MF005\"),
	    (3, \"01000001\")"
'

test_expect_success 'a first plan asks for everything up to now: no second request' '
	sf-progress plan potomac fraser redo | fields >out &&
	cat >expect <<-\EOT &&
	01000001 2024-01-01T00:00:00Z 2026-11-25T12:00:00Z null
	01000002 2024-01-01T00:00:00Z 2026-11-25T12:00:00Z null
	08MF005 2024-01-01T00:00:00Z 2026-11-25T12:00:00Z null
	01000001 2024-01-01T00:00:00Z null null
	EOT
	test_cmp expect out
'

test_expect_success 'its done record is the first pass: last_revision_pass_at is its end' '
	{ obs potomac 01000001 USGS 2026-11-20 cfs &&
	  done_rec potomac 01000001 USGS 2024-01-01T00:00:00Z "\"2026-11-25T12:00:00Z\"" null; } |
	    SF_NOW=2026-11-25T12:05:00Z sf-load &&
	obs potomac 01000002 USGS 2026-11-20 cfs | SF_NOW=2026-11-25T12:05:00Z sf-load &&
	{ obs fraser 08MF005 EC 2026-11-20 cms &&
	  done_rec fraser 08MF005 EC 2024-01-01T00:00:00Z "\"2026-11-25T12:00:00Z\"" null; } |
	    SF_NOW=2026-11-25T12:05:00Z sf-load &&
	sql "SELECT station_number, last_revision_pass_at FROM pull_station_progress
	    ORDER BY config_id, station_number" >out &&
	cat >expect <<-\EOT &&
	01000001|2026-11-25T12:00:00Z
	01000002|
	08MF005|2026-11-25T12:00:00Z
	EOT
	test_cmp expect out
'

# Before, append runs asked only from the newest day held: approvals and
# revisions never arrived (issue 9.1).
test_expect_success 'USGS: once a day, what changed since the last pass, over the whole span' '
	SF_NOW=2026-11-26T11:59:59Z sf-progress plan potomac | fields >out &&
	cat >expect <<-\EOT &&
	01000001 2026-11-20T00:00:00Z null null
	01000002 2026-11-20T00:00:00Z null null
	EOT
	test_cmp expect out &&
	SF_NOW=2026-11-26T12:05:00Z sf-progress plan potomac | fields >out &&
	cat >expect <<-\EOT &&
	01000001 2026-11-20T00:00:00Z null null
	01000002 2026-11-20T00:00:00Z null null
	01000001 2024-01-01T00:00:00Z 2026-11-26T12:05:00Z 2026-11-25T12:00:00Z
	01000002 2024-01-01T00:00:00Z 2026-11-26T12:05:00Z 2024-01-01T00:00:00Z
	EOT
	test_cmp expect out
'

test_expect_success 'the done record of the pass moves it to the plan instant, never back' '
	done_rec potomac 01000002 USGS 2024-01-01T00:00:00Z "\"2026-11-26T12:05:00Z\"" "\"2024-01-01T00:00:00Z\"" |
	    SF_NOW=2026-11-26T12:20:00Z sf-load &&
	done_rec potomac 01000002 USGS 2024-01-01T00:00:00Z "\"2026-11-26T11:00:00Z\"" "\"2024-01-01T00:00:00Z\"" |
	    SF_NOW=2026-11-26T12:30:00Z sf-load &&
	SF_NOW=2026-11-27T12:04:59Z sf-progress plan potomac | fields | grep "^01000002 2024" >out;
	test_must_be_empty out &&
	SF_NOW=2026-11-27T12:05:00Z sf-progress plan potomac | fields | grep "^01000002 2024" >out &&
	echo "01000002 2024-01-01T00:00:00Z 2026-11-27T12:05:00Z 2026-11-26T12:05:00Z" >expect &&
	test_cmp expect out
'

test_expect_success 'EC: the trailing window, once a day since the last pass' '
	SF_NOW=2026-11-26T11:59:59Z sf-progress plan fraser | fields >out &&
	echo "08MF005 2026-11-20T00:00:00Z null null" >expect &&
	test_cmp expect out &&
	SF_NOW=2026-11-26T12:00:00Z sf-progress plan fraser | fields >out &&
	cat >expect <<-\EOT &&
	08MF005 2026-11-20T00:00:00Z null null
	08MF005 2026-10-27T12:00:00Z 2026-11-26T12:00:00Z 2026-11-25T12:00:00Z
	EOT
	test_cmp expect out
'

test_expect_success 'revision_window_days 0 turns the pass off; overwrite has none' '
	sql "UPDATE pull_configurations SET revision_window_days = 0
	    WHERE name = \"potomac\"" &&
	SF_NOW=2026-11-25T14:00:00Z sf-progress plan potomac redo | fields >out &&
	cat >expect <<-\EOT &&
	01000001 2026-11-20T00:00:00Z null null
	01000002 2026-11-20T00:00:00Z null null
	01000001 2024-01-01T00:00:00Z null null
	EOT
	test_cmp expect out
'

test_done
