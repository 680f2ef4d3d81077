/*
 * fuzz_sched: schedule parsing (sf_sched).
 *
 * The input is a schedule. One that parses is asked for its runs around
 * an instant drawn from the input: the next run is after it and on a
 * whole minute, the previous one before it, and no run lies between
 * either and the instant (the previous run of the next one is at or
 * before the instant, the next run of the previous one at or after it).
 * Either may be -1, none within the 8 years searched: some valid
 * schedules run less often ("1 0 *\/7 2 4", a Thursday that is the 1st,
 * 8th, ... of February, can be 11 years apart).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sf_sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_chunks ch;
	struct sf_sched sc;
	struct sf_err err;
	int64_t t, n, p;
	const char *type;
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (sf_sched_parse(s, &sc, &err) != 0) {
		FUZZ_CHECK(strncmp(err.msg, "schedule '", 10) == 0, err.msg);
		free(s);
		return 0;
	}
	type = sf_sched_type(&sc);
	FUZZ_CHECK(type != NULL && (strcmp(type, "cron") == 0 ||
	    strcmp(type, "interval") == 0), "type");
	fuzz_chunks_init(&ch, data, size);
	/* 1971 to about 2106 */
	t = 31536000 + (int64_t)fuzz_rand(&ch, 0xFFFFFFFFu) +
	    fuzz_rand(&ch, 2);
	n = sf_sched_next(&sc, t);
	if (n != -1) {
		FUZZ_CHECK(n > t, "next is after t");
		FUZZ_CHECK(n % 60 == 0, "next on a whole minute");
		p = sf_sched_prev(&sc, n);
		FUZZ_CHECK(p <= t, "a run between t and next");
	}
	p = sf_sched_prev(&sc, t);
	if (p != -1) {
		FUZZ_CHECK(p < t, "prev is before t");
		FUZZ_CHECK(p % 60 == 0, "prev on a whole minute");
		n = sf_sched_next(&sc, p);
		FUZZ_CHECK(n == -1 || n >= t, "a run between prev and t");
	}
	free(s);
	return 0;
}
