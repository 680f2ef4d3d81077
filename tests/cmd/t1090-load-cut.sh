#!/bin/sh
test_description='sf-load: a cut last line, strict numbers and quality codes in CSV'
. "$(dirname "$0")/test-lib.sh"

H=config,station,agency,type,observed_at,discharge,unit,quality_code
L=,01646500,USGS,daily_mean

# A stream cut inside its last line must not load what the cut left
# (issue 11.6): before, "A:" and "12000." were stored.
test_expect_success 'a CSV cut after the qualifier colon is rejected by line' '
	printf "%s\n%s,2024-01-01,11000.0,cfs,A\n%s,2024-01-02,12000.0,cfs,A:" \
	    "$H" "$L" "$L" >cut1 &&
	rc=0; sf-load -v cut1 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "cut1:3: quality_code .A:.: empty qualifier" err &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 1
'

test_expect_success 'a CSV cut after the decimal point is rejected by line' '
	printf "station,agency,type,observed_at,unit,quality_code,discharge\n" >cut2 &&
	printf "01646500,USGS,daily_mean,2024-01-03,cfs,A,12000." >>cut2 &&
	rc=0; sf-load cut2 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "cut2:2: discharge .12000\..: not a number" err &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 1
'

test_expect_success 'a CSV cut inside the time or before the last field is rejected' '
	printf "%s\n%s,2024-01-0" "$H" "$L" >cut3 &&
	printf "%s\n%s,2024-01-04,12000,cf" "$H" "$L" >cut4 &&
	printf "%s\n%s,2024-01-04,12000,cfs" "$H" "$L" >cut5 &&
	rc=0; sf-load cut3 cut4 cut5 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "cut3:2: " err && grep "cut4:2: " err && grep "cut5:2: " err &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 1
'

test_expect_success 'a complete last line without its line end loads' '
	printf "%s\n%s,2024-01-05,13000,cfs,P:e" "$H" "$L" >whole &&
	sf-load whole &&
	test "$(sql "SELECT discharge FROM discharge_observations WHERE observed_at LIKE \"2024-01-05%\"")" = 13000.0
'

test_expect_success 'numbers follow RFC 8259 on every line, CSV and NDJSON alike' '
	printf "%s\n" "$H" >nums &&
	for v in 1. .5 +1 007 1e 0x10 " 1"; do
		printf "%s,2024-02-01,%s,cfs,P\n" "$L" "$v" >>nums || return 1
	done &&
	printf "%s,2024-02-02,1.5e3,cfs,P\n" "$L" >>nums &&
	rc=0; sf-load nums 2>err || rc=$?;
	test "$rc" = 1 &&
	test "$(grep -c "not a number" err)" = 7 &&
	test "$(sql "SELECT discharge FROM discharge_observations WHERE observed_at LIKE \"2024-02-%\"")" = 1500.0 &&
	printf "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-02-03\",\"discharge\":\"12000.\",\"unit\":\"cfs\",\"quality_code\":\"P\"}\n" >nd &&
	rc=0; sf-load nd 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "nd:1: discharge .12000\..: not a number" err
'

test_expect_success 'quality codes: no empty part, no control character, on every line' '
	printf "%s\n" "$H" >qc &&
	for q in "P:" ":e" "P::e" "A:e:"; do
		printf "%s,2024-03-01,1,cfs,%s\n" "$L" "$q" >>qc || return 1
	done &&
	printf "%s,2024-03-01,1,cfs,\"P:\te\"\n" "$L" >>qc &&
	printf "%s,2024-03-02,1,cfs,P:e:ice\n" "$L" >>qc &&
	rc=0; sf-load qc 2>err || rc=$?;
	test "$rc" = 1 &&
	test "$(grep -c "quality_code" err)" = 5 &&
	grep "qc:2: quality_code .P:.: empty qualifier" err &&
	grep "qc:3: quality_code .:e.: empty approval" err &&
	test "$(sql "SELECT count(*) FROM discharge_observations WHERE observed_at LIKE \"2024-03-%\"")" = 1
'

test_done
