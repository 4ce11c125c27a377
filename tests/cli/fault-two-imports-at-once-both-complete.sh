#!/bin/bash
# Two imports into the same database at the same time, of different files
# that share some records: both complete, no row fails for the other's
# locks, each accounts for all its rows, and the table holds the records the
# two imports created, each once.
#
# No timing is assumed: the first import is held between two batches by a
# lock while the second starts and runs into the same lock; then the lock is
# released and both go on together.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

rows=3000
size=50
gen_contacts --rows "$rows" --seed 301 --dup-rate 0.1 --out a.csv --manifest a.json
gen_contacts --rows "$rows" --seed 302 --dup-rate 0.1 --out b-own.csv
# b.csv: 500 rows of a.csv, then rows of its own.
"$PYTHON" - a.csv b-own.csv b.csv <<'PY'
import csv, sys
a, own, out = sys.argv[1:4]
with open(a, newline="", encoding="utf-8") as f:
    ra = list(csv.reader(f))
with open(own, newline="", encoding="utf-8") as f:
    rb = list(csv.reader(f))
assert ra[0] == rb[0]
with open(out, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows([ra[0]] + ra[1:501] + rb[501:])
PY
total_b=$(( rows ))
# The two generated files happen to give one email to two different people
# (the generator numbers each file's people from 1): a key conflict, which
# is not what this test is about. Both imports write it as a match.
keys="--on-key-conflict update"

start_holder both.db
start_sluice a import a.csv --db both.db $keys --batch-size "$size" --retries 10 --retry-base 50 --batch-delay 20 --progress=jsonl --json
first=$pid
if catch_between_batches "$first" both.db $((2 * size)) $((rows - 10 * size)); then
	pass "the first import is held between two batches after $caught_rows rows"
	thaw "$first"
	start_sluice b import b.csv --db both.db $keys --batch-size "$size" --retries 10 --retry-base 50 --progress=jsonl --json
	second=$pid
	wait_for b.err '"kind":"retry"' "$second" >/dev/null &&
		pass "the second import starts while the first is running, and waits for the lock" ||
		fail "the second import starts while the first is running, and waits for the lock" "$(tail -n 3 b.err)"
	release_lock
	stop_holder
	finish "$first"
	rc_a=$rc
	finish "$second"
	rc_b=$rc
	assert_eq "$rc_a $rc_b" "0 0" "both imports complete with exit code 0"
	id_a=$(json .id a.out)
	id_b=$(json .id b.out)
	assert_eq "$(import_row both.db "$id_a" "status || ' ' || total") $(import_row both.db "$id_b" "status || ' ' || total")" \
		"completed $rows completed $total_b" "the journal has both completed, each with all its rows"
	assert_eq "$(import_adds_up both.db "$id_a")$(import_adds_up both.db "$id_b")" "" "each import's counts add up"
	assert_eq "$(json_counts a.out)" "$(import_counts both.db "$id_a")" "the first report's counts are the journal's"
	assert_eq "$(json_counts b.out)" "$(import_counts both.db "$id_b")" "the second report's counts are the journal's"
	assert_eq "$(sq both.db 'SELECT coalesce(sum(failed), 0) FROM sluice_imports')" 0 "no row failed for the other import's locks"
	journal_consistent both.db "$id_a" "the first import's journal tells one story"
	journal_consistent both.db "$id_b" "the second import's journal tells one story"
	assert_eq "$(sq both.db 'SELECT count(*) FROM contacts')" "$(sq both.db 'SELECT sum(created) FROM sluice_imports')" \
		"the records in the table are the records the two imports created"
	# The table is not compared with importing the files one after the
	# other: where the two files hold the same email with different
	# phones (generated names repeat), which phone stays depends on how
	# the batches interleave, as it would with any two writers.
	assert_eq "$(sq both.db 'SELECT count(*) FROM contacts WHERE imported_from NOT IN (SELECT id FROM sluice_imports)')" 0 \
		"every record was written by one of the two imports"
	assert_eq "$(integrity both.db)" ok "the database is intact"
	invariant_holds both.db "every import's counts add up"
else
	finish "$first"
	stop_holder
	fail "the first import is held between two batches" "it ended first"
fi

done_testing
