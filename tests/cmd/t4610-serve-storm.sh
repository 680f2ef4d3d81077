#!/bin/sh
# engines: sqlite postgresql
test_description='sf-serve: large answers stream; malformed requests by the thousand'
. "$(dirname "$0")/test-lib.sh"

start_serve() {
	rm -f port
	sf-serve -q --listen 127.0.0.1:0 --port-file port "$@" 2>serve.log &
	serve_pid=$!
	trap 'kill $serve_pid 2>/dev/null; cd /; rm -rf "$TRASH"' EXIT
	i=0
	while ! test -s port; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
	PORT=$(cat port)
	URL=http://127.0.0.1:$PORT
}

test_expect_success 'setup: 40000 fifteen-minute values of one station' '
	gen_obs 1 40000 >obs &&
	sf-load --strict obs &&
	sf-query -s 01000000 -f csv >expect.csv &&
	test "$(wc -l <expect.csv)" = 40001
'

start_serve -j 2 || echo 'not ok - the server did not start'

test_expect_success 'a large answer is streamed (chunked) and complete' '
	curl -s -D hdr -o out.csv \
	    "$URL/stations/01000000/observations?format=csv" &&
	tr -d "\r" <hdr | grep -qix "transfer-encoding: chunked" &&
	test_cmp expect.csv out.csv &&
	curl -s -o out.json "$URL/stations/01000000/observations" &&
	python3 -c "import json; d = json.load(open(\"out.json\"))
assert len(d) == 40000, len(d)"
'

test_expect_success 'clients that go away mid-stream leave it serving' '
	python3 - "$PORT" <<-\EOF
	import socket, sys
	port = int(sys.argv[1])
	for i in range(20):
	    s = socket.create_connection(("127.0.0.1", port), timeout=5)
	    s.sendall(b"GET /stations/01000000/observations?format=ndjson HTTP/1.1\r\nHost: x\r\n\r\n")
	    s.recv(1000)
	    s.close()
	EOF
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/health")" = 200
'

test_expect_success 'a few thousand malformed requests, then /health answers' '
	python3 - "$PORT" >storm.out <<-\EOF
	import random, socket, sys, time
	port = int(sys.argv[1])
	rnd = random.Random(4610)
	paths = ["/", "/stations", "/stations/01000000/observations",
	    "/stations/01000000/forecasts", "/configs/x", "/runs", "/metrics",
	    "/stations/01000000/hydrograph.svg", "/stations/01000000.html"]
	junk = ["%", "%0", "%zz", "%00", "%0a", "?", "&&&", "=", "==", "..",
	    "/../", "\xff", "\x7f", "a" * 3000, "start=", "start=2024-99-99",
	    "type=" + "x" * 300, "run=", "format=", "units=kg", "daily=2",
	    "as_of=-1", "end=9999-12-31T23:59:60Z", "member=" + "%41" * 200]
	def req():
	    k = rnd.randrange(8)
	    p = rnd.choice(paths)
	    if k == 0:
	        return bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
	    if k == 1:
	        q = "&".join(rnd.choice(junk) for _ in range(rnd.randrange(1, 20)))
	        return ("GET %s?%s HTTP/1.1\r\nHost: x\r\n\r\n" % (p, q)).encode("latin-1")
	    if k == 2:
	        m = rnd.choice(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW", "get", "G\x00T"])
	        return ("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" % (m, p)).encode("latin-1")
	    if k == 3:
	        return ("GET %s HTTP/1.1\r\n" % p).encode() + b"X-A: " + b"b" * 40000 + b"\r\n\r\n"
	    if k == 4:
	        return ("GET %s HTTP/1.1\r\n" % p).encode() + b"".join(b"H%d: v\r\n" % i for i in range(2000)) + b"\r\n"
	    if k == 5:
	        return ("GET %s HTTP/9.9\r\n\r\n" % p).encode()
	    if k == 6:
	        return ("GET %s%s HTTP/1.1\r\nHost: x\r\n\r\n" % (p, rnd.choice(junk))).encode("latin-1")
	    return ("GET %s HTTP/1.1\r\nHost: x\r\n" % p).encode()  # never ends
	n = bad = 0
	start = time.time()
	statuses = {}
	while n < 3000 and time.time() - start < 60:
	    n += 1
	    try:
	        s = socket.create_connection(("127.0.0.1", port), timeout=2)
	        data = req()
	        s.sendall(data)
	        if b"\r\n\r\n" not in data:
	            s.close()  # half a request, abandoned: no answer to wait for
	            statuses["abandoned"] = statuses.get("abandoned", 0) + 1
	            continue
	        s.shutdown(socket.SHUT_WR)
	        try:
	            r = s.recv(64)
	            code = r[9:12].decode("latin-1") if r.startswith(b"HTTP/1.") else "none"
	        except socket.timeout:
	            code = "timeout"
	        statuses[code] = statuses.get(code, 0) + 1
	        s.close()
	    except OSError as e:
	        bad += 1
	print("requests", n, "errors", bad, "seconds", round(time.time() - start, 1))
	for k in sorted(statuses):
	    print("status", k, statuses[k])
	assert "500" not in statuses, statuses
	EOF
	cat storm.out &&
	test "$(sed -n "s/^requests \([0-9]*\) .*/\1/p" storm.out)" -ge 1000 &&
	grep -q "^status 400 " storm.out && grep -q "^status 405 " storm.out &&
	grep -q "^status 404 " storm.out &&
	test "$(curl -s -o health -w "%{http_code}" "$URL/health")" = 200 &&
	grep -q "\"status\":\"ok\"" health &&
	curl -s -o again.csv "$URL/stations/01000000/observations?format=csv" &&
	test_cmp expect.csv again.csv
'

kill -TERM $serve_pid
wait $serve_pid
test_expect_success 'and it still stops cleanly' "test $? = 0"

test_done
