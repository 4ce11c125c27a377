/* Seeds for the differential phone test (test-phone-diff.c): libphonenumber's
 * example number of every type in every region and non-geographic calling
 * code, written in each format libphonenumber writes, with a C interface. */
#include "config.h"

#include <set>
#include <string>

#include <phonenumbers/phonenumberutil.h>

#include "phone-examples.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static const PhoneNumberUtil::PhoneNumberType phone_examples_types[] = {
	PhoneNumberUtil::FIXED_LINE,
	PhoneNumberUtil::MOBILE,
	PhoneNumberUtil::TOLL_FREE,
	PhoneNumberUtil::PREMIUM_RATE,
	PhoneNumberUtil::SHARED_COST,
	PhoneNumberUtil::VOIP,
	PhoneNumberUtil::PERSONAL_NUMBER,
	PhoneNumberUtil::PAGER,
	PhoneNumberUtil::UAN,
	PhoneNumberUtil::VOICEMAIL,
};

/* Dialled from these, a number is written with their international prefix. */
static const char *const phone_examples_from[] = { "US", "DE", "GB", "JP", "AU", "BR", "RU" };

static void
phone_examples_formats(const PhoneNumberUtil *util, const PhoneNumber &number,
    const std::string &region, void (*fn)(const char *, const char *, void *), void *arg)
{
	static const PhoneNumberUtil::PhoneNumberFormat formats[] = {
		PhoneNumberUtil::E164,
		PhoneNumberUtil::INTERNATIONAL,
		PhoneNumberUtil::NATIONAL,
		PhoneNumberUtil::RFC3966,
	};
	std::string text;

	for (PhoneNumberUtil::PhoneNumberFormat format : formats) {
		util->Format(number, format, &text);
		fn(text.c_str(), region.c_str(), arg);
	}
	for (const char *from : phone_examples_from) {
		util->FormatOutOfCountryCallingNumber(number, from, &text);
		fn(text.c_str(), from, arg);
	}
	util->GetNationalSignificantNumber(number, &text);
	fn(text.c_str(), region.c_str(), arg);
}

extern "C" void
phone_examples(void (*fn)(const char *text, const char *region, void *arg), void *arg)
{
	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	std::set<std::string> regions;
	std::set<int> codes;
	PhoneNumber number;

	util->GetSupportedRegions(&regions);
	for (const std::string &region : regions) {
		for (PhoneNumberUtil::PhoneNumberType type : phone_examples_types) {
			if (util->GetExampleNumberForType(region, type, &number))
				phone_examples_formats(util, number, region, fn, arg);
		}
		if (util->GetInvalidExampleNumber(region, &number))
			phone_examples_formats(util, number, region, fn, arg);
	}
	util->GetSupportedGlobalNetworkCallingCodes(&codes);
	for (int cc : codes) {
		if (util->GetExampleNumberForNonGeoEntity(cc, &number))
			phone_examples_formats(util, number, "ZZ", fn, arg);
	}
}

extern "C" void
phone_examples_regions(void (*fn)(const char *region, void *arg), void *arg)
{
	std::set<std::string> regions;

	PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
	for (const std::string &region : regions)
		fn(region.c_str(), arg);
}
