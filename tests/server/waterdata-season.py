#!/usr/bin/env python3
"""waterdata-season.py: a loopback stand-in for the USGS Water Data API
(OGC API - Features) that lives through a simulated season.

It serves /collections/daily/items (daily means, parameter 00060,
statistic 00003) and /collections/continuous/items (15-minute values,
statistic 00011, times in UTC with +00:00; at most 3 years a request, the
last year when no time= is given) for a handful of stations, in the real
JSON shape, and its data change with a simulated clock that the test sets by writing an
instant (YYYY-MM-DDTHH:MM:SSZ, what the test also puts in SF_NOW) to the
control file before each run.  The file is read at every request.

The season, a pure function of the scenario options and the clock:

  publication  the value of day D appears the next day at 05:17:42 UTC
               (a 15-minute value 1 h 02 min 03.5 s after its instant),
               Provisional, last_modified = that instant;
  approval     every --approve-every days (station by station on its own
               day of the cycle, at 14:02:09 UTC) the station's values
               published at least --approve-lag days before are approved
               with a CHANGED number and a new last_modified, so a client
               that only asks for days after its newest one never sees
               them, and one that asks last_modified=T/.. does;
  outage       every request between the --outage dates (inclusive,
               days of the clock) gets 503;
  dead gauge   a --dead STATION@DAY publishes nothing after DAY.

--dump prints the service's current truth (what a client that fetched
everything now would hold) as "station|day|value|A or P", one line per
station and day (or instant, with --collection continuous), for the
final comparison; --history prints each day's
life, "station|day|provisional|published|approved|approved_at" (the last
two empty until approved).  Neither needs a server.

Query parameters understood (others the collection has are accepted and
ignored; an unknown one is a 400, as a real OGC server answers):
monitoring_location_id (comma list of USGS-xxxxxxxx), parameter_code,
statistic_id, approval_status, time and last_modified (an instant, a date,
A/B, A/.., ../B or an ISO 8601 duration such as P7D or PT36H back from
now), properties (comma list), skipGeometry, sortby (comma list, -field
for descending), limit (capped by --max-limit), cursor (from a next link),
f (json only), lang.

Every request is logged as one JSON line like replay.py's (seq, t, method,
path, query, target, params, headers, conn, reply) plus "now" (the clock)
and "features" (how many the page held).  Python 3 standard library only.
Exit status: 0 after SIGTERM, SIGINT, --max-seconds or --watch-parent;
2 for a bad option.
"""

import argparse
import datetime as dt
import gzip
import hashlib
import json
import math
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

PROG = "waterdata-season"

DEFAULT_STATIONS = "01646500,01638500,01594440,03049500"
PUBLISH_AT = dt.time(5, 17, 42, 123456)
CONTINUOUS_DELAY = dt.timedelta(hours=1, minutes=2, seconds=3.5)
STEP = dt.timedelta(minutes=15)
COLLECTION_RE = re.compile(r"(?:/ogcapi/v0)?/collections/(daily|continuous)/items")
APPROVE_AT = dt.time(14, 2, 9, 654321)

# The daily collection's properties (the real schema), and the query
# parameters an OGC server accepts besides them.
PROPERTIES = ("time_series_id", "monitoring_location_id", "parameter_code",
              "statistic_id", "time", "value", "unit_of_measure",
              "approval_status", "qualifier", "last_modified")
OTHER_PARAMS = ("f", "lang", "limit", "cursor", "offset", "properties",
                "skipGeometry", "sortby", "bbox", "id", "daily_id",
                "max_results", "filter", "filter-lang", "crs", "bbox-crs",
                "datetime", "api_key")


class BadRequest(Exception):
    """A query the real service refuses: 400 with this description."""


class Stop(Exception):
    """Raised in the main thread by the signal handler."""


# ---------------------------------------------------------------------------
# Time


def parse_instant(s):
    """An instant (aware, UTC) from YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+00:00]."""
    s = s.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return dt.datetime.fromisoformat(s).replace(tzinfo=dt.timezone.utc)
    t = s[:-1] + "+00:00" if s.endswith("Z") else s
    try:
        v = dt.datetime.fromisoformat(t)
    except ValueError:
        raise BadRequest(f"'{s}' is not an RFC 3339 date-time") from None
    if v.tzinfo is None:
        v = v.replace(tzinfo=dt.timezone.utc)
    return v.astimezone(dt.timezone.utc)


DURATION_RE = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def parse_duration(s):
    m = DURATION_RE.fullmatch(s)
    if not m or s in ("P", "PT") or s.endswith("T"):
        raise BadRequest(f"'{s}' is not an ISO 8601 duration")
    y, mo, w, d, h, mi, sec = (float(x) if x else 0 for x in m.groups())
    return dt.timedelta(days=y * 365 + mo * 30 + w * 7 + d, hours=h,
                        minutes=mi, seconds=sec)


def parse_interval(s, now):
    """(low, high) instants, either None for an open end, from an OGC
    temporal value: an instant, A/B, A/.., ../B, or a duration back from
    now.  A bare date as the high end means the whole day."""
    if s.startswith("P"):
        return now - parse_duration(s), now
    if "/" not in s:
        low = parse_instant(s)
        high = low
        if len(s.strip()) == 10:
            high = low + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
        return low, high
    a, _, b = s.partition("/")
    low = None if a in ("..", "") else parse_instant(a)
    high = None
    if b not in ("..", ""):
        high = parse_instant(b)
        if len(b.strip()) == 10:
            high += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    if low is not None and high is not None and low > high:
        raise BadRequest(f"interval '{s}' ends before it starts")
    return low, high


def within(v, iv):
    low, high = iv
    return (low is None or v >= low) and (high is None or v <= high)


def rfc3339(t):
    """The way the service writes last_modified."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


# ---------------------------------------------------------------------------
# The season: what the service holds at an instant


class Season:
    def __init__(self, args):
        if args.station_count:
            self.stations = ["%08d" % (1000000 + i)
                             for i in range(args.station_count)]
        else:
            self.stations = [s.strip() for s in args.stations.split(",")
                             if s.strip()]
        for s in self.stations:
            if not re.fullmatch(r"\d{8,15}", s):
                raise ValueError(f"--stations: '{s}' is not a USGS id")
        self.index = {s: i for i, s in enumerate(self.stations)}
        self.first = dt.date.fromisoformat(args.first_day)
        self.lag = args.approve_lag
        self.every = args.approve_every
        self.outage = None
        if args.outage:
            a, _, b = args.outage.partition("/")
            self.outage = (dt.date.fromisoformat(a),
                           dt.date.fromisoformat(b or a))
        self.dead = {}
        for d in args.dead:
            st, _, day = d.partition("@")
            if st not in self.index:
                raise ValueError(f"--dead: '{st}' is not one of the stations")
            self.dead[st] = dt.date.fromisoformat(day)

    def down(self, now):
        return (self.outage is not None and
                self.outage[0] <= now.date() <= self.outage[1])

    @staticmethod
    def _noise(station, key):
        h = hashlib.sha256(f"{station}/{key}".encode()).digest()
        return int.from_bytes(h[:4], "big") / 2**32

    def provisional(self, station, key):
        """The provisional value of a day (a date) or of a 15-minute
        instant (a datetime), a string with one decimal."""
        x = key.toordinal()
        if isinstance(key, dt.datetime):
            x += (key.hour * 60 + key.minute) / 1440
        base = 40 + int(station) % 97 * 3
        season = 25 * math.sin(2 * math.pi * x / 365.25)
        return "%.1f" % (base + season + 10 * self._noise(station, key))

    def approved(self, station, key):
        """The approved value: never the provisional one."""
        p = float(self.provisional(station, key))
        a = round(p * 1.07 + 0.3 + 2 * self._noise(key, station), 1)
        if "%.1f" % a == "%.1f" % p:
            a += 0.1
        return "%.1f" % a

    def approval_day(self, station, published):
        """The first day of the station's approval cycle at least lag days
        after publication."""
        earliest = published + dt.timedelta(days=self.lag)
        off = self.index[station] * 3 % self.every
        k = (earliest.toordinal() - off) % self.every
        return earliest + dt.timedelta(days=(self.every - k) % self.every)

    @staticmethod
    def published(key):
        """When the value of a day or of an instant appears."""
        if isinstance(key, dt.datetime):
            return key + CONTINUOUS_DELAY
        return dt.datetime.combine(key + dt.timedelta(days=1), PUBLISH_AT,
                                   dt.timezone.utc)

    def row(self, station, key, now):
        """(value, approval, qualifier, last_modified) of a day (a date) or
        a 15-minute instant (a datetime) as the service shows it at now,
        or None if not published by now."""
        pub = self.published(key)
        day = key.date() if isinstance(key, dt.datetime) else key
        if pub > now or (station in self.dead and day > self.dead[station]):
            return None
        qual = None
        if day.toordinal() % 11 == 0 and (
                not isinstance(key, dt.datetime) or key.hour < 6):
            qual = ["ESTIMATED"]
        appr = dt.datetime.combine(self.approval_day(station, pub.date()),
                                   APPROVE_AT, dt.timezone.utc)
        if appr <= now:
            return self.approved(station, key), "Approved", qual, appr
        return self.provisional(station, key), "Provisional", qual, pub

    def days(self, station, now, low=None, high=None):
        """The published days of a station within [low, high] (dates)."""
        d = max(self.first, low or self.first)
        end = now.date() - dt.timedelta(days=1)
        if self.published(end) > now:
            end -= dt.timedelta(days=1)
        if station in self.dead and self.dead[station] < end:
            end = self.dead[station]
        if high is not None and high < end:
            end = high
        while d <= end:
            yield d
            d += dt.timedelta(days=1)

    def instants(self, station, now, low=None, high=None):
        """The published 15-minute instants of a station within [low,
        high] (aware datetimes)."""
        t = dt.datetime.combine(self.first, dt.time(0), dt.timezone.utc)
        if low is not None and low > t:
            t += math.ceil((low - t) / STEP) * STEP
        end = now - CONTINUOUS_DELAY
        if station in self.dead:
            end = min(end, dt.datetime.combine(
                self.dead[station], dt.time(23, 59, 59), dt.timezone.utc))
        if high is not None and high < end:
            end = high
        while t <= end:
            yield t
            t += STEP

    def keys(self, coll, station, now):
        return (self.days(station, now) if coll == "daily"
                else self.instants(station, now))


# ---------------------------------------------------------------------------
# Answering /collections/{daily,continuous}/items


def one(params, name):
    v = params.get(name)
    if not v:
        return None
    if len(v) > 1:
        raise BadRequest(f"parameter '{name}' given more than once")
    return v[0]


def csv_values(params, name):
    v = one(params, name)
    return None if v is None else [x.strip() for x in v.split(",") if x.strip()]


def key_text(key):
    """The "time" of a feature: a date (daily), or an instant with its
    offset (continuous), as the service writes them."""
    if isinstance(key, dt.datetime):
        return key.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return key.isoformat()


def items(season, coll, params, now, base_url, path):
    """The body (a dict) of one request of the daily or the continuous
    collection; BadRequest for a query the service refuses."""
    stat = "00003" if coll == "daily" else "00011"
    for name in params:
        if name not in PROPERTIES and name not in OTHER_PARAMS:
            raise BadRequest(f"unknown query parameter '{name}'")
    f = one(params, "f") or "json"
    if f not in ("json", "geojson"):
        raise BadRequest(f"format '{f}' is not served by this stand-in")
    stations = season.stations
    ids = csv_values(params, "monitoring_location_id")
    if ids is not None:
        stations = []
        for i in ids:
            if not re.fullmatch(r"[A-Z]+-[0-9A-Za-z]+", i):
                raise BadRequest(f"monitoring_location_id '{i}' is malformed")
            if i.startswith("USGS-") and i[5:] in season.index:
                stations.append(i[5:])
        stations = sorted(set(stations), key=lambda s: season.index[s])
    pc = csv_values(params, "parameter_code")
    sid = csv_values(params, "statistic_id")
    if (pc is not None and "00060" not in pc) or (
            sid is not None and stat not in sid):
        stations = []
    appr = csv_values(params, "approval_status")
    tiv = (None, None)
    if one(params, "time") is not None:
        tiv = parse_interval(one(params, "time"), now)
    if coll == "continuous":
        # "If no time is specified, the service will return the last
        # single year of data"; at most 3 years per request.
        if tiv == (None, None):
            tiv = (now - dt.timedelta(days=365), None)
        if tiv[0] is None or (tiv[1] or now) - tiv[0] > dt.timedelta(
                days=3 * 366):
            raise BadRequest("continuous: at most 3 years per request")
    lmiv = None
    if one(params, "last_modified") is not None:
        lmiv = parse_interval(one(params, "last_modified"), now)
    props = csv_values(params, "properties")
    if props is not None:
        for p in props:
            if p not in PROPERTIES and p != "id":
                raise BadRequest(f"unknown property '{p}'")
    try:
        limit = int(one(params, "limit") or 10)
        cursor = int(one(params, "cursor") or one(params, "offset") or 0)
    except ValueError:
        raise BadRequest("limit and cursor must be integers") from None
    if limit < 1 or cursor < 0:
        raise BadRequest("limit must be positive")
    limit = min(limit, season.max_limit)
    skip_geom = (one(params, "skipGeometry") or "false").lower() == "true"

    if coll == "daily":
        low = tiv[0].date() if tiv[0] is not None else None
        high = tiv[1].date() if tiv[1] is not None else None
        keys = season.days
    else:
        low, high = tiv
        keys = season.instants
    rows = []
    for st in stations:
        for day in keys(st, now, low, high):
            r = season.row(st, day, now)
            if r is None:
                continue
            value, status, qual, lm = r
            if lmiv is not None and not within(lm, lmiv):
                continue
            if appr is not None and status not in appr:
                continue
            rows.append((st, day, value, status, qual, lm))

    sortby = csv_values(params, "sortby") or []
    for key in reversed(sortby):
        desc = key.startswith("-")
        name = key.lstrip("+-")
        if name not in PROPERTIES:
            raise BadRequest(f"cannot sort by '{name}'")
        pos = {"monitoring_location_id": 0, "time": 1, "value": 2,
               "approval_status": 3, "last_modified": 5}.get(name)
        if pos is not None:
            rows.sort(key=lambda r: (float(r[2]) if pos == 2 else r[pos]),
                      reverse=desc)

    page = rows[cursor:cursor + limit]
    features = []
    for st, day, value, status, qual, lm in page:
        full = {
            "approval_status": status,
            "last_modified": rfc3339(lm),
            "monitoring_location_id": "USGS-" + st,
            "parameter_code": "00060",
            "qualifier": qual,
            "statistic_id": stat,
            "time": key_text(day),
            "time_series_id": hashlib.md5(st.encode()).hexdigest(),
            "unit_of_measure": "ft^3/s",
            "value": value,
        }
        if props is not None:
            full = {k: v for k, v in full.items() if k in props}
        fid = hashlib.md5(f"{st}/{day}".encode()).hexdigest()
        features.append({
            "type": "Feature",
            "id": "%s-%s-%s-%s-%s" % (fid[:8], fid[8:12], fid[12:16],
                                      fid[16:20], fid[20:]),
            "geometry": None if skip_geom else {
                "type": "Point",
                "coordinates": [-77.0 - season.index[st] / 10, 38.9]},
            "properties": full,
        })

    def link(rel, cur):
        q = [(k, v) for k, vs in params.items() for v in vs
             if k not in ("cursor", "offset")]
        if cur:
            q.append(("cursor", str(cur)))
        return {"type": "application/geo+json", "rel": rel,
                "title": "This document as GeoJSON" if rel == "self"
                else "Items (next)",
                "href": base_url + path + "?" + urlencode(q, quote_via=quote,
                                                          safe=",:/.")}
    links = [link("self", cursor)]
    if cursor + limit < len(rows):
        links.append(link("next", cursor + limit))
    links.append({"type": "application/json",
                  "title": "Daily values" if coll == "daily" else
                  "Continuous values", "rel": "collection",
                  "href": base_url + "/collections/" + coll})
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberReturned": len(features),
        "links": links,
        "timeStamp": rfc3339(now).replace("+00:00", "Z"),
    }


def dump(season, now, coll="daily"):
    """The service's current truth, one line per station and day (or
    15-minute instant, as YYYY-MM-DDTHH:MM:SSZ)."""
    out = []
    for st in season.stations:
        for key in season.keys(coll, st, now):
            r = season.row(st, key, now)
            if r is not None:
                out.append(f"{st}|{stamp(key)}|{r[0]}|{r[1][0]}")
    return out


def stamp(key):
    if isinstance(key, dt.datetime):
        return key.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(key)


def history(season, now, coll="daily"):
    """Each published day's (or instant's) life: station|day|provisional|
    published|approved|approved_at (the last two empty while not approved
    by now)."""
    out = []
    for st in season.stations:
        for key in season.keys(coll, st, now):
            pub = season.published(key)
            appr = dt.datetime.combine(season.approval_day(st, pub.date()),
                                       APPROVE_AT, dt.timezone.utc)
            a, at = "", ""
            if appr <= now:
                a, at = season.approved(st, key), stamp(appr)
            out.append("|".join((st, stamp(key), season.provisional(st, key),
                                 stamp(pub), a, at)))
    return out


# ---------------------------------------------------------------------------
# The server


def header_name(name):
    return "-".join(w.capitalize() for w in name.split("-"))


def accepts_gzip(value):
    for part in (value or "").split(","):
        coding, _, prm = part.partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            m = re.search(r"q\s*=\s*([0-9.]+)", prm)
            if not m or float(m.group(1)) > 0:
                return True
    return False


def read_clock(path):
    with open(path, encoding="utf-8") as f:
        return parse_instant(f.read().strip())


class SeasonServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, args, season):
        super().__init__(("127.0.0.1", 0), Handler)
        self.args = args
        self.season = season
        self.base_url = "http://127.0.0.1:%d" % self.server_address[1]
        self.log_lock = threading.Lock()
        self.log_file = open(args.log, "a", encoding="utf-8") if args.log else None
        self.seq = 0

    def record(self, entry):
        with self.log_lock:
            self.seq += 1
            if self.log_file:
                self.log_file.write(json.dumps(
                    {"seq": self.seq, **entry}, ensure_ascii=False,
                    separators=(",", ":")) + "\n")
                self.log_file.flush()

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sf-waterdata-season/1"
    timeout = 60

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.server.args.verbose:
            sys.stderr.write(f"{PROG}: {self.address_string()} {fmt % args}\n")

    def do_GET(self):
        t0 = time.monotonic()
        srv = self.server
        split = urlsplit(self.path)
        path = unquote(split.path)
        params = {}
        for name, value in parse_qsl(split.query, keep_blank_values=True):
            params.setdefault(name, []).append(value)
        now = None
        nfeat = None
        extra = []
        try:
            now = read_clock(srv.args.control)
        except (OSError, BadRequest) as e:
            status, body = 500, {"code": "500",
                                 "description": f"{PROG}: no clock: {e}"}
        else:
            if len(self.path) > srv.args.max_url:
                status, body = 414, {"code": "414",
                                     "description": "URI Too Long"}
            elif srv.season.down(now):
                status, body = 503, {"error": {
                    "code": "SERVICE_UNAVAILABLE",
                    "message": "The service is temporarily unavailable"}}
            elif COLLECTION_RE.fullmatch(path):
                coll = COLLECTION_RE.fullmatch(path).group(1)
                try:
                    body = items(srv.season, coll, params, now,
                                 srv.base_url, path)
                    status = 200
                    nfeat = body["numberReturned"]
                except BadRequest as e:
                    status, body = 400, {"code": "InvalidParameterValue",
                                         "description": str(e)}
            else:
                status, body = 404, {"code": "NotFound",
                                     "description": f"no such path {path}"}
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(header_name(name), value)
        srv.record({
            "t": round(t0, 6), "method": self.command, "path": path,
            "query": split.query, "target": self.path, "params": params,
            "headers": headers, "conn": self.client_address[1],
            "now": now.strftime("%Y-%m-%dT%H:%M:%SZ") if now else None,
            "reply": status, "features": nfeat,
        })
        data = json.dumps(body, separators=(",", ":")).encode()
        if accepts_gzip(self.headers.get("Accept-Encoding")):
            data = gzip.compress(data, mtime=0)
            extra = [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/geo+json"
                             if status == 200 else "application/json")
            self.send_header("X-RateLimit-Limit", "1000")
            self.send_header("X-RateLimit-Remaining", "999")
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    do_HEAD = do_GET


def write_atomically(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="waterdata-season.py",
        description="A loopback Water Data API that lives through a season.")
    p.add_argument("--control", metavar="F", required=True,
                   help="file holding the simulated clock (an instant)")
    p.add_argument("--dump", action="store_true",
                   help="print the current truth and exit (no server)")
    p.add_argument("--history", action="store_true",
                   help="print every day's publication and approval and "
                   "exit (no server)")
    p.add_argument("--collection", choices=("daily", "continuous"),
                   default="daily", help="what --dump and --history show")
    p.add_argument("--stations", default=DEFAULT_STATIONS,
                   help="comma list of station numbers")
    p.add_argument("--station-count", type=int, default=0, metavar="N",
                   help="N generated stations 01000000, 01000001, ...")
    p.add_argument("--first-day", default="2026-01-01",
                   help="the first day with a value")
    p.add_argument("--approve-lag", type=int, default=30, metavar="DAYS")
    p.add_argument("--approve-every", type=int, default=14, metavar="DAYS")
    p.add_argument("--outage", metavar="FROM/TO",
                   help="days (inclusive) when every request gets 503")
    p.add_argument("--dead", action="append", default=[],
                   metavar="STATION@DAY", help="no values after DAY")
    p.add_argument("--max-limit", type=int, default=50000, metavar="N",
                   help="the largest page (default 50000, the API's)")
    p.add_argument("--max-url", type=int, default=8000, metavar="N",
                   help="answer 414 above N bytes (default 8000)")
    p.add_argument("--port-file", metavar="F")
    p.add_argument("--url-file", metavar="F")
    p.add_argument("--pid-file", metavar="F")
    p.add_argument("--log", metavar="F",
                   help="append one JSON line per request to F")
    p.add_argument("--max-seconds", type=float, default=300.0, metavar="S")
    p.add_argument("--watch-parent", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if args.approve_every < 1 or args.approve_lag < 0 or args.max_limit < 1:
        p.error("--approve-every and --max-limit must be positive")
    try:
        season = Season(args)
    except ValueError as e:
        p.error(str(e))
    season.max_limit = args.max_limit
    return args, season


def main(argv):
    args, season = parse_args(argv)
    if args.dump or args.history:
        try:
            now = read_clock(args.control)
        except (OSError, BadRequest) as e:
            print(f"{PROG}: cannot read the clock '{args.control}': {e}",
                  file=sys.stderr)
            return 1
        lines = (dump if args.dump else history)(season, now,
                                                 args.collection)
        sys.stdout.write("".join(line + "\n" for line in lines))
        return 0

    def on_signal(signum, frame):
        raise Stop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    parent = os.getppid()
    try:
        server = SeasonServer(args, season)
    except OSError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    reason = None
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.05}, daemon=True)
    try:
        thread.start()
        if args.pid_file:
            write_atomically(args.pid_file, f"{os.getpid()}\n")
        if args.url_file:
            write_atomically(args.url_file, server.base_url + "\n")
        if args.port_file:
            write_atomically(args.port_file, f"{server.server_address[1]}\n")
        deadline = time.monotonic() + args.max_seconds
        while True:
            left = deadline - time.monotonic()
            if args.max_seconds and left <= 0:
                reason = f"stopping after --max-seconds {args.max_seconds:g}"
                break
            if args.watch_parent and os.getppid() != parent:
                reason = "stopping: the parent process went away"
                break
            time.sleep(min(0.2, left) if args.max_seconds else 0.2)
    except Stop:
        pass
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if reason:
            print(f"{PROG}: {reason}", file=sys.stderr)
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        if server.log_file:
            server.log_file.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
