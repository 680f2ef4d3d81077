/*
 * t_nwsid: the grammar of NWS location ids and NWM reach ids (sf_nwsid).
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "sf_nwsid.h"

int
main(void)
{
	static const char *const lids[] = { "PTTP1", "AMAT2", "NRKW1",
	    "ABC", "G0001", NULL };
	static const char *const badlids[] = { "", "..", "AB", "PTTP12",
	    "pttp1", "PTT 1", "PT/P1", "PTTP1\n", "A%2F1", NULL };
	static const char *const reaches[] = { "2617456", "1",
	    "123456789012345", NULL };
	static const char *const badreaches[] = { "", "..", "12a", "-1",
	    "1234567890123456", "1 2", "26174\n56", NULL };
	struct sf_err err;
	char name[80];
	int i;

	for (i = 0; lids[i] != NULL; i++) {
		snprintf(name, sizeof(name), "lid '%s': good", lids[i]);
		is_int(sf_nwsid_check_lid(lids[i], &err), 0, name);
	}
	for (i = 0; badlids[i] != NULL; i++) {
		snprintf(name, sizeof(name), "lid #%d: refused", i);
		is_int(sf_nwsid_check_lid(badlids[i], &err), -1, name);
		ok(strchr(err.msg, '\n') == NULL, "lid: the message is one line");
	}
	is_str(err.msg, "NWS id 'A%2F1': not an NWS location id (3 to 5 "
	    "upper-case letters or digits)", "lid: message");
	sf_nwsid_check_lid("PTTP1\nX", &err);
	is_str(err.msg, "NWS id 'PTTP1?X': not an NWS location id (3 to 5 "
	    "upper-case letters or digits)", "lid: control byte shown as ?");
	is_int(sf_nwsid_check_lid(NULL, &err), -1, "lid: NULL refused");
	for (i = 0; reaches[i] != NULL; i++) {
		snprintf(name, sizeof(name), "reach '%s': good", reaches[i]);
		is_int(sf_nwsid_check_reach(reaches[i], &err), 0, name);
	}
	for (i = 0; badreaches[i] != NULL; i++) {
		snprintf(name, sizeof(name), "reach #%d: refused", i);
		is_int(sf_nwsid_check_reach(badreaches[i], &err), -1, name);
		ok(strchr(err.msg, '\n') == NULL,
		    "reach: the message is one line");
	}
	is_str(err.msg, "reach '26174?56': not an NWM reach id (1 to 15 "
	    "digits)", "reach: message");
	sf_nwsid_check_reach("1111111111222222222233333333334444444444X",
	    &err);
	is_str(err.msg, "reach '1111111111222222222233333333334444444444...': "
	    "not an NWM reach id (1 to 15 digits)", "reach: a long id cut");
	return tap_done();
}
