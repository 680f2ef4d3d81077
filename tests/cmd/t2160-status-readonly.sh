#!/bin/sh
test_description='readers never create a database, and read one they cannot write'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: an archive with a configuration and data' '
	sf-load </dev/null &&
	sql "INSERT INTO pull_configurations (name, data_type, data_strategy,
	    pull_start_date, schedule_type, agency)
	    VALUES (\"potomac\", \"realtime_15min\", \"append\", \"2024-01-01\",
	    \"manual\", \"USGS\");
	    INSERT INTO pull_configuration_stations (config_id, station_number)
	    VALUES (1, \"01000000\")" &&
	gen_obs 1 4 potomac | sf-load &&
	test "$(sql "PRAGMA journal_mode")" = wal
'

# Before, readers created an empty database at a mistyped path (9.5).
for cmd in "sf-status" "sf-status --check" "sf-progress plan potomac" \
    "sf-progress show" "sf-stations --state VA"
do
	test_expect_success "$cmd: a missing database is an error naming it" "
		rc=0; $cmd --db \"\$TRASH/typo.db\" >out 2>err || rc=\$?;
		test \$rc = 1 &&
		grep \"typo.db\" err &&
		test ! -e \"\$TRASH/typo.db\"
	"
done

# ro CMD...: runs CMD as the user nobody
ro() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null
then
	test_expect_success 'setup: a copy in a directory nobody cannot write' '
		chmod 755 "$TRASH" &&
		mkdir ro && cp sf.db ro/sf.db &&
		chmod 644 ro/sf.db && chmod 755 ro &&
		! ro sh -c ": >ro/x" 2>/dev/null &&
		! ro sh -c ": >>ro/sf.db" 2>/dev/null
	'

	# Before, the WAL archive failed with "attempt to write a readonly
	# database" (issue 9.5).
	test_expect_success 'nobody can read it with every reader' '
		ro sf-status --db ro/sf.db -f csv >out 2>err &&
		test_must_be_empty err &&
		grep "^potomac,01000000,realtime_15min," out &&
		ro sf-progress plan --db ro/sf.db potomac >out 2>err &&
		grep "\"station\":\"01000000\"" out &&
		ro sf-progress show --db ro/sf.db -f csv >out 2>err &&
		grep "^potomac,01000000," out &&
		ro sf-stations --db ro/sf.db >out 2>err &&
		test_must_be_empty err &&
		test "$(ls ro)" = sf.db
	'

	test_expect_success 'a writer as nobody fails, saying why, and changes nothing' '
		cp ro/sf.db before.db &&
		rc=0; gen_obs 1 4 potomac 10 | ro sf-load --db ro/sf.db 2>err || rc=$?;
		test $rc = 1 && test -s err &&
		cmp before.db ro/sf.db
	'
else
	test_expect_success 'not root: the unprivileged reader is not tested here' 'true'
fi

test_done
