/*
 * sf_mem: allocation that cannot fail.
 *
 * Running out of memory is the one condition on which library code may end
 * the process: these print "sf: out of memory" and exit 1.
 */
#ifndef SF_MEM_H
#define SF_MEM_H

#include <stddef.h>

void *sf_malloc(size_t n);
void *sf_calloc(size_t nmemb, size_t size);
void *sf_realloc(void *p, size_t n);
/* Returns a new copy of s; caller frees. */
char *sf_strdup(const char *s);
/* Returns a new NUL-terminated copy of the n bytes at s; caller frees. */
char *sf_strndup(const char *s, size_t n);

#endif
