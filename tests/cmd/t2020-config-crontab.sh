#!/bin/sh
test_description='sf-config crontab: the lines, quoting, and --install'
. "$(dirname "$0")/test-lib.sh"

BIN=$(cd "$SF_BUILD/bin" && pwd -P)
DIR=$(pwd -P)
SF_DB=$DIR/sf.db
BEGIN="# BEGIN sf $DIR/sf.db (managed by sf-config)"
END="# END sf $DIR/sf.db"
# the lines must not depend on the environment of the test run
unset XDG_CONFIG_HOME

# A stand-in for crontab(1): the table lives in ./table, and every write
# adds a line to ./writes.
fake_crontab

writes() {
	if [ -f writes ]; then wc -l <writes | tr -d " "; else echo 0; fi
}

test_expect_success 'setup: configurations of every kind' '
	sf-config add potomac --type daily_mean --agency USGS \
	    --start 1990-01-01 --schedule "0 6 * * *" &&
	sf-config add fraser --type realtime_15min --agency EC \
	    --start 2024-01-01 --schedule 15m &&
	sf-config add fcst --type forecast --agency USGS --start 2024-01-01 \
	    --schedule 1h --source NOAA_RFC &&
	sf-config add nwm --type forecast --agency USGS --start 2024-01-01 \
	    --schedule 6h --source NWM_MEDIUM_RANGE &&
	sf-config add daily --type daily_mean --agency EC \
	    --start 2024-01-01 --schedule 1d &&
	sf-config add off --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d &&
	sf-config disable off
'

test_expect_success 'one comment and one line per enabled configuration' '
	sf-config crontab >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-EOF &&
	# daily (daily_mean, EC)
	0 0 * * * flock -n $DIR/daily.lock sh -c '\''$BIN/sf-progress --db $DIR/sf.db plan daily | $BIN/sf-fetch-ec | $BIN/sf-load --db $DIR/sf.db'\'' 2>>$DIR/daily.log
	# fcst (forecast, NOAA_RFC, USGS)
	0 * * * * flock -n $DIR/fcst.lock sh -c '\''$BIN/sf-progress --db $DIR/sf.db plan fcst | $BIN/sf-map --db $DIR/sf.db --to NOAA-HADS | $BIN/sf-fetch-nwm | $BIN/sf-load --db $DIR/sf.db'\'' 2>>$DIR/fcst.log
	# fraser (realtime_15min, EC)
	*/15 * * * * flock -n $DIR/fraser.lock sh -c '\''$BIN/sf-progress --db $DIR/sf.db plan fraser | $BIN/sf-fetch-ec | $BIN/sf-load --db $DIR/sf.db'\'' 2>>$DIR/fraser.log
	# nwm (forecast, NWM_MEDIUM_RANGE, USGS)
	0 */6 * * * flock -n $DIR/nwm.lock sh -c '\''$BIN/sf-progress --db $DIR/sf.db plan nwm | $BIN/sf-map --db $DIR/sf.db --to NWM | $BIN/sf-fetch-nwm | $BIN/sf-load --db $DIR/sf.db'\'' 2>>$DIR/nwm.log
	# potomac (daily_mean, USGS)
	0 6 * * * flock -n $DIR/potomac.lock sh -c '\''$BIN/sf-progress --db $DIR/sf.db plan potomac | $BIN/sf-fetch-usgs | $BIN/sf-load --db $DIR/sf.db'\'' 2>>$DIR/potomac.log
	EOF
	test_cmp expect out
'

test_expect_success 'a relative --db is made absolute' '
	mkdir sub && (cd sub && sf-config --db ../sf.db crontab potomac) >out &&
	grep -c " --db $DIR/sf.db " out >n && echo 1 >expect &&
	test_cmp expect n
'

test_expect_success 'named configurations only; a disabled one warns' '
	sf-config crontab potomac off >out 2>err &&
	test "$(grep -c . out)" = 2 &&
	grep "^0 6 \* \* \* flock -n $DIR/potomac.lock " out &&
	echo "sf-config: warning: configuration '\''off'\'' is disabled: no crontab line" >expect &&
	test_cmp expect err
'

test_expect_success 'intervals become cron expressions' '
	for s in 1m:"* * * * *" 5m:"*/5 * * * *" 30m:"*/30 * * * *" \
	    60m:"0 * * * *" 120m:"0 */2 * * *" 1h:"0 * * * *" \
	    12h:"0 */12 * * *" 24h:"0 0 * * *" 1440m:"0 0 * * *" \
	    1d:"0 0 * * *"; do
		sf-config set potomac --schedule "${s%%:*}" &&
		sf-config crontab potomac | sed -n "2s/ flock .*//p" >out &&
		echo "${s#*:}" >expect &&
		test_cmp expect out || exit 1
	done
'

test_expect_code 1 'an interval cron cannot express is an error naming the configuration' '
	for s in 7m 5h 2d 90m; do
		sf-config set potomac --schedule $s &&
		sf-config crontab >out 2>err;
		test $? = 1 || exit 2
		echo "sf-config: configuration '\''potomac'\'': interval '\''$s'\'' cannot be written as a cron schedule (use a cron expression: sf-config set potomac --schedule '\''...'\'')" >expect &&
		test_cmp expect err &&
		! grep potomac out && test "$(grep -c . out)" = 8 || exit 2
	done;
	exit 1
'

test_expect_success 'a manual schedule gets no line, with a warning' '
	sf-config set potomac --schedule "0 6 * * *" &&
	add_config manual &&
	sf-config crontab >out 2>err &&
	echo "sf-config: warning: configuration '\''manual'\'': schedule type '\''manual'\'' is not run by cron: no crontab line" >expect &&
	test_cmp expect err &&
	! grep manual out &&
	sf-config rm manual
'

test_expect_code 1 'a configuration without an agency is an error' '
	sql "UPDATE pull_configurations SET agency = NULL WHERE name = \"daily\"" &&
	sf-config crontab daily >out 2>err; rc=$?;
	sql "UPDATE pull_configurations SET agency = \"EC\" WHERE name = \"daily\"" &&
	echo "sf-config: configuration '\''daily'\'': no --agency: give it one with sf-config set" >expect &&
	test_cmp expect err && test_must_be_empty out ||
	    exit 3
	exit $rc
'

# What the line of configuration p should be, and the arguments sh should
# hand to flock, with the database under a directory named "it's here%"
# (@DIR@ and @BIN@ stand for the paths of the test).
cat >quoted.in <<\EOF
# p (daily_mean, USGS)
*/5 * * * * flock -n '@DIR@/it'\''s here\%/p.lock' sh -c '@BIN@/sf-progress --db '\''@DIR@/it'\''\'\'''\''s here\%/sf.db'\'' plan p | @BIN@/sf-fetch-usgs | @BIN@/sf-load --db '\''@DIR@/it'\''\'\'''\''s here\%/sf.db'\''' 2>>'@DIR@/it'\''s here\%/p.log'
EOF
cat >args.in <<\EOF
-n
@DIR@/it's here%/p.lock
sh
-c
@BIN@/sf-progress --db '@DIR@/it'\''s here%/sf.db' plan p | @BIN@/sf-fetch-usgs | @BIN@/sf-load --db '@DIR@/it'\''s here%/sf.db'
EOF
mkdir fakebin
cat >fakebin/flock <<\EOF
#!/bin/sh
for a; do printf '%s\n' "$a"; done
EOF
chmod +x fakebin/flock

test_expect_success 'paths are quoted for sh, inside the sh -c quotes too' '
	mkdir "it'\''s here%" &&
	db="$DIR/it'\''s here%/sf.db" &&
	sf-config --db "$db" add p --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule "*/5 * * * *" &&
	sf-config --db "$db" crontab >out &&
	sed "s#@DIR@#$DIR#g; s#@BIN@#$BIN#g" quoted.in >expect &&
	test_cmp expect out
'

test_expect_success 'sh reads the quoted line back into the right arguments' '
	# cron turns \% into %, then hands the command to sh
	cmd=$(sed -n 2p out | cut -d" " -f6- | sed "s/\\\\%/%/g") &&
	env -i PATH="$DIR/fakebin:/usr/bin:/bin" sh -c "$cmd" >args &&
	sed "s#@DIR@#$DIR#g; s#@BIN@#$BIN#g" args.in >expect &&
	test_cmp expect args &&
	test -f "$DIR/it'\''s here%/p.log"
'

test_expect_success '--install into an empty crontab' '
	sf-config crontab >lines &&
	sf-config crontab --install >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	{ echo "$BEGIN" && cat lines &&
	    echo "$END"; } >expect &&
	test_cmp expect table &&
	test "$(writes)" = 1
'

test_expect_success '--install again changes nothing' '
	cp table before &&
	sf-config -v crontab --install 2>err &&
	echo "sf-config: crontab unchanged" >expect && test_cmp expect err &&
	test_cmp before table &&
	test "$(writes)" = 1
'

test_expect_success '--install keeps the lines around the block' '
	{ printf "MAILTO=ann@example.org\n# my jobs\n" &&
	  echo "30 2 * * 0 /usr/bin/backup --all % weekly" &&
	  cat before &&
	  printf "\n@reboot /home/ann/bin/start\n# last line, no line end"; } >table &&
	cp table user &&
	sf-config set potomac --schedule "0 7 * * *" &&
	sf-config crontab --install &&
	sf-config crontab >lines &&
	{ printf "MAILTO=ann@example.org\n# my jobs\n" &&
	  echo "30 2 * * 0 /usr/bin/backup --all % weekly" &&
	  echo "$BEGIN" && cat lines &&
	  echo "$END" &&
	  printf "\n@reboot /home/ann/bin/start\n# last line, no line end\n"; } >expect &&
	test_cmp expect table &&
	grep -q "^0 7 \* \* \* flock" table &&
	test "$(writes)" = 2 &&
	cp table before &&
	sf-config crontab --install &&
	test_cmp before table && test "$(writes)" = 2
'

test_expect_success '--install appends the block to a crontab without one' '
	printf "MAILTO=\"\"\n0 * * * * /bin/true\n" >table &&
	sf-config crontab --install &&
	{ printf "MAILTO=\"\"\n0 * * * * /bin/true\n" &&
	  echo "$BEGIN" && cat lines &&
	  echo "$END"; } >expect &&
	test_cmp expect table
'

test_expect_code 1 '--install with nothing enabled is refused, the crontab untouched' '
	cp table before && n=$(writes) &&
	sf-config disable potomac fraser fcst nwm daily &&
	sf-config crontab >out && test_must_be_empty out &&
	sf-config crontab --install 2>err; rc=$?;
	sf-config enable potomac fraser fcst nwm daily &&
	cat >expect <<-EOF &&
	sf-config: database '\''$DIR/sf.db'\'': no enabled configuration to run (sf-config crontab --uninstall removes its block)
	sf-config: crontab not changed
	EOF
	{ test_cmp expect err && test_cmp before table &&
	    test "$(writes)" = $n; } || exit 3
	exit $rc
'

test_expect_success '--uninstall removes the block and nothing else' '
	sf-config crontab --uninstall &&
	printf "MAILTO=\"\"\n0 * * * * /bin/true\n" >expect &&
	test_cmp expect table &&
	sf-config crontab --uninstall &&
	test_cmp expect table
'

test_expect_code 1 '--install changes nothing when a line cannot be made' '
	sf-config crontab --install && cp table before && n=$(writes) &&
	sf-config set daily --schedule 2d &&
	sf-config crontab --install 2>err; rc=$?;
	sf-config set daily --schedule 1d &&
	tail -1 err >last && echo "sf-config: crontab not changed" >expect &&
	test_cmp expect last &&
	test_cmp before table && test "$(writes)" = $n ||
	    exit 3
	exit $rc
'

test_expect_code 1 '--install refuses a block without its end marker' '
	printf "%s\n0 * * * * /bin/true\n" "$BEGIN" >table &&
	cp table before && n=$(writes) &&
	sf-config crontab --install 2>err; rc=$?;
	echo "sf-config: crontab: crontab line 1: a block without its '\''# END sf'\'' line (fix it with crontab -e)" >expect &&
	{ test_cmp expect err && test_cmp before table &&
	    test "$(writes)" = $n; } || exit 3
	exit $rc
'

test_expect_code 1 '--install refuses an end marker alone' '
	printf "0 * * * * /bin/true\n%s\n" "$END" >table &&
	sf-config crontab --install 2>err; rc=$?;
	echo "sf-config: crontab: crontab line 2: '\''$END'\'' without its '\''# BEGIN sf'\'' line (fix it with crontab -e)" >expect &&
	test_cmp expect err || exit 3
	exit $rc
'

test_expect_code 1 '--install refuses nested blocks' '
	printf "# BEGIN sf /a.db (managed by sf-config)\n%s\n%s\n# END sf /a.db\n" "$BEGIN" "$END" >table &&
	cp table before &&
	sf-config crontab --install 2>err; rc=$?;
	echo "sf-config: crontab: crontab line 2: a block begins inside the block of line 1 (fix it with crontab -e)" >expect &&
	{ test_cmp expect err && test_cmp before table; } || exit 3
	exit $rc
'

test_expect_code 1 '--install reports a crontab -l that fails' '
	printf "#!/bin/sh\necho \"crontab: permission denied\" >&2\nexit 1\n" >bad-crontab &&
	chmod +x bad-crontab &&
	SF_CRONTAB=$DIR/bad-crontab sf-config crontab --install 2>err; rc=$?;
	echo "sf-config: '\''$DIR/bad-crontab -l'\'' failed (exit 1): crontab: permission denied" >expect &&
	test_cmp expect err ||
	    exit 3
	exit $rc
'

test_expect_code 1 '--install reports a crontab command that cannot run' '
	SF_CRONTAB=$DIR/no-such-crontab sf-config crontab --install 2>err; rc=$?;
	echo "sf-config: '\''$DIR/no-such-crontab -l'\'' failed (exit 127): cannot run '\''$DIR/no-such-crontab'\'': No such file or directory" >expect &&
	test_cmp expect err ||
	    exit 3
	exit $rc
'

test_expect_code 1 '--install reports a crontab - that fails' '
	printf "#!/bin/sh\n[ \"\$1\" = -l ] && exit 0\necho \"crontab: errors in crontab file\" >&2\nexit 1\n" >ro-crontab &&
	chmod +x ro-crontab &&
	SF_CRONTAB=$DIR/ro-crontab sf-config crontab --install 2>err; rc=$?;
	echo "sf-config: '\''$DIR/ro-crontab -'\'' failed (exit 1): crontab: errors in crontab file" >expect &&
	test_cmp expect err ||
	    exit 3
	exit $rc
'

test_expect_code 2 '--install takes no names' '
	sf-config crontab --install potomac 2>err; rc=$?;
	grep "^sf-config: crontab --install: no names" err ||
	    exit 3
	exit $rc
'

# Values written with plain SQL must never become a crontab line of their
# own (issue 11.1): each is checked against its vocabulary or grammar.
inject() {	# inject COLUMN VALUE-SQL: the crontab of that database
	rm -f inj.db &&
	sf-config --db inj.db add good --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d &&
	sf-config --db inj.db add bad --type forecast --agency USGS \
	    --start 2024-01-01 --schedule 1h --source NOAA_RFC &&
	sql_db inj.db "UPDATE pull_configurations SET $1 = $2
	    WHERE name = 'bad'"
}
sql_db() { sqlite3 -batch "$1" "$2"; }
LIVE="'* * * * * touch /tmp/x #'"

for col in data_type source agency schedule_value schedule_type name; do
	test_expect_code 1 "a line break in $col makes no live line" "
		inject $col \"'daily_mean'||char(10)||$LIVE\" &&
		sf-config --db inj.db crontab >out 2>err; rc=\$?;
		{ ! grep touch out && test \"\$(grep -c . out)\" = 2 &&
		    grep -q '^# good (daily_mean, USGS)\$' out &&
		    test \"\$(grep -c . err)\" = 1 &&
		    grep -q 'daily_mean\\\\n\\* \\* \\* \\* \\* touch /tmp/x #' err; } ||
		    exit 3
		exit \$rc
	"
done

test_expect_code 1 'the data type of the issue is refused with a clear message' '
	inject data_type "'\''daily_mean'\''||char(10)||$LIVE" &&
	sf-config --db inj.db crontab bad >out 2>err; rc=$?;
	printf "%s\n" "sf-config: configuration '\''bad'\'': data type '\''daily_mean\\n* * * * * touch /tmp/x #'\'' is not a known type: no crontab line (fix it with sf-config set bad --type TYPE)" >expect &&
	{ test_cmp expect err && test_must_be_empty out; } || exit 3
	exit $rc
'

test_expect_code 1 '--install of an injected database changes nothing' '
	inject source "'\''NOAA_RFC # '\''||char(10)||$LIVE" &&
	cp table before && n=$(writes) &&
	sf-config --db inj.db crontab --install 2>err; rc=$?;
	{ tail -1 err | grep -q "crontab not changed" &&
	    test_cmp before table && test "$(writes)" = $n; } || exit 3
	exit $rc
'

test_expect_code 1 'a value outside its vocabulary is refused, even without a line break' '
	inject source "'\''NOAA_RFC; rm -rf ~'\''" &&
	sf-config --db inj.db crontab >out 2>err; rc=$?;
	{ ! grep rm out && grep -q "source '\''NOAA_RFC; rm -rf ~'\'' is not a known source" err; } ||
	    exit 3
	exit $rc
'

test_expect_code 1 '--install refuses a database that does not exist' '
	cp table before && n=$(writes) &&
	sf-config --db typo.db crontab --install 2>err; rc=$?;
	echo "sf-config: database '\''typo.db'\'': cannot open (does it exist?)" >expect &&
	{ test_cmp expect err && test ! -e typo.db && test_cmp before table &&
	    test "$(writes)" = $n; } || exit 3
	exit $rc
'

test_expect_success 'two databases keep a block each; foreign lines stay' '
	printf "MAILTO=\"\"\n0 * * * * /bin/true\n" >table &&
	mkdir b && sf-config --db b/b.db add other --type daily_mean \
	    --agency EC --start 2024-01-01 --schedule 1d &&
	sf-config crontab --install &&
	sf-config --db b/b.db crontab --install &&
	sf-config crontab >lines_a &&
	sf-config --db b/b.db crontab >lines_b &&
	{ printf "MAILTO=\"\"\n0 * * * * /bin/true\n" &&
	  echo "$BEGIN" && cat lines_a && echo "$END" &&
	  echo "# BEGIN sf $DIR/b/b.db (managed by sf-config)" &&
	  cat lines_b && echo "# END sf $DIR/b/b.db"; } >expect &&
	test_cmp expect table &&
	sf-config set potomac --schedule "0 8 * * *" &&
	sf-config crontab --install && sf-config crontab >lines_a &&
	{ printf "MAILTO=\"\"\n0 * * * * /bin/true\n" &&
	  echo "$BEGIN" && cat lines_a && echo "$END" &&
	  echo "# BEGIN sf $DIR/b/b.db (managed by sf-config)" &&
	  cat lines_b && echo "# END sf $DIR/b/b.db"; } >expect &&
	test_cmp expect table
'

test_expect_success '--uninstall of one database keeps the other block' '
	sf-config --db b/b.db crontab --uninstall &&
	{ printf "MAILTO=\"\"\n0 * * * * /bin/true\n" &&
	  echo "$BEGIN" && cat lines_a && echo "$END"; } >expect &&
	test_cmp expect table
'

test_expect_success 'the block of an older sf-config is taken over when it runs this database' '
	{ echo "# BEGIN sf (managed by sf-config)" && cat lines_b &&
	  echo "# END sf" && echo "# BEGIN sf (managed by sf-config)" &&
	  echo "# old" && sed "s/0 8 \\*/0 9 */" lines_a && echo "# END sf"; } >table &&
	sf-config crontab --install &&
	{ echo "# BEGIN sf (managed by sf-config)" && cat lines_b &&
	  echo "# END sf" && echo "$BEGIN" && cat lines_a && echo "$END"; } >expect &&
	test_cmp expect table
'

test_expect_success 'the key never reaches a line; XDG_CONFIG_HOME does, quoted' '
	API_USGS_PAT=SECRET sf-config crontab >out &&
	! grep SECRET out &&
	API_USGS_PAT=SECRET XDG_CONFIG_HOME="$DIR/my conf" \
	    sf-config crontab potomac >out &&
	! grep SECRET out &&
	sed -n 2p out | grep -q "^0 8 \* \* \* XDG_CONFIG_HOME='\''$DIR/my conf'\'' flock -n " &&
	XDG_CONFIG_HOME=relative sf-config crontab potomac >out &&
	! grep XDG out
'

test_done
