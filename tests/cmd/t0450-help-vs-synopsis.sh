#!/bin/sh
# t0450: every program's --help matches the SYNOPSIS of its page, and every
# page is mandoc -Tlint clean (after git's t0450-txt-doc-vs-help.sh).
#
# For each cmd/sf-*.c there must be a man/NAME.1. Its SYNOPSIS, rendered by
# mandoc, and the output of "NAME --help" are compared after both are
# normalised: "usage: " (or "or: ") at the start of a help line is dropped,
# and runs of white space become one space, so line breaks do not count.
. "$(dirname "$0")/test-lib.sh"

# render PAGE: the page as plain text (no overstrike, no escapes)
render() {
	mandoc -Tascii "$1" | sed 's/.\x08//g'
}

# synopsis PAGE: the normalised SYNOPSIS section of PAGE
synopsis() {
	render "$1" | awk '
		/^[A-Z][A-Z ]*$/ { in_syn = ($0 == "SYNOPSIS"); next }
		in_syn' | tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
	echo
}

# help_of PROG: the normalised output of PROG --help
help_of() {
	"$1" --help > help.raw || return 1
	sed 's/^ *usage: //; s/^ *or: //' help.raw |
	    tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
	echo
}

for src in "$SF_TOP"/cmd/sf-*.c; do
	[ -f "$src" ] || continue
	prog=$(basename "$src" .c)
	page=$SF_TOP/man/$prog.1
	test_expect_success "$prog --help matches SYNOPSIS of $prog.1" '
		if [ ! -f "$page" ]; then
			echo "no manual page man/$prog.1"; false
		else
			help_of "$prog" > help.txt &&
			synopsis "$page" > synopsis.txt &&
			test -s synopsis.txt &&
			test_cmp help.txt synopsis.txt
		fi
	'
done

test_expect_success 'every page is mandoc -Tlint -Wwarning clean' '
	set -- "$SF_TOP"/man/*.[1-9] &&
	test -f "$1" &&
	mandoc -Tlint -Wwarning "$@" > lint.out 2>&1;
	rc=$?;
	cat lint.out;
	test "$rc" -eq 0 &&
	! grep -E "WARNING|ERROR|UNSUPP|BADARG" lint.out
'

test_done
