#!/bin/sh
test_description='sf-serve: a real browser draws the station page'
. "$(dirname "$0")/test-lib.sh"

browser=
for b in chromium chromium-browser; do
	command -v $b >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
	# install-deps puts chromium on Debian; elsewhere say what is missing
	test_expect_success 'chromium is installed (scripts/install-deps)' false
	test_done
	exit
fi

test_expect_success 'setup: a station with a month of daily values' '
	cat >st <<-\EOT &&
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.9497,"longitude":-77.1276,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	EOT
	awk "BEGIN { for (d = 1; d <= 30; d++) printf \"{\\\"kind\\\":\\\"obs\\\",\\\"config\\\":null,\\\"station\\\":\\\"01646500\\\",\\\"agency\\\":\\\"USGS\\\",\\\"type\\\":\\\"daily_mean\\\",\\\"observed_at\\\":\\\"2026-10-%02dT00:00:00Z\\\",\\\"discharge\\\":%d,\\\"unit\\\":\\\"cfs\\\",\\\"quality_code\\\":\\\"A\\\"}\\n\", d, 8000 + 3000 * sin(d / 4) + d * 40 }" >obs &&
	sf-load --strict st obs &&
	test "$(sf-query -s 01646500 | wc -l)" = 30
'

rm -f port
sf-serve -q --listen 127.0.0.1:0 --port-file port 2>serve.log &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null; cd /; rm -rf "$TRASH"' EXIT
i=0
while ! test -s port && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
URL=http://127.0.0.1:$(cat port)

test_expect_success 'the station page and its hydrograph answer' '
	curl -sf -o page.html "$URL/stations/01646500.html" &&
	grep -q "hydrograph.svg" page.html &&
	curl -sf -o h.svg "$URL/stations/01646500/hydrograph.svg?forecast=1" &&
	grep -q "<svg" h.svg
'

test_expect_success 'headless chromium takes a screenshot of it' '
	ud=$(mktemp -d) &&
	timeout 120 $browser --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --disable-dev-shm-usage \
	    --user-data-dir="$ud" --screenshot="$TRASH/shot.png" \
	    --window-size=1200,900 "$URL/stations/01646500.html" \
	    >chromium.log 2>&1;
	rm -rf "$ud";
	test -s shot.png || { cat chromium.log; false; }
'

# the picture: decoded with zlib alone, its colours counted
test_expect_success 'the screenshot is not blank: text, lines, colours' '
	python3 - shot.png >colours <<-\EOF &&
	import struct, sys, zlib
	data = open(sys.argv[1], "rb").read()
	assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
	pos, idat = 8, b""
	while pos < len(data):
	    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
	    body = data[pos + 8:pos + 8 + n]
	    if kind == b"IHDR":
	        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
	    elif kind == b"IDAT":
	        idat += body
	    pos += 12 + n
	assert depth == 8 and ctype in (2, 6), (depth, ctype)
	bpp = 3 if ctype == 2 else 4
	raw = zlib.decompress(idat)
	stride = w * bpp
	prev = bytearray(stride)
	colours = {}
	nonwhite = 0
	for y in range(h):
	    f = raw[y * (stride + 1)]
	    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
	    if f == 1:
	        for i in range(bpp, stride):
	            line[i] = (line[i] + line[i - bpp]) & 255
	    elif f == 2:
	        for i in range(stride):
	            line[i] = (line[i] + prev[i]) & 255
	    elif f == 3:
	        for i in range(stride):
	            a = line[i - bpp] if i >= bpp else 0
	            line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
	    elif f == 4:
	        for i in range(stride):
	            a = line[i - bpp] if i >= bpp else 0
	            b = prev[i]
	            c = prev[i - bpp] if i >= bpp else 0
	            p = a + b - c
	            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
	            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
	            line[i] = (line[i] + pr) & 255
	    for x in range(0, stride, bpp * 2):
	        px = bytes(line[x:x + 3])
	        colours[px] = colours.get(px, 0) + 1
	        if px != b"\xff\xff\xff":
	            nonwhite += 1
	    prev = line
	print("size", w, h)
	print("colours", len(colours))
	print("nonwhite", nonwhite, "of", w * h // 2)
	EOF
	cat colours && cp shot.png "${SF_SHOT_KEEP:-/dev/null}" &&
	test "$(sed -n "s/^colours //p" colours)" -ge 16 &&
	n=$(sed -n "s/^nonwhite \([0-9]*\) .*/\1/p" colours) &&
	test "$n" -ge 5000
'

kill -TERM $serve_pid
wait $serve_pid
test_expect_success 'the server stops cleanly' "test $? = 0"

test_done
