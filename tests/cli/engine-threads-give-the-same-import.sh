#!/bin/bash
# However many threads validate (--threads 1, 2, 4), an import is the same:
# the same table, the same counts, the same journal (errors with their row
# and line numbers, rejected rows, changes, batches), the same report and
# the same dry run. The file repeats people within itself (so that the
# answers depend on the order rows are written in), has invalid values and
# batches that end inside a validator's chunk.
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 3000 --seed 17 --invalid-rate 0.1 --dup-rate 0.15 \
	--out contacts.csv --manifest contacts.json

# What must not depend on the threads, with what depends on the run (the
# database's name, times, durations and rates, the batches' too) left out.
summary() { # FILE
	jq -S 'walk(if type == "object" then
	           del(.database, .duration_s, .rows_per_s, .started_at, .finished_at) else . end)' "$1"
}
journal() { # DB
	sq "$1" "SELECT * FROM contacts ORDER BY id"
	sq "$1" "SELECT row_no, line_no, field, type, message, value, dropped
	         FROM sluice_import_errors ORDER BY import_id, rowid"
	sq "$1" "SELECT row_no, cells FROM sluice_import_rejects ORDER BY import_id, row_no"
	sq "$1" "SELECT batch_no, row_no, record_id, action, before, after_hash FROM sluice_import_changes
	         ORDER BY import_id, rowid"
	sq "$1" "SELECT batch_no, first_row, rows, created, updated, merged, unchanged, skipped,
	                rejected, failed FROM sluice_import_batches ORDER BY import_id, batch_no"
}

for t in 1 2 4; do
	run_sluice import contacts.csv --db "t$t.db" --batch-size 300 --threads "$t" --json
	assert_exit 1 "--threads $t: the import ends with its invalid rows rejected (exit code 1)"
	summary "$T/out" >"import-$t.json"
	run_sluice report 1 --db "t$t.db" --json
	assert_exit 0 "--threads $t: the report is written"
	summary "$T/out" >"report-$t.json"
	run_sluice import contacts.csv --db "t$t.db" --dry-run --strategy merge --threads "$t" --json
	summary "$T/out" >"dry-run-$t.json"
	journal "t$t.db" >"journal-$t.txt"
done

assert_eq "$(json_counts import-1.json)" "$(manifest_counts contacts.json update)" \
	"one thread: the counts are the generator's"
assert_match "$(json '.not_processed' import-1.json)" '^0$' "one thread: every row is processed"
for t in 2 4; do
	ok "--threads $t: the summary is one thread's" cmp import-1.json "import-$t.json"
	ok "--threads $t: the report is one thread's" cmp report-1.json "report-$t.json"
	ok "--threads $t: the dry run is one thread's" cmp dry-run-1.json "dry-run-$t.json"
	ok "--threads $t: table and journal are one thread's, row numbers included" \
		cmp journal-1.txt "journal-$t.txt"
done
assert_match "$(grep -c . journal-1.txt)" '^[0-9]{4,}$' "the journal compared is not empty"
invariant_holds t4.db "--threads 4: the counts add up"
journal_consistent t4.db 1 "--threads 4: the journal tells one story"

run_sluice import contacts.csv --db t0.db --threads 0
assert_exit 2 "--threads 0 is refused"

done_testing
