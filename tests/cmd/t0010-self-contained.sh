#!/bin/sh
test_description='the repository stands alone: nothing refers outside it'
. "$(dirname "$0")/test-lib.sh"

# files: what the repository holds (git's list when it is a checkout,
# else every file below the top, build output aside)
files() {
	if git -C "$SF_TOP" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$SF_TOP" ls-files
	else
		(cd "$SF_TOP" && find . -path ./build -prune -o -type f -print |
		    sed 's#^\./##')
	fi
}

test_expect_success 'no file of the repository refers to the shared folder beside it' '
	files >list &&
	test -s list &&
	(cd "$SF_TOP" && tr "\n" "\0" <"$TRASH/list" |
	    xargs -0 grep -l -e "\.\./shared" -- 2>/dev/null) >refs;
	if test -s refs; then cat refs; false; fi
'

test_expect_success 'the check finds a reference when there is one' '
	mkdir -p probe && printf "see %s/fixtures\n" "..""/shared" >probe/x &&
	grep -l -e "\.\./shared" probe/x >refs &&
	test -s refs
'

test_expect_success 'the recorded responses are in the repository with their provenance' '
	test -f "$SF_TOP/tests/data/fixtures/SOURCES.md" &&
	test "$FIXTURES" = "$SF_TOP/tests/data/fixtures" &&
	test -f "$FIXTURES/usgs/nwis/iv_rdb_09512500_00060_2016-05_tstool.rdb"
'

# fakepath DIR CMD...: DIR holds links to the named commands only
fakepath() {
	d=$1; shift
	mkdir -p "$d"
	for c; do
		p=$(command -v "$c") && ln -sf "$p" "$d/$c"
	done
}

test_expect_success 'install-deps judges by pkg-config where dpkg-query is missing' '
	fakepath nodpkg sh pkg-config cc gcc make sqlite3 mandoc python3 rsvg-convert chromium curl grep id &&
	! test -e nodpkg/dpkg-query &&
	PATH=$PWD/nodpkg sh "$SF_TOP/scripts/install-deps" 2>err &&
	test_cmp /dev/null err
'

test_expect_code 1 'without dpkg-query a missing command is named' '
	fakepath nomandoc sh pkg-config cc gcc make sqlite3 python3 grep id &&
	PATH=$PWD/nomandoc sh "$SF_TOP/scripts/install-deps" 2>err;
	rc=$?; cat err; grep "missing: mandoc" err && exit $rc
'

test_done
