/*
 * fuzz_map: the line parsers of the mapping files (sf_map): the mapping
 * CSV and the HADS crosswalk.
 *
 * Each line of the input (split at newlines) is parsed as both. A row
 * that parses has its four fields inside the line, and is checked with
 * sf_map_check; a CSV row that passes the check has ids as promised.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sf_map.h"

static void
inside(const char *f, const char *line, size_t n)
{
	FUZZ_CHECK(f != NULL, "a field not set");
	FUZZ_CHECK(f >= line && f <= line + n, "a field outside the line");
	FUZZ_CHECK(f + strlen(f) <= line + n, "a field past the line");
}

static void
one(const char *p, size_t n, int hads)
{
	struct sf_map_row r;
	struct sf_err err;
	char *line;
	int rc;

	if ((line = malloc(n + 1)) == NULL)
		abort();
	memcpy(line, p, n);
	line[n] = '\0';
	memset(&r, 0, sizeof(r));
	rc = hads ? sf_map_parse_hads(line, &r, &err) :
	    sf_map_parse_csv(line, &r, &err);
	if (rc == 0) {
		inside(r.target_id, line, n);
		inside(r.source_id, line, n);
		if (hads) {
			FUZZ_CHECK(r.source_id[0] != '\0' &&
			    r.target_id[0] != '\0', "an empty id");
		} else {
			inside(r.source_agency, line, n);
			inside(r.target_agency, line, n);
		}
		if (sf_map_check(&r, &err) == 0) {
			FUZZ_CHECK(sf_map_source_agency(r.source_agency) &&
			    sf_map_target_agency(r.target_agency),
			    "agencies");
			FUZZ_CHECK(strlen(r.target_id) >= 1 &&
			    strlen(r.target_id) <= SF_MAP_ID_MAX, "target id");
		}
	} else
		FUZZ_CHECK(rc == -1 && err.msg[0] != '\0', "a silent failure");
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		one(p, (size_t)(nl - p), 0);
		one(p, (size_t)(nl - p), 1);
		p = nl + 1;
	}
	return 0;
}
