#!/bin/sh
# t0460: the EXAMPLES of every manual page really run.
#
# A runnable example is a line of the rendered EXAMPLES section that starts
# with "$ " (the pages keep such lines in .Bd -literal blocks, one command
# per line, and use "$ " for nothing else). The examples of each page run in
# order, in a directory of their own holding obs.ndjson and obs.csv (three
# valid observations each), with SF_DB naming a database there that does
# not exist yet; each must exit 0.
#
# Examples that fetch talk to the loopback replay server, never the
# network: every tests/data/man-routes/*.routes file (one per program, with
# paths relative to that directory and $FIXTURES for the shared fixtures)
# is served together, and the base URL variables of every fetcher point at
# it.
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

routes=$SF_TOP/tests/data/man-routes
if ls "$routes"/*.routes >/dev/null 2>&1; then
	# relative bodies are relative to the routes file: serve a copy
	cp -R "$routes" "$TRASH/routes" &&
	cat "$TRASH"/routes/*.routes >"$TRASH/routes/all" &&
	export FIXTURES &&
	start_server "$TRASH/routes/all" || exit 1
	SF_USGS_URL=$SERVER_URL
	SF_EC_URL=$SERVER_URL
	SF_EC_DATAMART_URL=$SERVER_URL
	SF_NWPS_URL=$SERVER_URL
	export SF_USGS_URL SF_EC_URL SF_EC_DATAMART_URL SF_NWPS_URL
fi

# examples PAGE: the commands of the page's EXAMPLES section, one a line
examples() {
	mandoc -Tascii "$1" | sed 's/.\x08//g' | awk '
		/^[A-Z][A-Z ]*$/ { in_ex = ($0 == "EXAMPLES"); next }
		in_ex && /^[ \t]+\$ / { sub(/^[ \t]+\$ /, ""); print }'
}

# inputs DIR: the sample observations, in both encodings
inputs() {
	cat > "$1/obs.ndjson" <<-\EOF
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-01T00:00:00Z","discharge":12300,"unit":"cfs","quality_code":"A"}
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-02T00:00:00Z","discharge":11800,"unit":"cfs","quality_code":"A"}
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-03T00:00:00Z","discharge":11950.5,"unit":"cfs","quality_code":"P:e"}
	EOF
	cat > "$1/obs.csv" <<-\EOF
	config,station,agency,type,observed_at,discharge,unit,quality_code
	,08MF005,EC,realtime_15min,2024-06-01T00:00:00Z,4210,cms,P
	,08MF005,EC,realtime_15min,2024-06-01T00:15:00Z,4215.5,cms,P
	,08MF005,EC,realtime_15min,2024-06-01T00:30:00Z,4220,cms,"P:B"
	EOF
}

test_expect_success 'the sample inputs load cleanly' '
	mkdir check && inputs check &&
	sf-load --strict check/obs.ndjson check/obs.csv &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 6
'

# test descriptions go through echo, which may read backslashes
case $(echo 'a\\b') in
'a\b')	desc_of() { printf '%s\n' "$1" | sed 's/\\/\\\\/g'; } ;;
*)	desc_of() { printf '%s\n' "$1"; } ;;
esac

for page in "$SF_TOP"/man/*.[1-9]; do
	[ -f "$page" ] || continue
	name=$(basename "$page")
	examples "$page" > "$name.examples"
	case $name in
	*.1)
		test_expect_success "$name has runnable examples" "
			test -s '$name.examples'
		"
		;;
	esac
	exdir=$TRASH/ex-$name
	mkdir "$exdir" && inputs "$exdir"
	while IFS= read -r cmd; do
		test_expect_success "$name: \$ $(desc_of "$cmd")" '
			cd "$exdir" && SF_DB=$exdir/sf.db && export SF_DB &&
			'"$cmd" < /dev/null
	done < "$name.examples"
done

test_done
