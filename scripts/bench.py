#!/usr/bin/env python3
"""bench.py: the sf-load benchmark behind "make bench" (via scripts/bench).

Generates N stations x M fifteen-minute observations (scripts/bench-gen.c),
then times, in interleaved rounds so machine noise hits all alike:

  a. sf-load CSV into a fresh database
  e. the sqlite3-shell anchor (scripts/bench-anchor.sql), fresh database
  f. the Python anchor (scripts/bench-anchor.py), fresh database
  d. sf-load NDJSON into a fresh database
  b. sf-load the same CSV again into a's database (a reload changes nothing)
  c. sf-load the next 1 % of observations into a copy of a's database

and prints the median wall time of each, the ratios sf is held to, the
peak RSS of sf-load (at the default size and at 5x that, fresh CSV load),
bytes per observation on disk and a few cheap correctness checks. The
exit status is 0 even when a target is missed (this is a report, not a
test) and 1 when a run failed or crashed.

Environment: SF_BUILD (build directory, default build/rel, relative to the
repository), BENCH_RUNS (rounds, default 5), BENCH_PY_RUNS (how many of
them run the Python anchor, default all), BENCH_QUICK=1 (100 stations and
no 5x run, for development). Standard library only.
"""
import argparse
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")

# The targets of the load path (see the lead's brief; DESIGN.md).
T_FRESH_VS_SHELL = 0.7    # sf-load CSV fresh / sqlite3-shell anchor
T_RELOAD_VS_FRESH = 0.5   # reload / fresh
T_NDJSON_VS_CSV = 1.5     # NDJSON fresh / CSV fresh
T_RSS_MB = 20.0           # peak RSS of sf-load, MB (10^6 bytes)
T_RSS_FLAT = 0.10         # the 5x run within 10 % of the 1x run
T_BYTES_PER_OBS = 32.0    # sf database, after a checkpoint

# The measurements, in the order each round runs them; then "big".
ORDER = "aefdbc"
KEYS = list(ORDER) + ["big"]
TITLE = {
    "a": "sf-load CSV, fresh DB",
    "e": "sqlite3-shell anchor, fresh DB",
    "f": "Python anchor, fresh DB",
    "d": "sf-load NDJSON, fresh DB",
    "b": "sf-load CSV again (reload)",
    "c": "sf-load 1 % increment",
    "big": "sf-load CSV, fresh DB, 5x rows",
}

# Counted in the sf database through its seed-named view, and in the
# anchor's table: rows, non-null values, the values as integer hundredths
# (exact, whatever the summation order) and approved rows.
FINGERPRINT = """SELECT count(*), count(discharge),
    sum(CAST(round(discharge * 100) AS INTEGER)),
    sum(quality_code LIKE 'A%') FROM discharge_observations"""

# The configuration that --precreate-config inserts.
CONFIG_SQL = """INSERT INTO pull_configurations(name, data_type, data_strategy,
    pull_start_date, schedule_type, is_enabled)
    VALUES ('bench', 'realtime_15min', 'append', '1900-01-01T00:00:00Z',
    'manual', 1)"""


def envint(name, default):
    """The environment variable name as a whole number, else default."""
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        sys.exit("bench.py: %s '%s': not a whole number" % (name, v))


def progress(msg):
    """Progress for long work: on stderr, and only when it is a terminal."""
    if sys.stderr.isatty():
        print(msg, file=sys.stderr, flush=True)


def rm_db(path):
    """Removes a database file and its -wal and -shm companions."""
    for p in (path, path + "-wal", path + "-shm"):
        if os.path.exists(p):
            os.remove(p)


def checkpoint(path):
    """Moves everything in the -wal of the database at path into the file
    and truncates the -wal."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        con.close()


def db_size(path):
    """Bytes on disk of the database at path after a full checkpoint:
    the file itself plus its -wal, if one is left."""
    checkpoint(path)
    size = os.path.getsize(path)
    if os.path.exists(path + "-wal"):
        size += os.path.getsize(path + "-wal")
    return size


def query(path, sql):
    """The first row of sql on the database at path (a tuple)."""
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(sql).fetchone())
    finally:
        con.close()


# Why a launcher: on Linux a child's ru_maxrss includes the resident size
# of the process it was forked from, kept across exec (the kernel's
# exec_mmap adds the old mm's high-water mark), so os.wait4 on a child of
# this Python process never reports less than Python's own ~20 MB. This
# small program, built next to the generator, forks from a ~1 MB image,
# runs the command and writes what wait4 says of it alone: the wait status,
# ru_maxrss (KiB) and the wall time.
RUSAGE_C = r"""
#define _DEFAULT_SOURCE
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct rusage ru;
	struct timespec t0, t1;
	FILE *out;
	pid_t pid;
	int status;

	if (argc < 3) {
		fputs("usage: rusage OUT CMD [ARG ...]\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		perror("rusage: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("rusage: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	fprintf(out, "%d %ld %.6f\n", status, ru.ru_maxrss,
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return fclose(out) == 0 ? 0 : 1;
}
"""


class Run:
    """One measured command, run through the rusage launcher: its wall
    time, the peak RSS of that command alone, its exit status and the file
    its output (stdout and stderr) went to."""

    launcher = None     # the built RUSAGE_C; set by Bench.prepare

    def __init__(self, cmd, log, stdin=None, cwd=None):
        self.cmd, self.log = cmd, log
        res = log + ".rusage"
        try:
            with open(stdin or os.devnull, "rb") as fin, \
                    open(log, "wb") as fout:
                p = subprocess.run([Run.launcher, res] + cmd, stdin=fin,
                                   stdout=fout, stderr=fout, cwd=cwd)
            with open(res) as f:
                fields = f.read().split()
        finally:
            if os.path.exists(res):
                os.remove(res)
        if p.returncode != 0 or len(fields) != 3:
            raise RuntimeError("'%s': the rusage launcher failed" %
                               " ".join(cmd))
        self.status = os.waitstatus_to_exitcode(int(fields[0]))
        self.rss_kib = int(fields[1])   # Linux: kibibytes
        self.wall = float(fields[2])

    def failed(self):
        return self.status != 0

    def why(self):
        """How the command ended, when it failed, and its last words."""
        if self.status < 0:
            how = "killed by signal %d" % -self.status
        else:
            how = "exit status %d" % self.status
        tail = ""
        if os.path.exists(self.log):
            with open(self.log, errors="replace") as f:
                lines = f.read().splitlines()[-10:]
            tail = "".join("\n    | " + ln for ln in lines)
        return how + tail


class Bench:
    def __init__(self, opt):
        self.opt = opt
        self.results = {k: [] for k in TITLE}  # key: list of Run
        self.failed = {}                        # key: Run that failed
        self.checks = []                        # (ok, text)
        self.sizes = {}                         # key: bytes after checkpoint
        self.said = None                        # sf-load's words, once
        self.cmds = {}                          # key: command as shown
        self.fp = {}                            # key: FINGERPRINT, round 1
        self.t = tempfile.mkdtemp(prefix="sf-bench.")

    # -- helpers ----------------------------------------------------------

    def path(self, name):
        return os.path.join(self.t, name)

    def show(self, cmd, stdin=None, cwd=None):
        """cmd as a shell line, with the temporary directory as $T."""
        s = " ".join(shlex.quote(c) for c in cmd)
        if stdin:
            s += " < " + shlex.quote(stdin)
        if cwd:
            s = "cd %s && %s" % (shlex.quote(cwd), s)
        return s.replace(self.t, "$T")

    def check(self, ok, text):
        """Records a correctness check; a failed one is said loudly now."""
        self.checks.append((ok, text))
        if not ok:
            print("*** MISMATCH: " + text, flush=True)

    def measure(self, key, cmd, stdin=None, cwd=None):
        """Runs cmd as measurement key; returns the Run, or None when it
        failed (it is then reported, and not run again)."""
        self.cmds.setdefault(key, self.show(cmd, stdin, cwd))
        r = Run(cmd, self.path(key + ".log"), stdin, cwd)
        if r.failed():
            self.failed[key] = r
            print("*** FAILED: %s: %s\n    %s" %
                  (TITLE[key], self.cmds[key], r.why()), flush=True)
            return None
        self.results[key].append(r)
        if key == "a" and self.said is None:
            with open(r.log, errors="replace") as f:
                self.said = f.read().splitlines()
        return r

    def fresh_sf_db(self, name):
        """A new database for sf-load: an empty file name, or with
        --precreate-config a schema (made by sf-load itself) holding the
        configuration "bench"."""
        db = self.path(name)
        rm_db(db)
        if self.opt.precreate_config:
            r = Run([self.opt.sf_load, "--db", db],
                    self.path(name + ".pre.log"))
            if r.failed():
                sys.exit("bench.py: sf-load could not create '%s': %s" %
                         (db, r.why()))
            con = sqlite3.connect(db)
            with con:
                con.execute(CONFIG_SQL)
            con.close()
        return db

    def sf_load(self, key, db, data):
        return self.measure(key, [self.opt.sf_load, "--db", db, data])

    # -- the runs ---------------------------------------------------------

    def prepare(self):
        """Builds the generator and the launcher; writes the data files."""
        o = self.opt
        cc = os.environ.get("CC", "cc")
        gen = self.gen = self.path("bench-gen")
        subprocess.run([cc, "-O2", "-o", gen,
                        os.path.join(SCRIPTS, "bench-gen.c")], check=True)
        with open(self.path("rusage.c"), "w") as f:
            f.write(RUSAGE_C)
        Run.launcher = self.path("rusage")
        subprocess.run([cc, "-O2", "-o", Run.launcher,
                        self.path("rusage.c")], check=True)

        def write(name, *args):
            with open(self.path(name), "wb") as f:
                subprocess.run([gen] + list(args), stdout=f, check=True)
            return self.path(name)

        n, m = str(o.stations), str(o.obs)
        progress("generating %d rows" % o.rows)
        self.csv = write("obs.csv", "-n", n, "-m", m, "-f", "csv")
        self.ndjson = write("obs.ndjson", "-n", n, "-m", m, "-f", "ndjson")
        self.incr = write("incr.csv", "-n", n, "-m", str(o.incr_obs),
                          "-s", m, "-f", "csv")

    def round(self, i):
        """One round: each measurement once, in ORDER."""
        o = self.opt
        first = i == 0
        a_ok = False
        for key in ORDER:
            if key in self.failed:
                continue
            if key == "f" and i >= o.py_runs:
                continue
            progress("round %d/%d: %s" % (i + 1, o.runs, TITLE[key]))
            if key == "a":
                db = self.fresh_sf_db("a.db")
                if self.sf_load("a", db, self.csv):
                    a_ok = True
                    self.count("a", db, o.rows, first)
                    # c loads the increment into a copy of this state.
                    checkpoint(db)
                    shutil.copyfile(db, self.path("c.db"))
            elif key == "d":
                db = self.fresh_sf_db("d.db")
                if self.sf_load("d", db, self.ndjson):
                    self.count("d", db, o.rows, first)
                rm_db(db)
            elif key == "b" and a_ok:
                db = self.path("a.db")
                if self.sf_load("b", db, self.csv):
                    self.count("b", db, o.rows, same_as="a" if first
                               else None)
                rm_db(db)
            elif key == "c" and a_ok:
                db = self.path("c.db")
                if self.sf_load("c", db, self.incr):
                    self.count("c", db, o.rows + o.incr_rows)
                rm_db(db)
            elif key == "e":
                db = self.path("e.db")
                rm_db(db)
                if self.measure("e", ["sqlite3", "-batch", "e.db"],
                                stdin=os.path.join(SCRIPTS,
                                                   "bench-anchor.sql"),
                                cwd=self.t):
                    self.count("e", db, o.rows, first)
                rm_db(db)
            elif key == "f":
                db = self.path("f.db")
                rm_db(db)
                if self.measure("f", [sys.executable,
                                      os.path.join(SCRIPTS,
                                                   "bench-anchor.py"),
                                      db, self.csv]):
                    self.count("f", db, o.rows, first)
                rm_db(db)

    def count(self, key, db, want, first=False, same_as=None):
        """Checks that the discharge_observations of db, loaded by
        measurement key, has want rows (and, given same_as, the FINGERPRINT
        noted for that key); with first also notes the database's size and
        FINGERPRINT."""
        try:
            fp = query(db, FINGERPRINT)
        except sqlite3.Error as e:
            self.check(False, "after %s: '%s': %s" % (TITLE[key], db, e))
            return
        self.check(fp[0] == want, "after %s discharge_observations has %d "
                   "rows, expected %d" % (TITLE[key], fp[0], want))
        if same_as in self.fp:
            self.check(fp == self.fp[same_as], "after %s (rows, values, sum "
                       "of hundredths, approved) = %s, after %s %s" %
                       (TITLE[key], fp, TITLE[same_as], self.fp[same_as]))
        if first:
            self.sizes[key] = db_size(db)
            self.fp[key] = fp

    def big(self):
        """The RSS-flatness run: 5x the stations, once, sf-load only."""
        o = self.opt
        progress("generating %d rows" % (o.rows * 5))
        data = self.path("big.csv")
        with open(data, "wb") as f:
            subprocess.run([self.gen, "-n", str(o.stations * 5), "-m",
                            str(o.obs), "-f", "csv"], stdout=f, check=True)
        progress("5x run: %s" % TITLE["big"])
        db = self.fresh_sf_db("big.db")
        if self.sf_load("big", db, data):
            self.count("big", db, o.rows * 5, True)
        rm_db(db)
        os.remove(data)

    def run(self):
        self.prepare()
        for i in range(self.opt.runs):
            self.round(i)
        # The values sf stored are the values the anchors stored.
        ref = self.fp.get("e") or self.fp.get("f")
        if ref:
            for key in "ad":
                if key in self.fp:
                    self.check(self.fp[key] == ref,
                               "%s: (rows, values, sum of hundredths, "
                               "approved) = %s, the anchor has %s" %
                               (TITLE[key], self.fp[key], ref))
        if "e" in self.fp and "f" in self.fp:
            self.check(self.fp["e"] == self.fp["f"],
                       "the two anchors disagree: %s, %s" %
                       (self.fp["e"], self.fp["f"]))
        if not self.opt.quick:
            self.big()

    def cleanup(self):
        if self.opt.keep:
            print("kept %s" % self.t)
        else:
            shutil.rmtree(self.t, ignore_errors=True)

    # -- the report -------------------------------------------------------

    def med(self, key):
        rs = self.results[key]
        return statistics.median(r.wall for r in rs) if rs else None

    def peak_mb(self, *keys):
        rs = [r for k in keys for r in self.results[k]]
        return max(r.rss_kib for r in rs) * 1024 / 1e6 if rs else None

    def report(self):
        o = self.opt
        rows_of = {"c": o.incr_rows, "big": o.rows * 5}

        print()
        print("%-36s %2s %9s  %-15s %9s %8s" % ("run", "n", "median s",
              "min-max s", "rows/s", "RSS MB"))
        for key in KEYS:
            name = ("5x" if key == "big" else key) + ". " + TITLE[key]
            rs = self.results[key]
            if key in self.failed:
                why = self.failed[key].why().split("\n")[0]
                print("%-36s FAILED (%s)" % (name, why))
                continue
            if not rs:
                if key != "big" or not o.quick:
                    print("%-36s not run" % name)
                continue
            walls = [r.wall for r in rs]
            med = statistics.median(walls)
            print("%-36s %2d %9.3f  %6.3f-%-8.3f %9.0f %8.1f" %
                  (name, len(rs), med, min(walls), max(walls),
                   rows_of.get(key, o.rows) / med, self.peak_mb(key)))
        if o.py_runs < o.runs:
            print("(the Python anchor ran in %d of the %d rounds)" %
                  (o.py_runs, o.runs))

        print()
        print("commands ($T is the temporary directory):")
        for key in KEYS:
            if key in self.cmds:
                print("  %-4s %s" % (("5x" if key == "big" else key) + ".",
                                     self.cmds[key]))
        if self.said:
            print("sf-load's stderr in run a, first lines:")
            for ln in self.said[:5]:
                print("    | " + ln)
        elif self.said is not None:
            print("sf-load printed nothing in run a")

        def line(name, value, goal, ok=None, fmt="%.2f"):
            """One row of the target table; ok None is for information."""
            if value is None:
                v, verdict = "n/a", "n/a"
            else:
                v = fmt % value
                verdict = "" if ok is None else "PASS" if ok else "MISS"
            print("%-42s %10s  %-18s %s" % (name, v, goal, verdict))

        def ratio(x, y):
            return None if x is None or y is None or y == 0 else x / y

        def per_obs(key, rows):
            s = self.sizes.get(key)
            return None if s is None else s / rows

        print()
        print("%-42s %10s  %-18s %s" % ("target", "value", "goal", "verdict"))
        a, b, c, d, e, f = (self.med(k) for k in "abcdef")
        r = ratio(a, e)
        line("sf-load CSV fresh / sqlite3 anchor", r,
             "<= %.2f" % T_FRESH_VS_SHELL, r is not None and
             r <= T_FRESH_VS_SHELL)
        r = ratio(b, a)
        line("reload / fresh", r, "<= %.2f" % T_RELOAD_VS_FRESH,
             r is not None and r <= T_RELOAD_VS_FRESH)
        r = ratio(d, a)
        line("NDJSON / CSV (fresh)", r, "<= %.2f" % T_NDJSON_VS_CSV,
             r is not None and r <= T_NDJSON_VS_CSV)
        line("sf-load CSV fresh / Python anchor", ratio(a, f), "info")
        line("1 % increment / fresh", ratio(c, a), "info")

        rss = self.peak_mb("a", "b", "c", "d")
        line("peak RSS sf-load, %d rows, MB" % o.rows, rss,
             "<= %.0f" % T_RSS_MB, rss is not None and rss <= T_RSS_MB,
             "%.1f")
        if o.quick:
            print("(BENCH_QUICK: no %d-row run, so RSS flatness is not "
                  "measured)" % (o.rows * 5))
        else:
            rss5 = self.peak_mb("big")
            line("peak RSS sf-load, %d rows, MB" % (o.rows * 5), rss5,
                 "<= %.0f" % T_RSS_MB, rss5 is not None and
                 rss5 <= T_RSS_MB, "%.1f")
            flat = ratio(rss5, self.peak_mb("a"))
            line("  5x rows / 1x rows (fresh CSV)", flat,
                 "<= %.2f (flat)" % (1 + T_RSS_FLAT), flat is not None and
                 flat <= 1 + T_RSS_FLAT)

        bpo = per_obs("a", o.rows)
        line("bytes/observation, sf-load CSV", bpo,
             "<= %.0f" % T_BYTES_PER_OBS, bpo is not None and
             bpo <= T_BYTES_PER_OBS, "%.1f")
        line("bytes/observation, sf-load NDJSON", per_obs("d", o.rows),
             "info", None, "%.1f")
        if not o.quick:
            line("bytes/observation, sf-load 5x rows",
                 per_obs("big", o.rows * 5), "info", None, "%.1f")
        line("bytes/observation, sqlite3 anchor", per_obs("e", o.rows),
             "info: seed shape", None, "%.1f")
        line("bytes/observation, Python anchor", per_obs("f", o.rows),
             "info: seed shape", None, "%.1f")

        bad = [t for ok, t in self.checks if not ok]
        print("%-42s %10s  %-18s %s" %
              ("correctness checks passed",
               "%d/%d" % (len(self.checks) - len(bad), len(self.checks)),
               "all", "PASS" if not bad else "MISMATCH"))
        for t in bad:
            print("*** MISMATCH: " + t)
        if self.failed:
            print("*** FAILED: %s" % "; ".join(
                TITLE[k] for k in KEYS if k in self.failed))
        print("(MB = 10^6 bytes; times are wall clock; sizes after "
              "PRAGMA wal_checkpoint(TRUNCATE), -wal included)")


def versions(sf_load):
    """What the report says about the machine and the software."""
    out = []
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    out.append(("machine", "%s, nproc %s, %s %s" %
                (platform.node(), nproc, platform.system(),
                 platform.release())))
    try:
        shell = subprocess.run(["sqlite3", "-version"], capture_output=True,
                               text=True).stdout.split()[0]
    except (OSError, IndexError):
        shell = "missing"
    try:
        built = subprocess.run(["pkg-config", "--modversion", "sqlite3"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        built = "?"
    out.append(("sqlite", "shell %s, Python's sqlite3 module %s, sf built "
                "against %s (pkg-config)" %
                (shell, sqlite3.sqlite_version, built or "?")))
    try:
        v = subprocess.run([sf_load, "--version"], capture_output=True,
                           text=True).stdout.strip().splitlines()
    except OSError:
        v = []
    out.append(("sf-load", "%s (%s)" % (sf_load, v[0] if v else
                                        "no --version")))
    out.append(("python", "%s %s" % (sys.executable,
                                     platform.python_version())))
    return out


def main():
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    ap = argparse.ArgumentParser(
        prog="bench.py",
        description="The sf-load benchmark; see scripts/README.")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    ap.add_argument("--obs", type=int, default=1000, metavar="M",
                    help="observations per station (default 1000)")
    ap.add_argument("--precreate-config", action="store_true",
                    help="create the configuration 'bench' in each fresh "
                    "sf database first (default: do not)")
    ap.add_argument("--stations", type=int, default=100 if quick else 1000,
                    metavar="N", help="stations (default 1000, "
                    "BENCH_QUICK 100)")
    opt = ap.parse_args()
    opt.quick = quick
    opt.runs = envint("BENCH_RUNS", 5)
    opt.py_runs = min(envint("BENCH_PY_RUNS", opt.runs), opt.runs)
    if opt.runs < 1 or opt.py_runs < 0 or opt.stations < 1 or opt.obs < 1:
        sys.exit("bench.py: BENCH_RUNS, --stations and --obs must be "
                 "positive")
    opt.rows = opt.stations * opt.obs
    opt.incr_obs = max(1, opt.obs // 100)
    opt.incr_rows = opt.stations * opt.incr_obs

    build = os.environ.get("SF_BUILD", "build/rel")
    opt.sf_load = os.path.join(ROOT, build, "bin", "sf-load")
    if not os.access(opt.sf_load, os.X_OK):
        sys.exit("bench.py: '%s': no sf-load there (make first)" %
                 opt.sf_load)
    if shutil.which("sqlite3") is None:
        sys.exit("bench.py: 'sqlite3': the shell is needed for the anchor")

    env = " ".join("%s=%s" % (k, shlex.quote(os.environ[k]))
                   for k in ("SF_BUILD", "BENCH_RUNS", "BENCH_PY_RUNS",
                             "BENCH_QUICK", "CC") if k in os.environ)
    print("sf-load benchmark, %s" %
          time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("%-8s %s%s" % ("command", " ".join(
        filter(None, [env, "python3", shlex.quote(os.path.relpath(
            sys.argv[0], ROOT))] + [shlex.quote(a) for a in sys.argv[1:]])),
        " (under make)" if "MAKELEVEL" in os.environ else ""))
    for k, v in versions(opt.sf_load):
        print("%-8s %s" % (k, v))
    print("%-8s %d stations x %d obs = %d rows; increment %d rows (next %d "
          "obs each); %d round(s) of %s%s%s" %
          ("data", opt.stations, opt.obs, opt.rows, opt.incr_rows,
           opt.incr_obs, opt.runs, " ".join(ORDER),
           "" if opt.quick else ", then one %d-row run" % (opt.rows * 5),
           "; configuration 'bench' pre-created" if opt.precreate_config
           else ""))
    sys.stdout.flush()

    b = Bench(opt)
    t0 = time.perf_counter()
    try:
        b.run()
        b.report()
    except KeyboardInterrupt:
        print("bench.py: interrupted", file=sys.stderr)
        b.failed["interrupted"] = None
    except subprocess.CalledProcessError as e:
        print("bench.py: '%s': exit status %d" % (" ".join(e.cmd),
                                                   e.returncode),
              file=sys.stderr)
        b.failed["setup"] = None
    except (OSError, RuntimeError, sqlite3.Error) as e:
        print("bench.py: %s" % e, file=sys.stderr)
        b.failed["setup"] = None
    finally:
        b.cleanup()
    print("total %.0f s" % (time.perf_counter() - t0))
    return 1 if b.failed else 0


if __name__ == "__main__":
    sys.exit(main())
