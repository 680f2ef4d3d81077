/*
 * t_quality: quality codes, checked and mapped to the one vocabulary.
 */
#include <stdio.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_quality.h"
#include "sf.h"

static void
map(const char *agency, const char *code, const char *want)
{
	struct sf_buf b = SF_BUF_INIT;
	char what[160];

	snprintf(what, sizeof(what), "%s '%s'", agency ? agency : "(null)",
	    code);
	sf_quality_map(agency, code, &b);
	is_str(b.buf, want, what);
	sf_buf_release(&b);
}

static void
check(const char *code, int want)
{
	struct sf_err err;
	char what[160];

	snprintf(what, sizeof(what), "check '%s'", code);
	is_int(sf_quality_check(code, &err), want, what);
}

int
main(void)
{
	map("USGS", "P", "P");
	map("USGS", "Approved", "A");
	map("USGS", "P:ESTIMATED", "P:e");
	map("USGS", "P:e", "P:e");
	map("EC", "P:E", "P:e");
	map("USGS", "A:Ice:e:ESTIMATED", "A:ice:e");
	map("USGS", "P:ICE", "P:ice");
	map("EC", "Final:B:A", "A:ice:partial");
	map("EC", "P:D:R", "P:dry:revised");
	map("USGS", "P:Eqp:Zzz", "P:eqp:Zzz");
	map("USGS", "P:EQUIPMENT MALFUNCTION", "P:eqp");
	map("USGS", "X:e", "X:e");
	map(NULL, "provisional:E", "P:E");
	map("EC", "P:e:E", "P:e");
	map("USGS", "***", "***");
	check("P", 0);
	check("A:ice:e", 0);
	check("P:", -1);
	check(":e", -1);
	check("P::e", -1);
	check("P:\te", -1);
	check("", -1);
	return tap_done();
}
