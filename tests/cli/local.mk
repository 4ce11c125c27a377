CLI_TESTS = tests/cli/import-creates-records.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/lib.sh tests/gen-contacts.py
