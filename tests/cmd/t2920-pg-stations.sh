#!/bin/sh
# t2920: sf-stations on PostgreSQL as on SQLite: one station list loaded
# into a SQLite file and into a server, every filter (alone, repeated and
# combined, in both formats) run on both, the outputs compared byte for
# byte: the order, the case folding, the numbers.
test_description='PostgreSQL: sf-stations behaves as on SQLite'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

# r CMD...: runs CMD on $SF_DB, and writes to the transcript ./t what it
# wrote on stdout and stderr and how it exited, the database's name as DB
r() {
	echo "\$ $*" >> t
	"$@" > o 2> e
	echo "exit $?" >> t
	cat o e | sed "s|$SF_DB|DB|g" >> t
}

# Numbers that print differently unless read back as doubles (an integer
# in a REAL column, a long fraction, a large and a small one), names with
# LIKE's wildcards and a letter outside ASCII, ids that sort differently
# as numbers and as text.
cat > stations.ndjson <<-\EOF
{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.94977778,"longitude":-77.12763889,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01646000","agency":"USGS","name":"DIFFICULT RUN NEAR GREAT FALLS, VA","latitude":38.97594444,"longitude":-77.24605556,"state":"VA","huc_code":"02070008","drainage_area_sqmi":57.82,"altitude_ft":190,"utc_offset":"-05:00","uses_dst":false}
{"kind":"station","station":"0164600012","agency":"USGS","name":"100% RUN_OFF CREEK","latitude":0.30000000000000004,"longitude":-1e-7,"state":"va","huc_code":"0207","drainage_area_sqmi":98765432.123456789,"altitude_ft":-0.5,"utc_offset":null,"uses_dst":null}
{"kind":"station","station":"03171000","agency":"USGS","name":"NEW RIVER AT RADFORD, VA","latitude":37.14179167,"longitude":-80.569,"state":"VA","huc_code":"05050001","drainage_area_sqmi":2748,"altitude_ft":1711.4,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":null}
{"kind":"station","station":"02OA016","agency":"EC","name":"RIVIÈRE DES PRAIRIES","latitude":45.54,"longitude":-73.66,"state":"QC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-05:00","uses_dst":true}
EOF

scenario() {
	rm -f t
	r sf-stations
	r sf-stations -f csv
	r sf-stations --state md
	r sf-stations --state VA --state bc
	r sf-stations --huc 02
	r sf-stations --huc 0207 --huc 05
	r sf-stations --huc 3
	r sf-stations --name river
	r sf-stations --name "100%"
	r sf-stations --name "run_"
	r sf-stations --name "_"
	r sf-stations --name "rivière"
	r sf-stations --name "RIVIÈRE"
	r sf-stations --name "%"
	r sf-stations -s 01646500 -s 08MF005 -s 99999999
	r sf-stations --station 0164600012
	r sf-stations --agency ec
	r sf-stations --agency EC --name "de"
	r sf-stations --state va --huc 0207 --name run -f csv
	r sf-stations --state XX
	r sf-stations --huc 02a
	r sf-stations --name ""
	r sf-stations --agency NOAA
}

test_expect_success 'the server starts' '
	cat start.out && test "$rc" -eq 0
'

test_expect_success 'the scenario on SQLite' '
	SF_DB=$TRASH/sf.db && sf-load --strict stations.ndjson &&
	scenario && mv t sqlite.t &&
	grep -q "^exit 2" sqlite.t && grep -q "RIVIÈRE" sqlite.t &&
	grep -q "\"drainage_area_sqmi\":11560," sqlite.t &&
	grep -q "\"latitude\":0.30000000000000004," sqlite.t
'

test_expect_success 'the scenario on PostgreSQL: the same transcript' '
	SF_DB=$SF_PG_URI && sf-load --strict stations.ndjson &&
	scenario && mv t pg.t &&
	test_cmp sqlite.t pg.t
'

test_expect_success 'the order is by station number as text' '
	SF_DB=$SF_PG_URI sf-stations --agency USGS -f csv | cut -d, -f1 > got &&
	printf "%s\n" station 01646000 0164600012 01646500 03171000 > want &&
	test_cmp want got
'

test_expect_success 'a database without the sf schema is an error, not created' '
	pg_psql -c "CREATE DATABASE other" &&
	other="postgresql://sf@/other?host=$PG_DIR" &&
	{ sf-stations --db "$other" > out 2> err; test $? -eq 1; } &&
	test_must_be_empty out &&
	echo "sf-stations: database '\''$other'\'': not an sf database, or not yet created" > want &&
	test_cmp want err
'

test_done
