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
