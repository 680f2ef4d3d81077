/*
 * fuzz_serve: sf-serve's request target parser (sf_serve_qs_parse and
 * sf_serve_route, then sf_serve_query on what routes).
 *
 * The input is a request target as a client sends it. Whatever it is,
 * what comes out keeps the promises of sf_serve.h: at most
 * SF_SERVE_NPARAM pairs, keys of 1 to SF_SERVE_KEY_MAX of [a-z_], values
 * of at most SF_SERVE_VALUE_MAX bytes without control bytes, every key
 * found again by sf_serve_qs_get, and a refusal is a status of 400, 404,
 * 405 or 414 with a message.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sf_serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_qs(const struct sf_serve_qs *qs)
{
	const unsigned char *v;
	size_t i, k;

	FUZZ_CHECK(qs->n <= SF_SERVE_NPARAM, "too many pairs");
	for (i = 0; i < qs->n; i++) {
		k = strlen(qs->p[i].key);
		FUZZ_CHECK(k >= 1 && k <= SF_SERVE_KEY_MAX, "key length");
		FUZZ_CHECK(strspn(qs->p[i].key,
		    "abcdefghijklmnopqrstuvwxyz_") == k, "key bytes");
		FUZZ_CHECK(strlen(qs->p[i].value) <= SF_SERVE_VALUE_MAX,
		    "value length");
		for (v = (const unsigned char *)qs->p[i].value; *v; v++)
			FUZZ_CHECK(*v >= 0x20 && *v != 0x7f, "control byte");
		FUZZ_CHECK(sf_serve_qs_get(qs, qs->p[i].key) ==
		    qs->p[i].value, "a key not found again");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sf_serve_qs qs;
	static struct sf_serve_req r;
	struct sf_query q;
	const char *station[1];
	struct sf_err err;
	char *s;
	int rc;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (sf_serve_qs_parse(s, strlen(s), &qs, &err) == 0)
		check_qs(&qs);
	else
		FUZZ_CHECK(err.msg[0] != '\0', "a refusal without a message");
	rc = sf_serve_route("GET", s, NULL, &r, &err);
	if (rc == 0) {
		check_qs(&r.qs);
		switch (r.ep) {
		case SF_EP_STATIONS: case SF_EP_STATION: case SF_EP_OBS:
		case SF_EP_FORECASTS: case SF_EP_SVG:
			rc = sf_serve_query(&r, &q, station, &err);
			FUZZ_CHECK(rc == 0 ||
			    strncmp(err.msg, "parameter '", 11) == 0, err.msg);
			break;
		default:
			break;
		}
	} else {
		FUZZ_CHECK(rc == 400 || rc == 404 || rc == 405 || rc == 414,
		    "an unexpected status");
		FUZZ_CHECK(err.msg[0] != '\0', "a refusal without a message");
	}
	free(s);
	return 0;
}
