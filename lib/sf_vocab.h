/*
 * sf_vocab: the closed vocabularies of DESIGN.md in one table each, so
 * that every program and module accepts and writes the same words.
 *
 * Each list is NULL-terminated and static. Words are case-sensitive.
 */
#ifndef SF_VOCAB_H
#define SF_VOCAB_H

/* Observation series types: "daily_mean", "realtime_15min". */
extern const char *const sf_vocab_obs_types[];
/* Configuration data types: the observation types and "forecast". */
extern const char *const sf_vocab_config_types[];
/* Station agencies: "USGS", "EC". */
extern const char *const sf_vocab_agencies[];
/* Target agencies of station mappings: "NOAA-HADS", "NWM". */
extern const char *const sf_vocab_target_agencies[];
/* Forecast sources: "NOAA_RFC", "NWM_SHORT_RANGE", ... */
extern const char *const sf_vocab_sources[];
/* Configuration strategies: "append", "overwrite". */
extern const char *const sf_vocab_strategies[];
/* Discharge units: "cfs", "cms". */
extern const char *const sf_vocab_units[];

/*
 * The index of s in list, or -1 when s is NULL or not in it.
 */
int sf_vocab_index(const char *const *list, const char *s);

/* 1 when s is a word of list, else 0. */
int sf_vocab_has(const char *const *list, const char *s);

#endif
