# Unit tests for text.c, validate.c and validate-phone.cc (included from the
# top Makefile.am).
check_PROGRAMS += tests/unit/test-text tests/unit/test-validate
TESTS += tests/unit/test-text tests/unit/test-validate
tests_unit_test_text_SOURCES = tests/unit/test-text.c
tests_unit_test_text_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_text_LDADD = $(UNIT_LIBS)
tests_unit_test_validate_SOURCES = tests/unit/test-validate.c
tests_unit_test_validate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_validate_LDADD = $(UNIT_LIBS)
