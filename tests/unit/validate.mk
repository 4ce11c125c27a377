# Unit tests for text.c, validate.c and validate-phone.cc (included from the
# top Makefile.am).
check_PROGRAMS += tests/unit/test-text tests/unit/test-validate tests/unit/test-country
TESTS += tests/unit/test-text tests/unit/test-validate tests/unit/test-country
tests_unit_test_country_SOURCES = tests/unit/test-country.c
tests_unit_test_country_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_country_LDADD = $(UNIT_LIBS)
tests_unit_test_text_SOURCES = tests/unit/test-text.c
tests_unit_test_text_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_text_LDADD = $(UNIT_LIBS)
tests_unit_test_validate_SOURCES = tests/unit/test-validate.c
tests_unit_test_validate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_validate_LDADD = $(UNIT_LIBS)

# National numbers read in the country of their row (country.c).
TESTS += tests/cli/phone-region-per-row.sh
EXTRA_DIST += tests/cli/phone-region-per-row.sh
# The region hint, from the headers, a country column and the numbers.
TESTS += tests/cli/region-hint-names-the-region-the-file-suggests.sh
EXTRA_DIST += tests/cli/region-hint-names-the-region-the-file-suggests.sh

# The differential phone test: the fast matcher against plain libphonenumber
# on generated inputs; 100,000 in make check, ten million in make check-phones.
check_PROGRAMS += tests/unit/test-phone-diff
TESTS += tests/unit/test-phone-diff
tests_unit_test_phone_diff_SOURCES = tests/unit/test-phone-diff.c \
	tests/unit/phone-examples.cc tests/unit/phone-examples.h
tests_unit_test_phone_diff_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_phone_diff_LDADD = $(UNIT_LIBS)

PHONE_DIFF_COUNT = 10000000
check-phones: tests/unit/test-phone-diff
	@tests/unit/test-phone-diff $(PHONE_DIFF_COUNT) >check-phones.log; \
	status=$$?; cat check-phones.log; \
	test $$status -eq 0 && ! grep -q '^not ok' check-phones.log
.PHONY: check-phones
CLEANFILES += check-phones.log
