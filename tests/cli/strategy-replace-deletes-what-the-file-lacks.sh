#!/bin/bash
# --strategy replace: the file becomes the table's content. A second file
# that drops 10 of 100 records deletes exactly those 10, after the last
# batch, in batches of their own, each journaled with its before-image and
# counted as deleted (outside the per-row invariant); rollback brings them
# back. It needs --yes, or the table's name typed on a terminal; a dry run
# counts; a crash between two batches of deletions is resumed exactly; and
# nothing is deleted when rows were rejected.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

{
	echo "First Name,Email"
	for i in $(seq 1 100); do echo "Person$i,p$i@example.com"; done
} >all.csv
# Rows 3, 13, … 93 are gone; the others have a new first name.
{
	echo "First Name,Email"
	for i in $(seq 1 100); do [ $((i % 10)) = 3 ] || echo "New$i,p$i@example.com"; done
} >fewer.csv
dropped="'p3@example.com','p13@example.com','p23@example.com','p33@example.com','p43@example.com','p53@example.com','p63@example.com','p73@example.com','p83@example.com','p93@example.com'"

run_sluice import all.csv --db my.db
assert_exit 0 "the first file is imported"
before=$(table_dump my.db)

# --- Refused without --yes; a dry run counts ---------------------------------------------

run_sluice import fewer.csv --db my.db --strategy replace </dev/null
assert_exit 2 "without --yes and no terminal: refused (exit 2)"
assert_match "$(cat err)" "--yes" "the refusal says to add --yes"
assert_eq "$(sq my.db 'SELECT count(*) FROM sluice_imports')" 1 "the refusal wrote nothing"
run_sluice import fewer.csv --db my.db --strategy replace --json --yes </dev/null --dry-run
assert_exit 0 "a dry run of the replace"
assert_eq "$(json .deleted)" 10 "the dry run counts the 10 records that would be deleted"
assert_match "$(run_sluice import fewer.csv --db my.db --strategy replace --dry-run; cat out)" \
	"records deleted +10" "the dry run's summary says how many would be deleted"
assert_eq "$(table_dump my.db)" "$before" "the dry runs changed nothing"

# --- The replace ------------------------------------------------------------------------------

run_sluice import fewer.csv --db my.db --strategy replace --yes --batch-size 4 --json
assert_exit 0 "the replace completes"
id=$(json .id)
assert_eq "$(json '[.status, .updated, .created, .deleted, .total] | map(tostring) | join(" ")')" \
	"completed 90 0 10 90" "90 rows updated, 10 records deleted"
assert_eq "$(json '.total == .created + .updated + .merged + .unchanged + .skipped + .rejected + .failed + .not_processed')" \
	true "the per-row invariant holds without the deleted records"
assert_eq "$(sq my.db 'SELECT count(*) FROM contacts')" 90 "90 records are left"
assert_eq "$(sq my.db "SELECT count(*) FROM contacts WHERE email IN ($dropped)")" 0 "exactly the 10 records the file lacks are gone"
assert_eq "$(sq my.db "SELECT count(*) FROM contacts WHERE first_name LIKE 'New%'")" 90 "the others are updated"
assert_eq "$(import_row my.db "$id" "strategy || ' ' || deleted")" "replace 10" "the journal counts them"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'delete'
                       AND json_extract(before, '\$.email') IN ($dropped)")" 10 \
	"each deletion is journaled with its before-image"
assert_eq "$(import_adds_up my.db "$id")" "" "the counts add up"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_seen")" 0 "the records the rows met are forgotten at the end"
run_sluice show "$id" --db my.db --json
assert_eq "$(json .deleted)" 10 "show --json says deleted"
run_sluice history --db my.db --json
assert_eq "$(json "map(select(.id == $id)) | .[0].deleted")" 10 "history --json says deleted"
run_sluice report "$id" --db my.db --csv-summary summary.csv
assert_eq "$(python3 -c 'import csv; print(next(csv.DictReader(open("summary.csv", encoding="utf-8-sig")))["deleted"])')" 10 \
	"the CSV summary says deleted"

run_sluice rollback "$id" --db my.db --json
assert_exit 0 "rollback of the replace"
assert_eq "$(json '[.restored, .recreated] | map(tostring) | join(" ")')" "90 10" "it restores the 90 and puts back the 10"
assert_eq "$(table_dump my.db)" "$before" "after rollback the table is as before the replace, ids included"

# --- Nothing deleted when rows were rejected ----------------------------------------------

{ cat fewer.csv; echo "Bad,not-an-email"; } >bad.csv
run_sluice import bad.csv --db my.db --strategy replace --yes --json --progress=jsonl
assert_exit 1 "a replace with a rejected row completes with errors"
assert_eq "$(json .deleted)" 0 "nothing is deleted"
assert_match "$(cat err)" "No record was deleted: 1 row was rejected" "and it says why"
assert_eq "$(sq my.db 'SELECT count(*) FROM contacts')" 100 "all 100 records stay"
assert_eq "$(sq my.db 'SELECT count(*) FROM sluice_import_seen')" 0 "and the records the rows met are forgotten"

# --- A crash between two batches of deletions, then resume -------------------------------

run_sluice import all.csv --db crash.db
# 90 rows in batches of 4: 23 batches; then deletions of 4, 4 and 2.
(SLUICE_TEST_CRASH_AFTER_COMMITS=24 "$SLUICE" import fewer.csv --db crash.db --strategy replace --yes \
	--batch-size 4; true) >/dev/null 2>&1
assert_eq "$(sq crash.db 'SELECT count(*) FROM contacts')" 96 "killed after the first batch of deletions: 4 deleted"
assert_eq "$(import_row crash.db 2 deleted)" 4 "the journal counts those 4"
run_sluice resume 2 --db crash.db --json
assert_exit 0 "resume finishes the deletions"
assert_eq "$(json '[.status, .deleted] | map(tostring) | join(" ")')" "completed 10" "10 deleted in all"
assert_eq "$(sq crash.db "SELECT count(*) FROM contacts WHERE email IN ($dropped)")" 0 "exactly the 10 are gone"
assert_eq "$(sq crash.db "SELECT count(*) FROM sluice_import_changes WHERE import_id = 2 AND action = 'delete'")" 10 \
	"each journaled once"
assert_eq "$(import_adds_up crash.db 2)" "" "the counts add up"

# --- The confirmation on a terminal ------------------------------------------------------

run_sluice import all.csv --db tty.db
tty_import() { # ANSWER: runs the replace on a pseudo-terminal, typing ANSWER
	python3 - "$SLUICE" "$1" <<'PY'
import os, pty, sys
sluice, answer = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sluice, [sluice, "import", "fewer.csv", "--db", "tty.db", "--strategy", "replace", "--progress", "none"])
out, sent = b"", False
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
    if not sent and b"name to go ahead" in out:
        os.write(fd, answer.encode() + b"\n")
        sent = True
_, st = os.waitpid(pid, 0)
open("tty.out", "wb").write(out)
print(os.waitstatus_to_exitcode(st))
PY
}
assert_eq "$(tty_import people)" 2 "on a terminal, a wrong table name stops it (exit 2)"
assert_match "$(cat tty.out)" "This deletes 10 records of table contacts" "the question names the table and the count"
assert_eq "$(sq tty.db 'SELECT count(*) FROM sluice_imports')" 1 "nothing was written"
assert_eq "$(tty_import contacts)" 0 "typing the table's name goes ahead"
assert_eq "$(sq tty.db 'SELECT count(*) FROM contacts')" 90 "and the 10 are deleted"

done_testing
