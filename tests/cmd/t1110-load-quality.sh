#!/bin/sh
test_description='sf-load: one quality vocabulary for every agency, and old archives migrated'
. "$(dirname "$0")/test-lib.sh"

o() {
	printf '{"kind":"obs","config":null,"station":"%s","agency":"%s","type":"daily_mean","observed_at":"%s","discharge":1,"unit":"%s","quality_code":"%s"}\n' "$@"
}

# Before, the same estimate was stored as P:ESTIMATED, P:e and P:E (9.7).
test_expect_success 'every agency spelling of a qualifier lands as one code' '
	{ o 01646500 USGS 2024-01-01 cfs P:ESTIMATED &&
	  o 01646500 USGS 2024-01-02 cfs P:e &&
	  o 08MF005 EC 2024-01-01 cms P:E &&
	  o 01646500 USGS 2024-01-03 cfs Approved:ICE &&
	  o 01646500 USGS 2024-01-04 cfs A:Ice:e:ESTIMATED &&
	  o 08MF005 EC 2024-01-02 cms A:B:A &&
	  o 08MF005 EC 2024-01-03 cms Provisional:D:R &&
	  o 01646500 USGS 2024-01-05 cfs P:Eqp:Zzz; } >in &&
	sf-load in &&
	sql "SELECT s.station_number, o.observed_at, o.quality_code
	    FROM discharge_observations o JOIN stations s ON s.id = o.station_id
	    ORDER BY 1, 2" >out &&
	cat >expect <<-\EOT &&
	01646500|2024-01-01T00:00:00Z|P:e
	01646500|2024-01-02T00:00:00Z|P:e
	01646500|2024-01-03T00:00:00Z|A:ice
	01646500|2024-01-04T00:00:00Z|A:ice:e
	01646500|2024-01-05T00:00:00Z|P:eqp:Zzz
	08MF005|2024-01-01T00:00:00Z|P:e
	08MF005|2024-01-02T00:00:00Z|A:ice:partial
	08MF005|2024-01-03T00:00:00Z|P:dry:revised
	EOT
	test_cmp expect out &&
	test "$(sql "SELECT count(*) FROM discharge_observations WHERE quality_code LIKE \"%:e\" OR quality_code LIKE \"%:e:%\"")" = 4
'

test_expect_success 'the same value in another spelling is unchanged, not a revision' '
	o 01646500 USGS 2024-01-02 cfs P:ESTIMATED | sf-load -v 2>err &&
	grep "0 inserted, 0 updated, 1 unchanged" err &&
	test "$(sql "SELECT count(*) FROM obs_revisions")" = 0
'

test_expect_success 'a version 2 archive is migrated: codes rewritten per agency, merged' '
	sf-load --db old.db </dev/null &&
	sqlite3 old.db "INSERT INTO stations (station_number, name, agency, timezone)
	    VALUES (\"01646500\", \"a\", \"USGS\", \"UTC\"), (\"08MF005\", \"b\", \"EC\", \"UTC\");
	    INSERT INTO obs_series (station_id, type, unit) VALUES (1, \"daily_mean\", \"cfs\"), (2, \"daily_mean\", \"cms\");
	    INSERT INTO quality_codes (code) VALUES (\"P:ESTIMATED\"), (\"P:e\"), (\"P:E\"), (\"A:B\"), (\"P:odd\"), (\"A\");
	    INSERT INTO obs (series, t, value, qc, loaded_at) VALUES
	    (1, 0, 1, 1, 0), (1, 86400, 1, 2, 0), (2, 0, 1, 3, 0), (2, 86400, 1, 4, 0),
	    (1, 172800, 1, 5, 0), (2, 172800, 1, 6, 0);
	    INSERT INTO obs_revisions (series, t, value, qc, loaded_at, replaced_at)
	    VALUES (2, 0, 2, 4, 0, 1);
	    PRAGMA user_version = 2" &&
	sf-load --db old.db </dev/null &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 3 &&
	sqlite3 old.db "SELECT series, t, q.code FROM obs JOIN quality_codes q
	    ON q.id = obs.qc ORDER BY 1, 2" >out &&
	cat >expect <<-\EOT &&
	1|0|P:e
	1|86400|P:e
	1|172800|P:odd
	2|0|P:e
	2|86400|A:ice
	2|172800|A
	EOT
	test_cmp expect out &&
	test "$(sqlite3 old.db "SELECT q.code FROM obs_revisions r JOIN quality_codes q ON q.id = r.qc")" = A:ice &&
	sqlite3 old.db "SELECT code FROM quality_codes ORDER BY code" >out &&
	printf "%s\n" A A:ice P:e P:odd >expect &&
	test_cmp expect out
'

test_done
