/*
 * sf_config: pull configurations, the rows of pull_configurations and
 * pull_configuration_stations.
 */
#ifndef SF_CONFIG_H
#define SF_CONFIG_H

#include "sf_err.h"

/* The longest configuration name. */
#define SF_CONFIG_NAME_MAX	64

/*
 * 1 when name can name a configuration: 1 to SF_CONFIG_NAME_MAX letters,
 * digits, '-', '_' or '.', not starting with '-' or '.' (it names lock
 * and log files and goes unquoted into crontab lines), else 0.
 */
int sf_config_name_ok(const char *name);

#endif
