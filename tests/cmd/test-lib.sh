# test-lib.sh: sourced by every tests/cmd/tNNNN-*.sh; prints TAP.
#
#   test_expect_success 'what' 'commands'   the commands exit 0
#   test_expect_failure is not provided: a known breakage is an open issue
#   test_expect_code N 'what' 'commands'    the commands exit N
#   test_cmp expected actual                 files are equal (shows a diff)
#   test_done                                prints the plan; exit status
#
# Each script runs in a fresh temporary directory (removed at the end)
# with TZ, LC_ALL and the clock (SF_NOW) pinned, the programs of the build
# under test first in PATH, and SF_DB pointing into the directory.
set -u
SF_TOP=${SF_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SF_BUILD=${SF_BUILD:-$SF_TOP/build/rel}
TEST_DATA=$SF_TOP/tests/data
FIXTURES=$SF_TOP/../shared/fixtures
PATH=$SF_BUILD/bin:$PATH
TZ=America/New_York
LC_ALL=C
SF_NOW=2026-11-25T12:00:00Z
SF_DB=$PWD/sf.db
export PATH TZ LC_ALL SF_NOW SF_TOP SF_BUILD TEST_DATA
unset SF_USGS_URL SF_EC_URL SF_NWPS_URL API_USGS_PAT XDG_DATA_HOME

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/sf-test.XXXXXX") || exit 1
trap 'cd /; rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 1
HOME=$TRASH
SF_DB=$TRASH/sf.db
export HOME SF_DB
test_count=0
test_failed=0

test_report_() {
	test_count=$((test_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $test_count - $2"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $2"
		sed 's/^/#   /' "$TRASH/.test-out"
	fi
}

test_expect_success() {
	( eval "$2" ) > "$TRASH/.test-out" 2>&1
	test_report_ $? "$1"
}

test_expect_code() {
	( eval "$3" ) > "$TRASH/.test-out" 2>&1
	rc=$?
	if [ "$rc" -eq "$1" ]; then
		test_report_ 0 "$2"
	else
		echo "exit status $rc, expected $1" >> "$TRASH/.test-out"
		test_report_ 1 "$2"
	fi
}

test_cmp() {
	diff -u "$1" "$2"
}

# sql STATEMENT: runs a query against $SF_DB with the sqlite3 shell
sql() {
	sqlite3 -batch -bail "$SF_DB" "$@"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}
