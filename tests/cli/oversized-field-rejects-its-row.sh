#!/bin/bash
# A CSV field longer than a field may hold (1 MiB, or --max-field-size)
# rejects its row, with an error naming the row, its line, the field and
# its size; the rows before and after it are imported. A 100 MB field in
# the first row is no different. An import interrupted after such a row
# resumes to the same end as one that was not.
. "$(dirname "$0")/lib.sh"

# big_field N: N bytes of x.
big_field() {
	head -c "$1" /dev/zero | tr '\0' x
}

{
	printf 'First Name,Email,Company\n'
	printf 'Ann,ann@example.com,Acme\n'
	printf 'Bob,bob@example.com,"'
	big_field $((2 * 1024 * 1024))
	printf '"\n'
	printf 'Cy,cy@example.com,Initech\n'
	printf 'Di,di@example.com,Globex\n'
} >big.csv

run_sluice import big.csv --db my.db --json
assert_exit 1 "a row with a 2 MiB field is rejected: exit code 1, the import completes"
assert_eq "$(json '[.status, .total, .created, .rejected] | map(tostring) | join(" ")')" \
	"completed_with_errors 4 3 1" "the three other rows are imported, the one rejected"
assert_eq "$(sq my.db 'SELECT group_concat(first_name, " ") FROM (SELECT first_name FROM contacts ORDER BY first_name)')" \
	"Ann Cy Di" "the rows before and after the long field are in the table"
msg=$(sq my.db 'SELECT message FROM sluice_import_errors WHERE import_id = 1 AND row_no = 2')
assert_match "$msg" '^Row 2 \(line 3\): the field "Company" \(column 3\) holds 2097152 bytes, more than the 1 MiB a field may hold' \
	"the error names the row, the line, the field and its size"
assert_eq "$(sq my.db "SELECT type FROM sluice_import_errors WHERE import_id = 1")" validation \
	"it is a validation error of the row"
invariant_holds my.db "the counts add up"

# The limit is an option; the same file within it imports whole.
run_sluice import big.csv --db wide.db --max-field-size 4M --json
assert_eq "$(json '[.total, .created, .rejected] | map(tostring) | join(" ")')" "4 4 0" \
	"--max-field-size 4M reads the 2 MiB field: no row is rejected"
assert_match "$(sq wide.db 'SELECT field || ": " || message FROM sluice_import_errors WHERE row_no = 2')" \
	'^company: This value is too long: this field takes at most 200 characters' \
	"the field is read whole and checked as any value (the schema's max_length drops it)"
for bad in 4X 0 512 1G -1M; do
	run_sluice import big.csv --db bad.db --max-field-size "$bad"
	assert_exit 2 "--max-field-size $bad is a usage error"
done
assert_match "$(cat "$T/err")" "--max-field-size needs a size from 1 KiB to 256 MiB" "saying what it takes"
[ ! -e bad.db ] && pass "nothing is written on a usage error" || fail "nothing is written on a usage error"

# A 100 MB field in the first row: that row is rejected, the next imported
# (the import no longer stops with exit code 3, nothing read after it).
{
	printf 'First Name,Email,Company\n'
	printf 'Bob,bob@example.com,"'
	big_field $((100 * 1000 * 1000))
	printf '"\n'
	printf 'Cy,cy@example.com,Initech\n'
} >huge.csv
run_sluice import huge.csv --db huge.db --json
assert_exit 1 "a 100 MB field in row 1 rejects that row: exit code 1"
assert_eq "$(json '[.status, .total, .created, .rejected] | map(tostring) | join(" ")')" \
	"completed_with_errors 2 1 1" "the row after it is imported"
assert_match "$(sq huge.db 'SELECT message FROM sluice_import_errors WHERE row_no = 1')" \
	'^Row 1 \(line 2\): the field "Company" \(column 3\) holds 100000000 bytes' "the error says its size"
rm -f huge.csv

# Killed right after the first batch (the long field's row is in it), then
# resumed: the same table and counts as the import that was not killed.
{ SLUICE_TEST_CRASH_AFTER_COMMITS=1 "$SLUICE" import big.csv --db crash.db --batch-size 2 \
	--progress=none >/dev/null </dev/null; } 2>/dev/null && rc=0 || rc=$?
assert_eq "$rc" 137 "the test hook kills sluice right after its first commit"
run_sluice resume 1 --db crash.db --json
assert_exit 1 "the resume completes, with the rejected row"
assert_eq "$(import_counts crash.db 1)" "$(import_counts my.db 1)" "the counts are those of the import not killed"
assert_eq "$(sq crash.db 'SELECT first_name, email, company FROM contacts ORDER BY email')" \
	"$(sq my.db 'SELECT first_name, email, company FROM contacts ORDER BY email')" "and so is the table"
assert_eq "$(sq crash.db 'SELECT row_no || ": " || message FROM sluice_import_errors')" \
	"$(sq my.db 'SELECT row_no || ": " || message FROM sluice_import_errors')" "and the error"

done_testing
