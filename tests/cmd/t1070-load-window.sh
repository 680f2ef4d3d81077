#!/bin/sh
test_description='sf-load: reloads and overlaps compared against stored rows in windows'
. "$(dirname "$0")/test-lib.sh"

# every Nth line's discharge gets 1000 added (N=0: none)
bump() {
	awk -v n="$1" -F'"discharge":' 'n && NR % n == 0 {
		split($2, a, ","); v = a[1] + 1000
		sub(/^[^,]*/, v, $2); print $1 "\"discharge\":" $2; next } { print }'
}

test_expect_success 'setup: two series of 10000 rows, more than one window each' '
	gen_obs 2 10000 >all &&
	sf-load --batch 3000 all &&
	test "$(sql "SELECT count(*) FROM obs")" = 20000
'

test_expect_success 'a reload with every 7th value changed updates exactly those' '
	bump 7 <all >changed &&
	sf-load -v --batch 3000 changed 2>err &&
	grep "0 inserted, 2857 updated, 17143 unchanged" err &&
	test "$(sql "SELECT count(*) FROM obs_revisions")" = 2857
'

test_expect_success 'rows deleted from the middle are filled again; the rest unchanged' '
	sql "DELETE FROM obs WHERE t BETWEEN 1704067200 + 5000 * 900
	    AND 1704067200 + 5099 * 900" &&
	sf-load -v --batch 3000 changed 2>err &&
	grep "200 inserted, 0 updated, 19800 unchanged" err
'

test_expect_success 'a line repeated with another value: the later one wins, once' '
	sed -n "4500p" changed >dup &&
	bump 1 <dup >dup2 &&
	cat changed dup2 dup2 >twice &&
	sf-load -v twice 2>err &&
	grep "0 inserted, 1 updated, 20001 unchanged" err
'

test_expect_success 'rows out of order and backwards in time still compare right' '
	awk "NR % 3 == 0" changed | sort -r >back &&
	cat dup2 >>back &&
	sf-load -v --batch 100 back 2>err &&
	grep "0 inserted, 2 updated, 6665 unchanged" err
'

test_expect_success 'the archive equals a fresh load of the same final stream' '
	dump | sed -n "/^[0-9]*|[0-9]*|2024/p" >incremental &&
	{ cat changed; cat dup2; } >final &&
	SF_DB=$PWD/fresh.db sf-load final &&
	SF_DB=$PWD/fresh.db dump | sed -n "/^[0-9]*|[0-9]*|2024/p" >fresh &&
	test_cmp fresh incremental
'

test_done
