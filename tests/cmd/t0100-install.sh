#!/bin/sh
test_description='make install and make uninstall with DESTDIR and PREFIX; make demo'
. "$(dirname "$0")/test-lib.sh"

case $SF_BUILD in */build/san) san=1 ;; *) san=0 ;; esac
m() { make -C "$SF_TOP" --no-print-directory -s SAN=$san "$@"; }

test_expect_success 'install puts programs, pages and share/sf under DESTDIR/PREFIX' '
	m install DESTDIR="$PWD/root" PREFIX=/opt/sf >/dev/null &&
	test -x root/opt/sf/bin/sf-load &&
	test -f root/opt/sf/share/man/man1/sf-load.1 &&
	test -f root/opt/sf/share/man/man7/sf.7 &&
	test -f root/opt/sf/share/man/man5/sf-schema.5 &&
	test_cmp "$SF_TOP/share/sf/schema.sql" root/opt/sf/share/sf/schema.sql
'

test_expect_success 'the installed program runs' '
	root/opt/sf/bin/sf-load --version | grep "^sf-load "
'

test_expect_success 'the installed schema.sql makes the database sf creates' '
	sqlite3 a.db <root/opt/sf/share/sf/schema.sql &&
	sf-load --db b.db </dev/null &&
	sqlite3 a.db .schema >a.schema &&
	sqlite3 b.db .schema >b.schema &&
	test_cmp a.schema b.schema
'

test_expect_success 'uninstall removes what install put there, and only that' '
	mkdir -p root/opt/sf/bin && echo keep >root/opt/sf/bin/other &&
	m uninstall DESTDIR="$PWD/root" PREFIX=/opt/sf >/dev/null &&
	test ! -e root/opt/sf/bin/sf-load &&
	test ! -e root/opt/sf/share/man/man1/sf-load.1 &&
	test ! -e root/opt/sf/share/sf &&
	test -f root/opt/sf/bin/other
'

test_expect_success 'make demo loads the sample and shows it' '
	SF_DEMO_DIR=$PWD/demo SF_BUILD=$SF_BUILD sh "$SF_TOP/scripts/demo" >out 2>&1 &&
	test -f demo/sf.db &&
	grep "^sf-load: 365 inserted, 0 updated, 0 unchanged, 0 rejected" out &&
	grep "^sf-load: 745 inserted, 0 updated, 0 unchanged, 0 rejected" out &&
	grep "^sf-load: 0 inserted, 0 updated, 31 unchanged" out &&
	grep "\"config\":\"ec-daily\".*\"start\":\"2023-12-31T00:00:00Z\"" out &&
	grep "^08MF005  *EC  *daily_mean  *365 " out &&
	grep "^09512500  *USGS  *realtime_15min  *714 " out &&
	grep "^15258000  *COOA2  *NOAA_RFC  *2026-10-02T07:13:00Z  *20  *1210  *4.5" out &&
	grep "0 inserted, 0 updated, 1 unchanged" out
'

test_done
