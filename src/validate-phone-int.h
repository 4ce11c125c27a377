/* Inside the phone validator: libphonenumber's metadata as plain C for the
 * PCRE2 matcher (validate-phone-fast.c), and the two ways of answering that
 * the differential test compares. Not for the rest of sluice: validate-phone.h. */
#ifndef SLUICE_VALIDATE_PHONE_INT_H
#define SLUICE_VALIDATE_PHONE_INT_H

#include <stddef.h>

#include "validate-phone.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What phone_fast_normalize() returns when it cannot answer as
 * libphonenumber would be sure to; the caller asks libphonenumber. */
#define PHONE_FALLBACK (-1)

/* The number descriptions of one territory, in the order in which
 * libphonenumber tries them when it decides a number's type. */
enum phone_desc_kind {
	PHONE_DESC_GENERAL,
	PHONE_DESC_PREMIUM_RATE,
	PHONE_DESC_TOLL_FREE,
	PHONE_DESC_SHARED_COST,
	PHONE_DESC_VOIP,
	PHONE_DESC_PERSONAL_NUMBER,
	PHONE_DESC_PAGER,
	PHONE_DESC_UAN,
	PHONE_DESC_VOICEMAIL,
	PHONE_DESC_FIXED_LINE,
	PHONE_DESC_MOBILE,
	PHONE_NDESC
};

/* One PhoneNumberDesc as the metadata holds it ("" when a pattern is absent;
 * lengths as stored, -1 alone meaning "no numbers of this kind"). */
struct phone_number_desc {
	const char *pattern;
	const int *lengths;
	int nlengths;
	const int *local_lengths;
	int nlocal_lengths;
};

/* One PhoneMetadata (a region, or "001" for a non-geographic calling code).
 * Strings are "" when absent. Valid only during the callback that gets it. */
struct phone_metadata {
	const char *id;
	int country_code;
	const char *international_prefix;
	const char *national_prefix_for_parsing;
	const char *national_prefix_transform_rule;
	int has_leading_digits;
	const char *leading_digits;
	int same_mobile_and_fixed_line_pattern;
	struct phone_number_desc desc[PHONE_NDESC];
};

/* Calls fn for each territory of libphonenumber's compiled-in metadata, as
 * libphonenumber itself loads it. Returns -1 if that metadata cannot be
 * read (then no call was made), else 0. */
int phone_metadata_each(void (*fn)(const struct phone_metadata *, void *), void *arg);

/* Writes the regions libphonenumber lists for calling code cc to regions
 * (two letters each, "001" for non-geographic codes), main region first,
 * at most max; returns how many there are (0: not a calling code). */
int phone_calling_code_regions(int cc, char (*regions)[4], int max);

/* phone_normalize() as libphonenumber answers, without the fast matcher:
 * the reference the fast matcher must equal. */
enum phone_result phone_lib_normalize(const char *text, const char *region, char *out, size_t outlen);

/* phone_normalize() answered by the PCRE2 matcher over libphonenumber's
 * metadata for the shapes it knows (digits, one leading +, spaces, dots,
 * dashes, parentheses), or PHONE_FALLBACK. region as phone_normalize();
 * thread-safe. */
int phone_fast_normalize(const char *text, const char *region, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif

#endif
