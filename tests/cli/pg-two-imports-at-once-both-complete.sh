#!/bin/bash
# Two imports into the same PostgreSQL table at the same time, of files
# that share some records: both complete, no row fails for the other's
# locks, each accounts for all its rows, and the table holds each record
# once; disjoint and overlapping files at once leave the table and
# counts the two imports leave one after the other. And while an import
# runs, `sluice resume` of it is refused: its advisory lock says so even
# when the journal's row does not.
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

# Disjoint and overlapping files at once, from one generated file without
# repeats: the table ends as the two imports one after the other leave it
# (the same records; the overlap's rows are created by whichever comes
# first and found unchanged by the other), and so do the counts.
gen_contacts --rows 3000 --seed 303 --invalid-rate 0.02 --out pool.csv
"$PYTHON" - pool.csv <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
def write(name, part):
    with open(name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows([head] + part)
write("left.csv", body[:1500])
write("right.csv", body[1500:])
write("first.csv", body[:2000])
write("second.csv", body[1000:])
PY
records_sql="SELECT first_name, last_name, email, phone, company, job_title, birthday, country, tags, status, notes
             FROM contacts ORDER BY phone, email"
counts_sql="SELECT sum(total), sum(created), sum(updated), sum(merged), sum(unchanged), sum(skipped), sum(rejected),
                   sum(failed), sum(not_processed), count(*) FROM sluice_imports"
# at_once NAME FILE1 FILE2: both into a new database NAME at the same time,
# and, for reference, one after the other into NAME_ref.
at_once() {
	local name=$1 db ref p1 p2 rc1
	ref=$(pg_db "${name}_ref")
	run_sluice import "$2" --db "$ref" --batch-size "$size"
	run_sluice import "$3" --db "$ref" --batch-size "$size"
	db=$(pg_db "$name")
	start_sluice one import "$2" --db "$db" --batch-size "$size" --retries 10 --retry-base 50 --json
	p1=$pid
	start_sluice two import "$3" --db "$db" --batch-size "$size" --retries 10 --retry-base 50 --json
	p2=$pid
	finish "$p1"
	rc1=$rc
	finish "$p2"
	assert_eq "$rc1 $rc" "1 1" "$name: both imports complete (exit code 1: rows rejected)"
	assert_eq "$(pq "$db" "$records_sql")" "$(pq "$ref" "$records_sql")" \
		"$name: the table holds the records the two imports leave one after the other"
	assert_eq "$(pq "$db" "$counts_sql")" "$(pq "$ref" "$counts_sql")" \
		"$name: the two imports' counts add up to those of the two one after the other"
	assert_eq "$(pq "$db" "SELECT source_path || ' ' || total || ' ' || rejected FROM sluice_imports ORDER BY 1")" \
		"$(pq "$ref" "SELECT source_path || ' ' || total || ' ' || rejected FROM sluice_imports ORDER BY 1")" \
		"$name: each import read and rejected the rows of its own file"
	assert_eq "$(pg_adds_up "$db" 1)$(pg_adds_up "$db" 2)" "" "$name: each import's counts add up"
	assert_eq "$(json_counts one.out) / $(json_counts two.out)" \
		"$(pg_import_counts "$db" "$(json .id one.out)") / $(pg_import_counts "$db" "$(json .id two.out)")" \
		"$name: the reports' counts are the journal's"
}
at_once disjoint left.csv right.csv
at_once overlapping first.csv second.csv
assert_eq "$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/overlapping" "SELECT sum(unchanged) FROM sluice_imports")" \
	"$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/overlapping_ref" "SELECT unchanged FROM sluice_imports WHERE id = 2")" \
	"overlapping: the rows both files hold are created once and found unchanged once"

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

# The import's advisory lock: held while it runs; a resume is refused
# while another connection holds it, even when the journal's row no
# longer says running (a process the journal cannot see, in another pid
# namespace or on a host with the same name).
db=$(pg_db locked)
start_sluice d import a.csv --db "$db" --batch-size 10 --batch-delay 20
fourth=$pid
pg_wait_rows "$db" 1 "$fourth"
freeze "$fourth"
# Frozen between two batches: frozen inside one, its transaction would hold
# the journal row the test changes below, and the test would wait forever.
tries=0
while alive "$fourth" && [ "$tries" -lt 200 ] &&
	[ "$(pq "$db" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice' AND state LIKE 'idle in transaction%'")" != 0 ]; do
	thaw "$fourth"
	sleep 0.01
	freeze "$fourth"
	tries=$((tries + 1))
done
if alive "$fourth"; then
	assert_eq "$(pq "$db" "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	                       WHERE l.locktype = 'advisory' AND l.objid = 1 AND l.objsubid = 2 AND l.granted
	                       AND a.application_name = 'sluice'")" 1 "the running import holds its lock"
	pq "$db" "UPDATE sluice_imports SET status = 'interrupted' WHERE id = 1" >/dev/null
	run_sluice resume 1 --db "$db"
	assert_exit 2 "a resume is refused while another connection holds the import's lock (exit code 2)"
	assert_match "$(cat err)" "Import 1 is still running: another connection to the database holds its lock" \
		"and says why"
	assert_eq "$(pq "$db" "SELECT status FROM sluice_imports WHERE id = 1")" interrupted "the refused resume wrote nothing"
	pq "$db" "UPDATE sluice_imports SET status = 'running' WHERE id = 1" >/dev/null
	thaw "$fourth"
	finish "$fourth"
	assert_eq "$rc $(pq "$db" "SELECT status FROM sluice_imports")" "0 completed" "the import completes, alone"
else
	fail "the import is caught running" "$(head -c 500 d.err)"
fi

# Two resumes of one interrupted import: the second is refused while the
# first runs.
db=$(pg_db resumed)
start_sluice e import a.csv --db "$db" --batch-size 10 --batch-delay 20
pg_wait_rows "$db" 100 "$pid"
kill -KILL "$pid"
finish "$pid"
start_sluice f resume 1 --db "$db" --batch-delay 20
fifth=$pid
until [ "$(pq "$db" "SELECT pid = $fifth AND rows_done > 100 FROM sluice_imports WHERE id = 1")" = t ] || ! alive "$fifth"; do
	sleep 0.02
done
freeze "$fifth"
if alive "$fifth"; then
	run_sluice resume 1 --db "$db"
	assert_exit 2 "a second resume of an import being resumed is refused (exit code 2)"
	assert_match "$(cat err)" "still running" "and says that it is still running"
	thaw "$fifth"
	finish "$fifth"
	assert_eq "$rc $(pq "$db" "SELECT status || ' ' || total FROM sluice_imports")" "0 completed $rows" \
		"the first resume completes the import, with all its rows"
else
	fail "the resume is caught running" "$(head -c 500 f.err)"
fi

done_testing
