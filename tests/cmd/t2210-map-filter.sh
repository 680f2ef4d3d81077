#!/bin/sh
# engines: sqlite postgresql
test_description='sf-map --to: filling target_id in requests, and -s'
. "$(dirname "$0")/test-lib.sh"

# req CONFIG STATION AGENCY: a request record as sf-progress plan writes it
req() {
	printf '{"kind":"request","config":"%s","station":"%s","agency":%s,"type":"daily_mean","source":null,"start":"1900-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":null}\n' \
	    "$1" "$2" "$3"
}

test_expect_success '-s on a new database: a request for a shipped station' '
	test ! -f "$SF_DB" &&
	sf-map --to NOAA-HADS -s 15258000 2> err; test $? = 1 &&
	test ! -f "$SF_DB" &&
	sf-map import < /dev/null &&
	sf-map --to NOAA-HADS -s 15258000 > out &&
	cat > expect <<-\EOF &&
	{"kind":"request","config":null,"station":"15258000","agency":"USGS","type":null,"source":null,"start":null,"end":null,"modified_since":null,"target_id":"COOA2"}
	EOF
	test_cmp expect out
'

test_expect_success 'a mapped and an unmapped station: the mapped one still goes out' '
	{ req k 15258000 "\"USGS\"" && req k 01646500 "\"USGS\"" &&
	  req k 15292000 "\"USGS\""; } > in &&
	sf-map --to NOAA-HADS < in > out 2> err; rc=$?;
	cat > expect <<-\EOF &&
	{"kind":"request","config":"k","station":"15258000","agency":"USGS","type":"daily_mean","source":null,"start":"1900-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":"COOA2"}
	{"kind":"error","config":"k","station":"01646500","agency":"USGS","type":"daily_mean","start":"1900-01-01T00:00:00Z","status":null,"message":"no NOAA-HADS mapping for station '\''01646500'\''"}
	{"kind":"request","config":"k","station":"15292000","agency":"USGS","type":"daily_mean","source":null,"start":"1900-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":"GCSA2"}
	EOF
	test_cmp expect out &&
	test_must_be_empty err &&
	test "$rc" = 1
'

test_expect_success 'the error record is what sf-load counts as a failure' '
	add_config k &&
	sf-map --to NOAA-HADS < in | sf-load; rc=$?;
	test "$(sql "SELECT consecutive_failures || \" \" || last_error
	    FROM pull_station_progress WHERE station_number = \"01646500\"")" = \
	    "1 no NOAA-HADS mapping for station '\''01646500'\''" &&
	test "$rc" = 1
'

test_expect_success 'an existing target_id is replaced; a null agency is guessed' '
	printf "%s\n" "{\"kind\":\"request\",\"config\":null,\"station\":\"15258000\",\"agency\":null,\"type\":null,\"start\":null,\"end\":null,\"target_id\":\"OLD\"}" |
	sf-map --to NOAA-HADS > out &&
	grep "\"agency\":\"USGS\"" out && grep "\"target_id\":\"COOA2\"" out
'

test_expect_success 'NWM mappings and EC stations' '
	printf "%s\n" source_agency,source_id,target_agency,target_id \
	    EC,08MF005,NWM,2617456 USGS,15258000,NWM,2617440 | sf-map import - &&
	{ req c 08MF005 "\"EC\"" && req c 15258000 null; } |
	sf-map --to NWM > out &&
	cat > expect <<-\EOF &&
	{"kind":"request","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","source":null,"start":"1900-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":"2617456"}
	{"kind":"request","config":"c","station":"15258000","agency":"USGS","type":"daily_mean","source":null,"start":"1900-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":"2617440"}
	EOF
	test_cmp expect out
'

test_expect_success 'the agency of the request counts: EC 15258000 has no mapping' '
	req c 15258000 "\"EC\"" | sf-map --to NOAA-HADS > out; rc=$?;
	grep "\"kind\":\"error\".*\"agency\":\"EC\".*no NOAA-HADS mapping for station" out &&
	test "$rc" = 1
'

test_expect_success 'other kinds pass through unchanged' '
	cat > obs.ndjson <<-\EOF &&
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-01T00:00:00Z","discharge":12300,"unit":"cfs","quality_code":"A"}
	{"kind":"error","config":"k","station":"01646500","agency":"USGS","type":"daily_mean","start":null,"status":503,"message":"HTTP 503"}
	EOF
	sf-map --to NOAA-HADS < obs.ndjson > out &&
	test_cmp obs.ndjson out
'

test_expect_success 'CSV in and out: error records go to stderr' '
	cat > req.csv <<-\EOF &&
	config,station,agency,type,start,end,target_id
	k,15258000,USGS,daily_mean,2024-01-01T00:00:00Z,,
	k,01646500,USGS,daily_mean,2024-01-01T00:00:00Z,,
	k,15292000,,realtime_15min,,,
	EOF
	sf-map --to NOAA-HADS -f csv < req.csv > out 2> err; rc=$?;
	cat > expect <<-\EOF &&
	config,station,agency,type,source,start,end,modified_since,target_id
	k,15258000,USGS,daily_mean,,2024-01-01T00:00:00Z,,,COOA2
	k,15292000,USGS,realtime_15min,,,,,GCSA2
	EOF
	test_cmp expect out &&
	echo "sf-map: no NOAA-HADS mapping for station '\''01646500'\''" > expect &&
	test_cmp expect err &&
	test "$rc" = 1
'

test_expect_success 'files named on the command line, in order' '
	req a 15258000 "\"USGS\"" > a.ndjson &&
	req b 15292000 "\"USGS\"" > b.ndjson &&
	sf-map --to NOAA-HADS b.ndjson a.ndjson > out &&
	sed "s/.*\"config\":\"\\(.\\)\".*\"target_id\":\"\\(.*\\)\"}/\\1 \\2/" out > actual &&
	printf "%s\n" "b GCSA2" "a COOA2" > expect &&
	test_cmp expect actual
'

test_expect_success 'bad lines are reported with their line numbers; the rest go on' '
	{ echo "{\"kind\":\"request\",\"station\":" && req x 15258000 "\"USGS\"" &&
	  echo "{\"kind\":\"request\",\"config\":\"x\"}"; } > bad.ndjson &&
	sf-map --to NOAA-HADS < bad.ndjson > out 2> err; rc=$?;
	grep -c "\"target_id\":\"COOA2\"" out > n && echo 1 > one && test_cmp one n &&
	grep "^sf-map: stdin:1: " err &&
	grep "^sf-map: stdin:3: request without a station" err &&
	test "$rc" = 1
'

test_expect_success '-s: several stations, in order, the unmapped one an error record' '
	sf-map --to NOAA-HADS -s 15292000 --station 01646500 -s 15258000 > out; rc=$?;
	cat > expect <<-\EOF &&
	{"kind":"request","config":null,"station":"15292000","agency":"USGS","type":null,"source":null,"start":null,"end":null,"modified_since":null,"target_id":"GCSA2"}
	{"kind":"error","config":null,"station":"01646500","agency":"USGS","type":null,"start":null,"status":null,"message":"no NOAA-HADS mapping for station '\''01646500'\''"}
	{"kind":"request","config":null,"station":"15258000","agency":"USGS","type":null,"source":null,"start":null,"end":null,"modified_since":null,"target_id":"COOA2"}
	EOF
	test_cmp expect out &&
	test "$rc" = 1
'

test_expect_success '-s with an EC station, and -f csv' '
	sf-map --to NWM -f csv -s 08MF005 > out &&
	printf "%s\n" config,station,agency,type,source,start,end,modified_since,target_id \
	    ",08MF005,EC,,,,,,2617456" > expect &&
	test_cmp expect out
'

test_expect_success '-s reads no input' '
	echo garbage | sf-map --to NOAA-HADS -s 15258000 > out &&
	grep COOA2 out
'

test_expect_success '-s with an id of no agency is a usage error' '
	sf-map --to NOAA-HADS -s 1234 > out 2> err; rc=$?;
	test_must_be_empty out &&
	grep "^sf-map: station '\''1234'\'': not a USGS or EC station id (give --agency)" err &&
	test "$rc" = 2
'

test_expect_success 'a hostile station id with --agency: an error record, verbatim' '
	id="x\"; DROP TABLE station_mappings;--\\" &&
	sf-map --to NOAA-HADS --agency USGS -s "$id" > out; rc=$?;
	printf "%s\n" "{\"kind\":\"error\",\"config\":null,\"station\":\"x\\\"; DROP TABLE station_mappings;--\\\\\",\"agency\":\"USGS\",\"type\":null,\"start\":null,\"status\":null,\"message\":\"no NOAA-HADS mapping for station '\''x\\\"; DROP TABLE station_mappings;--\\\\'\''\"}" > expect &&
	test_cmp expect out &&
	test "$(sql "SELECT count(*) FROM station_mappings")" -gt 200 &&
	test "$rc" = 1
'

test_expect_success 'a hostile target id comes out verbatim, JSON-escaped' '
	cat > h.csv <<-\EOF &&
	source_agency,source_id,target_agency,target_id
	USGS,44444444,NWM,"a""b\c'\''d,e"
	EOF
	sf-map import h.csv &&
	sf-map --to NWM -s 44444444 > out &&
	grep -F "\"target_id\":\"a\\\"b\\\\c'\''d,e\"}" out &&
	sf-map --to NWM -f csv -s 44444444 > out &&
	grep -F ",\"a\"\"b\\c'\''d,e\"" out
'

test_expect_code 2 '--to is required' '
	sf-map -s 15258000
'

test_expect_code 2 '--to names a target agency' '
	sf-map --to USGS -s 15258000
'

test_expect_code 2 '-s and files together' '
	sf-map --to NWM -s 15258000 a.ndjson
'

test_expect_code 2 '--agency names a source agency' '
	sf-map --to NWM --agency NWM -s 15258000
'

test_expect_code 2 '--replace is not a filter option' '
	sf-map --to NWM --replace < /dev/null
'

test_expect_success '--help and --version' '
	sf-map --help > out && grep "^usage: sf-map " out &&
	sf-map -V > out && grep "^sf-map [0-9]" out
'

test_done
