#!/bin/bash
# The accounting invariant holds for every import, whatever the batch size,
# the strategy or the file: total = created + updated + merged + unchanged +
# skipped + rejected + failed + not_processed, each row in exactly one
# batch, and the journal's batches, errors and changes tell the same story.
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 500 --seed 101 --invalid-rate 0.08 --dup-rate 0.15 --out gen.csv --manifest gen.json
want=$(manifest_counts gen.json update)

for size in 1 7 100 10000; do
	run_sluice import gen.csv --db "batch-$size.db" --batch-size "$size" --json
	assert_eq "$(json_counts)" "$want" "batches of $size: the counts do not depend on the batch size"
	assert_eq "$(json .batch_size)" "$size" "batches of $size: the report gives the batch size"
	assert_eq "$(sq "batch-$size.db" "SELECT count(*) || ' ' || sum(rows) FROM sluice_import_batches WHERE import_id = 1")" \
		"$(( (500 + size - 1) / size )) 500" "batches of $size: $(( (500 + size - 1) / size )) batches hold the 500 rows"
	assert_eq "$(sq "batch-$size.db" "SELECT count(*) FROM sluice_import_batches b WHERE import_id = 1 AND first_row !=
	                1 + coalesce((SELECT sum(rows) FROM sluice_import_batches p WHERE p.import_id = 1 AND p.batch_no < b.batch_no), 0)")" \
		0 "batches of $size: each batch starts where the one before ended"
	journal_consistent "batch-$size.db" 1 "batches of $size: the journal tells one story"
done

# Many kinds of import into one database.
cat >products.csv <<'CSV'
SKU,Name,Price,Stock
W-1,Widget,9.99,3
W-2,Gadget,abc,1
CSV
gen_contacts --rows 120 --seed 102 --style german --dup-rate 0.2 --out german.csv
run_sluice import gen.csv --db all.db --batch-size 50
run_sluice import gen.csv --db all.db --strategy skip --batch-size 13
run_sluice import german.csv --db all.db --strategy merge
run_sluice import gen.csv --db all.db --strategy merge --batch-size 1
run_sluice import german.csv --db all.db --dry-run
run_sluice import products.csv --db all.db --schema products
run_sluice import gen.csv --db all.db --strategy update

assert_eq "$(sq all.db 'SELECT count(*) FROM sluice_imports')" 7 "seven imports are journaled"
invariant_holds all.db "every import's counts add up"
assert_eq "$(sq all.db "SELECT count(*) FROM sluice_imports WHERE status IN ('completed', 'completed_with_errors')
                        AND (rows_done != total OR not_processed != 0)")" 0 \
	"a completed import processed every row"
for id in $(sq all.db 'SELECT id FROM sluice_imports WHERE dry_run = 0 ORDER BY id'); do
	journal_consistent all.db "$id" "import $id: the journal tells one story"
done
assert_eq "$(sq all.db 'SELECT count(*) FROM contacts')" \
	"$(sq all.db "SELECT sum(created) FROM sluice_imports WHERE dry_run = 0 AND target_table = 'contacts'")" \
	"the records in the table are the records created"

done_testing
