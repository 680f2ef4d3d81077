#!/bin/sh
# engines: sqlite postgresql
# t0470: the README's tour runs as written.
#
# The commands are the lines of the "## A tour" section that start with
# "    $ " (output lines have no "$"). They run in order, in one directory,
# each must exit 0, with the default database ($HOME/.local/share/sf/sf.db,
# as the tour's sqlite3 line names it) and the fetchers pointed at the
# loopback replay server serving what make demo replays
# (tests/data/demo) and the manual pages' recordings of sf-fetch-usgs
# (tests/data/man-routes), never the network.
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

# The PostgreSQL pass keeps the database test-lib.sh made on its server,
# and the tour's sqlite3 line asks it with psql instead.
[ -n "${SF_TEST_PG:-}" ] || unset SF_DB
mkdir srv &&
cp "$SF_TOP"/tests/data/demo/* srv/ &&
cat srv/demo.routes "$SF_TOP/tests/data/man-routes/sf-fetch-usgs.routes" \
    >srv/all &&
export FIXTURES &&
start_server srv/all || exit 1
SF_USGS_URL=$SERVER_URL
SF_EC_URL=$SERVER_URL
SF_NWPS_URL=$SERVER_URL
export SF_USGS_URL SF_EC_URL SF_NWPS_URL

awk '
	/^## / { in_tour = ($0 == "## A tour"); next }
	in_tour && /^    \$ / { sub(/^    \$ /, ""); print }
' "$SF_TOP/README.md" >tour
if [ "$(engine)" = postgresql ]; then
	sed 's|^sqlite3 ~/.local/share/sf/sf.db |psql -X -d "$SF_DB" -c |' tour \
	    >tour.pg && mv tour.pg tour
fi

test_expect_success 'the README has a tour of at least 20 commands' '
	test "$(wc -l <tour)" -ge 20
'

n=0
mkdir run
while IFS= read -r cmd; do
	n=$((n + 1))
	test_expect_success "tour $n: \$ $cmd" '
		cd "$TRASH/run" && { '"$cmd"'
		} </dev/null
	'
done <tour

test_expect_success 'the tour loaded what it says' '
	cd run &&
	sf-query -s 02177000 --start 2012-09-01 --end 2012-09-03 -f csv >out &&
	awk "/^## A tour/,/^An observation/" "$SF_TOP/README.md" |
	    grep "^    ,02177000,USGS,daily_mean,2012-09-0[123]" |
	    sed "s/^    //" >want &&
	sed 1d out >got && test_cmp want got &&
	test -s chattooga.svg && test -s forecast.svg &&
	sf-stations --state AL --name cahaba -f csv >st &&
	awk "/^## A tour/,/^An observation/" "$SF_TOP/README.md" |
	    grep -A2 "^    station,agency,name" | sed "s/^    //" >want &&
	test_cmp want st
'

test_done
