#!/bin/sh
# t0475: the README's production setup on PostgreSQL runs as written.
#
# The indented lines of the first block of "## PostgreSQL in production"
# run in order, in one shell, against a throwaway server: only the
# example URI of the first line becomes the server's, and crontab(1) is a
# stand-in (SF_CRONTAB) that keeps the table in a file. Then the archive
# and the table must hold what the lines say.
test_description='README: the PostgreSQL production setup runs as written'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

fake_crontab
unset XDG_CONFIG_HOME PGPASSFILE

awk '
	/^## / { in_part = ($0 == "## PostgreSQL in production"); next }
	in_part && /^    / { sub(/^    /, ""); print; done = 1; next }
	in_part && done && /^$/ { exit }
' "$SF_TOP/README.md" > setup.sh

test_expect_success 'the README shows the setup' '
	cat setup.sh &&
	test "$(wc -l < setup.sh)" -ge 4 &&
	head -1 setup.sh |
	    grep -q "^export SF_DB=postgresql://sf@db.example.org/sf " &&
	grep -q "^sf-config crontab --install" setup.sh
'

test_expect_success 'it runs, line by line, against a real server' '
	cat start.out && test "$rc" -eq 0 &&
	sed "1s|^export SF_DB=[^ ]*|export SF_DB=\"\$SF_PG_URI\"|" setup.sh \
	    > run.sh &&
	{ echo "set -e"; cat run.sh; } > run-e.sh &&
	sh run-e.sh
'

test_expect_success 'the archive and the crontab hold what it says' '
	sf-config --db "$SF_PG_URI" list > list &&
	grep -q "^potomac" list &&
	sf-config --db "$SF_PG_URI" stations potomac list > st &&
	grep -q 01646500 st &&
	grep -F -- "--db" table |
	    grep -qF "postgresql://sf@/postgres?host=$PG_DIR" &&
	test "$(grep -c "sf-progress" table)" -eq 1
'

test_done
