/* Allocation that never returns NULL: running out of memory is not a user
 * error, so these die through fatal() (fatal.h): the wizard's terminal is
 * restored, then the message printed, then abort. */
#ifndef SLUICE_XMALLOC_H
#define SLUICE_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Like asprintf(), returning the new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((nonnull(1), format(printf, 1, 0)));

#endif
