#!/bin/sh
test_description='sf-fetch-ec: the MSC Datamart files and station list'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-ec
. "$SF_TOP/tests/server/lib.sh"
. "$SF_TOP/tests/data/ec/ec-lib.sh"

# Bodies: the real station list (tests/data/fixtures/ec/datamart, 4
# stations), the per-station files of 08GA043 derived from the real
# province file (tests/data/ec/README), and, derived here in the real
# layout (the province file's header, its CRLF line ends), files with
# overlapping hourly and daily rows and a Newfoundland offset (-03:30).
DM=$FIXTURES/ec/datamart
EC=$SF_TOP/tests/data/ec

# dm STATION OFFSET FROM TO STEP QA VALUE: a Datamart file of STATION,
# local standard times with OFFSET from FROM to TO (local, both
# included) every STEP minutes, discharge VALUE, QA/QC code QA
dm() {
	python3 - "$DM/BC_hourly_hydrometric.csv" "$@" <<-\EOF
	import sys, datetime as dt
	src, st, off, a, b, step, qa, v = sys.argv[1:9]
	head = open(src, "rb").read().split(b"\r\n")[0]
	p = lambda s: dt.datetime.strptime(s, "%Y-%m-%dT%H:%M")
	t, end = p(a), p(b)
	out = [head]
	while t <= end:
	    out.append(("%s,%s:00%s,1.000,,,1,%s,,,%s"
	                % (st, t.strftime("%Y-%m-%dT%H:%M"), off, v, qa)).encode())
	    t += dt.timedelta(minutes=int(step))
	sys.stdout.buffer.write(b"\r\n".join(out) + b"\r\n")
	EOF
}

dm 08GA043 -08:00 2026-11-24T00:00 2026-11-24T01:00 30 1 20.5 >h.csv
dm 08GA043 -08:00 2026-11-23T23:00 2026-11-24T00:30 30 4 19.0 >d.csv
dm 02YA002 -03:30 2026-11-24T08:25 2026-11-24T08:30 5 1 11.7 >nl.csv

cat >routes <<EOF
GET /dm/doc/hydrometric_StationList.csv
  -> 200 '$DM/hydrometric_StationList.csv'
GET /dm/csv/BC/hourly/BC_08GA043_hourly_hydrometric.csv
  -> 200 '$EC/BC_08GA043_hourly_hydrometric.csv'
GET /dm/csv/BC/daily/BC_08GA043_daily_hydrometric.csv
  -> 200 '$EC/BC_08GA043_daily_hydrometric.csv'
GET /ov/doc/hydrometric_StationList.csv
  -> 200 '$DM/hydrometric_StationList.csv'
GET /ov/csv/BC/hourly/BC_08GA043_hourly_hydrometric.csv
  -> 200 h.csv
GET /ov/csv/BC/daily/BC_08GA043_daily_hydrometric.csv
  -> 200 d.csv
GET /ov/csv/NL/hourly/NL_02YA002_hourly_hydrometric.csv
  -> 200 nl.csv
GET /bad/doc/hydrometric_StationList.csv
  -> 503
GET /h503/doc/hydrometric_StationList.csv
  -> 200 '$DM/hydrometric_StationList.csv'
GET /h503/csv/BC/hourly/BC_08GA043_hourly_hydrometric.csv
  -> 503
GET /h503/csv/NL/hourly/NL_02YA002_hourly_hydrometric.csv
  -> 200 nl.csv
EOF
start_server routes || exit 1
SF_EC_DATAMART_URL=$SERVER_URL/dm
SF_HTTP_BACKOFF_MS=10
export SF_EC_DATAMART_URL SF_HTTP_BACKOFF_MS

test_expect_success 'the station list, as station records' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec --stations >out 2>err &&
	test_must_be_empty err &&
	test $(wc -l <out) = 4 &&
	cat >expect <<-\EOF &&
	{"kind":"station","station":"02YA002","agency":"EC","name":"BARTLETTS RIVER NEAR ST. ANTHONY","latitude":51.449220,"longitude":-55.641250,"state":"NL","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-03:30","uses_dst":null}
	EOF
	sed -n 2p out >actual &&
	test_cmp expect actual &&
	echo "GET /dm/doc/hydrometric_StationList.csv" >expect &&
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'one station of the list, as CSV' '
	sf-fetch-ec --stations -s 08GA043 -f csv >out &&
	cat >expect <<-\EOF &&
	station,agency,name,latitude,longitude,state,huc_code,drainage_area_sqmi,altitude_ft,utc_offset,uses_dst
	08GA043,EC,CHEAKAMUS RIVER NEAR BRACKENDALE,49.816030,-123.150080,BC,,,,-08:00,
	EOF
	test_cmp expect out
'

test_expect_success 'a station not in the list is an error' '
	exits 1 sf-fetch-ec --stations -s 08MF005 >out 2>err &&
	test_must_be_empty out &&
	echo "sf-fetch-ec: station '"'08MF005'"': not in the station list" >expect &&
	test_cmp expect err
'

test_expect_success 'the list loads, and sf-stations finds its stations' '
	sf-fetch-ec --stations | sf-load &&
	sf-stations --agency EC --state NL -f csv >out &&
	cat >expect <<-\EOF &&
	station,agency,name,latitude,longitude,state,huc_code,drainage_area_sqmi,altitude_ft,utc_offset,uses_dst
	02YA002,EC,BARTLETTS RIVER NEAR ST. ANTHONY,51.44922,-55.64125,NL,,,,-03:30,
	02YC001,EC,TORRENT RIVER AT BRISTOL'"'"'S POOL,50.60747,-57.15161,NL,,,,-03:30,
	EOF
	test_cmp expect out
'

test_expect_success 'a station: the list, then its two files' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec --service datamart -s 08GA043 --start 2026-11-20 \
	    >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	{"kind":"obs","config":null,"station":"08GA043","agency":"EC","type":"realtime_15min","observed_at":"2026-11-23T12:45:00Z","discharge":18.8,"unit":"cms","quality_code":"P"}
	{"kind":"obs","config":null,"station":"08GA043","agency":"EC","type":"realtime_15min","observed_at":"2026-11-24T12:45:00Z","discharge":18.8,"unit":"cms","quality_code":"P"}
	EOF
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	GET /dm/doc/hydrometric_StationList.csv
	GET /dm/csv/BC/hourly/BC_08GA043_hourly_hydrometric.csv
	GET /dm/csv/BC/daily/BC_08GA043_daily_hydrometric.csv
	EOF
	server_requests | sort >actual &&
	sort expect >e &&
	test_cmp e actual
'

test_expect_success 'the files overlap: the hourly rows win' '
	SF_EC_DATAMART_URL=$SERVER_URL/ov sf-fetch-ec --service datamart \
	    --config bc -s 08GA043 --start 2026-11-20 -f csv >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	config,station,agency,type,observed_at,discharge,unit,quality_code
	bc,08GA043,EC,realtime_15min,2026-11-24T07:00:00Z,19.0,cms,A
	bc,08GA043,EC,realtime_15min,2026-11-24T07:30:00Z,19.0,cms,A
	bc,08GA043,EC,realtime_15min,2026-11-24T08:00:00Z,20.5,cms,P
	bc,08GA043,EC,realtime_15min,2026-11-24T08:30:00Z,20.5,cms,P
	bc,08GA043,EC,realtime_15min,2026-11-24T09:00:00Z,20.5,cms,P
	EOF
	test_cmp expect out
'

test_expect_success 'only the rows from the start on' '
	SF_EC_DATAMART_URL=$SERVER_URL/ov sf-fetch-ec --service datamart \
	    -s 08GA043 --start 2026-11-24T08:30:00Z -f csv >out &&
	cat >expect <<-\EOF &&
	config,station,agency,type,observed_at,discharge,unit,quality_code
	,08GA043,EC,realtime_15min,2026-11-24T08:30:00Z,20.5,cms,P
	,08GA043,EC,realtime_15min,2026-11-24T09:00:00Z,20.5,cms,P
	EOF
	test_cmp expect out
'

test_expect_success 'a half-hour offset (-03:30) to UTC; no daily file' '
	SF_EC_DATAMART_URL=$SERVER_URL/ov sf-fetch-ec --service datamart \
	    -s 02YA002 --start 2026-11-24 -f csv >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	config,station,agency,type,observed_at,discharge,unit,quality_code
	,02YA002,EC,realtime_15min,2026-11-24T11:55:00Z,11.7,cms,P
	,02YA002,EC,realtime_15min,2026-11-24T12:00:00Z,11.7,cms,P
	EOF
	test_cmp expect out
'

test_expect_success 'no file at all (a seasonal station): a warning, exit 0' '
	sf-fetch-ec --service datamart -s 02YC001 --start 2026-11-24 \
	    >out 2>err &&
	test_must_be_empty out &&
	echo "sf-fetch-ec: warning: station '"'02YC001'"': no Datamart file (HTTP 404): no data" >expect &&
	test_cmp expect err
'

test_expect_success 'a station not in the list: an error record' '
	exits 1 sf-fetch-ec --service datamart --config bc -s 08MF005 \
	    --start 2026-11-24 >out 2>err &&
	cat >expect <<-\EOF &&
	{"kind":"error","config":"bc","station":"08MF005","agency":"EC","type":"realtime_15min","start":null,"status":null,"message":"not in the Datamart station list"}
	EOF
	test_cmp expect out &&
	echo "sf-fetch-ec: station '"'08MF005'"': not in the Datamart station list" >expect &&
	test_cmp expect err
'

test_expect_success 'the station list fails: every station fails' '
	exits 1 sf-fetch-ec --base-url "$SERVER_URL/bad" --service datamart \
	    -s 08GA043 -s 02YA002 >out 2>err &&
	test $(grep -c "\"kind\":\"error\".*\"status\":503" out) = 2 &&
	test $(grep -c "HTTP 503 after 5 attempts" err) = 2
'

test_expect_success 'a file that fails fails its station, not the others' '
	: >"$SERVER_LOG" &&
	exits 1 sf-fetch-ec --base-url "$SERVER_URL/h503" --service datamart \
	    -s 08GA043 -s 02YA002 --start 2026-11-24 >out 2>err &&
	grep "\"kind\":\"error\",\"config\":null,\"station\":\"08GA043\".*\"status\":503" out &&
	test $(grep -c "\"kind\":\"obs\".*\"02YA002\"" out) = 2 &&
	! grep "\"kind\":\"obs\".*\"08GA043\"" out &&
	grep "^sf-fetch-ec: station '"'08GA043'"': GET .*/BC_08GA043_hourly_hydrometric.csv: HTTP 503 after 5 attempts" err &&
	! grep "BC_08GA043_daily" "$SERVER_LOG"
'

test_expect_success 'daily means are not on the Datamart' '
	exits 1 sf-fetch-ec --service datamart -t daily_mean -s 08GA043 \
	    >out 2>err &&
	grep "\"kind\":\"error\".*type .daily_mean.: the Datamart has realtime_15min only" out
'

test_expect_success 'a start beyond the 30 days: a warning' '
	sf-fetch-ec --service datamart -s 08GA043 --start 2026-01-01 \
	    >out 2>err &&
	test $(wc -l <out) = 2 &&
	echo "sf-fetch-ec: warning: station '"'08GA043'"': start '"'2026-01-01T00:00:00Z'"': the Datamart keeps 30 days, nothing before '"'2026-10-26T12:00:00Z'"'" >expect &&
	test_cmp expect err
'

test_done
