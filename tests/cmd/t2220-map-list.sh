#!/bin/sh
# engines: sqlite postgresql
test_description='sf-map list: the mappings as CSV (round trip) or NDJSON'
. "$(dirname "$0")/test-lib.sh"

HDR=source_agency,source_id,target_agency,target_id

rows() {
	sql "SELECT source_agency, source_id, target_agency, target_id
	    FROM station_mappings ORDER BY 1, 2, 3"
}

test_expect_success 'setup: the shipped mappings and a few more' '
	cat > more.csv <<-EOF &&
	$HDR
	EC,08MF005,NWM,2617456
	EC,05BH004,NOAA-HADS,"odd,""id"""
	USGS,15258000,NWM,2617440
	EOF
	sf-map import more.csv &&
	test "$(sql "SELECT count(*) FROM station_mappings")" = 203
'

test_expect_success 'list prints the import CSV, ordered, every row' '
	sf-map list > all.csv &&
	test "$(sed -n 1p all.csv)" = "$HDR" &&
	test "$(wc -l < all.csv)" = 204 &&
	sed -n 2,4p all.csv > actual &&
	cat > expect <<-\EOF &&
	EC,05BH004,NOAA-HADS,"odd,""id"""
	EC,08MF005,NWM,2617456
	USGS,02339495,NOAA-HADS,LANA1
	EOF
	test_cmp expect actual &&
	tail -1 all.csv > actual &&
	echo USGS,333204087324601,NOAA-HADS,TWLA1 > expect &&
	test_cmp expect actual
'

test_expect_success 'list, then import into an empty table, gives the same table' '
	rows > before &&
	sql "DELETE FROM station_mappings" &&
	sf-map import -v all.csv 2> err &&
	echo "sf-map: 203 inserted, 0 unchanged, 0 replaced, 0 conflicts, 0 bad lines" > expect &&
	test_cmp expect err &&
	rows > after &&
	test_cmp before after
'

test_expect_success 'and into another database, where it changes nothing new' '
	sf-map import --db other.db -v all.csv 2> err &&
	echo "sf-map: 3 inserted, 200 unchanged, 0 replaced, 0 conflicts, 0 bad lines" > expect &&
	test_cmp expect err &&
	sf-map list --db other.db > other.csv &&
	test_cmp all.csv other.csv
'

test_expect_success '--agency and --to choose rows' '
	sf-map list --agency EC > actual &&
	printf "%s\n" "$HDR" "EC,05BH004,NOAA-HADS,\"odd,\"\"id\"\"\"" \
	    "EC,08MF005,NWM,2617456" > expect &&
	test_cmp expect actual &&
	sf-map list --to NWM > actual &&
	printf "%s\n" "$HDR" "EC,08MF005,NWM,2617456" \
	    "USGS,15258000,NWM,2617440" > expect &&
	test_cmp expect actual &&
	sf-map list --agency USGS --to NWM > actual &&
	printf "%s\n" "$HDR" "USGS,15258000,NWM,2617440" > expect &&
	test_cmp expect actual
'

test_expect_success 'nothing to list prints nothing' '
	sf-map list --agency EC --to NOAA-HADS > /dev/null &&
	sql "DELETE FROM station_mappings WHERE source_agency = \"EC\"" &&
	sf-map list --agency EC > out &&
	test_must_be_empty out
'

test_expect_success '-f ndjson' '
	sf-map list -f ndjson --to NWM > actual &&
	echo "{\"kind\":\"mapping\",\"source_agency\":\"USGS\",\"source_id\":\"15258000\",\"target_agency\":\"NWM\",\"target_id\":\"2617440\"}" > expect &&
	test_cmp expect actual
'

test_expect_code 2 'list takes no operands' '
	sf-map list x
'

test_expect_code 2 'list takes no -s' '
	sf-map list -s 15258000
'

test_expect_code 2 'list: --format must be known' '
	sf-map list -f xml
'

test_expect_success 'options may come before the verb' '
	sf-map list -f ndjson --to NWM > expect &&
	sf-map -f ndjson --db "$SF_DB" list --to NWM > actual &&
	test_cmp expect actual &&
	sf-map --db "$SF_DB" import - </dev/null 2>err &&
	test_must_be_empty err
'

test_expect_code 1 'list: a missing database is an error, not created' '
	sf-map --db typo.db list > out 2> err; rc=$?;
	echo "sf-map: database '\''typo.db'\'': cannot open (does it exist?)" > expect &&
	{ test_cmp expect err && test_must_be_empty out &&
	    test ! -e typo.db; } || exit 3
	exit $rc
'

test_expect_code 1 'the filter: a missing database is an error, not created' '
	sf-map --db typo.db --to NWM -s 15258000 > out 2> err; rc=$?;
	echo "sf-map: database '\''typo.db'\'': cannot open (does it exist?)" > expect &&
	{ test_cmp expect err && test_must_be_empty out &&
	    test ! -e typo.db; } || exit 3
	exit $rc
'

test_expect_success 'a file named list is read after --' '
	printf "{\"kind\":\"request\",\"config\":\"c\",\"station\":\"15258000\",\"agency\":\"USGS\",\"type\":\"forecast\",\"source\":\"NWM_SHORT_RANGE\",\"start\":null,\"end\":null,\"modified_since\":null,\"target_id\":null}\n" > list &&
	sf-map --to NWM -- list > out &&
	grep -q "\"target_id\":\"2617440\"" out
'

test_done
