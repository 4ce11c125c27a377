#!/bin/bash
# sluice resume refuses, with exit code 2, a message that says why and
# nothing written, to continue an import whose file has changed (a row
# appended: another size; one byte changed: another SHA-256), whose file is
# gone, that is already completed, or that is running in a live process
# (named in the message). Once the file is back as it was, resume finishes
# the import exactly.
#
# The interrupted import is made with the test hook
# SLUICE_TEST_CRASH_AFTER_COMMITS (sluice kills itself right after its 3rd
# commit); the running one is a resume frozen with SIGSTOP between batches.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

rows=3000
size=50
gen_contacts --rows "$rows" --seed 241 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
cp contacts.csv original.csv
run_sluice import contacts.csv --db reference.db --batch-size "$size"
reference=$(table_dump reference.db)

{ SLUICE_TEST_CRASH_AFTER_COMMITS=3 "$SLUICE" import contacts.csv --db crm.db --batch-size "$size" \
	--progress=none >/dev/null </dev/null; } 2>/dev/null && rc=0 || rc=$?
assert_eq "$rc $(import_row crm.db 1 rows_done)" "137 $((3 * size))" \
	"the test hook kills sluice right after its 3rd commit (exit 137, $((3 * size)) rows done)"
contacts_before=$(sq crm.db 'SELECT count(*) FROM contacts')
journal_before=$(import_row crm.db 1 "rows_done || ' ' || created || ' ' || updated || ' ' || unchanged")

# refused WHAT REGEX: the last run was refused with exit code 2 and a message
# matching REGEX, and changed nothing.
refused() {
	assert_exit 2 "$1: resume is refused with exit code 2"
	assert_match "$(cat "$T/err")" "$2" "$1: the message says why"
	assert_eq "$(sq crm.db 'SELECT count(*) FROM contacts') $(import_row crm.db 1 "rows_done || ' ' || created || ' ' || updated || ' ' || unchanged")" \
		"$contacts_before $journal_before" "$1: nothing is written"
}

# --- The file changed --------------------------------------------------------------------

tail -n 1 contacts.csv >>contacts.csv
run_sluice resume 1 --db crm.db
refused "a row appended" "contacts\.csv.*(changed|size)"
assert_eq "$(import_row crm.db 1 status)" interrupted "the import of a process that died is settled as interrupted"

cp original.csv contacts.csv
# The same size, one byte different: an address near the end changes case.
"$PYTHON" - contacts.csv <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = data.rindex(b"@") - 1
data[at] = data[at] ^ 0x20 if chr(data[at]).isalpha() else ord("x") if data[at] != ord("x") else ord("y")
open(path, "wb").write(data)
PY
assert_eq "$(stat -c %s contacts.csv)" "$(stat -c %s original.csv)" "the changed file has the same size"
run_sluice resume 1 --db crm.db
refused "one byte changed" "contacts\.csv.*SHA-256"

# --- The file is gone -----------------------------------------------------------------------

rm contacts.csv
run_sluice resume 1 --db crm.db
refused "the file gone" "contacts\.csv.*gone"

# --- Running in a live process ---------------------------------------------------------------

cp original.csv contacts.csv
start_holder crm.db
start_sluice running resume 1 --db crm.db --batch-delay 20 --progress=jsonl
if catch_between_batches "$pid" crm.db $((3 * size)) $((rows - 4 * size)); then
	release_lock
	contacts_before=$(sq crm.db 'SELECT count(*) FROM contacts')
	journal_before=$(import_row crm.db 1 "rows_done || ' ' || created || ' ' || updated || ' ' || unchanged")
	run_sluice resume 1 --db crm.db
	refused "running in another process" "still running.*process $pid"
	run_sluice history --db crm.db
	assert_match "$(cat "$T/out")" "running in process $pid on $(uname -n)" \
		"history shows the import running in process $pid on $(uname -n)"
	thaw "$pid"
	finish "$pid"
	stop_holder
	assert_eq "$rc" 0 "the resumed import, let go, completes"
	assert_eq "$(table_dump crm.db)" "$reference" "the table equals an uninterrupted import's"
	assert_eq "$(import_adds_up crm.db 1)" "" "the counts add up"
else
	finish "$pid"
	stop_holder
	fail "a resume is caught between two batches" "it ended first: $(tail -n 3 running.err)"
fi

# --- Completed ---------------------------------------------------------------------------------

contacts_before=$(sq crm.db 'SELECT count(*) FROM contacts')
journal_before=$(import_row crm.db 1 "rows_done || ' ' || created || ' ' || updated || ' ' || unchanged")
run_sluice resume 1 --db crm.db
refused "a completed import" "completed"
assert_eq "$(import_row crm.db 1 status)" completed "a refused resume leaves the import completed"

run_sluice resume 7 --db crm.db
assert_exit 2 "an import that does not exist: exit code 2"
assert_match "$(cat "$T/err")" "no import 7" "an import that does not exist: the message says so"

done_testing
