#!/usr/bin/env python3
"""make-sample.py: build share/sf/sample.ndjson, the stream `make demo` loads,
from real responses in ../shared/fixtures (see its SOURCES.md for where each
came from). It is a stand-in for the fetchers until they exist and does the
conversions DESIGN.md asks of them, simply:

  usgs/nwis/dv_rdb_02177000_...rdb        daily means, cfs, `A`/`P` codes
  usgs/nwis/iv_rdb_09512500_...rdb        15-minute values, MST wall time -> UTC
  ec/datamart/hydrometric_StationList.csv station records, UTC-08:00 -> -08:00

Usage: scripts/make-sample.py FIXTURES_DIR > share/sf/sample.ndjson
"""
import csv
import datetime
import io
import json
import sys

# One pull configuration per agency and data type, as sf-config makes them.
CONFIGS = {("USGS", "daily_mean"): "usgs-daily",
           ("USGS", "realtime_15min"): "usgs-15min",
           }
ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
         "PST": -8, "PDT": -7}


def out(rec):
    print(json.dumps(rec, separators=(",", ":"), ensure_ascii=False))


def obs(station, agency, typ, t, value, unit, qc):
    out({"kind": "obs", "config": CONFIGS[(agency, typ)], "station": station,
         "agency": agency, "type": typ, "observed_at": t,
         "discharge": value, "unit": unit, "quality_code": qc})


def rdb_rows(path):
    """Yields dicts of the data rows of an RDB file (one block)."""
    header = None
    fmt_seen = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("#") or not line:
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
            elif not fmt_seen:
                fmt_seen = True
            else:
                yield dict(zip(header, cells))


def number(s):
    try:
        v = float(s)
    except ValueError:
        return None
    return int(v) if v == int(v) else v


def usgs(fixtures):
    base = fixtures + "/usgs/nwis/"
    for r in rdb_rows(base + "dv_rdb_02177000_00060_2014_dataRetrieval_RDB1Example.rdb"):
        v = r["01_00060_00003"]
        code = r["01_00060_00003_cd"]
        if number(v) is None:
            code = code + ":" + v if v else code
        obs(r["site_no"], "USGS", "daily_mean", r["datetime"] + "T00:00:00Z",
            number(v), "cfs", code)
    for r in rdb_rows(base + "iv_rdb_09512500_00060_2016-05_tstool.rdb"):
        wall = datetime.datetime.strptime(r["datetime"], "%Y-%m-%d %H:%M")
        utc = wall - datetime.timedelta(hours=ZONES[r["tz_cd"]])
        v = r["01_00060"]
        code = r["01_00060_cd"]
        if number(v) is None:
            code = code + ":" + v if v else code
        obs(r["site_no"], "USGS", "realtime_15min",
            utc.strftime("%Y-%m-%dT%H:%M:%SZ"), number(v), "cfs", code)


def ec_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read().lstrip(" ")
    return csv.reader(io.StringIO(text))


def ec(fixtures):
    # EC observations: make demo fetches them with sf-fetch-ec (replayed)
    rows = ec_csv(fixtures + "/ec/datamart/hydrometric_StationList.csv")
    next(rows)
    for r in rows:
        out({"kind": "station", "station": r[0], "agency": "EC",
             "name": r[1], "latitude": float(r[2]), "longitude": float(r[3]),
             "state": r[4], "huc_code": None, "drainage_area_sqmi": None,
             "altitude_ft": None, "utc_offset": r[5][3:], "uses_dst": None})


def main():
    fixtures = sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures"
    ec(fixtures)
    usgs(fixtures)


if __name__ == "__main__":
    main()
