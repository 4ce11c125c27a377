#!/bin/bash
# XLS is parsed only in a fenced child process (source-xls-child.c): it
# holds no descriptor but the input and its pipes and cannot open a file;
# a child that crashes, talks nonsense or runs out of CPU time makes the
# file "damaged", naming it, with nothing written. The faults are made by
# the child's test hook (SLUICE_TEST_XLS_CHILD).
. "$(dirname "$0")/lib.sh"

xls=$top_srcdir/tests/data/contacts.xls
[ -f "$xls" ] || skip_all "tests/data/contacts.xls is missing"

# A descriptor sluice inherits (7) must not reach the child either.
SLUICE_TEST_XLS_CHILD=fence run_sluice import "$xls" --db fence.db 7<"$xls"
ok "the child holds only its three descriptors, opens nothing and has a CPU limit (got exit $rc)" \
	test "$rc" -le 1
assert_eq "$(sq fence.db "SELECT first_name || ' ' || last_name FROM contacts")" "José Müller" "and the workbook is read through it"

for fault in crash garbage spin; do
	SLUICE_TEST_XLS_CHILD=$fault run_sluice import "$xls" --db "$fault.db"
	assert_exit 2 "a child that ends in $fault is refused with exit code 2"
	assert_match "$(cat "$T/err")" "contacts.xls is a damaged XLS workbook" \
		"after $fault the message says the file is damaged, naming it"
	ok "after $fault nothing is written" test ! -e "$fault.db"
done

SLUICE_TEST_XLS_CHILD=crash run_sluice inspect "$xls"
assert_exit 2 "inspect refuses the same way"

done_testing
