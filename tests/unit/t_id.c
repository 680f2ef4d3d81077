/*
 * t_id: the station id patterns of the USGS and the Water Survey of
 * Canada, and the messages for ids that do not fit.
 */
#include <stdio.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf.h"

/* Checks sf_id_check(agency, id): want is NULL for a pass, else the message. */
static void
check(const char *agency, const char *id, const char *want)
{
	struct sf_err err;
	char what[160];
	int rc;

	sf_err_clear(&err);
	rc = sf_id_check(agency, id, &err);
	snprintf(what, sizeof(what), "%s '%s' %s", agency ? agency : "(null)",
	    id, want ? "refused" : "accepted");
	is_int(rc, want ? -1 : 0, what);
	if (want) {
		snprintf(what, sizeof(what), "%s '%s': message",
		    agency ? agency : "(null)", id);
		is_str(err.msg, want, what);
	} else if (rc != 0)
		printf("#   error: %s\n", err.msg);
}

#define USGS_MSG(id) "station '" id "': not a USGS station number " \
	"(8 to 15 digits)"
#define EC_MSG(id) "station '" id "': not an EC station id (2 digits, " \
	"2 upper-case letters, 3 upper-case letters or digits, such as " \
	"05BH004)"

int
main(void)
{
	check("USGS", "01646500", NULL);
	check("USGS", "12345678", NULL);
	check("USGS", "394220106431500", NULL);
	check("USGS", "1234567", USGS_MSG("1234567"));
	check("USGS", "1234567890123456", USGS_MSG("1234567890123456"));
	check("USGS", "0164650a", USGS_MSG("0164650a"));
	check("USGS", "USGS-01646500", USGS_MSG("USGS-01646500"));
	check("USGS", " 01646500", USGS_MSG(" 01646500"));
	check("USGS", "", USGS_MSG(""));
	check("USGS", "05BH004", USGS_MSG("05BH004"));

	check("EC", "05BH004", NULL);
	check("EC", "08HDX03", NULL);
	check("EC", "08MF005", NULL);
	check("EC", "02ZZZZZ", NULL);
	check("EC", "05bh004", EC_MSG("05bh004"));
	check("EC", "5BH004", EC_MSG("5BH004"));
	check("EC", "05BH0041", EC_MSG("05BH0041"));
	check("EC", "05B1004", EC_MSG("05B1004"));
	check("EC", "A5BH004", EC_MSG("A5BH004"));
	check("EC", "05BH00-", EC_MSG("05BH00-"));
	check("EC", "01646500", EC_MSG("01646500"));

	check("NOAA-HADS", "PTTP1", "agency 'NOAA-HADS': unknown (USGS or EC)");
	check("usgs", "01646500", "agency 'usgs': unknown (USGS or EC)");
	check(NULL, "01646500", "agency '': unknown (USGS or EC)");

	is_str(sf_id_agency_guess("01646500"), "USGS", "guess USGS");
	is_str(sf_id_agency_guess("394220106431500"), "USGS", "guess USGS 15");
	is_str(sf_id_agency_guess("05BH004"), "EC", "guess EC");
	is_str(sf_id_agency_guess("08HDX03"), "EC", "guess EC letters");
	is_str(sf_id_agency_guess("PTTP1"), NULL, "guess NOAA id: none");
	is_str(sf_id_agency_guess("1234567"), NULL, "guess 7 digits: none");
	is_str(sf_id_agency_guess(""), NULL, "guess empty: none");
	return tap_done();
}
