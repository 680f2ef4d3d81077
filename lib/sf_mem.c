/* sf_mem: allocation wrappers that end the process when memory runs out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_mem.h"
#include "sf.h"

static void
oom(void)
{
	static const char msg[] = "sf: out of memory\n";

	if (write(2, msg, sizeof(msg) - 1) == -1)
		exit(1);
	exit(1);
}

void *
sf_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
sf_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
sf_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
sf_strndup(const char *s, size_t n)
{
	char *p = sf_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
sf_strdup(const char *s)
{
	return sf_strndup(s, strlen(s));
}
