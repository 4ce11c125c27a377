/* The libphonenumber shim behind validate-phone.h: parsing, validation and
 * E.164 formatting with a C interface, asked when the PCRE2 matcher
 * (validate-phone-fast.c) cannot answer, and its metadata read for that
 * matcher. The only C++ in sluice; no exception leaves this file, and the
 * messages people read are written in validate.c. */
#include "config.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <new>
#include <set>
#include <string>

#include <execinfo.h>
#include <unicode/uclean.h>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "fatal.h"
#include "i18n.h"
#include "validate-phone-int.h"

/* libphonenumber's compiled-in metadata (metadata.h, not installed). */
namespace i18n
{
namespace phonenumbers
{
int metadata_size();
const void *metadata_get();
} // namespace phonenumbers
} // namespace i18n

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

/* std::bad_alloc is the one exception expected below (std::string and
 * std::set growing). Like xmalloc, running out of memory is not a user
 * error: say so and abort rather than let it unwind into C. */
[[noreturn]] static void
phone_out_of_memory(void)
{
	fatal("%s",
	    _("sluice: out of memory while checking a phone number; nothing more can be done.\n"));
}

/* ICU's allocator (u_setMemoryFunctions): the C library's, but a failed
 * allocation ends here. ICU asks for no memory of size 0. */
static void *U_CALLCONV
phone_icu_alloc(const void *, size_t size)
{
	void *p = malloc(size);
	if (p == nullptr)
		phone_out_of_memory();
	return p;
}

static void *U_CALLCONV
phone_icu_realloc(const void *, void *mem, size_t size)
{
	void *p = realloc(mem, size);
	if (p == nullptr && size > 0)
		phone_out_of_memory();
	return p;
}

static void U_CALLCONV
phone_icu_free(const void *, void *mem)
{
	free(mem);
}

/* libphonenumber's one-time set-up runs inside glibc's pthread_once, so a
 * std::bad_alloc from it unwinds through glibc, which loads libgcc_s for
 * that the first time: out of memory, that load fails and glibc aborts
 * with "libgcc_s.so.1 must be installed" instead of our message (found by
 * tests/faults/malloc-fails-at-every-point.sh). backtrace() has glibc load
 * it at start, while there is memory. */
__attribute__((constructor)) static void
phone_load_unwinder(void)
{
	void *pc;
	backtrace(&pc, 1);
	/* Nor may a std::bad_alloc unwind through libphonenumber itself: a
	 * failed allocation inside its metadata set-up unwinds into the
	 * destructor of a half-built PhoneMetadata, which crashes (found by
	 * the same sweep). operator new that cannot allocate says so and
	 * aborts, as xmalloc does. */
	std::set_new_handler(phone_out_of_memory);
	/* Nor may ICU, whose regular expressions libphonenumber compiles at
	 * set-up, go on with an allocation that failed: it crashes
	 * (utext_openConstUnicodeString, found by the same sweep). Its
	 * allocations are malloc's, through functions that stop as xmalloc
	 * does when there is no memory. */
	UErrorCode status = U_ZERO_ERROR;
	u_setMemoryFunctions(nullptr, phone_icu_alloc, phone_icu_realloc, phone_icu_free, &status);
}

/* libphonenumber documents no exceptions of its own; should one come
 * anyway, stop here rather than unwind through C. */
[[noreturn]] static void
phone_unexpected(void)
{
	fatal("%s",
	    _("sluice: the phone number library failed unexpectedly; nothing more can be done.\n"));
}

static enum phone_result
phone_parse_error(PhoneNumberUtil::ErrorType error)
{
	switch (error) {
	case PhoneNumberUtil::NO_PARSING_ERROR: return PHONE_OK;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return PHONE_UNKNOWN_COUNTRY;
	case PhoneNumberUtil::NOT_A_NUMBER: return PHONE_NOT_A_NUMBER;
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
	case PhoneNumberUtil::TOO_SHORT_NSN: return PHONE_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG_NSN: return PHONE_TOO_LONG;
	}
	return PHONE_NOT_A_NUMBER;
}

/* A number that parses but is not valid: say why when the length tells. */
static enum phone_result
phone_invalid_reason(const PhoneNumberUtil *util, const PhoneNumber &number)
{
	switch (util->IsPossibleNumberWithReason(number)) {
	case PhoneNumberUtil::INVALID_COUNTRY_CODE: return PHONE_UNKNOWN_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT: return PHONE_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG: return PHONE_TOO_LONG;
	default: return PHONE_INVALID;
	}
}

/* Parses and validates text; on PHONE_OK, *number holds a valid number. */
static enum phone_result
phone_parse(const PhoneNumberUtil *util, const std::string &text, const char *region,
    PhoneNumber *number)
{
	enum phone_result result;

	result = phone_parse_error(util->Parse(text, region, number));
	if (result != PHONE_OK)
		return result;
	if (!util->IsValidNumber(*number))
		return phone_invalid_reason(util, *number);
	return PHONE_OK;
}

/* Most of the world dials abroad with 00, and people copy numbers written
 * that way into files for regions that use another prefix (the US dials
 * 011). Returns the text with such a leading 00 written as '+', or an empty
 * string when it has none. */
static std::string
phone_plus_for_00(const char *text)
{
	const char *p = text;

	while (*p != '\0' && !(*p >= '0' && *p <= '9')) {
		if (*p == '+')
			return std::string();
		p++;
	}
	if (p[0] != '0' || p[1] != '0')
		return std::string();
	return std::string("+") + (p + 2);
}

extern "C" enum phone_result
phone_normalize(const char *text, const char *region, char *out, size_t outlen)
{
	int result;

	result = phone_fast_normalize(text, region, out, outlen);
	if (result != PHONE_FALLBACK)
		return (enum phone_result)result;
	return phone_lib_normalize(text, region, out, outlen);
}

extern "C" enum phone_result
phone_lib_normalize(const char *text, const char *region, char *out, size_t outlen)
{
	try {
		const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
		PhoneNumber number;
		std::string plus, e164;
		enum phone_result result;

		if (text == NULL)
			return PHONE_NOT_A_NUMBER;
		if (region == NULL || *region == '\0')
			region = "ZZ";
		result = phone_parse(util, text, region, &number);
		if (result != PHONE_OK) {
			/* Keep the first reason: it speaks of what was written. */
			plus = phone_plus_for_00(text);
			if (plus.empty() || phone_parse(util, plus, region, &number) != PHONE_OK)
				return result;
		}
		util->Format(number, PhoneNumberUtil::E164, &e164);
		/* E.164 is at most 15 digits after the '+'. */
		if (e164.size() >= outlen)
			return PHONE_TOO_LONG;
		std::memcpy(out, e164.c_str(), e164.size() + 1);
		return PHONE_OK;
	} catch (const std::bad_alloc &) {
		phone_out_of_memory();
	} catch (...) {
		phone_unexpected();
	}
}

/* The regions libphonenumber supports, asked once: a row's country is
 * checked against them for every row, and asking the library builds a set
 * of 245 strings each time (a third of an import's time, measured). */
static const std::set<std::string> &
phone_regions(void)
{
	static std::set<std::string> regions;
	static std::once_flag once;

	std::call_once(once, [] { PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions); });
	return regions;
}

extern "C" int
phone_region_known(const char *region)
{
	try {
		char code[4];
		size_t n = 0;

		if (region == NULL)
			return 0;
		for (const char *p = region; *p != '\0'; p++) {
			char c = *p;
			if (n == sizeof code - 1)
				return 0; /* no region code is this long */
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			code[n++] = c;
		}
		code[n] = '\0';
		return phone_regions().count(code) != 0;
	} catch (const std::bad_alloc &) {
		phone_out_of_memory();
	} catch (...) {
		phone_unexpected();
	}
}

static void
phone_desc_view(const PhoneNumberDesc &desc, struct phone_number_desc *view)
{
	view->pattern = desc.national_number_pattern().c_str();
	view->lengths = desc.possible_length().data();
	view->nlengths = desc.possible_length_size();
	view->local_lengths = desc.possible_length_local_only().data();
	view->nlocal_lengths = desc.possible_length_local_only_size();
}

extern "C" int
phone_metadata_each(void (*fn)(const struct phone_metadata *, void *), void *arg)
{
	try {
		PhoneMetadataCollection collection;
		struct phone_metadata view;

		if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
			i18n::phonenumbers::metadata_size()))
			return -1;
		for (const PhoneMetadata &m : collection.metadata()) {
			view.id = m.id().c_str();
			view.country_code = m.country_code();
			view.international_prefix = m.international_prefix().c_str();
			view.national_prefix_for_parsing = m.national_prefix_for_parsing().c_str();
			view.national_prefix_transform_rule =
			    m.national_prefix_transform_rule().c_str();
			view.has_leading_digits = m.has_leading_digits();
			view.leading_digits = m.leading_digits().c_str();
			view.same_mobile_and_fixed_line_pattern =
			    m.same_mobile_and_fixed_line_pattern();
			phone_desc_view(m.general_desc(), &view.desc[PHONE_DESC_GENERAL]);
			phone_desc_view(m.premium_rate(), &view.desc[PHONE_DESC_PREMIUM_RATE]);
			phone_desc_view(m.toll_free(), &view.desc[PHONE_DESC_TOLL_FREE]);
			phone_desc_view(m.shared_cost(), &view.desc[PHONE_DESC_SHARED_COST]);
			phone_desc_view(m.voip(), &view.desc[PHONE_DESC_VOIP]);
			phone_desc_view(m.personal_number(), &view.desc[PHONE_DESC_PERSONAL_NUMBER]);
			phone_desc_view(m.pager(), &view.desc[PHONE_DESC_PAGER]);
			phone_desc_view(m.uan(), &view.desc[PHONE_DESC_UAN]);
			phone_desc_view(m.voicemail(), &view.desc[PHONE_DESC_VOICEMAIL]);
			phone_desc_view(m.fixed_line(), &view.desc[PHONE_DESC_FIXED_LINE]);
			phone_desc_view(m.mobile(), &view.desc[PHONE_DESC_MOBILE]);
			fn(&view, arg);
		}
		return 0;
	} catch (const std::bad_alloc &) {
		phone_out_of_memory();
	} catch (...) {
		phone_unexpected();
	}
}

extern "C" int
phone_calling_code_regions(int cc, char (*regions)[4], int max)
{
	try {
		std::list<std::string> codes;
		int n = 0;

		PhoneNumberUtil::GetInstance()->GetRegionCodesForCountryCallingCode(cc, &codes);
		for (const std::string &code : codes) {
			if (n < max) {
				std::snprintf(regions[n], sizeof regions[n], "%.3s", code.c_str());
			}
			n++;
		}
		return n;
	} catch (const std::bad_alloc &) {
		phone_out_of_memory();
	} catch (...) {
		phone_unexpected();
	}
}
