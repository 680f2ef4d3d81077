/*
 * sf_vocab: the words every record, option and table agrees on.
 */
#include <stddef.h>
#include <string.h>

#include "sf_vocab.h"

const char *const sf_vocab_obs_types[] = {
	"daily_mean", "realtime_15min", NULL
};
const char *const sf_vocab_config_types[] = {
	"daily_mean", "realtime_15min", "forecast", NULL
};
const char *const sf_vocab_agencies[] = { "USGS", "EC", NULL };
const char *const sf_vocab_target_agencies[] = { "NOAA-HADS", "NWM", NULL };
const char *const sf_vocab_sources[] = {
	"NOAA_RFC", "NWM_SHORT_RANGE", "NWM_MEDIUM_RANGE", "NWM_LONG_RANGE",
	NULL
};
const char *const sf_vocab_strategies[] = { "append", "overwrite", NULL };
const char *const sf_vocab_units[] = { "cfs", "cms", NULL };

int
sf_vocab_index(const char *const *list, const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(list[i], s) == 0)
			return i;
	}
	return -1;
}

int
sf_vocab_has(const char *const *list, const char *s)
{
	return sf_vocab_index(list, s) != -1;
}
