#!/bin/sh
# t2900: sf-config on PostgreSQL as on SQLite: one scenario of every
# command run against a SQLite file and against a server, the outputs,
# messages and exit statuses compared byte for byte; and the checks that
# could pass by both being wrong in the same way.
test_description='PostgreSQL: sf-config behaves as on SQLite'
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

# A small station list, so that stations are named and placed
cat > stations.ndjson <<-\EOF
{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.94977778,"longitude":-77.12763889,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01646000","agency":"USGS","name":"DIFFICULT RUN NEAR GREAT FALLS, VA","latitude":38.97594444,"longitude":-77.24605556,"state":"VA","huc_code":"02070008","drainage_area_sqmi":57.82,"altitude_ft":190,"utc_offset":"-05:00","uses_dst":false}
{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":null}
EOF

# scenario: every command of sf-config, in an order that goes through
# what each one changes; the transcript in ./t
scenario() {
	rm -f t
	r sf-config add potomac --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule "0 6 * * *" \
	    --description "Potomac, daily"
	r sf-load stations.ndjson
	r sf-config add potomac --type daily_mean --agency USGS \
	    --start 2000-01-01 --schedule 1d
	r sf-config add fraser --type realtime_15min --agency ec \
	    --start 2024-01-01T06:00:00Z --schedule 15m --revision-window 30
	r sf-config add Zeta --type forecast --agency USGS --source nwm_short_range \
	    --start 2024-01-01 --schedule 1h --stale-after 2d
	r sf-config add _under --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d
	r sf-config add bad --type daily_mean --agency USGS --start 2024-01-01
	r sf-config list
	r sf-config list -f csv
	r sf-config list -f ndjson
	r sf-config show potomac
	r sf-config show -f csv fraser
	r sf-config show nope
	r sf-config stations potomac add 01646500 01646000 0164650
	r sf-config stations potomac add 01646500 -s 01646000
	r sf-config stations potomac add 01594440
	r sf-config stations potomac list
	r sf-config stations -f csv potomac list
	r sf-config stations fraser add 08MF005
	printf '%s\n' '{"kind":"station","station":"08GA010","agency":"EC","name":"CAPILANO","latitude":null,"longitude":null,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}' \
	    '{"kind":"station","station":"01646500","agency":"USGS","name":"X","latitude":null,"longitude":null,"state":null,"huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":null,"uses_dst":null}' > in
	r sh -c 'sf-config stations fraser add - < in'
	head -1 in > in1
	r sh -c 'sf-config stations fraser add - < in1'
	r sf-config stations fraser list
	r sf-config set potomac --agency EC
	r sf-config set potomac --source NOAA_RFC
	r sf-config set Zeta --type daily_mean
	r sf-config set Zeta --type forecast
	r sf-config set fraser --schedule "30 */2 * * *" --description "" \
	    --revision-window default --strategy overwrite
	r sf-config set nope --type daily_mean
	r sf-config disable fraser nope Zeta
	r sf-config list
	r sf-config enable fraser
	r sf-config stations potomac rm 01646000 09999999
	r sf-config stations potomac list
	r sf-config crontab nope
	r sf-config rm Zeta nope
	r sf-config list -f csv
	r sf-config show -f ndjson potomac
}

test_expect_success 'the server starts' '
	cat start.out && test "$rc" -eq 0
'

test_expect_success 'the scenario on SQLite' '
	SF_DB=$TRASH/sf.db && scenario && mv t sqlite.t &&
	grep -q "^exit 1" sqlite.t && grep -q "^exit 2" sqlite.t
'

test_expect_success 'the scenario on PostgreSQL: the same transcript' '
	SF_DB=$SF_PG_URI && scenario && mv t pg.t &&
	test_cmp sqlite.t pg.t
'

test_expect_success 'a duplicate configuration: the same refusal on both' '
	for db in "$TRASH/sf.db" "$SF_PG_URI"; do
		{ sf-config --db "$db" add fraser --type daily_mean \
		    --agency EC --start 2024-01-01 --schedule 1d 2> err;
		  test $? -eq 1; } &&
		echo "sf-config: configuration '\''fraser'\'' already defined" |
		    sed "s/ already/: already/" > want &&
		test_cmp want err || return 1
	done
'

test_expect_success 'the rows PostgreSQL holds are the ones asked for' '
	pg_psql -c "SELECT name, data_type, data_strategy, agency,
	    coalesce(source, '\''-'\''), pull_start_date, is_enabled,
	    schedule_value, coalesce(revision_window_days, 0)
	    FROM pull_configurations ORDER BY name COLLATE \"C\"" > got &&
	cat > want <<-\EOF &&
	_under|daily_mean|append|USGS|-|2024-01-01 00:00:00+00|1|1d|0
	fraser|realtime_15min|overwrite|EC|-|2024-01-01 06:00:00+00|1|30 */2 * * *|0
	potomac|daily_mean|append|USGS|-|1990-01-01 00:00:00+00|1|0 6 * * *|0
	EOF
	test_cmp want got &&
	pg_psql -c "SELECT c.name, s.station_number, s.station_name
	    FROM pull_configuration_stations s JOIN pull_configurations c
	    ON c.id = s.config_id ORDER BY 1, 2" > got &&
	cat > want <<-\EOF &&
	fraser|08GA010|CAPILANO
	fraser|08MF005|FRASER RIVER AT HOPE
	potomac|01594440|
	potomac|01646500|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA
	EOF
	test_cmp want got
'

test_expect_success 'a new archive holds the shipped mappings on both engines' '
	want=$(grep -c "^[A-Z]" "$SF_TOP/share/sf/hads_id_mappings.csv") &&
	test "$want" -gt 100 &&
	n=$(sqlite3 "$TRASH/sf.db" "SELECT count(*) FROM station_mappings") &&
	test "$n" = "$want" &&
	p=$(pg_psql -c "SELECT count(*) FROM station_mappings") &&
	test "$p" = "$n"
'

test_expect_success 'opening an archive again does not seed it again' '
	pg_psql -c "DELETE FROM station_mappings WHERE source_id = '\''15239900'\''" &&
	p=$(pg_psql -c "SELECT count(*) FROM station_mappings") &&
	test "$p" -lt 200 &&
	sf-config --db "$SF_PG_URI" add again --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d &&
	test "$(pg_psql -c "SELECT count(*) FROM station_mappings")" = "$p"
'

test_expect_success 'a database without the schema: only add creates it' '
	pg_psql -c "CREATE DATABASE other" &&
	other="postgresql://sf@/other?host=$PG_DIR" &&
	{ sf-config --db "$other" list 2> err; test $? -eq 1; } &&
	echo "sf-config: database '\''$other'\'': not an sf database, or not yet created" > want &&
	test_cmp want err &&
	sf-config --db "$other" add x --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d &&
	test "$(psql -X -A -t -d "$other" -c "SELECT count(*) FROM station_mappings")" -gt 100
'

test_done
