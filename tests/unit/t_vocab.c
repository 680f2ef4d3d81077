/*
 * t_vocab: the vocabularies hold the words of DESIGN.md, and lookups
 * are exact.
 */
#include <stdio.h>

#include "tap.h"
#include "sf_vocab.h"

int
main(void)
{
	is_int(sf_vocab_index(sf_vocab_obs_types, "daily_mean"), 0,
	    "daily_mean is the first type");
	is_int(sf_vocab_index(sf_vocab_obs_types, "realtime_15min"), 1,
	    "realtime_15min is the second");
	ok(!sf_vocab_has(sf_vocab_obs_types, "forecast"),
	    "forecast is no observation type");
	ok(sf_vocab_has(sf_vocab_config_types, "forecast"),
	    "forecast is a configuration type");
	ok(sf_vocab_has(sf_vocab_agencies, "EC"), "EC is an agency");
	ok(!sf_vocab_has(sf_vocab_agencies, "usgs"), "case matters");
	ok(!sf_vocab_has(sf_vocab_agencies, "USGS "), "no trailing space");
	ok(!sf_vocab_has(sf_vocab_agencies, NULL), "NULL is no word");
	ok(sf_vocab_has(sf_vocab_target_agencies, "NOAA-HADS"),
	    "NOAA-HADS is a target agency");
	ok(sf_vocab_has(sf_vocab_sources, "NWM_LONG_RANGE"),
	    "NWM_LONG_RANGE is a source");
	ok(!sf_vocab_has(sf_vocab_sources, "NWM"), "a prefix is no source");
	ok(sf_vocab_has(sf_vocab_strategies, "overwrite"),
	    "overwrite is a strategy");
	is_int(sf_vocab_index(sf_vocab_units, "cms"), 1, "cms is a unit");
	return tap_done();
}
