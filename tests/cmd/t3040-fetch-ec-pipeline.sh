#!/bin/sh
# engines: sqlite postgresql
test_description='sf-fetch-ec in the pipeline: sf-config, sf-progress, sf-load'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"
. "$SF_TOP/tests/data/ec/ec-lib.sh"

# A real-time configuration of two stations from 2026-10-01, fetched up to
# the pinned clock (2026-11-25T12:00:00Z) in two monthly windows, then
# again an hour later from where the data end, then once more through a
# failure; and a daily configuration over the real 2023 body of 08MF005.
# Bodies: generated hourly in the real layout (tests/data/ec/ec-lib.sh),
# the data ending at 10:00 on the first day, at 12:00 after the hour, at
# 14:00 after the failure;
# the real daily body and the real header-only body.
WO=$FIXTURES/ec/wateroffice
SF_HTTP_BACKOFF_MS=10
export SF_HTTP_BACKOFF_MS

both() {
	{
		ec_rows rt 08AA001 "$1" "$2" 3600
		ec_rows rt 08MF005 "$1" "$2" 3600
	} | ec_body rt >"$3"
}
both 2026-10-01T00:00:00Z 2026-10-31T23:00:00Z w0.csv
both 2026-11-01T00:00:00Z 2026-11-25T10:00:00Z w1.csv
both 2026-11-25T10:00:00Z 2026-11-25T12:00:00Z w2.csv
both 2026-11-25T12:00:00Z 2026-11-25T14:00:00Z w3.csv

cat >routes <<EOF
GET /wo/real_time_data/csv/inline 'start_date=2026-10-01 00:00:00'
  -> 200 w0.csv
GET /wo/real_time_data/csv/inline 'start_date=2026-11-01 00:00:00'
  -> 200 w1.csv
GET /wo/real_time_data/csv/inline 'start_date=2026-11-25 10:00:00'
  -> 200 w2.csv
GET /wo/real_time_data/csv/inline 'start_date=2026-11-25 12:00:00'
  -> 503 times=5
  -> 200 w3.csv
GET /wo/daily_data/csv/inline stations[]=08MF005 start_date=2023-01-01
  -> 200 '$WO/daily_data_08MF005_flow_2023.csv'
GET /wo/daily_data/csv/inline
  -> 200 '$WO/daily_data_header_only.csv'
EOF
start_server routes || exit 1
SF_EC_URL=$SERVER_URL/wo
export SF_EC_URL

# progress: station, last pull and failures of configuration $1
progress() {
	sql "SELECT p.station_number, p.last_successful_pull_date,
	    p.consecutive_failures FROM pull_station_progress p
	    JOIN pull_configurations c ON c.id = p.config_id
	    WHERE c.name = '$1' ORDER BY 1"
}

# dates: "start_date|end_date" of each request, sorted (requests run at
# once arrive in any order)
dates() {
	server_param start_date >s && server_param end_date >e &&
	paste -d "|" s e | sort
}

test_expect_success 'setup: a real-time configuration of two EC stations' '
	sf-config add fraser --type realtime_15min --agency EC \
	    --start 2026-10-01 --schedule 15m &&
	sf-config stations fraser add 08MF005 08AA001
'

test_expect_success 'planned, fetched in one group, loaded' '
	: >"$SERVER_LOG" &&
	sf-progress plan fraser | sf-fetch-ec | sf-load 2>err &&
	test_must_be_empty err &&
	dates >actual &&
	cat >expect <<-\EOF &&
	2026-10-01 00:00:00|2026-10-31 23:59:59
	2026-11-01 00:00:00|2026-11-25 12:00:00
	EOF
	test_cmp expect actual &&
	server_param "stations[]" | sort -u >actual &&
	echo "08AA001 08MF005" >expect &&
	test_cmp expect actual &&
	sql "SELECT s.station_number, count(*), min(observed_at),
	    max(observed_at) FROM discharge_observations o
	    JOIN stations s ON s.id = o.station_id GROUP BY 1 ORDER BY 1" \
	    >actual &&
	cat >expect <<-\EOF &&
	08AA001|1331|2026-10-01T00:00:00Z|2026-11-25T10:00:00Z
	08MF005|1331|2026-10-01T00:00:00Z|2026-11-25T10:00:00Z
	EOF
	test_cmp expect actual &&
	progress fraser >actual &&
	cat >expect <<-\EOF &&
	08AA001|2026-11-25T10:00:00Z|0
	08MF005|2026-11-25T10:00:00Z|0
	EOF
	test_cmp expect actual
'

test_expect_success 'the next run starts where the first stopped' '
	: >"$SERVER_LOG" &&
	SF_NOW=2026-11-25T13:00:00Z && export SF_NOW &&
	sf-progress plan fraser | sf-fetch-ec | sf-load 2>err &&
	test_must_be_empty err &&
	echo "2026-11-25 10:00:00|2026-11-25 13:00:00" >expect &&
	dates >actual &&
	test_cmp expect actual &&
	progress fraser >actual &&
	cat >expect <<-\EOF &&
	08AA001|2026-11-25T12:00:00Z|0
	08MF005|2026-11-25T12:00:00Z|0
	EOF
	test_cmp expect actual &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 2666
'

test_expect_success 'a failed run: error records, the progress kept' '
	SF_NOW=2026-11-25T14:00:00Z && export SF_NOW &&
	sf-progress plan fraser | sf-fetch-ec 2>fetch.err >fetched;
	test $(grep -c "\"kind\":\"error\".*\"status\":503" fetched) = 2 &&
	test $(wc -l <fetch.err) = 2 &&
	exits 1 sf-load fetched 2>err &&
	progress fraser >actual &&
	cat >expect <<-\EOF &&
	08AA001|2026-11-25T12:00:00Z|1
	08MF005|2026-11-25T12:00:00Z|1
	EOF
	test_cmp expect actual
'

test_expect_success 'and the run after it asks for the same start' '
	: >"$SERVER_LOG" &&
	SF_NOW=2026-11-25T15:00:00Z && export SF_NOW &&
	sf-progress plan fraser | sf-fetch-ec | sf-load 2>err &&
	test_must_be_empty err &&
	echo "2026-11-25 12:00:00|2026-11-25 15:00:00" >expect &&
	dates >actual &&
	test_cmp expect actual &&
	progress fraser >actual &&
	cat >expect <<-\EOF &&
	08AA001|2026-11-25T14:00:00Z|0
	08MF005|2026-11-25T14:00:00Z|0
	EOF
	test_cmp expect actual
'

test_expect_success 'daily means: the 2023 body, then from its last day' '
	sf-config add hope --type daily_mean --agency EC --start 2023-01-01 \
	    --schedule 1d &&
	sf-config stations hope add 08MF005 &&
	: >"$SERVER_LOG" &&
	sf-progress plan hope | sf-fetch-ec | sf-load &&
	echo "2023-01-01|2026-11-25" >expect &&
	dates >actual &&
	test_cmp expect actual &&
	progress hope >actual &&
	echo "08MF005|2023-12-31T00:00:00Z|0" >expect &&
	test_cmp expect actual &&
	test "$(sql "SELECT count(*) FROM discharge_observations
	    WHERE type = '"'daily_mean'"'")" = 365 &&
	: >"$SERVER_LOG" &&
	sf-progress plan hope | sf-fetch-ec | sf-load &&
	echo "2023-12-31|2026-11-25" >expect &&
	dates >actual &&
	test_cmp expect actual
'

test_done
