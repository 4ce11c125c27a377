#!/bin/bash
# Two imports into the same PostgreSQL table at the same time, of files
# that share some records: both complete, no row fails for the other's
# locks, each accounts for all its rows, and the table holds each record
# once. And while an import runs, `sluice resume` of it is refused.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
rows=3000
size=50
gen_contacts --rows "$rows" --seed 301 --dup-rate 0.1 --out a.csv
gen_contacts --rows "$rows" --seed 302 --dup-rate 0.1 --out b-own.csv
# b.csv: 500 rows of a.csv, then rows of its own.
"$PYTHON" - a.csv b-own.csv b.csv <<'PY'
import csv, sys
a, own, out = sys.argv[1:4]
with open(a, newline="", encoding="utf-8") as f:
    ra = list(csv.reader(f))
with open(own, newline="", encoding="utf-8") as f:
    rb = list(csv.reader(f))
with open(out, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows([ra[0]] + ra[1:501] + rb[501:])
PY

# The two generated files happen to give one email to two different people
# (the generator numbers each file's people from 1): a key conflict, which
# is not what this test is about. Both imports write it as a match.
keys="--on-key-conflict update"

db=$(pg_db both)
# Both start on an empty database: the journal and the table are created
# once, whoever comes first.
start_sluice a import a.csv --db "$db" $keys --batch-size "$size" --retries 10 --retry-base 50 --json
first=$pid
start_sluice b import b.csv --db "$db" $keys --batch-size "$size" --retries 10 --retry-base 50 --json
second=$pid
finish "$first"
rc_a=$rc
finish "$second"
rc_b=$rc
assert_eq "$rc_a $rc_b" "0 0" "both imports complete with exit code 0"
[ "$rc_a $rc_b" = "0 0" ] || diag "$(cat a.err b.err | head -c 1500)"
id_a=$(json .id a.out)
id_b=$(json .id b.out)
assert_eq "$(pq "$db" "SELECT status || ' ' || total FROM sluice_imports ORDER BY id" | tr '\n' ' ')" \
	"completed $rows completed $rows " "the journal has both completed, each with all its rows"
assert_eq "$(pg_adds_up "$db" "$id_a")$(pg_adds_up "$db" "$id_b")" "" "each import's counts add up"
assert_eq "$(json_counts a.out)" "$(pg_import_counts "$db" "$id_a")" "the first report's counts are the journal's"
assert_eq "$(json_counts b.out)" "$(pg_import_counts "$db" "$id_b")" "the second report's counts are the journal's"
assert_eq "$(pq "$db" 'SELECT sum(failed) FROM sluice_imports')" 0 "no row failed for the other import's locks"
assert_eq "$(pq "$db" 'SELECT count(*) FROM contacts')" "$(pq "$db" 'SELECT sum(created) FROM sluice_imports')" \
	"the records in the table are the records the two imports created"
assert_eq "$(pq "$db" 'SELECT count(*) FROM (SELECT phone FROM contacts WHERE phone IS NOT NULL GROUP BY phone HAVING count(*) > 1) d')" 0 \
	"no phone number is stored twice"

# A resume of an import that is still running is refused.
db=$(pg_db running)
start_sluice c import a.csv --db "$db" --batch-size 10
third=$pid
until [ "$(pq "$db" "SELECT rows_done > 0 FROM sluice_imports WHERE id = 1" 2>/dev/null)" = t ] || ! alive "$third"; do
	sleep 0.05
done
freeze "$third"
if alive "$third"; then
	run_sluice resume 1 --db "$db"
	assert_exit 2 "resume of a running import is refused (exit code 2)"
	assert_match "$(cat err)" "still running" "and says that it is still running"
	thaw "$third"
	finish "$third"
	assert_eq "$rc $(pq "$db" "SELECT status, count(*) FROM sluice_imports GROUP BY 1")" "0 completed|1" \
		"the running import completes, alone"
else
	fail "the import is caught running" "$(cat c.err | head -c 500)"
fi

done_testing
