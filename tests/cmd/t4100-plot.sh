#!/bin/sh
test_description='sf-plot: hydrographs as SVG, rendered by rsvg-convert'
. "$(dirname "$0")/test-lib.sh"

# o STATION TIME DISCHARGE [UNIT]
o() {
	printf '{"kind":"obs","config":null,"station":"%s","agency":"USGS","type":"realtime_15min","observed_at":"%s","discharge":%s,"unit":"%s","quality_code":"P"}\n' "$1" "$2" "$3" "${4:-cfs}"
}

# f MEMBER RUN_DATE VALID_AT DISCHARGE
f() {
	printf '{"kind":"forecast","config":null,"station":"01646500","agency":"USGS","target_id":null,"source":"NWM_MEDIUM_RANGE","member":%s,"run_date":"%s","valid_at":"%s","discharge":%s,"unit":"cfs","stage":null,"stage_unit":null}\n' "$@"
}

# check.py SVG POINTS: every point "t v" of POINTS (epoch seconds and
# discharge) is a vertex of a polyline of the obs series, at the pixel the
# plot area's data attributes say; with --peak only the largest must be.
cat >check.py <<-\EOF
	import re, sys, math
	svg = open(sys.argv[1]).read()
	a = re.search(r'<rect class="area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*data-t0="(-?\d+)" data-t1="(-?\d+)" data-v0="([^"]+)" data-v1="([^"]+)"', svg)
	x, y, w, h, t0, t1, v0, v1 = map(float, a.groups())
	log = 'log scale' in svg
	obs = svg.split('data-kind="obs"')[1].split('</g>')[0]
	verts = set()
	for pts in re.findall(r'points="([^"]*)"', obs):
	    for p in pts.split():
	        verts.add(tuple(p.split(',')))
	for m in re.finditer(r'<circle cx="([\d.]+)" cy="([\d.]+)"', obs):
	    verts.add(m.groups())
	bad = 0
	for line in open(sys.argv[2]):
	    t, v = map(float, line.split())
	    if log:
	        v = math.log10(v)
	    px = '%.1f' % (x + (t - t0) / (t1 - t0) * w)
	    py = '%.1f' % (y + h - (v - v0) / (v1 - v0) * h)
	    if (px, py) not in verts:
	        print('point', t, v, 'not at', px, py); bad += 1
	print(len(verts), 'vertices')
	sys.exit(1 if bad else 0)
EOF

# png.py PNG W H: the PNG is W x H and not blank (many colours, and more
# than a tenth of its pixels differ from the background)
cat >png.py <<-\EOF
	import struct, sys, zlib
	d = open(sys.argv[1], 'rb').read()
	assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
	pos, idat, hdr = 8, b'', None
	while pos < len(d):
	    n, typ = struct.unpack('>I4s', d[pos:pos + 8])
	    body = d[pos + 8:pos + 8 + n]
	    if typ == b'IHDR':
	        hdr = struct.unpack('>IIBBBBB', body)
	    elif typ == b'IDAT':
	        idat += body
	    pos += 12 + n
	w, h, depth, ctype = hdr[:4]
	assert (w, h) == (int(sys.argv[2]), int(sys.argv[3])), ('size', w, h)
	assert depth == 8 and ctype in (2, 6), ('format', depth, ctype)
	bpp = 3 if ctype == 2 else 4
	raw = zlib.decompress(idat)
	stride = w * bpp
	prev = bytearray(stride)
	colours, nonwhite = set(), 0
	i = 0
	for r in range(h):
	    ft = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
	    for c in range(stride):
	        a = line[c - bpp] if c >= bpp else 0
	        b = prev[c]
	        cc = prev[c - bpp] if c >= bpp else 0
	        if ft == 1: line[c] = (line[c] + a) & 255
	        elif ft == 2: line[c] = (line[c] + b) & 255
	        elif ft == 3: line[c] = (line[c] + (a + b) // 2) & 255
	        elif ft == 4:
	            p = a + b - cc; pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
	            line[c] = (line[c] + (a if pa <= pb and pa <= pc else b if pb <= pc else cc)) & 255
	    for c in range(0, stride, bpp):
	        px = bytes(line[c:c + 3])
	        colours.add(px)
	        if px != b'\xff\xff\xff':
	            nonwhite += 1
	    prev = line
	print(len(colours), 'colours', nonwhite, 'non-white pixels')
	assert len(colours) >= 8, 'too few colours'
	assert nonwhite > w * h // 10, 'mostly blank'
EOF

test_expect_success 'setup: a day of values, a gap, and an ensemble' '
	{
	printf "%s\n" "{\"kind\":\"station\",\"station\":\"01646500\",\"agency\":\"USGS\",\"name\":\"POTOMAC RIVER <NEAR> WASH & DC\",\"latitude\":null,\"longitude\":null,\"state\":null,\"huc_code\":null,\"drainage_area_sqmi\":null,\"altitude_ft\":null,\"utc_offset\":null,\"uses_dst\":null}"
	o 01646500 2026-11-24T00:00:00Z 9000
	o 01646500 2026-11-24T06:00:00Z 9400
	o 01646500 2026-11-24T12:00:00Z 12000
	o 01646500 2026-11-24T18:00:00Z 10500
	o 01646500 2026-11-25T00:00:00Z null
	o 01646500 2026-11-25T06:00:00Z 9800
	o 01646500 2026-11-25T12:00:00Z 9700
	f "\"m1\"" 2026-11-25T12:00:00Z 2026-11-25T18:00:00Z 9000
	f "\"m2\"" 2026-11-25T12:00:00Z 2026-11-25T18:00:00Z 11000
	f "\"m1\"" 2026-11-25T12:00:00Z 2026-11-26T00:00:00Z 8000
	f "\"m2\"" 2026-11-25T12:00:00Z 2026-11-26T00:00:00Z 12000
	} >in &&
	cat >points <<-\EOT
	1795478400 9000
	1795500000 9400
	1795521600 12000
	1795543200 10500
	1795586400 9800
	1795608000 9700
	EOT
'

test_expect_success 'one station: an SVG on stdout that rsvg-convert renders' '
	sf-plot in >out.svg &&
	head -2 out.svg | grep "^<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"500\"" &&
	rsvg-convert out.svg -o out.png &&
	python3 png.py out.png 1000 500
'

test_expect_success 'the points are drawn at the pixels of their time and value' '
	python3 check.py out.svg points
'

test_expect_success 'title, units, legend, now marker, band and mean' '
	grep "POTOMAC RIVER &lt;NEAR&gt; WASH &amp; DC (USGS 01646500)" out.svg &&
	grep ">Discharge (cfs)<" out.svg &&
	grep "<g class=\"legend\">" out.svg &&
	grep -c "observed, realtime_15min<" out.svg >n && echo 1 >e && test_cmp e n &&
	grep "NWM_MEDIUM_RANGE 2026-11-25T12:00:00Z members: min-max, mean<" out.svg &&
	grep "<line class=\"now\"" out.svg &&
	grep "<polygon fill=" out.svg &&
	sed -n "/data-kind=\"ensemble\"/,/<\/g>/p" out.svg | grep -c "<polyline" >n &&
	echo 1 >e && test_cmp e n
'

test_expect_success 'the missing value breaks the observed line' '
	sed -n "/data-kind=\"obs\"/,/<\/g>/p" out.svg | grep -c "<polyline" >n &&
	echo 2 >e && test_cmp e n
'

test_expect_success 'no now marker when now is outside the plot' '
	SF_NOW=2020-01-01T00:00:00Z sf-plot in >old.svg &&
	! grep "class=\"now\"" old.svg
'

test_expect_success 'the date axis ticks follow the span' '
	grep -c ">11-24 12:00<" out.svg &&
	gen_obs 1 35040 >year &&
	sf-plot year >year.svg &&
	grep ">2024-03<" year.svg && ! grep ">2024-03-01<" year.svg
'

test_expect_success '--log: a logarithmic axis, points still in place' '
	sf-plot --log in >log.svg &&
	grep "data-v0=\"3\" data-v1=\"5\"" log.svg &&
	grep ">Discharge (cfs), log scale<" log.svg &&
	python3 check.py log.svg points &&
	rsvg-convert log.svg -o log.png && python3 png.py log.png 1000 500
'

test_expect_success '--size' '
	sf-plot --size 640x360 in >small.svg &&
	rsvg-convert small.svg -o small.png && python3 png.py small.png 640 360
'

test_expect_success 'many points: a small SVG in which the peak survives' '
	gen_obs 1 100000 >many &&
	o 01000000 2024-07-01T00:07:00Z 99999 >>many &&
	sf-plot many >many.svg &&
	test "$(wc -c <many.svg)" -lt 200000 &&
	echo "1719792420 99999" >peak &&
	python3 check.py many.svg peak
'

test_expect_success 'cms values of a cfs station are converted' '
	{ o 01646500 2026-11-24T00:00:00Z 9000; o 01646500 2026-11-24T06:00:00Z 100 cms; } >mixed &&
	sf-plot mixed >mixed.svg &&
	echo "1795500000 3531.46667" >p &&
	python3 check.py mixed.svg p
'

test_expect_success 'several stations: -s picks one, -o writes one file each' '
	{ cat in; o 08MF005 2026-11-24T00:00:00Z 4000 cms; o 08MF005 2026-11-24T01:00:00Z 4100 cms; } >two &&
	sf-plot -s 08MF005 two >fraser.svg &&
	grep ">Discharge (cms)<" fraser.svg &&
	mkdir pics && sf-plot -o pics two &&
	ls pics >names && printf "01646500.svg\n08MF005.svg\n" >e && test_cmp e names &&
	python3 check.py pics/01646500.svg points
'

test_expect_code 1 'several stations without -s or -o is an error' '
	sf-plot two >/dev/null 2>err; rc=$?;
	grep "holds 2 stations" err; exit $rc
'

test_expect_code 1 'no points is an error' '
	sf-plot -s 99999999 in >/dev/null
'

test_expect_code 2 'usage: a bad --size' 'sf-plot --size 10x10 in'

test_done
