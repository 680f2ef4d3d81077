#!/usr/bin/env python3
"""bench-anchor.py: the Python anchor of scripts/bench.py.

usage: bench-anchor.py DB CSV

Loads the obs records of CSV (sf's record format) into the fresh database
DB, shaped like the seed's tables, the way a plain Python program would:
the csv module, a dict of station ids, executemany of one upsert, one
transaction. Standard library only.

WAL and synchronous=NORMAL, as sf-load also runs (WAL is what sf's database
uses), so the journal is no one's handicap.
"""
import csv
import sqlite3
import sys

# The seed's shape, redundant index included (same as bench-anchor.sql).
SCHEMA = """
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
"""

UPSERT = """
INSERT INTO discharge_observations(station_id, observed_at, discharge, unit,
    type, quality_code)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT(station_id, observed_at, type) DO UPDATE SET
    discharge = excluded.discharge,
    quality_code = excluded.quality_code,
    unit = excluded.unit
"""

HEADER = ["config", "station", "agency", "type", "observed_at", "discharge",
          "unit", "quality_code"]


def records(path):
    """Yields each data row of the CSV at path, a list of strings."""
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        if next(rd, None) != HEADER:
            sys.exit("bench-anchor.py: '%s': not an obs CSV" % path)
        yield from rd


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench-anchor.py DB CSV")
    db, path = sys.argv[1], sys.argv[2]

    # isolation_level=None: we say BEGIN and COMMIT ourselves.
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.executescript(SCHEMA)

    con.execute("BEGIN")
    # Stations first: one pass for the distinct (station, agency) pairs;
    # the seed's stations need a name and the records carry none.
    stations = {}
    for r in records(path):
        stations.setdefault(r[1], r[2])
    con.executemany(
        "INSERT OR IGNORE INTO stations(station_number, name, agency)"
        " VALUES (?, ?, ?)",
        ((s, s, a) for s, a in stations.items()))
    ids = dict(con.execute("SELECT station_number, id FROM stations"))

    # Then the observations: one upsert per row, fed by a generator so the
    # file is never held in memory. A missing value is an empty field.
    con.executemany(UPSERT, (
        (ids[r[1]], r[4], r[5] or None, r[6], r[3], r[7] or None)
        for r in records(path)))
    con.execute("COMMIT")
    con.close()


if __name__ == "__main__":
    main()
