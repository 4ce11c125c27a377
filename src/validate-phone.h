/* The phone validator: libphonenumber's answers, mostly from its metadata
 * compiled into PCRE2 (validate-phone-fast.c), else from libphonenumber
 * itself (validate-phone.cc, the only C++ in sluice). Thread-safe: the
 * compiled tables and libphonenumber's PhoneNumberUtil are immutable once
 * built, and match data is per thread. */
#ifndef SLUICE_VALIDATE_PHONE_H
#define SLUICE_VALIDATE_PHONE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum phone_result {
	PHONE_OK,
	PHONE_NOT_A_NUMBER,    /* no digits, or letters where digits belong */
	PHONE_UNKNOWN_COUNTRY, /* no +CC and the region cannot supply one */
	PHONE_TOO_SHORT,
	PHONE_TOO_LONG,
	PHONE_INVALID, /* parses, but is no valid number in its country */
};

/* Parses text as a phone number, with region (ISO 3166 alpha-2, e.g. "US")
 * for numbers written without +CC, and on success writes its E.164 form
 * ("+15551234567") to out. The first call compiles the metadata (tens of ms). */
enum phone_result phone_normalize(const char *text, const char *region, char *out, size_t outlen);

/* 1 if region is a region libphonenumber knows ("US", "DE", …). */
int phone_region_known(const char *region);

#ifdef __cplusplus
}
#endif

#endif
