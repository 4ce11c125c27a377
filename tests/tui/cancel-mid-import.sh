#!/bin/bash
# An import is paused and cancelled from the Progress screen: the batch in
# flight is rolled back, the batches before it stay committed, the journal
# says cancelled, and Home offers to resume it. No timing is assumed: the
# pause is waited for on the screen before the cancel.
. "$top_srcdir/tests/tui/lib.sh"

gen_contacts --rows 200000 --seed 7 --out big.csv

tui_start 80 24 --db "$DB"
tui_to_preview big.csv
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_keys b
tui_go "Batch size"
tui_keys C-u
tui_type 500
tui_keys Enter
tui_see "500 rows per transaction" "the batch size is changed to 500"
tui_keys Enter
tui_go "Importing"
# Pause once a few batches are in: the cancel then comes mid-import.
db_wait "SELECT rows_done >= 1500 FROM sluice_imports WHERE dry_run = 0" 1 300
tui_keys p
tui_see "paused (p resumes)" "p pauses the import at a batch boundary"
tui_keys c
tui_see "Cancel the import?" "c asks before cancelling"
tui_keys y
tui_see "cancelled: the batches before the cancel stay committed" "the import ends cancelled"
assert_eq "$(tui_screen | grep -c "Cancelled: batch")" 1 "the log says the cancel once"

id=$(sq "$DB" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
assert_eq "$(sq "$DB" "SELECT status FROM sluice_imports WHERE id = $id")" "cancelled" "the journal says cancelled"
done_rows=$(sq "$DB" "SELECT rows_done FROM sluice_imports WHERE id = $id")
assert_eq "$(( done_rows % 500 ))" "0" "what is committed ends at a batch boundary ($done_rows rows)"
assert_eq "$(sq "$DB" "SELECT rows_done >= 1500 AND rows_done < 200000 FROM sluice_imports WHERE id = $id")" "1" "the batches before the pause stay, the rest of the file is not imported"
assert_eq "$(sq "$DB" "SELECT count(*) FROM sluice_import_batches WHERE import_id = $id")" \
    "$(( done_rows / 500 ))" "every committed batch is journaled, the cancelled one is not"

tui_keys Escape
tui_go "Recent imports"
tui_see "cancelled" "Home lists the cancelled import"
tui_keys Home
tui_keys r
tui_see "Importing" "r resumes it"
tui_see "The import has ended" "the resumed import runs to its end" 300
tui_see "Import $id has ended: completed." "its end is said on one line"
if tui_screen | tail -n 1 | grep -q "pause\|cancel"; then
	fail "once ended, pause and cancel are no longer offered" "$(tui_screen | tail -n 1)"
else
	pass "once ended, pause and cancel are no longer offered"
fi
assert_eq "$(sq "$DB" "SELECT status, total FROM sluice_imports WHERE id = $id")" \
    "completed|200000" "the resumed import covers the whole file"
invariant_holds "$DB" "every import's counts add up"

done_testing
