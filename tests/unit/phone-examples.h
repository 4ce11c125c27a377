/* The differential phone test's seeds from libphonenumber (phone-examples.cc). */
#ifndef SLUICE_PHONE_EXAMPLES_H
#define SLUICE_PHONE_EXAMPLES_H

#ifdef __cplusplus
extern "C" {
#endif

/* Calls fn with every example number of every type of every region and
 * non-geographic code, in E.164, international, national, RFC 3966 and
 * dialled-from-abroad forms and as bare national digits, each with the
 * region it is written for ("ZZ": none). */
void phone_examples(void (*fn)(const char *text, const char *region, void *arg), void *arg);

/* Calls fn with every region code libphonenumber supports. */
void phone_examples_regions(void (*fn)(const char *region, void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif
