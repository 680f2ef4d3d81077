#!/bin/sh
# engines: sqlite postgresql
test_description='sf-config: created_at and updated_at come from SF_NOW'
. "$(dirname "$0")/test-lib.sh"

# stamps NAME: created_at|updated_at of configuration NAME
stamps() {
	sql "SELECT created_at || '|' || updated_at FROM pull_configurations
	    WHERE name = '$1'"
}

# Times years away from the real clock, a different one for each change,
# so that a stamp from the schema's DEFAULT (the real time) or from an
# earlier step cannot pass.
test_expect_success 'add stamps created_at and updated_at with SF_NOW' '
	SF_NOW=2031-03-04T05:06:07Z sf-config add potomac --type daily_mean \
	    --agency USGS --start 1990-01-01 --schedule 1h &&
	echo "2031-03-04T05:06:07Z|2031-03-04T05:06:07Z" >expect &&
	stamps potomac >out && test_cmp expect out &&
	sf-config show potomac >out &&
	grep -e ^created_at -e ^updated_at out >out2 &&
	cat >expect <<-\EOT &&
	created_at: 2031-03-04T05:06:07Z
	updated_at: 2031-03-04T05:06:07Z
	EOT
	test_cmp expect out2
'

test_expect_success 'set stamps updated_at only' '
	SF_NOW=2032-01-01T00:00:01Z sf-config set potomac --schedule 2h &&
	echo "2031-03-04T05:06:07Z|2032-01-01T00:00:01Z" >expect &&
	stamps potomac >out && test_cmp expect out
'

test_expect_success 'disable and enable stamp updated_at' '
	SF_NOW=2032-02-02T02:02:02Z sf-config disable potomac &&
	echo "2031-03-04T05:06:07Z|2032-02-02T02:02:02Z" >expect &&
	stamps potomac >out && test_cmp expect out &&
	SF_NOW=2032-03-03T03:03:03Z sf-config enable potomac &&
	echo "2031-03-04T05:06:07Z|2032-03-03T03:03:03Z" >expect &&
	stamps potomac >out && test_cmp expect out
'

test_expect_success 'stations add and rm stamp updated_at' '
	SF_NOW=2033-04-04T04:04:04Z sf-config stations potomac add \
	    01646500 01638500 &&
	echo "2031-03-04T05:06:07Z|2033-04-04T04:04:04Z" >expect &&
	stamps potomac >out && test_cmp expect out &&
	SF_NOW=2033-05-05T05:05:05Z sf-config stations potomac rm 01638500 &&
	echo "2031-03-04T05:06:07Z|2033-05-05T05:05:05Z" >expect &&
	stamps potomac >out && test_cmp expect out
'

test_expect_code 1 'a change that changes nothing leaves updated_at alone' '
	SF_NOW=2034-06-06T06:06:06Z sf-config stations potomac rm 09999999 \
	    2>err; rc=$?;
	echo "2031-03-04T05:06:07Z|2033-05-05T05:05:05Z" >expect &&
	stamps potomac >out && test_cmp expect out &&
	exit $rc
'

test_expect_success 'the same SF_NOW gives the same rows' '
	SF_NOW=1999-12-31T23:59:59Z sf-config add a --type daily_mean \
	    --agency USGS --start 1990-01-01 --schedule 1d &&
	SF_NOW=1999-12-31T23:59:59Z sf-config add b --type daily_mean \
	    --agency USGS --start 1990-01-01 --schedule 1d &&
	sql "SELECT name, created_at, updated_at, next_run_at
	    FROM pull_configurations WHERE name IN (\"a\", \"b\")
	    ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	a|1999-12-31T23:59:59Z|1999-12-31T23:59:59Z|2000-01-01T00:00:00Z
	b|1999-12-31T23:59:59Z|1999-12-31T23:59:59Z|2000-01-01T00:00:00Z
	EOT
	test_cmp expect out
'

test_expect_code 2 'an SF_NOW that is not a time is refused, nothing written' '
	SF_NOW=yesterday sf-config add c --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule 1d 2>err; rc=$?;
	test "$(sql "SELECT count(*) FROM pull_configurations
	    WHERE name = \"c\"")" = 0 &&
	grep "^sf-config: .*yesterday" err &&
	exit $rc
'

test_done
