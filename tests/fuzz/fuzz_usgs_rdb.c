/*
 * fuzz_usgs_rdb: an RDB body through the NWIS parsers (dv, iv, site).
 */
#include "fuzz_usgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sf_usgs_fmt fmts[] = { SF_USGS_RDB_DV,
	    SF_USGS_RDB_IV, SF_USGS_RDB_SITE };
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		fuzz_usgs(fmts[i], data, size);
	return 0;
}
