#!/bin/sh
# engines: sqlite postgresql
test_description='sf-config stations: add by id and from records, rm, list'
. "$(dirname "$0")/test-lib.sh"

# st ID AGENCY NAME STATE HUC: a station record
st() {
	printf '{"kind":"station","station":"%s","agency":"%s","name":"%s","latitude":null,"longitude":null,"state":"%s","huc_code":"%s","drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}\n' "$@"
}

stations() {
	sql "SELECT c.name, s.station_number, coalesce(s.station_name, '-'),
	    coalesce(s.huc_code, '-'), coalesce(s.state, '-'), s.is_enabled
	    FROM pull_configuration_stations s
	    JOIN pull_configurations c ON c.id = s.config_id ORDER BY 1, 2"
}

test_expect_success 'setup: configurations and a master station' '
	sf-config add potomac --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule 1d &&
	sf-config add fraser --type realtime_15min --agency EC \
	    --start 2024-01-01 --schedule 15m &&
	printf "%s\n" "{\"kind\":\"station\",\"station\":\"01646500\",\"agency\":\"USGS\",\"name\":\"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA\",\"latitude\":38.9497,\"longitude\":-77.1276,\"state\":\"MD\",\"huc_code\":\"02070008\",\"drainage_area_sqmi\":11560,\"altitude_ft\":37.2,\"utc_offset\":\"-05:00\",\"uses_dst\":true}" |
	    sf-load
'

test_expect_success 'add by id; names come from master_stations' '
	SF_NOW=2026-11-25T13:00:00Z sf-config stations potomac add 01646500 01638500 \
	    394220106431500 >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	stations >out &&
	cat >expect <<-\EOT &&
	potomac|01638500|-|-|-|1
	potomac|01646500|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA|02070008|MD|1
	potomac|394220106431500|-|-|-|1
	EOT
	test_cmp expect out &&
	sf-config show potomac | grep -e ^stations -e ^updated_at >out &&
	printf "stations: 3\nupdated_at: 2026-11-25T13:00:00Z\n" >expect &&
	test_cmp expect out
'

test_expect_success 'EC ids' '
	sf-config stations fraser add 08MF005 05BH004 08HDX03 &&
	test "$(sql "SELECT station_number FROM pull_configuration_stations s
	    JOIN pull_configurations c ON c.id = s.config_id
	    WHERE c.name = \"fraser\" ORDER BY 1" | paste -sd " ")" = \
	    "05BH004 08HDX03 08MF005"
'

test_expect_code 1 'a bad id is named, and nothing is added' '
	stations >before &&
	sf-config stations potomac add 01594440 0164650 01646500x 2>err; rc=$?;
	cat >expect <<-\EOT &&
	sf-config: station '\''0164650'\'': not a USGS station number (8 to 15 digits)
	sf-config: station '\''01646500x'\'': not a USGS station number (8 to 15 digits)
	sf-config: configuration '\''potomac'\'': nothing added (2 bad stations)
	EOT
	test_cmp expect err &&
	stations >after && test_cmp before after &&
	exit $rc
'

test_expect_code 1 'a USGS number is not an EC id' '
	sf-config stations fraser add 01646500 08mf005 2>err; rc=$?;
	cat >expect <<-\EOT &&
	sf-config: station '\''01646500'\'': not an EC station id (2 digits, 2 upper-case letters, 3 upper-case letters or digits, such as 05BH004)
	sf-config: station '\''08mf005'\'': not an EC station id (2 digits, 2 upper-case letters, 3 upper-case letters or digits, such as 05BH004)
	sf-config: configuration '\''fraser'\'': nothing added (2 bad stations)
	EOT
	test_cmp expect err &&
	exit $rc
'

test_expect_success 're-adding is idempotent' '
	stations >before &&
	sf-config -v stations potomac add 01646500 01638500 2>err &&
	echo "sf-config: configuration '\''potomac'\'': 0 stations added, 2 already there" >expect &&
	test_cmp expect err &&
	stations >after && test_cmp before after
'

test_expect_success 'add - reads station records and keeps name, huc and state' '
	{ st 01638500 USGS "POTOMAC RIVER AT POINT OF ROCKS, MD" MD 02070008 &&
	  st 01631000 USGS "S F SHENANDOAH RIVER AT FRONT ROYAL, VA" VA 02070005; } |
	    sf-config stations potomac add - &&
	stations >out &&
	cat >expect <<-\EOT &&
	potomac|01631000|S F SHENANDOAH RIVER AT FRONT ROYAL, VA|02070005|VA|1
	potomac|01638500|POTOMAC RIVER AT POINT OF ROCKS, MD|02070008|MD|1
	potomac|01646500|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA|02070008|MD|1
	potomac|394220106431500|-|-|-|1
	EOT
	grep potomac out >out2 && test_cmp expect out2
'

test_expect_success 'add - takes CSV too, and ids beside it; re-adding updates' '
	cat >in.csv <<-\EOT &&
	station,agency,name,state,huc_code
	01638500,USGS,POTOMAC R AT POINT OF ROCKS,MD,0207000801
	EOT
	sf-config stations potomac add 01594440 - <in.csv &&
	stations | grep -e 01638500 -e 01594440 >out &&
	cat >expect <<-\EOT &&
	potomac|01594440|-|-|-|1
	potomac|01638500|POTOMAC R AT POINT OF ROCKS|0207000801|MD|1
	EOT
	test_cmp expect out
'

test_expect_code 1 'add -: bad records are reported, and nothing is added' '
	stations >before &&
	{ st 01646800 USGS "GOOD ONE" MD 02070008 &&
	  st 05BH004 EC "BOW RIVER AT BANFF" AB 05 &&
	  st 123 USGS "SHORT" MD 02 &&
	  echo "{\"kind\":\"station\",\"station\":null,\"agency\":\"USGS\"}" &&
	  echo "not json" &&
	  echo "{\"kind\":\"request\",\"config\":\"x\",\"station\":\"01646500\"}"; } |
	    sf-config stations potomac add - 2>err; rc=$?;
	cat >expect <<-\EOT &&
	sf-config: stdin:2: station '\''05BH004'\'': agency EC, but configuration '\''potomac'\'' is USGS
	sf-config: stdin:3: station '\''123'\'': not a USGS station number (8 to 15 digits)
	sf-config: stdin:4: station record without a station
	sf-config: stdin:5: invalid JSON: '\''['\'' or '\''{'\'' expected near '\''not'\''
	sf-config: stdin:6: a request record, not a station record
	sf-config: configuration '\''potomac'\'': nothing added (5 bad stations)
	EOT
	test_cmp expect err &&
	stations >after && test_cmp before after &&
	exit $rc
'

test_expect_success 'add - with no records warns and adds nothing' '
	stations >before &&
	sf-config stations potomac add - </dev/null 2>err &&
	echo "sf-config: warning: configuration '\''potomac'\'': no station records on stdin" >expect &&
	test_cmp expect err &&
	stations >after && test_cmp before after
'

test_expect_success 'list writes station records, with master_stations details' '
	sf-config stations potomac list >out &&
	cat >expect <<-\EOT &&
	{"kind":"station","station":"01594440","agency":"USGS","name":null,"latitude":null,"longitude":null,"state":null,"huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}
	{"kind":"station","station":"01631000","agency":"USGS","name":"S F SHENANDOAH RIVER AT FRONT ROYAL, VA","latitude":null,"longitude":null,"state":"VA","huc_code":"02070005","drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}
	{"kind":"station","station":"01638500","agency":"USGS","name":"POTOMAC R AT POINT OF ROCKS","latitude":null,"longitude":null,"state":"MD","huc_code":"0207000801","drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.9497,"longitude":-77.1276,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	{"kind":"station","station":"394220106431500","agency":"USGS","name":null,"latitude":null,"longitude":null,"state":null,"huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}
	EOT
	test_cmp expect out &&
	sf-config stations fraser list -f csv >out &&
	cat >expect <<-\EOT &&
	station,agency,name,latitude,longitude,state,huc_code,drainage_area_sqmi,altitude_ft,utc_offset,uses_dst
	05BH004,EC,,,,,,,,,
	08HDX03,EC,,,,,,,,,
	08MF005,EC,,,,,,,,,
	EOT
	test_cmp expect out
'

test_expect_success 'list output reads back into another configuration' '
	sf-config add copy --type daily_mean --agency USGS --start 2000-01-01 \
	    --schedule 1d &&
	sf-config stations potomac list | sf-config stations copy add - &&
	sf-config stations copy list >out &&
	sf-config stations potomac list >expect &&
	test_cmp expect out
'

test_expect_success 'sf-stations output feeds add -' '
	sf-config add md --type daily_mean --agency USGS --start 2000-01-01 \
	    --schedule 1d &&
	sf-stations --state MD | sf-config stations md add - &&
	stations | grep "^md|" >out &&
	echo "md|01646500|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA|02070008|MD|1" >expect &&
	test_cmp expect out
'

test_expect_code 1 'rm removes stations and their progress; unknown ids are named' '
	printf "%s\n" "{\"kind\":\"obs\",\"config\":\"potomac\",\"station\":\"01638500\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-01T00:00:00Z\",\"discharge\":5,\"unit\":\"cfs\",\"quality_code\":\"A\"}" |
	    sf-load &&
	test "$(sql "SELECT count(*) FROM pull_station_progress")" = 1 &&
	sf-config stations potomac rm 01638500 09999999 01594440 2>err; rc=$?;
	echo "sf-config: configuration '\''potomac'\'': station '\''09999999'\'': not a station of the configuration" >expect &&
	test_cmp expect err &&
	stations | grep "^potomac|" | cut -d"|" -f2 >out &&
	printf "01631000\n01646500\n394220106431500\n" >expect &&
	test_cmp expect out &&
	test "$(sql "SELECT count(*) FROM pull_station_progress")" = 0 &&
	exit $rc
'

test_expect_code 1 'set --agency must fit the stations' '
	sf-config set fraser --agency USGS 2>err; rc=$?;
	grep "^sf-config: configuration .fraser.: station .05BH004.: not a USGS station number (8 to 15 digits); remove it first (sf-config stations fraser rm 05BH004)$" err &&
	test "$(sql "SELECT agency FROM pull_configurations
	    WHERE name = \"fraser\"")" = EC &&
	exit $rc
'

test_expect_success 'set --agency works once the stations fit' '
	sf-config stations fraser rm 05BH004 08HDX03 08MF005 &&
	sf-config set fraser --agency USGS &&
	sf-config stations fraser add 01646500
'

test_expect_code 2 'stations needs a verb and ids' '
	sf-config stations potomac 2>err; rc1=$?;
	sf-config stations potomac add 2>>err; rc2=$?;
	sf-config stations potomac list 01646500 2>>err; rc3=$?;
	test $rc1 = 2 && test $rc2 = 2 && test $rc3 = 2 &&
	grep "^sf-config: stations: give a configuration and add, rm or list$" err &&
	grep "^sf-config: stations add: no station named$" err &&
	grep "^sf-config: stations list: no arguments$" err &&
	exit 2
'

test_expect_success '-s/--station names stations too, before or after the verb' '
	sf-config stations fraser add -s 01638500 --station 01594440 &&
	sf-config -s 01578310 stations fraser add 01646500 &&
	sf-config stations fraser list | sed -n "s/.*\"station\":\"\([0-9]*\)\".*/\1/p" >out &&
	printf "%s\n" 01578310 01594440 01638500 01646500 >expect &&
	test_cmp expect out &&
	sf-config stations fraser rm -s 01578310 01594440 &&
	test "$(sf-config stations fraser list | wc -l)" = 2
'

test_expect_code 2 '-s is refused where no station is taken' '
	sf-config stations fraser list -s 01646500 2>err; rc1=$?;
	sf-config show fraser -s 01646500 2>>err; rc2=$?;
	{ test $rc1 = 2 && test $rc2 = 2 &&
	  grep -q "^sf-config: stations: --station is not one of its options$" err &&
	  grep -q "^sf-config: show: --station is not one of its options$" err; } ||
	    exit 3
	exit 2
'

test_done
