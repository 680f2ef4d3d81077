/*
 * sf_config: pull configurations.
 */
#include <string.h>

#include "sf_config.h"

int
sf_config_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= SF_CONFIG_NAME_MAX && name[0] != '-' &&
	    name[0] != '.' && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}
