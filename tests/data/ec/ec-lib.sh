# tests/data/ec/ec-lib.sh: bodies in the real wateroffice layouts, for the
# sf-fetch-ec tests (sourced after test-lib.sh).
#
# The header line is the real one, taken from the fixture (UTF-8 BOM and a
# space before "ID", CRLF); the rows are generated in the fixture's form;
# like the real bodies, the last row has no line end.
#
#   ec_rows rt STATION FROM TO STEP [PARAM]
#	real-time rows of STATION from FROM to TO (UTC instants, both
#	included) every STEP seconds, Parameter PARAM (default 47), value
#	a function of the row's time, "Provisional/Provisoire".
#   ec_rows daily STATION FROM TO
#	daily rows ("discharge/débit"), one a day, FROM and TO dates.
#   ec_body rt|daily < rows
#	the body: the fixture's header line, then the rows.
#   exits N CMD...
#	runs CMD, which must exit with status N (a test of the exit
#	status that goes on to look at the output).

ec_rows() {
	python3 - "$@" <<-\EOF
	import sys, datetime as dt
	kind, st, a, b = sys.argv[1:5]
	if kind == "rt":
	    step = int(sys.argv[5])
	    param = sys.argv[6] if len(sys.argv) > 6 else "47"
	    p = lambda s: dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
	    t, end = p(a), p(b)
	    out = []
	    while t <= end:
	        v = (int(t.timestamp()) // step) % 997 / 10 + 1
	        out.append("%s,%s,%s,%.3f,,,Provisional/Provisoire,,\r\n"
	                   % (st, t.strftime("%Y-%m-%dT%H:%M:%SZ"), param, v))
	        t += dt.timedelta(seconds=step)
	else:
	    p = lambda s: dt.date.fromisoformat(s)
	    t, end = p(a), p(b)
	    out = []
	    while t <= end:
	        v = t.toordinal() % 991 + 10
	        out.append("%s,%s,discharge/d\u00e9bit,%d,\r\n"
	                   % (st, t.isoformat(), v))
	        t += dt.timedelta(days=1)
	sys.stdout.buffer.write("".join(out).encode("utf-8"))
	EOF
}

ec_body() {
	case $1 in
	rt)	_ec_h=$FIXTURES/ec/wateroffice/real_time_data_header_only.csv ;;
	*)	_ec_h=$FIXTURES/ec/wateroffice/daily_data_header_only.csv ;;
	esac
	{ cat "$_ec_h"; printf '\r\n'; cat; } | python3 -c '
import sys
b = sys.stdin.buffer.read()
sys.stdout.buffer.write(b[:-2] if b.endswith(b"\r\n") else b)'
}

exits() {
	_ec_n=$1
	shift
	"$@"
	_ec_rc=$?
	[ $_ec_rc -eq $_ec_n ] && return 0
	echo "exit status $_ec_rc, expected $_ec_n" >&2
	return 1
}
