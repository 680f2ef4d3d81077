#!/bin/sh
# t2905: sf-config crontab for a PostgreSQL archive: the block is named by
# the URI without password, a password is refused, the lock and log files
# are named by the URI's hash; and the installed line runs, in cron's bare
# environment, against the replay server and the PostgreSQL server.
test_description='PostgreSQL: crontab lines that run, and hold no password'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"
. "$SF_TOP/tests/server/lib.sh"

pg_start > start.out 2>&1
rc=$?

D=$TEST_DATA/usgs
cat > routes <<EOF
GET /collections/daily/items monitoring_location_id=USGS-01646500,USGS-05427718 -> 200 '$D/daily_page1.json'
GET /collections/daily/items cursor=2 -> 200 '$D/daily_page2.json'
GET /collections/daily/items -> 200 '\$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
EOF
start_server routes > server.out 2>&1
src=$?

# The programs in a directory of their own, with a space in its name.
# sf-progress is the real one when it reads PostgreSQL, else a stand-in
# that plans one request per station with psql.
BIN="$(pwd -P)/b in"
mkdir "$BIN"
cp "$SF_BUILD/bin/sf-config" "$SF_BUILD/bin/sf-load" \
    "$SF_BUILD/bin/sf-fetch-usgs" "$SF_BUILD/bin/sf-progress" "$BIN/"
PSQL=$(command -v psql)
if "$BIN/sf-progress" --db "$SF_PG_URI" plan x 2>&1 |
    grep -q "not supported by sf-progress"; then
	cat > "$BIN/sf-progress" <<-EOF
	#!/bin/sh
	# stand-in: sf-progress --db DB plan NAME
	[ "\$1" = --db ] && [ "\$3" = plan ] || exit 2
	"$PSQL" -X -A -t -v ON_ERROR_STOP=1 -d "\$2" -v name="\$4" <<-\\SQL
	SELECT format('{"kind":"request","config":"%s","station":"%s","agency":"USGS","type":"daily_mean","source":null,"start":"%s","end":null,"modified_since":null,"target_id":null}',
	    c.name, s.station_number, to_char(c.pull_start_date, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
	FROM pull_configuration_stations s JOIN pull_configurations c
	    ON c.id = s.config_id WHERE c.name = :'name' ORDER BY s.station_number
	SQL
	EOF
	chmod +x "$BIN/sf-progress"
fi

fake_crontab
unset XDG_CONFIG_HOME PGPASSFILE

NAME="postgresql://sf@/postgres?host=$PG_DIR"

test_expect_success 'the servers start; a configuration with two stations' '
	cat start.out server.out && test "$rc" -eq 0 && test "$src" -eq 0 &&
	"$BIN/sf-config" --db "$SF_PG_URI" add potomac --type daily_mean \
	    --agency USGS --start 2025-12-26 --schedule "*/15 * * * *" &&
	"$BIN/sf-config" --db "$SF_PG_URI" stations potomac add \
	    01646500 05427718 &&
	sf-config --db "$TRASH/lite.db" add lite --type daily_mean \
	    --agency USGS --start 2025-12-26 --schedule 1d
'

test_expect_success 'the lines: the URI, lock and log by its hash, no path of a database' '
	"$BIN/sf-config" --db "$SF_PG_URI" crontab > lines &&
	test "$(wc -l < lines)" -eq 2 &&
	dir=$TRASH/.local/share/sf && test -d "$dir" &&
	tag=$(sed -n "s|.*flock -n $dir/potomac\.\(pg-[0-9a-f]\{8\}\)\.lock .*|\1|p" lines) &&
	test -n "$tag" &&
	grep -qF " 2>>$dir/potomac.$tag.log" lines &&
	grep -qF -- "--db '\''\\'\'''\''$SF_PG_URI'\''\\'\'''\'' plan potomac" lines
'

test_expect_success 'the same database by another conninfo: the same lock' '
	"$BIN/sf-config" --db "host=$PG_DIR user=sf dbname=postgres" crontab > lines2 &&
	a=$(grep -o "potomac\.pg-[0-9a-f]*\.lock" lines) &&
	b=$(grep -o "potomac\.pg-[0-9a-f]*\.lock" lines2) && test "$a" = "$b" &&
	pg_psql -c "CREATE DATABASE other" &&
	sf-config --db "postgresql://sf@/other?host=$PG_DIR" add potomac \
	    --type daily_mean --agency USGS --start 2025-12-26 --schedule 1d &&
	sf-config --db "postgresql://sf@/other?host=$PG_DIR" crontab > lines3 &&
	c=$(grep -o "potomac\.pg-[0-9a-f]*\.lock" lines3) && test "$a" != "$c"
'

test_expect_success 'PGPASSFILE, when set, goes onto the line' '
	PGPASSFILE=$TRASH/pass "$BIN/sf-config" --db "$SF_PG_URI" crontab > lines4 &&
	grep -qF "PGPASSFILE=$TRASH/pass flock -n " lines4
'

test_expect_success 'install: the block of the URI, beside a SQLite one' '
	sf-config --db "$TRASH/lite.db" crontab --install &&
	"$BIN/sf-config" --db "$SF_PG_URI" crontab --install 2> err &&
	grep -qx "# BEGIN sf $NAME (managed by sf-config)" table &&
	grep -qx "# END sf $NAME" table &&
	grep -qx "# BEGIN sf $TRASH/lite.db (managed by sf-config)" table &&
	test "$(grep -c "^# BEGIN sf" table)" -eq 2 &&
	"$BIN/sf-config" --db "$SF_PG_URI" crontab --install -v 2> err &&
	grep -q "crontab unchanged" err
'

test_expect_success 'a URI with a password: refused, the crontab untouched' '
	cp table before &&
	for db in "postgresql://sf:s3cret@/postgres?host=$PG_DIR" \
	    "host=$PG_DIR user=sf password=s3cret dbname=postgres"; do
		{ "$BIN/sf-config" --db "$db" crontab --install 2> err;
		  test $? -eq 1; } &&
		grep -q "holds a password, which a crontab line must not: keep it in ~/.pgpass, or in the file PGPASSFILE names" err &&
		! grep -q s3cret err &&
		{ "$BIN/sf-config" --db "$db" crontab > out 2> err;
		  test $? -eq 1; } &&
		test_must_be_empty out && ! grep -q s3cret err || return 1
	done &&
	test_cmp before table && ! grep -q s3cret table
'

test_expect_success 'the installed line runs in a bare environment' '
	cmd=$(grep "^\*/15 .*potomac" table | cut -d" " -f6- | sed "s/\\\\%/%/g") &&
	test -n "$cmd" &&
	(cd / && env -i HOME="$TRASH" SF_USGS_URL="$SERVER_URL" sh -c "$cmd") &&
	cat "$TRASH"/.local/share/sf/potomac.pg-*.log &&
	pg_psql -c "SELECT s.station_number, d.observed_at, d.discharge,
	    d.quality_code FROM discharge_observations d
	    JOIN stations s ON s.id = d.station_id ORDER BY 1, 2" > got &&
	cat > want <<-\EOF &&
	01646500|2025-12-26 00:00:00+00|12300|A
	01646500|2025-12-27 00:00:00+00|11800.5|P:e
	01646500|2025-12-28 00:00:00+00|11000|A
	05427718|2025-12-26 00:00:00+00|20.2|P
	05427718|2025-12-27 00:00:00+00||P:ice
	05427718|2025-12-28 00:00:00+00|21|A
	EOF
	test_cmp want got &&
	test "$(pg_psql -c "SELECT status FROM data_pull_logs
	    WHERE station_number IS NULL")" = success &&
	ls "$TRASH"/.local/share/sf/potomac.pg-*.lock &&
	ls "$TRASH"/.local/share/sf/potomac.pg-*.log
'

test_expect_success 'uninstall removes the block of the URI alone' '
	"$BIN/sf-config" --db "$SF_PG_URI" crontab --uninstall &&
	! grep -q "postgresql://" table &&
	grep -qx "# BEGIN sf $TRASH/lite.db (managed by sf-config)" table
'

test_done
