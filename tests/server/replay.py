#!/usr/bin/env python3
"""replay.py: the loopback HTTP server that sf's tests talk to instead of
the network.

It listens on 127.0.0.1 on a port the system picks, answers each request
from a routes file (a request's method, path and query select a response
body file), injects faults on the test's request (status codes,
Retry-After, delays, cut bodies, closed and reset connections, slow
bodies) and records every request it sees as one JSON line in a log.

    replay.py [options] ROUTES

The routes file format is described in tests/server/README and in the
docstring of load_routes() below.  Python 3 standard library only.

Exit status: 0 after SIGTERM, SIGINT or SIGHUP, after --max-seconds, or when
the parent went away (--watch-parent); 2 for a bad option or routes file.
"""

import argparse
import gzip
import json
import os
import re
import shlex
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

PROG = "replay"

# Content types guessed from a body file's extension (a route's type=
# option overrides them).  The .csv type is what wateroffice sends.
CONTENT_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".rdb": "text/plain",
    ".txt": "text/plain",
    ".html": "text/html",
    ".xml": "application/xml",
}

PLACEHOLDER = b"@BASE_URL@"


class RouteError(Exception):
    """A problem in the routes file; the message names file and line."""


class Stop(Exception):
    """Raised in the main thread by the signal handler."""


# ---------------------------------------------------------------------------
# Routes: what a request matches and what it gets back


class Step:
    """One response of a route's sequence (one behaviour, maybe repeated)."""

    def __init__(self):
        self.status = None      # HTTP status; None with action reset/close
        self.action = "respond"  # respond, reset (RST) or close (FIN)
        self.body_file = None   # path of the body, or None
        self.text = None        # inline body (text=), or None
        self.headers = []       # [(name, value)] added to the response
        self.ctype = None       # Content-Type, else guessed
        self.delay = 0.0        # seconds to wait before answering
        self.cut = None         # send only this many body bytes, then close
        self.trickle = None     # (bytes, seconds): send slowly
        self.gzip = False       # gzip the body if the client accepts it
        self.rewrite = []       # strings replaced by the server's base URL
        self.times = 1          # how many requests this step answers

    def describe(self):
        """A short word for the log: the status, or the action."""
        if self.action != "respond":
            return self.action
        return self.status

    def body(self, base_url):
        """The body bytes with @BASE_URL@ and rewrite= strings replaced.
        Files are read on every request, so a test may change them."""
        if self.text is not None:
            data = self.text.encode("utf-8")
        elif self.body_file is not None:
            with open(self.body_file, "rb") as f:
                data = f.read()
        elif self.status is not None and self.status >= 400:
            data = json.dumps({"code": self.status,
                               "description": "injected by replay.py"},
                              separators=(",", ":")).encode()
        else:
            data = b""
        base = base_url.encode()
        if PLACEHOLDER in data:
            data = data.replace(PLACEHOLDER, base)
        for old in self.rewrite:
            data = data.replace(old.encode("utf-8"), base)
        return data

    def content_type(self):
        if self.ctype:
            return self.ctype
        if self.body_file is not None:
            ext = os.path.splitext(self.body_file)[1].lower()
            return CONTENT_TYPES.get(ext, "application/octet-stream")
        if self.text is not None and self.text.lstrip()[:1] not in ("{", "["):
            return "text/plain"
        return "application/json"


class Cond:
    """One condition on a query parameter or a request header."""

    def __init__(self, where, name, op, value, negate):
        self.where = where      # "param" or "header"
        self.name = name
        self.op = op            # "=", "~" or "present"
        self.value = value      # a string, or a compiled regex for "~"
        self.negate = negate

    def test(self, params, headers):
        if self.where == "param":
            values = params.get(self.name, [])
        else:
            values = headers.get_all(self.name) or []
        if self.op == "present":
            ok = bool(values)
        elif self.op == "=":
            ok = self.value in values
        else:
            ok = any(self.value.search(v) for v in values)
        return ok != self.negate


class Route:
    """A match (method, path, conditions) and its sequence of steps.  The
    counter of matching requests is the only state shared by the handler
    threads; the lock protects it."""

    def __init__(self, lineno):
        self.lineno = lineno
        self.method = "*"
        self.path_kind = "exact"    # exact, prefix or regex
        self.path = "/"
        self.conds = []
        self.steps = []
        self.count = 0
        self.lock = threading.Lock()

    def matches(self, method, path, params, headers):
        if self.method != "*" and self.method != method and not (
                method == "HEAD" and self.method == "GET"):
            return False
        if self.path_kind == "exact":
            if path != self.path:
                return False
        elif self.path_kind == "prefix":
            if not path.startswith(self.path):
                return False
        elif not self.path.search(path):
            return False
        return all(c.test(params, headers) for c in self.conds)

    def take(self):
        """Consume one request: returns (index, step).  Steps answer their
        times= requests in turn; the last step answers all the rest."""
        with self.lock:
            n = self.count
            self.count += 1
        for i, step in enumerate(self.steps):
            if n < step.times or i == len(self.steps) - 1:
                return i, step
            n -= step.times
        raise AssertionError("route without steps")


OPTION_RE = re.compile(r"([a-z]+)=(.*)\Z", re.S)
HEADER_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*):(.*)\Z", re.S)
COND_RE = re.compile(r"([^=~]+)([=~])(.*)\Z", re.S)


def parse_number(text, kind, what):
    try:
        value = kind(text)
    except ValueError:
        raise RouteError(f"{what}: not a number '{text}'") from None
    if value < 0:
        raise RouteError(f"{what}: negative '{text}'")
    return value


def parse_step(toks, base_dir):
    """A response: STATUS [FILE|-] [WORD...], or reset or close [WORD...].
    Raises RouteError (without the line).  The words:

        gzip            gzip the body if the client sends Accept-Encoding: gzip
        delay=S         wait S seconds (a float) before answering
        cut=N           announce the whole length, send N bytes, hang up
        trickle=N/S     send N bytes every S seconds (the first at once)
        times=N         this step answers N requests (default 1)
        type=MIME       the Content-Type (else guessed from FILE)
        rewrite=STRING  replace STRING in the body by the server's base URL
        text=STRING     the body, instead of a FILE
        Name:value      a response header (or Name: value, two words)

    FILE - is an empty body; without FILE or text=, a status of 400 and
    above gets a small JSON error body."""
    step = Step()
    if not toks:
        raise RouteError("'->' without a response")
    first, rest = toks[0], toks[1:]
    if first in ("reset", "close"):
        step.action = first
    elif re.fullmatch(r"[1-5][0-9][0-9]", first):
        step.status = int(first)
        # The body file comes second, if there is one.
        if rest and not (OPTION_RE.match(rest[0]) or HEADER_RE.match(rest[0])
                         or rest[0] == "gzip"):
            name = rest.pop(0)
            if name != "-":
                path = os.path.join(base_dir, os.path.expandvars(name))
                if not os.path.isfile(path):
                    raise RouteError(f"no such body file '{path}'")
                step.body_file = path
            else:
                step.text = ""
    else:
        raise RouteError(f"expected a status, reset or close, not '{first}'")

    while rest:
        tok = rest.pop(0)
        opt = OPTION_RE.match(tok)
        hdr = HEADER_RE.match(tok)
        if tok == "gzip":
            step.gzip = True
        elif opt:
            key, val = opt.groups()
            if key == "delay":
                step.delay = parse_number(val, float, "delay")
            elif key == "cut":
                step.cut = parse_number(val, int, "cut")
            elif key == "trickle":
                m = re.fullmatch(r"([0-9]+)/([0-9.]+)", val)
                if not m or int(m.group(1)) == 0:
                    raise RouteError(f"trickle: expected BYTES/SECONDS, not '{val}'")
                step.trickle = (int(m.group(1)), float(m.group(2)))
            elif key == "times":
                step.times = parse_number(val, int, "times")
                if step.times == 0:
                    raise RouteError("times: must be at least 1")
            elif key == "type":
                step.ctype = val
            elif key == "rewrite":
                if not val:
                    raise RouteError("rewrite: empty string")
                step.rewrite.append(val)
            elif key == "text":
                if step.body_file is not None:
                    raise RouteError("both a body file and text=")
                step.text = val
            else:
                raise RouteError(f"unknown option '{key}='")
        elif hdr:
            name, value = hdr.groups()
            if value == "" and rest:      # "Name: value" as two words
                value = rest.pop(0)
            step.headers.append((name, value.strip()))
        else:
            raise RouteError(f"unexpected word '{tok}'")
    if step.action != "respond" and (step.body_file or step.text is not None
                                     or step.cut is not None or step.trickle):
        raise RouteError(f"{step.action} sends no body")
    return step


def parse_cond(tok):
    """[!][@]NAME, [!][@]NAME=VALUE or [!][@]NAME~REGEX."""
    negate = tok.startswith("!")
    if negate:
        tok = tok[1:]
    where = "param"
    if tok.startswith("@"):
        where, tok = "header", tok[1:]
    m = COND_RE.match(tok)
    if not m:
        if not tok:
            raise RouteError("empty condition")
        return Cond(where, tok, "present", None, negate)
    name, op, value = m.groups()
    if op == "~":
        try:
            value = re.compile(value)
        except re.error as e:
            raise RouteError(f"bad regex '{value}': {e}") from None
    return Cond(where, name, op, value, negate)


def parse_match(toks, lineno):
    """METHOD PATH [CONDITION...]."""
    if len(toks) < 2:
        raise RouteError("expected METHOD PATH [CONDITIONS] [-> RESPONSE]")
    route = Route(lineno)
    method, path = toks[0], toks[1]
    if method != "*" and not re.fullmatch(r"[A-Z]+", method):
        raise RouteError(f"bad method '{method}'")
    route.method = method
    if path.startswith("~"):
        route.path_kind = "regex"
        try:
            route.path = re.compile(path[1:])
        except re.error as e:
            raise RouteError(f"bad regex '{path[1:]}': {e}") from None
    else:
        # A query written in the path is a list of NAME=VALUE conditions.
        path, _, query = path.partition("?")
        if not path.startswith("/"):
            raise RouteError(f"path must start with / or ~, not '{path}'")
        if path.endswith("*"):
            route.path_kind, path = "prefix", path[:-1]
        route.path = unquote(path)
        for name, value in parse_qsl(query, keep_blank_values=True):
            route.conds.append(Cond("param", name, "=", value, False))
    route.conds.extend(parse_cond(t) for t in toks[2:])
    return route


def load_routes(filename):
    """Reads a routes file; returns the list of Route, first match first.

    Lines are split into words like a shell does (quotes group words; no
    expansion).  Blank lines and lines starting with # are ignored.

        METHOD PATH [CONDITION...] [-> RESPONSE]
        -> RESPONSE                  (more steps for the route above)

    METHOD is GET, POST, ... or *; a GET route also answers HEAD.  PATH is
    exact (/a/b), a prefix (/a/*) or a regular expression (~^/a/[0-9]+$),
    matched against the percent-decoded path; an exact or prefix PATH may
    carry a query (/a?x=1&y=2), which adds x=1 and y=2 as conditions.
    CONDITION is NAME=VALUE (a decoded value of the query parameter NAME
    equals VALUE; repeated keys like stations[] match if one of them
    does), NAME~REGEX (re.search), NAME (present), with @ before NAME for a
    request header instead, and ! before it all to negate.

    RESPONSE is STATUS [FILE|-] [OPTION...] [Header:value...], or reset or
    close [delay=S]; see parse_step() and the README for the options.
    FILE is relative to the routes file's directory; $VARS are expanded.
    """
    base_dir = os.path.dirname(os.path.abspath(filename))
    routes = []
    route = None
    with open(filename, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.lstrip().startswith("#"):
                continue
            try:
                toks = shlex.split(line)
                if not toks:
                    continue
                if toks[0] == "->":
                    if route is None:
                        raise RouteError("a response before any route")
                    route.steps.append(parse_step(toks[1:], base_dir))
                    continue
                match, arrow, resp = toks, None, None
                if "->" in toks:
                    i = toks.index("->")
                    match, arrow, resp = toks[:i], True, toks[i + 1:]
                route = parse_match(match, lineno)
                routes.append(route)
                if arrow:
                    route.steps.append(parse_step(resp, base_dir))
            except (RouteError, ValueError) as e:
                raise RouteError(f"{filename}:{lineno}: {e}") from None
    for r in routes:
        if not r.steps:
            raise RouteError(f"{filename}:{r.lineno}: route without a response")
    return routes


# ---------------------------------------------------------------------------
# The server


def accepts_gzip(value):
    """Whether an Accept-Encoding header value allows gzip."""
    for part in (value or "").split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            m = re.search(r"q\s*=\s*([0-9.]+)", params)
            if not m or float(m.group(1)) > 0:
                return True
    return False


def header_name(name):
    """Canonical spelling of a header name, so logs do not depend on the
    client's capitals: x-api-key -> X-Api-Key."""
    return "-".join(w.capitalize() for w in name.split("-"))


class ReplayServer(ThreadingHTTPServer):
    """The threaded server, with the configuration the handlers read."""

    daemon_threads = True       # a hanging client never blocks the exit
    allow_reuse_address = True

    def __init__(self, args, routes):
        super().__init__(("127.0.0.1", 0), Handler)
        self.args = args
        self.routes = routes
        self.base_url = "http://127.0.0.1:%d" % self.server_address[1]
        self.extra_headers = []
        for h in args.header:
            m = HEADER_RE.match(h)
            if not m:
                raise RouteError(f"--header: expected 'Name: value', not '{h}'")
            self.extra_headers.append((m.group(1), m.group(2).strip()))
        self.log_lock = threading.Lock()
        self.log_file = open(args.log, "a", encoding="utf-8") if args.log else None
        self.seq = 0

    def record(self, entry):
        """Appends one request to the log, numbered, flushed at once."""
        with self.log_lock:
            self.seq += 1
            if self.log_file:
                line = json.dumps({"seq": self.seq, **entry},
                                  ensure_ascii=False, separators=(",", ":"))
                self.log_file.write(line + "\n")
                self.log_file.flush()

    def handle_error(self, request, client_address):
        # A client that hung up is no error of the server's.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive; every reply has a length
    server_version = "sf-replay/1"
    timeout = 60                    # close idle keep-alive connections

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.server.args.verbose:
            sys.stderr.write(f"{PROG}: {self.address_string()} {fmt % args}\n")

    def serve(self):
        """Every method: match a route, log the request, answer it."""
        now = time.monotonic()
        server = self.server
        split = urlsplit(self.path)
        path = unquote(split.path)
        params = {}
        for name, value in parse_qsl(split.query, keep_blank_values=True):
            params.setdefault(name, []).append(value)
        # Read a request body, if any, so the next request on the
        # connection starts where it should.
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > 0:
            self.rfile.read(length)

        route, index = None, None
        if server.args.max_url and len(self.path) > server.args.max_url:
            step = Step()
            step.status = 414
        else:
            for r in server.routes:
                if r.matches(self.command, path, params, self.headers):
                    route = r
                    index, step = r.take()
                    break
            else:
                step = Step()
                step.status = 404
                step.text = json.dumps({
                    "code": 404,
                    "description": f"replay.py: no route for {self.command} {self.path}"},
                    separators=(",", ":"))

        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(header_name(name), value)
        server.record({
            "t": round(now, 6),
            "method": self.command,
            "path": path,
            "query": split.query,
            "target": self.path,
            "params": params,
            "headers": headers,
            "conn": self.client_address[1],
            "route": route.lineno if route else None,
            "step": index,
            "reply": step.describe(),
        })
        try:
            self.answer(step)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def answer(self, step):
        delay = self.server.args.delay + step.delay
        if delay > 0:
            time.sleep(delay)
        if step.action == "close":
            # Close without a response (FIN): "empty reply from server".
            self.close_connection = True
            return
        if step.action == "reset":
            # SO_LINGER 0 makes close() send RST.  Detach the descriptor so
            # the socket object (shared with rfile) cannot touch it again.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            os.close(self.connection.detach())
            self.close_connection = True
            return

        try:
            body = step.body(self.server.base_url)
        except OSError as e:
            # The body file went away after the routes were read.
            error = Step()
            error.status = 500
            error.text = json.dumps({"code": 500, "description": f"replay.py: {e}"})
            step, body = error, error.body("")
        gzipped = ((step.gzip or self.server.args.gzip)
                   and accepts_gzip(self.headers.get("Accept-Encoding")))
        if gzipped:
            body = gzip.compress(body, mtime=0)

        self.send_response(step.status)
        names = set()
        for name, value in self.server.extra_headers + step.headers:
            self.send_header(name, value)
            names.add(name.lower())
        if "content-type" not in names:
            self.send_header("Content-Type", step.content_type())
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return

        if step.cut is not None:
            # The full length was announced; send less and hang up.
            body = body[:step.cut]
            self.close_connection = True
        if step.trickle:
            size, pause = step.trickle
            for i in range(0, len(body), size):
                if i:
                    time.sleep(pause)
                self.wfile.write(body[i:i + size])
                self.wfile.flush()
        else:
            self.wfile.write(body)
        self.wfile.flush()


for _method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
    setattr(Handler, "do_" + _method, Handler.serve)


# ---------------------------------------------------------------------------
# Start, wait, stop


def write_atomically(path, text):
    """Writes text to path so a reader never sees a partial file."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="replay.py",
        description="Loopback HTTP replay server for sf's tests.")
    p.add_argument("routes", help="the routes file")
    p.add_argument("--port-file", metavar="F",
                   help="write the port here once ready to accept")
    p.add_argument("--url-file", metavar="F",
                   help="write the base URL here once ready to accept")
    p.add_argument("--pid-file", metavar="F", help="write the process id here")
    p.add_argument("--log", metavar="F",
                   help="append one JSON line per request to F")
    p.add_argument("--delay", metavar="S", type=float, default=0.0,
                   help="seconds added before every response")
    p.add_argument("--gzip", action="store_true",
                   help="gzip every body the client accepts gzipped")
    p.add_argument("--header", metavar="'NAME: VALUE'", action="append",
                   default=[], help="add a header to every response")
    p.add_argument("--max-url", metavar="N", type=int, default=0,
                   help="answer 414 to a request target longer than N bytes")
    p.add_argument("--max-seconds", metavar="S", type=float, default=300.0,
                   help="exit after S seconds (default 300; 0: never)")
    p.add_argument("--watch-parent", action="store_true",
                   help="exit when the parent process goes away")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="report every request on stderr")
    args = p.parse_args(argv)
    if args.delay < 0 or args.max_seconds < 0 or args.max_url < 0:
        p.error("negative --delay, --max-seconds or --max-url")
    return args


def main(argv):
    args = parse_args(argv)

    def on_signal(signum, frame):
        raise Stop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    parent = os.getppid()

    try:
        routes = load_routes(args.routes)
        server = ReplayServer(args, routes)
    except (RouteError, OSError) as e:
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
        if args.verbose:
            print(f"{PROG}: listening on {server.base_url}", file=sys.stderr)

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
