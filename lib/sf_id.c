/*
 * sf_id: the station id patterns of the agencies. The patterns are tested
 * by hand rather than with regex(3), whose results depend on the locale.
 */
#include <string.h>

#include "sf_err.h"
#include "sf_id.h"
#include "sf.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
is_usgs(const char *id)
{
	size_t n = strlen(id), i;

	if (n < 8 || n > 15)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(id[i]))
			return 0;
	return 1;
}

static int
is_ec(const char *id)
{
	int i;

	if (strlen(id) != 7)
		return 0;
	if (!is_digit(id[0]) || !is_digit(id[1]) || !is_upper(id[2]) ||
	    !is_upper(id[3]))
		return 0;
	for (i = 4; i < 7; i++)
		if (!is_digit(id[i]) && !is_upper(id[i]))
			return 0;
	return 1;
}

/*
 * A bad id as messages show it: at most 32 bytes, and every byte that is
 * not printable ASCII as '?', so that an id cannot break a log line or
 * drive a terminal.
 */
static void
shown(const char *id, char out[40])
{
	size_t i;

	for (i = 0; id[i] != '\0' && i < 32; i++)
		out[i] = id[i] >= ' ' && id[i] < 0x7f ? id[i] : '?';
	if (id[i] != '\0') {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

int
sf_id_check(const char *agency, const char *id, struct sf_err *err)
{
	char s[40];

	shown(id, s);
	if (agency != NULL && strcmp(agency, "USGS") == 0) {
		if (is_usgs(id))
			return 0;
		return sf_err_set(err, "station '%s': not a USGS station "
		    "number (8 to 15 digits)", s);
	}
	if (agency != NULL && strcmp(agency, "EC") == 0) {
		if (is_ec(id))
			return 0;
		return sf_err_set(err, "station '%s': not an EC station id "
		    "(2 digits, 2 upper-case letters, 3 upper-case letters or "
		    "digits, such as 05BH004)", s);
	}
	return sf_err_set(err, "agency '%s': unknown (USGS or EC)",
	    agency != NULL ? agency : "");
}

const char *
sf_id_agency_guess(const char *id)
{
	if (is_usgs(id))
		return "USGS";
	if (is_ec(id))
		return "EC";
	return NULL;
}
