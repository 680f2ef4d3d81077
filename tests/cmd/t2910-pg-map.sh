#!/bin/sh
# t2910: sf-map on PostgreSQL as on SQLite: imports (the shipped mappings,
# the HADS crosswalk, mapping CSVs with conflicts, bad lines and
# --replace), the listing and the filter, run against a SQLite file and a
# server, the transcripts compared byte for byte.
test_description='PostgreSQL: sf-map behaves as on SQLite'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

HADS=$FIXTURES/noaa/hads/ALL_USGS-HADS_SITES_head200.txt

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

cat > more.csv <<-\EOF
source_agency,source_id,target_agency,target_id
# a comment, then a blank line

USGS,01646500,NOAA-HADS,BRKM2
USGS,01646500,NWM,4512772
EC,08MF005,NOAA-HADS,HOPB1
USGS,15239900,NOAA-HADS,OTHER
USGS,0164650,NOAA-HADS,BAD1
EC,08MF005,NWM,"1234,5"
USGS,01638500,NWM
EOF
printf '%s\n' 'source_agency,source_id,target_agency,target_id' \
    'USGS,15239900,NOAA-HADS,APTX2' > replace.csv
printf '%s\n' 'USGS,01646500,NOAA-HADS,X' > noheader.csv

cat > requests.ndjson <<-\EOF
{"kind":"request","config":"fc","station":"01646500","agency":"USGS","type":null,"source":"NOAA_RFC","start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":null}
{"kind":"request","config":"fc","station":"08MF005","agency":null,"type":null,"source":"NOAA_RFC","start":null,"end":null,"modified_since":null,"target_id":null}
{"kind":"request","config":"fc","station":"01638500","agency":"USGS","type":null,"source":"NOAA_RFC","start":null,"end":null,"modified_since":null,"target_id":null}
{"kind":"obs","config":"fc","station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-01T00:00:00Z","discharge":1.5,"unit":"cfs","quality_code":"A"}
not a record
EOF

# scenario: sf-map's forms in an order that goes through what each changes
scenario() {
	rm -f t
	r sf-map list -f ndjson
	r sf-map import
	r sf-map import -v
	r sf-map list --agency USGS --to NOAA-HADS
	r sf-map import -v more.csv
	r sf-map import noheader.csv
	r sf-map import -v --replace replace.csv
	r sh -c 'sf-map import -v --hads - < "$0"' "$HADS"
	r sf-map list
	r sf-map list -f ndjson --to NWM
	r sf-map list --agency EC
	r sf-map -v --to NOAA-HADS -s 01646500 -s 08MF005 -s 01638500
	r sf-map --to NWM -f csv -s 01646500 -s 01638500
	r sf-map --to NOAA-HADS requests.ndjson
	r sh -c 'sf-map --to NWM --agency USGS < requests.ndjson'
	r sf-map --to NOAA-HADS nothere.ndjson
}

test_expect_success 'the server starts' '
	cat start.out && test "$rc" -eq 0
'

test_expect_success 'the scenario on SQLite' '
	SF_DB=$TRASH/sf.db && sf-load < /dev/null && scenario && mv t sqlite.t &&
	grep -q "^exit 1" sqlite.t && grep -q "^exit 0" sqlite.t &&
	grep -q "BRKM2" sqlite.t && grep -q "APTX2" sqlite.t
'

test_expect_success 'the scenario on PostgreSQL: the same transcript' '
	SF_DB=$SF_PG_URI && sf-load < /dev/null && scenario && mv t pg.t &&
	test_cmp sqlite.t pg.t
'

test_expect_success 'the tables hold the same rows' '
	sqlite3 "$TRASH/sf.db" "SELECT source_agency, source_id, target_agency,
	    target_id FROM station_mappings" | sort > lite &&
	pg_psql -c "SELECT source_agency, source_id, target_agency, target_id
	    FROM station_mappings" | sort > pg &&
	test_cmp lite pg && test "$(wc -l < pg)" -eq 204 &&
	grep -qx "USGS|15239900|NOAA-HADS|APTX2" pg
'

test_expect_success 'a read-only form never creates the schema' '
	pg_psql -c "CREATE DATABASE other" &&
	other="postgresql://sf@/other?host=$PG_DIR" &&
	{ sf-map --db "$other" list > out 2> err; test $? -eq 1; } &&
	test_must_be_empty out &&
	echo "sf-map: database '\''$other'\'': not an sf database, or not yet created" > want &&
	test_cmp want err &&
	test "$(psql -X -A -t -d "$other" -c "SELECT count(*) FROM pg_tables WHERE schemaname = '\''public'\''")" = 0
'

test_expect_success 'import creates the schema with the shipped mappings' '
	other="postgresql://sf@/other?host=$PG_DIR" &&
	sf-map --db "$other" import -v more.csv 2> err; test $? -eq 1 &&
	grep -q "^sf-map: 4 inserted, 0 unchanged, 0 replaced, 1 conflicts, 2 bad lines" err &&
	test "$(psql -X -A -t -d "$other" -c "SELECT count(*) FROM station_mappings")" = 204
'

test_done
