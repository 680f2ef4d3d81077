#!/bin/sh
# engines: sqlite postgresql
test_description='sf-map import: the shipped mappings, the HADS crosswalk, the mapping CSV'
. "$(dirname "$0")/test-lib.sh"

HADS=$FIXTURES/noaa/hads/ALL_USGS-HADS_SITES_head200.txt
SHIPPED=$SF_TOP/share/sf/hads_id_mappings.csv
HDR=source_agency,source_id,target_agency,target_id

rows() {
	sql "SELECT source_agency, source_id, target_agency, target_id
	    FROM station_mappings ORDER BY 1, 2, 3"
}

test_expect_success 'the HADS sample is where the tests expect it' '
	test -r "$HADS" && test "$(wc -l < "$HADS")" -eq 204
'

test_expect_success 'a new database holds every shipped mapping' '
	sf-load < /dev/null &&
	grep -v "^#" "$SHIPPED" | sed 1d | wc -l > expect &&
	sql "SELECT count(*) FROM station_mappings" > count &&
	test "$(cat count)" -eq "$(cat expect)" &&
	test "$(cat count)" -eq 200
'

test_expect_success 'the shipped rows are those of the CSV, as written' '
	grep -v "^#" "$SHIPPED" | sed 1d | tr , "|" | sort > expect &&
	rows | sort > actual &&
	test_cmp expect actual
'

test_expect_success 'the shipped CSV says where it came from' '
	grep "^# .*hads.ncep.noaa.gov/USGS/ALL_USGS-HADS_SITES.txt" "$SHIPPED" &&
	grep "^# .*918d6866" "$SHIPPED" &&
	test "$(grep -v "^#" "$SHIPPED" | sed -n 1p)" = "$HDR"
'

test_expect_success 'scripts/make-hads-csv rebuilds the shipped rows from the sample' '
	sh "$SF_TOP/scripts/make-hads-csv" -s test "$HADS" > built.csv 2> err &&
	test_must_be_empty err &&
	grep -v "^#" built.csv > expect &&
	grep -v "^#" "$SHIPPED" > actual &&
	test_cmp expect actual
'

test_expect_success 'importing the HADS sample into the new database changes nothing' '
	rows > before &&
	sf-map import -v --hads "$HADS" 2> err &&
	echo "sf-map: 0 inserted, 200 unchanged, 0 replaced, 0 conflicts, 0 bad lines" > expect &&
	test_cmp expect err &&
	rows > after && test_cmp before after
'

test_expect_success 'the HADS sample into an empty table: 200 rows, first and last' '
	sql "DELETE FROM station_mappings" &&
	sf-map import -v --hads "$HADS" 2> err &&
	echo "sf-map: 200 inserted, 0 unchanged, 0 replaced, 0 conflicts, 0 bad lines" > expect &&
	test_cmp expect err &&
	test "$(sql "SELECT count(*) FROM station_mappings")" = 200 &&
	sql "SELECT source_agency, source_id, target_agency, target_id
	    FROM station_mappings WHERE source_id IN
	    (\"15239900\", \"02458148\", \"323539085101101\", \"0242354650\")
	    ORDER BY id" > actual &&
	cat > expect <<-\EOF &&
	USGS|15239900|NOAA-HADS|APTA2
	USGS|323539085101101|NOAA-HADS|BLEA1
	USGS|0242354650|NOAA-HADS|CISA1
	USGS|02458148|NOAA-HADS|VGRA1
	EOF
	test_cmp expect actual &&
	head -5 "$HADS" | tail -1 | grep "^APTA2|15239900 " &&
	tail -1 "$HADS" | grep "^VGRA1|02458148 "
'

test_expect_success 're-importing is idempotent, from stdin too' '
	rows > before &&
	sf-map import -v --hads - < "$HADS" 2> err &&
	echo "sf-map: 0 inserted, 200 unchanged, 0 replaced, 0 conflicts, 0 bad lines" > expect &&
	test_cmp expect err &&
	rows > after && test_cmp before after
'

test_expect_success 'a HADS file without a line end after its last row' '
	sql "DELETE FROM station_mappings" &&
	printf "%s" "$(cat "$HADS")" > noeol.txt &&
	test "$(tail -c 1 noeol.txt)" = "." &&
	sf-map import --hads noeol.txt &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"02458148\"")" = VGRA1 &&
	test "$(sql "SELECT count(*) FROM station_mappings")" = 200
'

test_expect_success 'without -v an import says nothing' '
	sf-map import --hads "$HADS" > out 2> err &&
	test_must_be_empty out && test_must_be_empty err
'

test_expect_success 'HADS bad rows are reported with their line numbers and skipped' '
	sed -n 1,6p "$HADS" > bad.txt &&
	echo "CUTA1|0242" >> bad.txt &&
	echo "SHRA1|1234567        |x|x|x|x|SHORT NUMBER" >> bad.txt &&
	echo "NEWA1|12345678       |x|x|x|x|NEW" >> bad.txt &&
	sf-map import -v --hads bad.txt 2> err; rc=$?;
	cat > expect <<-\EOF &&
	sf-map: bad.txt:7: expected 7 fields, found 2
	sf-map: bad.txt:8: station '\''1234567'\'': not a USGS station number (8 to 15 digits)
	sf-map: 1 inserted, 2 unchanged, 0 replaced, 0 conflicts, 2 bad lines
	EOF
	test_cmp expect err &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"12345678\"")" = NEWA1 &&
	test "$rc" = 1
'

test_expect_success 'a conflict is reported with both ids and its line, and not overwritten' '
	printf "%s\n" "$HDR" "USGS,15239900,NOAA-HADS,APTA2" \
	    "USGS,15239900,NOAA-HADS,WRONG" "USGS,87654321,NWM,101" > c.csv &&
	sf-map import -v c.csv 2> err; rc=$?;
	cat > expect <<-\EOF &&
	sf-map: c.csv:3: conflict: USGS '\''15239900'\'' is NOAA-HADS '\''APTA2'\'' already, not '\''WRONG'\'' (kept; --replace overwrites)
	sf-map: 1 inserted, 1 unchanged, 0 replaced, 1 conflicts, 0 bad lines
	EOF
	test_cmp expect err &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"15239900\"")" = APTA2 &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"87654321\"")" = 101 &&
	test "$rc" = 1
'

test_expect_success 'the same station may have a NOAA-HADS id and an NWM id' '
	printf "%s\n" "$HDR" "USGS,15239900,NWM,2617456" | sf-map import - &&
	sql "SELECT target_agency, target_id FROM station_mappings
	    WHERE source_id = \"15239900\" ORDER BY 1" > actual &&
	printf "%s\n" "NOAA-HADS|APTA2" "NWM|2617456" > expect &&
	test_cmp expect actual
'

test_expect_success '--replace overwrites a conflicting mapping, and says so with -v' '
	printf "%s\n" "$HDR" "USGS,15239900,NOAA-HADS,NEWID" > r.csv &&
	sf-map import -v --replace r.csv 2> err &&
	cat > expect <<-\EOF &&
	sf-map: r.csv:2: USGS '\''15239900'\'' is NOAA-HADS '\''NEWID'\'' now, not '\''APTA2'\''
	sf-map: 0 inserted, 0 unchanged, 1 replaced, 0 conflicts, 0 bad lines
	EOF
	test_cmp expect err &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"15239900\" AND target_agency = \"NOAA-HADS\"")" = NEWID
'

test_expect_success 'sf-map import alone restores the shipped mappings, reporting changed ones' '
	sql "DELETE FROM station_mappings WHERE source_id = \"15446000\"" &&
	sf-map import -v 2> err; rc=$?;
	n=$(grep -n "^USGS,15239900,NOAA-HADS,APTA2\$" "$SHIPPED" | cut -d: -f1) &&
	cat > expect <<-EOF &&
	sf-map: hads_id_mappings.csv:$n: conflict: USGS '\''15239900'\'' is NOAA-HADS '\''NEWID'\'' already, not '\''APTA2'\'' (kept; --replace overwrites)
	sf-map: 1 inserted, 198 unchanged, 0 replaced, 1 conflicts, 0 bad lines
	EOF
	test_cmp expect err &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"15446000\"")" = BCCA2 &&
	test "$rc" = 1
'

test_expect_success 'sf-map import --replace re-initialises the shipped ones' '
	sf-map import --replace &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"15239900\" AND target_agency = \"NOAA-HADS\"")" = APTA2
'

test_expect_success 'bad CSV lines are reported with line numbers and skipped' '
	cat > bad.csv <<-EOF &&
	# a comment
	$HDR

	USGS,15239900,NOAA-HADS
	USGS,15239900,NOAA-HADS,APTA2,x
	usgs,11111111,NOAA-HADS,A
	USGS,11111111,HADS,A
	USGS,1111,NOAA-HADS,A
	EC,08mf005,NWM,1
	USGS,11111111,NOAA-HADS,"open
	USGS,11111111,NOAA-HADS, A
	USGS,11111111,NOAA-HADS,
	EC,08MF005,NWM,42
	EOF
	sf-map import -v bad.csv 2> err; rc=$?;
	cat > expect <<-\EOF &&
	sf-map: bad.csv:4: expected 4 fields, found 3
	sf-map: bad.csv:5: expected 4 fields, found 5
	sf-map: bad.csv:6: source agency '\''usgs'\'': unknown (USGS or EC)
	sf-map: bad.csv:7: target agency '\''HADS'\'': unknown (NOAA-HADS or NWM)
	sf-map: bad.csv:8: station '\''1111'\'': not a USGS station number (8 to 15 digits)
	sf-map: bad.csv:9: station '\''08mf005'\'': not an EC station id (2 digits, 2 upper-case letters, 3 upper-case letters or digits, such as 05BH004)
	sf-map: bad.csv:10: quoted field not closed
	sf-map: bad.csv:11: NOAA-HADS id '\'' A'\'': space at an end
	sf-map: bad.csv:12: empty target id
	sf-map: 1 inserted, 0 unchanged, 0 replaced, 0 conflicts, 9 bad lines
	EOF
	test_cmp expect err &&
	test "$(sql "SELECT count(*) FROM station_mappings
	    WHERE source_id IN (\"11111111\", \"1111\", \"08mf005\")")" = 0 &&
	test "$(sql "SELECT target_id FROM station_mappings
	    WHERE source_id = \"08MF005\"")" = 42 &&
	test "$rc" = 1
'

test_expect_success 'a CSV without its header imports nothing' '
	rows > before &&
	printf "%s\n" "USGS,22222222,NOAA-HADS,HDRA1" > nohdr.csv &&
	sf-map import nohdr.csv 2> err; rc=$?;
	cat > expect <<-EOF &&
	sf-map: nohdr.csv:1: expected the header '\''$HDR'\''
	sf-map: nothing imported
	EOF
	test_cmp expect err &&
	rows > after && test_cmp before after &&
	test "$rc" = 1
'

test_expect_success 'CRLF, a BOM and a repeated header are taken' '
	printf "\357\273\277%s\r\nEC,05BH004,NWM,77\r\n%s\r\nEC,08HDX03,NWM,78" \
	    "$HDR" "$HDR" > crlf.csv &&
	sf-map import crlf.csv &&
	sql "SELECT source_id, target_id FROM station_mappings
	    WHERE source_agency = \"EC\" AND source_id <> \"08MF005\" ORDER BY 1" > actual &&
	printf "%s\n" "05BH004|77" "08HDX03|78" > expect &&
	test_cmp expect actual
'

test_expect_success 'a hostile target id is stored verbatim' '
	cat > hostile.csv <<-EOF &&
	$HDR
	USGS,33333333,NOAA-HADS,"X'\''); DROP TABLE station_mappings;--,""\$(id)"""
	EOF
	sf-map import hostile.csv &&
	sql "SELECT target_id FROM station_mappings WHERE source_id = \"33333333\"" > actual &&
	printf "%s\n" "X'\''); DROP TABLE station_mappings;--,\"\$(id)\"" > expect &&
	test_cmp expect actual &&
	test "$(sql "SELECT count(*) FROM station_mappings")" -gt 200
'

test_expect_success 'a file that cannot be opened' '
	sf-map import nosuch.csv 2> err; rc=$?;
	grep "^sf-map: cannot open '\''nosuch.csv'\'': " err &&
	test "$rc" = 1
'

test_expect_code 2 '--hads needs a file' '
	sf-map import --hads
'

test_expect_code 2 'import takes one file' '
	sf-map import a.csv b.csv
'

test_expect_code 2 'import takes no --to' '
	sf-map import --to NWM c.csv
'

test_done
