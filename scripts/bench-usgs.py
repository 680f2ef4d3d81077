#!/usr/bin/env python3
"""bench-usgs.py: the sf-fetch-usgs benchmark, run by "make bench" after
bench.py (issue 4, "Benchmark"). Python 3 standard library only.

    [SF_BUILD=build/rel] python3 scripts/bench-usgs.py [--keep]

1. Requests and wall time. Against tests/server/replay.py with --delay 0.05
   (50 ms before every response), 500 stations (01000000 up) x the daily
   means of 2024: (a) one sf-fetch-usgs reading 500 request records on its
   standard input (median of 15), each run followed by (d) the same pages
   downloaded and thrown away by scripts/bench-discard.c (libcurl, a
   batch's pages in turn, 4 batches at once as sf-fetch-usgs's -j 4), and
   against (b) one "sf-fetch-usgs -j 1 -s ID" per station in sequence, as
   the seed's Celery task does (once). The batches of (a), their URLs and
   the properties= they ask for are learnt from a first run against an
   empty answer; then one body per batch (its stations' rows, sorted by
   time as sortby=time gives, holding only the properties asked for, as
   the API answers) and one per station are generated in the shape of the
   "daily" member of tests/data/fixtures/usgs/waterdata/
   multi_collection_fixtures_TRIMMED_dataretrieval.json. Requests are
   counted from the server's log. Targets: requests(a) <= 2 % of
   requests(b) and no more than the page limit needs (ceil(rows / 50,000),
   4); time(b) / time(a) >= 20; time(a) / time(d) <= 1.3 (issue 10); both
   must write 500 x 366 rows.
2. Parse throughput. One 50,000-feature page of the same shape (137
   stations, sorted by time), served with no delay; sf-fetch-usgs writes
   NDJSON to a file; rows/s = 50,000 / wall time, median of 5; target
   >= 500,000 rows/s. End to end: it includes the loopback transfer from
   the Python server. Peak RSS through bench.py's rusage launcher.

Exit 0 even when a target is missed; 1 when a run failed or the setup did.
Everything lives in a temporary directory, removed at the end unless --keep.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (its rusage launcher and Run)

ROOT = bench.ROOT
NST = 500                   # stations of part 1
YEAR = 2024
DAYS = 366
DELAY = 0.05
LIMIT = 50000               # the fetcher's page size (limit=)
RUNS_A = 15                 # a and d in turn: on a shared host one run of
                            # a moves by 20 %; 5 let the ratio swing across
                            # its target from one bench to the next
PARSE_ROWS = 50000
PARSE_RUNS = 5
T_REQ_SHARE = 0.02          # requests(a) / requests(b)
T_SPEEDUP = 20.0            # time(b) / time(a)
T_ROWS_PER_S = 500000.0
T_DISCARD = 1.3             # time(a) / time(d)
EMPTY = '{"type":"FeatureCollection","features":[],"numberReturned":0,' \
    '"links":[]}'


def station(i):
    return "%08d" % (1000000 + i)


def feature(st, d, day, props=None):
    """One daily feature in the real shape; every value depends only on
    (station, day). props: the properties asked for (properties=), None
    for all of them, as the API answers."""
    n = int(st)
    v = (n % 9973 + 1) * (1.0 + (day * 37 % 101) / 100.0)
    full = (("approval_status",
             '"%s"' % ("Approved" if (n + day) % 5 else "Provisional")),
            ("last_modified", '"2026-07-30T15:43:16.002990+00:00"'),
            ("monitoring_location_id", '"USGS-%s"' % st),
            ("parameter_code", '"00060"'),
            ("qualifier", "null"),
            ("statistic_id", '"00003"'),
            ("time", '"%s"' % d),
            ("time_series_id", '"%032x"' % n),
            ("unit_of_measure", '"ft^3/s"'),
            ("value", '"%.1f"' % v))
    return ('{"type":"Feature","id":"%08x-%04x-4000-8000-%012x",'
            '"geometry":null,"properties":{%s}}'
            % (n, day, n * 1000 + day,
               ",".join('"%s":%s' % kv for kv in full
                        if props is None or kv[0] in props)))


def dates():
    d0 = datetime.date(YEAR, 1, 1)
    return [(d0 + datetime.timedelta(days=k)).isoformat()
            for k in range(DAYS)]


def next_href(tag, n):
    """The next link of a batch's page n - 1: its page n."""
    return ("@BASE_URL@/collections/daily/items?cursor=%s_%d&f=json&limit=%d"
            % (tag, n, LIMIT))


def pages(stations, days, tag, props=None):
    """The stations' rows, sorted by time across them, as pages of up to
    LIMIT features, each but the last linking to the next by a cursor
    (tag_2, tag_3, ...)."""
    feats = [feature(s, d, k, props) for k, d in enumerate(days)
             for s in stations]
    out = []
    for i in range(0, len(feats), LIMIT):
        part = feats[i:i + LIMIT]
        links = ('{"href":"@BASE_URL@/collections/daily/items?f=json",'
                 '"rel":"self","type":"application/geo+json",'
                 '"title":"This document"}')
        if i + LIMIT < len(feats):
            links += (',{"href":"%s","rel":"next",'
                      '"type":"application/geo+json","title":"Items (next)"}'
                      % next_href(tag, i // LIMIT + 2))
        out.append('{"type":"FeatureCollection","features":[' +
                   ",".join(part) + '],"numberReturned":%d,"links":[%s]}'
                   % (len(part), links))
    return out


def request_records(n):
    return "".join(
        '{"kind":"request","config":"bench","station":"%s","agency":"USGS",'
        '"type":"daily_mean","start":"%d-01-01T00:00:00Z",'
        '"end":"%d-12-31T00:00:00Z","target_id":null}\n'
        % (station(i), YEAR, YEAR) for i in range(n))


class Server:
    def __init__(self, tmp, name, routes, delay):
        self.log = os.path.join(tmp, name + ".log")
        url = os.path.join(tmp, name + ".url")
        open(self.log, "w").close()
        cmd = [sys.executable, os.path.join(ROOT, "tests/server/replay.py"),
               "--url-file", url, "--log", self.log, "--watch-parent",
               "--max-seconds", "600"]
        if delay:
            cmd += ["--delay", str(delay)]
        self.p = subprocess.Popen(cmd + [routes],
                                  stderr=open(self.log + ".err", "w"))
        for _ in range(200):
            if os.path.exists(url) or self.p.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(url):
            raise RuntimeError("replay.py did not start: " +
                               open(self.log + ".err").read())
        with open(url) as f:
            self.url = f.read().strip()

    def requests(self):
        with open(self.log) as f:
            return [json.loads(ln) for ln in f if ln.strip()]

    def stop(self):
        self.p.terminate()
        self.p.wait()


def obs_rows(path):
    with open(path, "rb") as f:
        return sum(1 for ln in f if ln.startswith(b'{"kind":"obs"'))


def main():
    keep = "--keep" in sys.argv[1:]
    build = os.environ.get("SF_BUILD", "build/rel")
    fetch = os.path.join(ROOT, build, "bin", "sf-fetch-usgs")
    if not os.access(fetch, os.X_OK):
        print("bench-usgs: '%s': not found (run make first)" % fetch,
              file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="sf-bench-usgs.")
    os.environ.pop("API_USGS_PAT", None)
    servers = []
    bad = []
    try:
        cc = os.environ.get("CC", "cc")
        src = os.path.join(tmp, "rusage.c")
        with open(src, "w") as f:
            f.write(bench.RUSAGE_C)
        bench.Run.launcher = os.path.join(tmp, "rusage")
        subprocess.run([cc, "-O2", "-o", bench.Run.launcher, src],
                       check=True)
        discard = os.path.join(tmp, "bench-discard")
        curl = subprocess.run(["pkg-config", "--cflags", "--libs",
                               "libcurl"], check=True, capture_output=True,
                              text=True).stdout.split()
        subprocess.run([cc, "-O2", "-o", discard,
                        os.path.join(ROOT, "scripts", "bench-discard.c")] +
                       curl, check=True)

        def run(cmd, out, stdin=None):
            r = bench.Run(cmd, out, stdin=stdin)
            if r.failed():
                bad.append("'%s': %s" % (" ".join(cmd), r.why()))
            return r

        reqs = os.path.join(tmp, "requests.ndjson")
        with open(reqs, "w") as f:
            f.write(request_records(NST))
        cmd_a = [fetch, "-q"]

        # Learn the batches of (a) from a run against empty answers.
        routes = os.path.join(tmp, "routes0")
        with open(routes, "w") as f:
            f.write("GET /collections/daily/items -> 200 text='%s' "
                    "type=application/json\n" % EMPTY)
        srv = Server(tmp, "s0", routes, 0)
        servers.append(srv)
        os.environ["SF_USGS_URL"] = srv.url
        run(cmd_a, os.path.join(tmp, "probe.out"), stdin=reqs)
        probe = srv.requests()
        batches = [r["params"]["monitoring_location_id"][0].split(",")
                   for r in probe]
        # What the fetcher asks for is what the API would answer with.
        props = probe[0]["params"].get("properties") if probe else None
        if props is not None:
            props = set(props[0].split(","))
        if sum(len(b) for b in batches) != NST:
            raise RuntimeError("the probe run asked for %d stations, not %d"
                               % (sum(len(b) for b in batches), NST))
        srv.stop()
        servers.remove(srv)

        # Part 1 bodies and routes.
        print("bench-usgs: generating %d stations x %d days" % (NST, DAYS),
              file=sys.stderr)
        days = dates()
        lines = []
        first = []
        chains = []         # each batch's URLs, for the discarding client
        for k, b in enumerate(batches):
            chain = ["@BASE_URL@" + probe[k]["target"]]
            for n, body in enumerate(pages([s[5:] for s in b], days,
                                           "b%d" % k, props)):
                name = "batch%d_%d.json" % (k, n + 1)
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(body)
                if n > 0:
                    lines.append("GET /collections/daily/items "
                                 "cursor=b%d_%d -> 200 %s\n"
                                 % (k, n + 1, name))
                    chain.append(next_href("b%d" % k, n + 1))
            chains.append(" ".join(chain))
            first.append("GET /collections/daily/items "
                         "'monitoring_location_id~^%s,' -> 200 "
                         "batch%d_1.json\n" % (b[0], k))
        lines += first
        for i in range(NST):
            body, = pages([station(i)], days, "s", props)
            name = "st%s.json" % station(i)
            with open(os.path.join(tmp, name), "w") as f:
                f.write(body)
            lines.append("GET /collections/daily/items "
                         "monitoring_location_id=USGS-%s -> 200 %s\n"
                         % (station(i), name))
        with open(routes, "w") as f:
            f.writelines(lines)
        srv = Server(tmp, "s1", routes, DELAY)
        servers.append(srv)
        os.environ["SF_USGS_URL"] = srv.url

        chains_file = os.path.join(tmp, "chains")
        with open(chains_file, "w") as f:
            f.write("".join(c.replace("@BASE_URL@", srv.url) + "\n"
                            for c in chains))
        print("bench-usgs: (a) batched, %d runs, each beside (d) the same "
              "pages downloaded and discarded" % RUNS_A, file=sys.stderr)
        out_a = os.path.join(tmp, "a.out")
        out_d = os.path.join(tmp, "d.out")
        walls_a, reqs_a, rows_a, walls_d, reqs_d = [], [], [], [], []
        for _ in range(RUNS_A):
            n0 = len(srv.requests())
            r = run(cmd_a, out_a, stdin=reqs)
            walls_a.append(r.wall)
            reqs_a.append(len(srv.requests()) - n0)
            rows_a.append(obs_rows(out_a))
            n0 = len(srv.requests())
            r = run([discard], out_d, stdin=chains_file)
            walls_d.append(r.wall)
            reqs_d.append(len(srv.requests()) - n0)

        print("bench-usgs: (b) one request per station, %d runs in "
              "sequence" % NST, file=sys.stderr)
        out_b = os.path.join(tmp, "b.out")
        n0 = len(srv.requests())
        t0 = time.monotonic()
        with open(out_b, "wb") as fout:
            for i in range(NST):
                p = subprocess.run(
                    [fetch, "-q", "-j", "1", "--config", "bench",
                     "-s", station(i), "--start", "%d-01-01" % YEAR,
                     "--end", "%d-12-31" % YEAR], stdout=fout,
                    stdin=subprocess.DEVNULL)
                if p.returncode != 0:
                    bad.append("(b) station %s: exit status %d"
                               % (station(i), p.returncode))
        wall_b = time.monotonic() - t0
        req_b = len(srv.requests()) - n0
        rows_b = obs_rows(out_b)
        srv.stop()
        servers.remove(srv)
        for name in os.listdir(tmp):
            if name.startswith(("st", "batch")):
                os.remove(os.path.join(tmp, name))

        # Part 2: the 50,000-feature page.
        nps = -(-PARSE_ROWS // DAYS)
        pst = [station(1000 + i) for i in range(nps)]
        feats = [feature(s, d, k, props) for k, d in enumerate(days)
                 for s in pst]
        feats = feats[:PARSE_ROWS]
        body = ('{"type":"FeatureCollection","features":[' +
                ",".join(feats) + '],"numberReturned":%d,"links":[]}'
                % len(feats))
        with open(os.path.join(tmp, "big.json"), "w") as f:
            f.write(body)
        size_mb = len(body) / 1e6
        del feats, body
        with open(routes, "w") as f:
            f.write("GET /collections/daily/items -> 200 big.json\n")
        srv = Server(tmp, "s2", routes, 0)
        servers.append(srv)
        os.environ["SF_USGS_URL"] = srv.url
        cmd_p = [fetch, "-q", "--config", "bench", "--start",
                 "%d-01-01" % YEAR, "--end", "%d-12-31" % YEAR]
        for s in pst:
            cmd_p += ["-s", s]
        out_p = os.path.join(tmp, "parse.out")
        print("bench-usgs: parse, %d runs" % PARSE_RUNS, file=sys.stderr)
        runs_p, rows_p = [], []
        for _ in range(PARSE_RUNS):
            runs_p.append(run(cmd_p, out_p))
            rows_p.append(obs_rows(out_p))
        req_p = len(srv.requests())
        srv.stop()
        servers.remove(srv)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        print("bench-usgs: setup failed: %s" % e, file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        if keep:
            print("bench-usgs: kept %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    def med(xs):
        xs = sorted(xs)
        return xs[len(xs) // 2]

    def verdict(ok):
        return "PASS" if ok else "MISS"

    want = NST * DAYS
    least = -(-want // LIMIT)
    ma = med(walls_a)
    md = med(walls_d)
    mp = med([r.wall for r in runs_p])
    rate = PARSE_ROWS / mp
    rss = max(r.rss_kib for r in runs_p) * 1024 / 1e6
    print()
    print("sf-fetch-usgs benchmark: %d stations x %d daily means, replay "
          "server with %d ms per response" % (NST, DAYS, DELAY * 1000))
    print("  a. SF_USGS_URL=... sf-fetch-usgs -q < %d request records"
          " (%s..%s, %d-01-01..%d-12-31)"
          % (NST, station(0), station(NST - 1), YEAR, YEAR))
    print("  d. bench-discard < the same pages as a, as a asks for them (a"
          " batch's pages in turn, -j 4 batches at once), bodies discarded")
    print("  b. for each station: sf-fetch-usgs -q -j 1 --config bench -s ID"
          " --start %d-01-01 --end %d-12-31" % (YEAR, YEAR))
    print("  p. sf-fetch-usgs -q -s ID x %d (one %.1f MB page of %d features,"
          " no delay) > file" % (len(pst), size_mb, PARSE_ROWS))
    print()
    print("  requests     a %6d   (%s; %d batches of up to %d stations,"
          " pages of %d rows)" % (med(reqs_a),
          " ".join(str(x) for x in reqs_a), len(batches),
          max(len(b) for b in batches), LIMIT))
    print("               d %6d" % med(reqs_d))
    print("               b %6d" % req_b)
    print("  wall s       a %8.3f (median of %d: %s)" % (ma, RUNS_A,
          " ".join("%.3f" % x for x in walls_a)))
    print("               d %8.3f (median of %d: %s)" % (md, RUNS_A,
          " ".join("%.3f" % x for x in walls_d)))
    print("               b %8.3f (one run)" % wall_b)
    print("  rows         a %s  b %d  (want %d)"
          % ("/".join(str(x) for x in rows_a), rows_b, want))
    print()
    share = med(reqs_a) / req_b if req_b else float("inf")
    speed = wall_b / ma if ma else 0.0
    print("  requests a/b       %7.2f %%   target <= %.0f %%   %s"
          % (share * 100, T_REQ_SHARE * 100, verdict(share <= T_REQ_SHARE)))
    print("  time b/a           %7.1f x    target >= %.0f x     %s"
          % (speed, T_SPEEDUP, verdict(speed >= T_SPEEDUP)))
    print("  requests a         %7d      target %d = %d rows / %d   %s"
          % (med(reqs_a), least, want, LIMIT,
             verdict(med(reqs_a) <= least)))
    ratio = ma / md if md else float("inf")
    print("  time a/d           %7.2f x    target <= %.1f x    %s"
          % (ratio, T_DISCARD, verdict(ratio <= T_DISCARD)))
    print("  parse rows/s  %12.0f     target >= %.0f   %s   (median of %d:"
          " %s s; end to end, with loopback transfer from the Python"
          " server; the parser alone ~700k rows/s in tests/unit/t_usgs.c)"
          % (rate, T_ROWS_PER_S, verdict(rate >= T_ROWS_PER_S), PARSE_RUNS,
             " ".join("%.3f" % r.wall for r in runs_p)))
    print("  parse peak RSS     %7.1f MB   (%d request(s) per run, rows %s)"
          % (rss, req_p // PARSE_RUNS,
             "/".join(str(x) for x in rows_p)))
    for x in rows_a + [rows_b]:
        if x != want:
            print("*** MISMATCH: %d rows, want %d" % (x, want))
            break
    for x in rows_p:
        if x != PARSE_ROWS:
            print("*** MISMATCH: parse run wrote %d rows, want %d"
                  % (x, PARSE_ROWS))
            break
    for b in bad:
        print("*** FAILED: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
