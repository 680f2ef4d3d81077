#!/bin/sh
test_description='the three fetchers treat the same mixed stream the same way'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

# Every path answers an empty page or body: what is checked here is what
# each fetcher does with the records that are not its own.
E='$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
cat >routes <<EOF
GET /collections/daily/items -> 200 '$E'
GET /services/daily_data/csv/inline
  -> 200 '\$FIXTURES/ec/wateroffice/daily_data_header_only.csv'
GET /gauges/AMAT2/stageflow/forecast
  -> 200 \$FIXTURES/noaa/nwps/sample_stageflow_forecast_empty_HNFT2_feetball.json
EOF
start_server routes || exit 1
SF_USGS_URL=$SERVER_URL
SF_EC_URL=$SERVER_URL/services
SF_NWPS_URL=$SERVER_URL
export SF_USGS_URL SF_EC_URL SF_NWPS_URL

# Records no fetcher fetches: of every other kind (one each), then a line
# that is no record.
cat >foreign <<-\EOF
{"kind":"obs","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2024-01-01T00:00:00Z","discharge":1,"unit":"cms","quality_code":"P"}
{"kind":"error","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","start":"2024-01-01","status":503,"message":"HTTP 503"}
{"kind":"done","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","start":"2024-01-01","end":null,"modified_since":null,"rows":0,"newest":null}
{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER","latitude":38.9,"longitude":-77.1,"state":"MD","huc_code":null,"drainage_area_sqmi":11560,"altitude_ft":null,"utc_offset":"-05:00","uses_dst":true}
EOF

# The options that ask fetcher $1 for one station of the stand-in.
one_station() {
	case $1 in
	usgs) echo "-s 01646500 --start 2024-04-01" ;;
	ec) echo "-s 08MF005 --start 2024-04-01" ;;
	nwm) echo "-s AMAT2" ;;
	esac
}

for p in usgs ec nwm; do
	test_expect_success "sf-fetch-$p: other kinds pass through untouched, in order" "
		{ cat foreign; echo 'not json'; } >in &&
		rc=0; sf-fetch-$p <in >out 2>err || rc=\$? &&
		test \$rc = 1 &&
		test_cmp foreign out &&
		grep '^sf-fetch-$p: .*5: ' err
	"
done

test_expect_success 'usgs and ec: a request of the other agency passes through' '
	cat >req.ec <<-\EOF &&
	{"kind":"request","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","source":null,"start":"2024-04-01","end":"2024-04-10","modified_since":null,"target_id":null}
	EOF
	cat >req.usgs <<-\EOF &&
	{"kind":"request","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-04-01","end":"2024-04-10","modified_since":null,"target_id":null}
	EOF
	cat req.ec req.usgs >in &&
	sf-fetch-usgs <in >out 2>err &&
	head -n 1 out >got &&
	test_cmp req.ec got &&
	grep "\"kind\":\"done\",\"config\":\"c\",\"station\":\"01646500\"" out &&
	test "$(wc -l <out)" = 2 &&
	sf-fetch-ec <in >out 2>err &&
	head -n 1 out >got && test_cmp req.usgs got &&
	grep "\"kind\":\"done\",\"config\":\"c\",\"station\":\"08MF005\"" out &&
	test "$(wc -l <out)" = 2
'

# The same rule in all three: a request for observations (no source, no
# target_id) is sf-fetch-usgs's or sf-fetch-ec's by its agency; one with
# a source or a target_id is sf-fetch-nwm's. What is not theirs passes
# through untouched, in its place.
cat >req.fc <<-\EOF
{"kind":"request","config":"c","station":"15258000","agency":"USGS","type":"forecast","source":"NOAA_RFC","start":"2024-04-01","end":null,"modified_since":null,"target_id":"AMAT2"}
EOF
cat >req.obs <<-\EOF
{"kind":"request","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","source":null,"start":"2024-04-01","end":"2024-04-10","modified_since":null,"target_id":null}
{"kind":"request","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-04-01","end":"2024-04-10","modified_since":null,"target_id":null}
{"kind":"request","config":"c","station":"01646500","agency":null,"type":"realtime_15min","source":null,"start":"2024-04-01","end":"2024-04-02","modified_since":null,"target_id":null}
EOF

test_expect_success 'sf-fetch-nwm: observation requests without a target_id pass through' '
	sf-fetch-nwm <req.obs >out 2>err &&
	test_cmp req.obs out &&
	! test -s err
'

for p in usgs ec; do
	test_expect_success "sf-fetch-$p: a forecast request passes through" "
		sf-fetch-$p <req.fc >out 2>err &&
		test_cmp req.fc out
	"
done

test_expect_success 'a malformed request of its own is an error record in each' '
	cat >in <<-\EOF &&
	{"kind":"request","config":"c","station":"1646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-04-01","end":null,"modified_since":null,"target_id":null}
	EOF
	rc=0; sf-fetch-usgs <in >out 2>err || rc=$? && test $rc = 1 &&
	grep "^{\"kind\":\"error\",\"config\":\"c\",\"station\":\"1646500\",\"agency\":\"USGS\".*not a USGS station number" out &&
	cat >in <<-\EOF &&
	{"kind":"request","config":"c","station":"8MF005","agency":"EC","type":"daily_mean","source":null,"start":"2024-04-01","end":null,"modified_since":null,"target_id":null}
	EOF
	rc=0; sf-fetch-ec <in >out 2>err || rc=$? && test $rc = 1 &&
	grep "^{\"kind\":\"error\",\"config\":\"c\",\"station\":\"8MF005\",\"agency\":\"EC\".*not an EC station id" out &&
	cat >in <<-\EOF &&
	{"kind":"request","config":"c","station":"15258000","agency":"USGS","type":"forecast","source":"NOAA_RFC","start":"2024-04-01","end":null,"modified_since":null,"target_id":"amat2"}
	EOF
	rc=0; sf-fetch-nwm <in >out 2>err || rc=$? && test $rc = 1 &&
	grep "^{\"kind\":\"error\",\"config\":\"c\",\"station\":\"15258000\",\"agency\":\"USGS\".*not an NWS location id" out
'

test_expect_success 'each closes a request that succeeded with one done record' '
	cat >in <<-\EOF &&
	{"kind":"request","config":"c","station":"15258000","agency":"USGS","type":"forecast","source":"NOAA_RFC","start":"2024-04-01","end":null,"modified_since":null,"target_id":"AMAT2"}
	EOF
	sf-fetch-nwm <in >out 2>err &&
	grep -c "^{\"kind\":\"done\",\"config\":\"c\",\"station\":\"15258000\",\"agency\":\"USGS\",\"type\":\"forecast\",\"start\":\"2024-04-01\",\"end\":null,\"modified_since\":null,\"rows\":0,\"newest\":null}$" out >n &&
	echo 1 >want && test_cmp want n
'

test_expect_success 'one station option: -s, --station and the old names in each' '
	for p in usgs ec nwm; do
		case $p in
		usgs) id=01646500 args="--start 2024-04-01" alts="--station --id" ;;
		ec) id=08MF005 args="--start 2024-04-01" alts="--station --id" ;;
		nwm) id=AMAT2 args= alts="--station --id --gauge" ;;
		esac
		sf-fetch-$p -s $id $args >want 2>err &&
		grep "\"kind\":\"done\",\"config\":null,\"station\":\"$id\"" want ||
		    { echo "$p -s: no done record"; exit 1; }
		for a in $alts; do
			sf-fetch-$p $a $id $args >out 2>err &&
			test_cmp want out || { echo "$p $a"; exit 1; }
		done
	done &&
	rc=0; sf-fetch-nwm -s 01646500 >out 2>err || rc=$? &&
	test $rc = 2 && test_must_be_empty out &&
	grep "^sf-fetch-nwm: -s: .*sf-map --to NOAA-HADS" err
'

test_expect_success 'the same progress line in each, on a terminal only' '
	for p in usgs ec nwm; do
		args=$(one_station $p)
		script -qec "sf-fetch-$p $args >out.tty" /dev/null >tty </dev/null &&
		grep "sf-fetch-$p: 1/1 stations, 1 requests, 0 rows, [0-9]*s" tty ||
		    { echo "$p: no progress on a terminal"; cat tty; exit 1; }
		sf-fetch-$p $args >out 2>err &&
		test_cmp out.tty out &&
		! grep "stations, " err || { echo "$p: progress off a terminal"; exit 1; }
		script -qec "sf-fetch-$p -q $args >out.tty" /dev/null >tty </dev/null &&
		! grep "stations, " tty || { echo "$p: progress with -q"; exit 1; }
	done
'

test_expect_success 'each slows down when X-RateLimit-Remaining runs low' '
	cat >routes.rate <<-EOF &&
	GET /collections/daily/items -> 200 '\''$E'\'' X-RateLimit-Remaining: 18
	GET /services/daily_data/csv/inline
	  -> 200 '\''\$FIXTURES/ec/wateroffice/daily_data_header_only.csv'\'' X-RateLimit-Remaining: 18
	GET /gauges/AMAT2/stageflow/forecast
	  -> 200 \$FIXTURES/noaa/nwps/sample_stageflow_forecast_empty_HNFT2_feetball.json X-RateLimit-Remaining: 18
	EOF
	start_server routes.rate &&
	for p in usgs ec nwm; do
		args=$(one_station $p)
		SF_USGS_URL=$SERVER_URL SF_EC_URL=$SERVER_URL/services \
		    SF_NWPS_URL=$SERVER_URL sf-fetch-$p -v $args >out 2>err &&
		grep "^sf-fetch-$p: X-RateLimit-Remaining 18: slowing down" err ||
		    { echo "$p: did not slow down"; cat err; exit 1; }
	done
'

test_expect_success 'one option set: --retries, --backoff, --timeout, -j in each' '
	cat >routes.503 <<-\EOF &&
	GET /* -> 503
	EOF
	start_server routes.503 &&
	for p in usgs ec nwm; do
		case $p in
		usgs) args="-s 01646500 --start 2024-04-01" ;;
		ec) args="-s 08MF005 --start 2024-04-01" ;;
		nwm) args="--gauge AMAT2" ;;
		esac
		: >"$SERVER_LOG"
		rc=0
		SF_USGS_URL=$SERVER_URL SF_EC_URL=$SERVER_URL/services \
		    SF_NWPS_URL=$SERVER_URL sf-fetch-$p --retries 1 \
		    --backoff 10 --timeout 5 -j 2 $args >out 2>err || rc=$?
		test "$rc" = 1 || { echo "$p: exit $rc"; exit 1; }
		test "$(server_requests | wc -l)" = 2 ||
		    { echo "$p: $(server_requests | wc -l) requests"; exit 1; }
		grep "HTTP 503 after 2 attempts" err || exit 1
	done
'

test_done
