#!/bin/sh
test_description='libsf is acyclic: no module includes, even indirectly, one that includes it'
. "$(dirname "$0")/test-lib.sh"

# deps DIR: "MODULE DEPENDENCY" for each #include "sf_X.h" in DIR/sf_Y.[ch]
# (module Y uses module X), one pair a line
deps() {
	for f in "$1"/sf_*.c "$1"/sf_*.h; do
		m=${f##*/}; m=${m%.*}
		sed -n 's/^#include "\(sf_[a-z0-9_]*\)\.h".*/\1/p' "$f" |
		while read -r d; do
			[ "$d" = "$m" ] || echo "$m $d"
		done
	done | sort -u
}

test_expect_success 'the module graph of lib/ has no cycle' '
	deps "$SF_TOP/lib" >graph &&
	test -s graph &&
	tsort graph >order 2>loops || { cat loops; false; }
'

test_expect_success 'the check finds a cycle when there is one' '
	mkdir -p probe &&
	echo "#include \"sf_b.h\"" >probe/sf_a.c &&
	echo "#include \"sf_c.h\"" >probe/sf_b.c &&
	echo "#include \"sf_a.h\"" >probe/sf_c.h &&
	deps probe >graph &&
	! tsort graph >/dev/null 2>&1
'

# reach M: every module M depends on, directly or not (graph in ./graph)
reach() {
	awk -v m="$1" '{ d[$1] = d[$1] " " $2 }
	    END { todo[m] = 1; n = 1
		while (n > 0) { n = 0
		    for (x in todo) { delete todo[x]; k = split(d[x], a, " ")
			for (i = 1; i <= k; i++) if (!(a[i] in seen)) {
			    seen[a[i]] = 1; todo[a[i]] = 1; n++ } } }
		for (x in seen) print x }' graph | sort
}

test_expect_success 'the parsers, time and HTTP lie below the database' '
	deps "$SF_TOP/lib" >graph &&
	reach sf_store >r && grep -qx sf_db r &&
	for m in sf_rec sf_time sf_str sf_usgs sf_ec sf_nwps sf_http; do
		reach $m >r &&
		if grep -qx sf_db r; then echo "$m depends on sf_db"; exit 1; fi
	done
'

test_done
