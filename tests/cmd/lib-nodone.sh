# lib-nodone.sh: sourced after test-lib.sh by the fetcher tests written
# before the done record existed (issue 9). They check rows, error
# records and requests; "hide_done PROG..." puts a wrapper for each PROG
# first in PATH that runs the program under test and leaves its done
# records out of its standard output, keeping its exit status. The done
# records themselves are checked in t3260-fetch-done.sh.

hide_done() {
	mkdir -p "$TRASH/nodone-bin" || return 1
	for p in "$@"; do
		cat >"$TRASH/nodone-bin/$p" <<-EOT || return 1
		#!/bin/sh
		st=\$(mktemp "\${TMPDIR:-/tmp}/nodone.XXXXXX") || exit 1
		{ "$SF_BUILD/bin/$p" "\$@"; echo \$? >"\$st"; } |
		    grep -v '^{"kind":"done",'
		rc=\$(cat "\$st"); rm -f "\$st"; exit "\$rc"
		EOT
		chmod +x "$TRASH/nodone-bin/$p" || return 1
	done
	PATH=$TRASH/nodone-bin:$PATH
	export PATH
}
