/*
 * bench-discard: downloads chains of URLs and throws the bodies away, the
 * floor that scripts/bench-usgs.py holds sf-fetch-usgs to ("the time to
 * download the same full pages and discard them").
 *
 * usage: bench-discard [-j N] < CHAINS
 *
 * Each line of CHAINS is one chain: URLs separated by blanks, fetched one
 * after another, as sf-fetch-usgs follows one batch's next links; up to N
 * chains (default 4, sf-fetch-usgs's -j) run at once over one libcurl
 * multi handle, the next chain starting when one ends. The requests carry
 * what sf_http sends (User-Agent sf/bench, Accept: application/json,
 * Accept-Encoding: gzip) so the server does the same work. Prints the
 * requests and the body bytes received on stdout; exits 1 when a transfer
 * fails or answers other than 200.
 *
 * Plain C11 over libcurl, built by bench-usgs.py with cc -O2 and
 * pkg-config's libcurl flags.
 */
#define _POSIX_C_SOURCE 200809L	/* getopt, getline */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

struct chain {
	char **url;
	size_t n, next;		/* URLs, the next to fetch */
	CURL *e;
};

static long long nbytes, nreq;
static int failed;

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	nbytes += (long long)(size * n);
	return size * n;
}

/* Reads the chains of stdin into *cs; returns how many. */
static size_t
read_chains(struct chain **cs)
{
	char *line = NULL, *tok, *save;
	size_t cap = 0, n = 0;
	struct chain *c;

	*cs = NULL;
	while (getline(&line, &cap, stdin) != -1) {
		*cs = realloc(*cs, (n + 1) * sizeof(**cs));
		if (*cs == NULL) {
			perror("bench-discard");
			exit(1);
		}
		c = &(*cs)[n];
		memset(c, 0, sizeof(*c));
		for (tok = strtok_r(line, " \t\n", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t\n", &save)) {
			c->url = realloc(c->url, (c->n + 1) * sizeof(*c->url));
			if (c->url == NULL ||
			    (c->url[c->n++] = strdup(tok)) == NULL) {
				perror("bench-discard");
				exit(1);
			}
		}
		if (c->n > 0)
			n++;
	}
	free(line);
	return n;
}

/* Queues the chain's next URL on its handle; 0 when it has none left. */
static int
start(CURLM *m, struct chain *c, struct curl_slist *hdr)
{
	if (c->next == c->n)
		return 0;
	if (c->e == NULL) {
		c->e = curl_easy_init();
		curl_easy_setopt(c->e, CURLOPT_PRIVATE, c);
		curl_easy_setopt(c->e, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(c->e, CURLOPT_USERAGENT, "sf/bench");
		curl_easy_setopt(c->e, CURLOPT_ACCEPT_ENCODING, "gzip");
		curl_easy_setopt(c->e, CURLOPT_HTTPHEADER, hdr);
	}
	curl_easy_setopt(c->e, CURLOPT_URL, c->url[c->next++]);
	curl_multi_add_handle(m, c->e);
	nreq++;
	return 1;
}

int
main(int argc, char *argv[])
{
	struct curl_slist *hdr;
	struct chain *cs, *c;
	CURLM *m;
	CURLMsg *msg;
	size_t n, i, started = 0;
	long status, jobs = 4;
	int ch, running, left;

	while ((ch = getopt(argc, argv, "j:")) != -1) {
		if (ch != 'j' || (jobs = strtol(optarg, NULL, 10)) < 1) {
			fprintf(stderr, "usage: bench-discard [-j N] < CHAINS\n");
			return 2;
		}
	}
	n = read_chains(&cs);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hdr = curl_slist_append(NULL, "Accept: application/json");
	m = curl_multi_init();
	for (; started < n && started < (size_t)jobs; started++)
		start(m, &cs[started], hdr);
	do {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &c);
			curl_easy_getinfo(msg->easy_handle,
			    CURLINFO_RESPONSE_CODE, &status);
			if (msg->data.result != CURLE_OK || status != 200) {
				fprintf(stderr, "bench-discard: '%s': %s, "
				    "HTTP %ld\n", c->url[c->next - 1],
				    curl_easy_strerror(msg->data.result),
				    status);
				failed = 1;
				c->next = c->n;
			}
			curl_multi_remove_handle(m, c->e);
			if (start(m, c, hdr) || (started < n &&
			    start(m, &cs[started++], hdr)))
				running++;
		}
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	} while (running);
	printf("%lld requests %lld bytes\n", nreq, nbytes);
	for (i = 0; i < n; i++) {
		if (cs[i].e != NULL)
			curl_easy_cleanup(cs[i].e);
		while (cs[i].n > 0)
			free(cs[i].url[--cs[i].n]);
		free(cs[i].url);
	}
	free(cs);
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	return failed;
}
