/*
 * sf_nwsid: NWS location ids and NWM reach ids (see sf_nwsid.h).
 *
 * sf-fetch-nwm puts these ids into URL paths: an id like ".." would be a
 * dot segment (curl removes it, asking another resource), and an id with
 * a newline would break the log line that names it. Checking the grammar
 * keeps both out, whatever the percent-encoding does.
 */
#include <stdio.h>
#include <string.h>

#include "sf_nwsid.h"

#define SHOW_MAX 40

/* Copies id into out for a message: one line, SHOW_MAX bytes at most. */
static void
show(char out[SHOW_MAX + 4], const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0' && i < SHOW_MAX; i++)
		out[i] = (unsigned char)id[i] < ' ' ||
		    (unsigned char)id[i] >= 0x7f ? '?' : id[i];
	if (id[i] != '\0')
		memcpy(out + i, "...", 3), i += 3;
	out[i] = '\0';
}

/* Whether id is min to max bytes of the characters in set. */
static int
fits(const char *id, size_t min, size_t max, const char *set)
{
	size_t n = strspn(id, set);

	return id[n] == '\0' && n >= min && n <= max;
}

int
sf_nwsid_check_lid(const char *id, struct sf_err *err)
{
	char s[SHOW_MAX + 4];

	if (id != NULL && fits(id, 3, 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789"))
		return 0;
	show(s, id != NULL ? id : "");
	return sf_err_set(err, "NWS id '%s': not an NWS location id (3 to 5 "
	    "upper-case letters or digits)", s);
}

int
sf_nwsid_check_reach(const char *id, struct sf_err *err)
{
	char s[SHOW_MAX + 4];

	if (id != NULL && fits(id, 1, 15, "0123456789"))
		return 0;
	show(s, id != NULL ? id : "");
	return sf_err_set(err, "reach '%s': not an NWM reach id (1 to 15 "
	    "digits)", s);
}
