#!/bin/bash
# --max-batches and --max-errors stop an import at a batch boundary, as
# interrupted (exit code 3) with the reason, and `sluice resume` continues
# it: after the resumes the counts and the table are an uninterrupted
# import's. The rows that are rejected are placed by hand, so where each
# limit stops is known exactly.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

# 100 rows in batches of 10; rows 5, 15, 25, 31, 32, 45 … 95 have an email
# that is no email and no phone: rejected. After batch 1, 2, 3, 4 the
# import has 1, 2, 3, 5 rejected rows.
{
	echo "First Name,Email"
	for i in $(seq 1 100); do
		case $i in
		5 | 15 | 25 | 31 | 32 | [4-9]5) echo "Bad$i,not-an-email-$i" ;;
		*) echo "Person$i,p$i@example.com" ;;
		esac
	done
} >contacts.csv
run_sluice import contacts.csv --db reference.db --batch-size 10
assert_exit 1 "the reference import completes with rejected rows"
reference=$(table_dump reference.db)
reference_counts=$(import_counts reference.db 1)
assert_eq "$(import_row reference.db 1 rejected)" 11 "the file has 11 rejected rows"

# --- --max-batches ------------------------------------------------------------------

run_sluice import contacts.csv --db batches.db --batch-size 10 --max-batches 3 --json --progress=jsonl
assert_exit 3 "--max-batches 3: exit code 3"
assert_eq "$(import_row batches.db 1 "status || ' ' || rows_done || ' ' || not_processed")" \
	"interrupted 30 70" "--max-batches 3: interrupted after 3 batches, 70 rows not processed"
assert_eq "$(sq batches.db 'SELECT count(*) FROM sluice_import_batches WHERE import_id = 1')" 3 \
	"--max-batches 3: three batches journaled"
assert_match "$(json .last_error)" "--max-batches 3.*sluice resume 1" "--max-batches 3: the report says why and how to go on"
assert_match "$(grep '"kind":"limit"' "$T/err")" "max-batches" "--max-batches 3: a limit event says so"
assert_eq "$(import_adds_up batches.db 1)" "" "--max-batches 3: the counts add up"
run_sluice resume 1 --db batches.db --max-batches 4
assert_exit 3 "resume --max-batches 4: stops again"
assert_eq "$(import_row batches.db 1 "status || ' ' || rows_done")" "interrupted 70" \
	"resume --max-batches 4: four batches more"
run_sluice resume 1 --db batches.db
assert_exit 1 "resume without a limit finishes the import"
assert_eq "$(import_counts batches.db 1)" "$reference_counts" "--max-batches: after resume the counts are an uninterrupted import's"
assert_eq "$(table_dump batches.db)" "$reference" "--max-batches: after resume the table equals an uninterrupted import's"
journal_consistent batches.db 1 "--max-batches: the journal tells one story"

run_sluice import contacts.csv --db exact.db --batch-size 10 --max-batches 10
assert_exit 1 "--max-batches 10 on a file of 10 batches: the import completes"

# --- --max-errors N -----------------------------------------------------------------

run_sluice import contacts.csv --db errors.db --batch-size 10 --max-errors 3 --json
assert_exit 3 "--max-errors 3: exit code 3"
assert_eq "$(import_row errors.db 1 "status || ' ' || rows_done || ' ' || rejected")" \
	"interrupted 40 5" "--max-errors 3: stops at the batch boundary after the 4th batch (5 rejected rows)"
assert_match "$(json .last_error)" "Stopped after 5 rejected or failed rows: more than --max-errors 3\\." \
	"--max-errors 3: the reason"
assert_eq "$(json .error.kind)" interrupted "--max-errors 3: the error object says interrupted"
assert_eq "$(import_row errors.db 1 last_error)" "$(json .last_error)" "--max-errors 3: the journal keeps the reason"
run_sluice resume 1 --db errors.db
assert_exit 1 "--max-errors 3: resume continues to the end"
assert_eq "$(import_counts errors.db 1)" "$reference_counts" "--max-errors: after resume the counts are an uninterrupted import's"
assert_eq "$(table_dump errors.db)" "$reference" "--max-errors: after resume the table equals an uninterrupted import's"

run_sluice import contacts.csv --db fast.db --batch-size 10 --max-errors 0
assert_exit 3 "--max-errors 0: fail-fast, exit code 3"
assert_eq "$(import_row fast.db 1 "rows_done || ' ' || rejected")" "10 1" "--max-errors 0: stops after the first batch with a rejected row"

run_sluice import contacts.csv --db enough.db --batch-size 10 --max-errors 11
assert_exit 1 "--max-errors 11: 11 rejected rows are within the budget"

# --- --max-errors P% ----------------------------------------------------------------

run_sluice import contacts.csv --db percent.db --batch-size 10 --max-errors 10% --json
assert_exit 3 "--max-errors 10%: exit code 3"
assert_eq "$(import_row percent.db 1 "rows_done || ' ' || rejected")" "40 5" \
	"--max-errors 10%: 10% of rows passes with 1/10, 2/20, 3/30 and stops at 5/40"
assert_match "$(json .last_error)" "5 rejected or failed rows of 40: more than --max-errors 10%" "--max-errors 10%: the reason"

for bad in abc 5x -1 101% ''; do
	run_sluice import contacts.csv --db bad.db --max-errors "$bad"
	assert_exit 2 "--max-errors '$bad' is refused"
done
run_sluice import contacts.csv --db bad.db --max-batches 0
assert_exit 2 "--max-batches 0 is refused"
for bad in 0 fast -5/s 10/m; do
	run_sluice import contacts.csv --db bad.db --pace "$bad"
	assert_exit 2 "--pace '$bad' is refused"
done

# --- --pace and --batch-delay change nothing but the time ----------------------------------

run_sluice import contacts.csv --db paced.db --batch-size 10 --pace 100000/s --batch-delay 1
assert_exit 1 "--pace and --batch-delay: the import completes"
assert_eq "$(table_dump paced.db)" "$reference" "--pace and --batch-delay: the table equals an unpaced import's"

done_testing
