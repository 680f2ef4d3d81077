/*
 * sf_quality: checking quality codes.
 */
#include <string.h>

#include "sf_quality.h"
#include "sf.h"

int
sf_quality_check(const char *code, struct sf_err *err)
{
	const char *p;
	size_t part = 0;

	if (strlen(code) > SF_QUALITY_MAX)
		return sf_err_set(err, "quality_code: longer than %d bytes",
		    SF_QUALITY_MAX);
	for (p = code; ; p++) {
		if (*p == ':' || *p == '\0') {
			if (part == 0)
				return sf_err_set(err, "quality_code '%s': "
				    "empty %s", code, p == code ?
				    "approval" : "qualifier");
			if (*p == '\0')
				return 0;
			part = 0;
			continue;
		}
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return sf_err_set(err, "quality_code: a control "
			    "character in '%s'", code);
		part++;
	}
}
