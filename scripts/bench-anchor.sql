-- bench-anchor.sql: the sqlite3-shell anchor of scripts/bench.py.
--
-- Loads the obs records of the file obs.csv (in the current directory) into
-- a fresh database shaped like the seed's tables, the way a careful person
-- would with the sqlite3 shell alone: .import into a staging table, add the
-- stations, then one upsert of every row, all in one transaction.
--
--   cd DIR-WITH-obs.csv && sqlite3 -batch anchor.db < bench-anchor.sql
--
-- WAL and synchronous=NORMAL, as sf-load also runs (WAL is what sf's
-- database uses, see DESIGN.md), so the journal is no one's handicap.
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;

-- The seed's shape, redundant index included.
CREATE TABLE stations(
	id INTEGER PRIMARY KEY,
	station_number VARCHAR(50) NOT NULL UNIQUE,
	name TEXT NOT NULL,
	agency VARCHAR(50) NOT NULL
);
CREATE TABLE discharge_observations(
	id INTEGER PRIMARY KEY,
	station_id INTEGER NOT NULL REFERENCES stations(id),
	observed_at DATETIME NOT NULL,
	discharge NUMERIC,
	unit VARCHAR(10) NOT NULL,
	type VARCHAR(20) NOT NULL,
	quality_code VARCHAR(10),
	UNIQUE(station_id, observed_at, type)
);
CREATE INDEX ix_do_station ON discharge_observations(station_id);
CREATE INDEX ix_do_observed ON discharge_observations(observed_at);
CREATE INDEX idx_station_observed_type
	ON discharge_observations(station_id, observed_at, type);

BEGIN;
-- The table does not exist, so .import creates it from the header row
-- (every column TEXT). In the temp schema, so it takes no room in the file.
.import --csv --schema temp obs.csv staging

-- The seed's stations need a name; the records carry none.
INSERT OR IGNORE INTO stations(station_number, name, agency)
	SELECT DISTINCT station, station, agency FROM temp.staging;

-- "WHERE true" settles the parsing ambiguity of INSERT ... SELECT ... ON
-- CONFLICT. .import reads a missing discharge as '', hence the NULLIF.
INSERT INTO discharge_observations(station_id, observed_at, discharge, unit,
    type, quality_code)
	SELECT s.id, g.observed_at, NULLIF(g.discharge, ''), g.unit, g.type,
	    NULLIF(g.quality_code, '')
	FROM temp.staging AS g JOIN stations AS s
	    ON s.station_number = g.station
	WHERE true
	ON CONFLICT(station_id, observed_at, type) DO UPDATE SET
	    discharge = excluded.discharge,
	    quality_code = excluded.quality_code,
	    unit = excluded.unit;
COMMIT;
