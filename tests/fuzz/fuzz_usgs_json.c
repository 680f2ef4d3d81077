/*
 * fuzz_usgs_json: a JSON body through the Water Data OGC parsers (daily,
 * continuous, monitoring-locations).
 */
#include "fuzz_usgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sf_usgs_fmt fmts[] = { SF_USGS_DAILY,
	    SF_USGS_CONTINUOUS, SF_USGS_LOCATIONS };
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		fuzz_usgs(fmts[i], data, size);
	return 0;
}
