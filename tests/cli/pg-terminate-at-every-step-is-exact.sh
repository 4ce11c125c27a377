#!/bin/bash
# The import's session on PostgreSQL ended (pg_terminate_backend) at 24
# distinct moments of its life, each one held still by the test until the
# kill lands: while the journal, the table and its index are created,
# while the import is recorded or claimed, at each statement of a batch
# and inside its COMMIT, at each step of a batch replayed row by row
# (a row the database refuses), while the last word is written, and twice
# in a row. Each ends with exactly the table, counts and journal of an
# uninterrupted import: sluice connects again by itself, or, with
# --reconnect-for 0, stops interrupted (error type connection, safe to
# resume) and `sluice resume` ends it.
#
# How a moment is held: a trigger (or an event trigger, for the DDL; a
# deferred constraint trigger fires inside COMMIT) on the statement waits
# for an advisory lock the test holds, once its gate (a condition on the
# journal, such as "3 batches are committed") is true. The test waits
# until pg_stat_activity shows sluice's session waiting there, ends the
# session, and lets go of the lock: the next statements pass.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
rows=1000
size=100
gen_contacts --rows "$rows" --seed 431 --invalid-rate 0.05 --dup-rate 0.1 --out generated.csv
# contacts.csv: the same with five rows of the first batch again, in the
# fourth, with another job title (updates); refused.csv: with a row (450,
# in batch 5) the table's CHECK refuses, so that batch 5 is replayed row
# by row.
"$PYTHON" - generated.csv contacts.csv refused.csv <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
title = rows[0].index("Organization 1 - Title")
for k in range(5):
    again = list(rows[20 + k])
    again[title] = "Changed title"
    rows.insert(320 + 10 * k, again)
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
rows[450][rows[0].index("Organization 1 - Name")] = "Evil Corp"
with open(sys.argv[3], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PY
rows=$((rows + 5))
admin="postgresql://sluice@127.0.0.1:$PG_PORT/postgres"

# bare: the hold functions and nothing else; shape: bare with the tables
# an import creates, empty; refusing: shape whose table refuses a row.
bare=$(pg_db bare)
pq "$bare" "
CREATE TABLE sluice_test_ddl (identity text);
CREATE FUNCTION sluice_test_hold() RETURNS trigger LANGUAGE plpgsql AS \$\$
DECLARE
	gate boolean;
BEGIN
	IF current_setting('application_name') = 'sluice' THEN
		EXECUTE 'SELECT ' || TG_ARGV[0] INTO gate;
		IF gate AND NOT pg_try_advisory_xact_lock_shared(4242) THEN
			PERFORM set_config('lock_timeout', '0', true);
			PERFORM pg_advisory_xact_lock_shared(4242);
		END IF;
	END IF;
	RETURN NEW;
END \$\$;
CREATE FUNCTION sluice_test_hold_ddl() RETURNS event_trigger LANGUAGE plpgsql AS \$\$
BEGIN
	IF current_setting('application_name') = 'sluice' AND EXISTS (
	    SELECT 1 FROM pg_event_trigger_ddl_commands() c JOIN sluice_test_ddl t
	    ON c.object_identity = t.identity) AND NOT pg_try_advisory_xact_lock_shared(4242) THEN
		PERFORM set_config('lock_timeout', '0', true);
		PERFORM pg_advisory_xact_lock_shared(4242);
	END IF;
END \$\$;
CREATE EVENT TRIGGER sluice_test_hold_ddl ON ddl_command_end EXECUTE FUNCTION sluice_test_hold_ddl();
" >/dev/null
printf 'Given Name,E-mail 1 - Value\nAda,ada@example.com\n' >one.csv
shape=$(pg_clone shape bare)
run_sluice import one.csv --db "$shape"
pq "$shape" "TRUNCATE contacts, sluice_imports, sluice_import_errors, sluice_import_rejects,
             sluice_import_changes, sluice_import_batches, sluice_import_fixes, sluice_mappings
             RESTART IDENTITY" >/dev/null
refusing=$(pg_clone refusing shape)
pq "$refusing" "ALTER TABLE contacts ADD CONSTRAINT no_evil CHECK (company IS NULL OR company <> 'Evil Corp')" >/dev/null

# The import's id is whatever the journal gave it (a start lost in flight
# has used a number of the sequence); the table's imported_from is
# compared as "this import".
dump_sql="SELECT first_name, last_name, email, phone, company, job_title, birthday, country, tags, status, notes,
                 imported_from = (SELECT max(id) FROM sluice_imports) FROM contacts ORDER BY id"
story_sql="SELECT count(*) || ' imports, ' || string_agg(status || ' ' || total || ' ' || created || ' ' || updated || ' ' ||
                  merged || ' ' || unchanged || ' ' || skipped || ' ' || rejected || ' ' || failed || ' ' || not_processed, '')
                  || ', errors ' || (SELECT count(*) || ' ' || coalesce(string_agg(row_no || ':' || type, ' ' ORDER BY row_no, field), '')
                                     FROM sluice_import_errors)
                  || ', rejects ' || (SELECT count(*) FROM sluice_import_rejects)
                  || ', changes ' || (SELECT count(*) FROM sluice_import_changes)
                  || ', batches ' || (SELECT count(*) || '/' || sum(rows) || ' ' || string_agg(status, ',' ORDER BY batch_no)
                                      FROM sluice_import_batches)
             FROM sluice_imports"
reference=$(pg_clone reference shape)
run_sluice import contacts.csv --db "$reference" --batch-size "$size"
assert_eq "$rc" 1 "the uninterrupted import completes (exit code 1: rows rejected)"
reference_dump=$(pq "$reference" "$dump_sql")
reference_story=$(pq "$reference" "$story_sql")
reference_refused=$(pg_clone reference_refused refusing)
run_sluice import refused.csv --db "$reference_refused" --batch-size "$size"
refused_dump=$(pq "$reference_refused" "$dump_sql")
refused_story=$(pq "$reference_refused" "$story_sql")
assert_match "$refused_story" "replayed" "the uninterrupted import of refused.csv replays a batch row by row"

pg_start_holder

# exact NAME URL WANT_DUMP WANT_STORY: the table and journal are an
# uninterrupted import's.
exact() {
	local problems= dump story
	dump=$(pq "$2" "$dump_sql")
	story=$(pq "$2" "$story_sql")
	[ "$dump" = "$3" ] || problems+="the table differs from an uninterrupted import's: $(diff <(echo "$3") <(echo "$dump") | head -5); "
	[ "$story" = "$4" ] || problems+="journal: $story, want $4; "
	[ -z "$(pg_adds_up "$2" "$(pq "$2" 'SELECT max(id) FROM sluice_imports')")" ] || problems+="the counts do not add up; "
	if [ -z "$problems" ]; then
		pass "$1: the table, counts and journal are an uninterrupted import's"
	else
		fail "$1: the table, counts and journal are an uninterrupted import's" "$problems" "$(head -c 1500 run.err)"
	fi
}

# moment NAME TEMPLATE FILE HOLD WAIT [LIKE] [twice] -- SQL…: a new
# database NAME copied from TEMPLATE gets SQL (its trigger); the holder
# holds what HOLD says (advisory: the trigger's lock; table: a ROW
# EXCLUSIVE lock on contacts, which a batch's LOCK TABLE waits for); sluice imports FILE
# until its session waits (WAIT, running LIKE), which is then ended
# (twice: again when the import's next session waits there too). The
# import completes by itself, exactly.
moment() {
	local name=$1 template=$2 file=$3 how=$4 wait=$5 like=${6:-} twice=${7:-} db n
	shift 7
	[ "${1:-}" != -- ] || shift
	db=$(pg_clone "$name" "$template")
	[ $# -eq 0 ] || pq "$db" "$*" >/dev/null
	hold "\\connect $db" >/dev/null
	case $how in
	advisory) hold 'SELECT pg_advisory_lock(4242);' >/dev/null ;;
	table) hold 'BEGIN; LOCK TABLE contacts IN ROW EXCLUSIVE MODE;' >/dev/null ;;
	esac
	start_sluice run import "$file" --db "$db" --batch-size "$size" --progress jsonl --json
	n=0
	while pg_wait_blocked "$name" "$pid" "$wait" "$like"; do
		n=$((n + $(pg_terminate "$name")))
		[ "$twice" = twice ] && [ "$n" -lt 2 ] || break
	done
	case $how in
	advisory) hold 'SELECT pg_advisory_unlock(4242);' >/dev/null ;;
	table) hold 'ROLLBACK;' >/dev/null ;;
	esac
	finish "$pid"
	local want=1
	[ "$twice" = twice ] && want=2
	if [ "$n" -eq "$want" ] && [ "$rc" = 1 ] && grep -q "Connection to .*$name lost" run.err; then
		pass "$name: the session is ended there ($n×), and the import completes by itself"
	else
		fail "$name: the session is ended there ($want×), and the import completes by itself" \
			"sessions ended $n, exit code $rc" "$(head -c 1500 run.err)"
	fi
	if [ "$file" = refused.csv ]; then
		exact "$name" "$db" "$refused_dump" "$refused_story"
	else
		exact "$name" "$db" "$reference_dump" "$reference_story"
	fi
}

batches="(SELECT count(*) FROM sluice_import_batches) >= 3"
replayed="(SELECT coalesce(max(rows_done), 0) FROM sluice_imports) >= 420"
# on TABLE EVENT GATE [WHEN]: a trigger holding EVENT on TABLE once GATE
# holds (for the rows WHEN says).
on() {
	echo "CREATE TRIGGER hold BEFORE $2 ON $1 FOR EACH ROW ${4:+WHEN ($4)}
	      EXECUTE FUNCTION sluice_test_hold('$3')"
}
# at_commit TABLE EVENT GATE [WHEN]: the same, inside COMMIT.
at_commit() {
	echo "CREATE CONSTRAINT TRIGGER hold AFTER $2 ON $1 DEFERRABLE INITIALLY DEFERRED
	      FOR EACH ROW ${4:+WHEN ($4)} EXECUTE FUNCTION sluice_test_hold('$3')"
}
ddl() { # ddl IDENTITY: the event trigger holds the creation of IDENTITY
	echo "INSERT INTO sluice_test_ddl VALUES ('$1')"
}

# Setup.
moment create_journal bare contacts.csv advisory advisory '' '' -- "$(ddl public.sluice_imports)"
moment create_table bare contacts.csv advisory advisory '' '' -- "$(ddl public.contacts)"
moment create_index bare contacts.csv advisory advisory '' '' -- "$(ddl public.contacts_phone_key)"
moment record_import shape contacts.csv advisory advisory 'INSERT%' '' -- "$(on sluice_imports INSERT true)"
moment record_import_commit shape contacts.csv advisory advisory 'INSERT%' '' -- \
	"$(at_commit sluice_imports INSERT true)"
# A batch (the fourth: three are committed), statement by statement.
moment batch_lock_table shape contacts.csv table relation 'LOCK TABLE%' ''
moment first_batch_insert shape contacts.csv advisory advisory '' '' -- "$(on contacts INSERT true)"
moment batch_insert shape contacts.csv advisory advisory '' '' -- "$(on contacts INSERT "$batches")"
moment batch_update shape contacts.csv advisory advisory '' '' -- "$(on contacts UPDATE "$batches")"
moment batch_errors shape contacts.csv advisory advisory '' '' -- "$(on sluice_import_errors INSERT "$batches")"
moment batch_rejects shape contacts.csv advisory advisory '' '' -- "$(on sluice_import_rejects INSERT "$batches")"
moment batch_changes shape contacts.csv advisory advisory '' '' -- "$(on sluice_import_changes INSERT "$batches")"
moment batch_line shape contacts.csv advisory advisory '' '' -- "$(on sluice_import_batches INSERT "$batches")"
moment batch_cursor shape contacts.csv advisory advisory '' '' -- \
	"$(on sluice_imports UPDATE "$batches" "NEW.finished_at IS NULL")"
moment batch_commit shape contacts.csv advisory advisory 'COMMIT' '' -- \
	"$(at_commit sluice_import_batches INSERT "$batches")"
moment batch_twice shape contacts.csv advisory advisory '' twice -- "$(on contacts INSERT "$batches")"
moment batch_commit_twice shape contacts.csv advisory advisory 'COMMIT' twice -- \
	"$(at_commit sluice_import_batches INSERT "$batches")"
# A batch replayed row by row (row 450 is refused): a row's statements,
# its COMMIT, and the refused row's own journal and COMMIT.
moment replay_row refusing refused.csv advisory advisory '' '' -- "$(on contacts 'INSERT OR UPDATE' "$replayed")"
moment replay_line refusing refused.csv advisory advisory '' '' -- "$(on sluice_import_batches 'INSERT OR UPDATE' "$replayed")"
moment replay_commit refusing refused.csv advisory advisory 'COMMIT' '' -- \
	"$(at_commit sluice_imports UPDATE "$replayed")"
moment replay_refused_row refusing refused.csv advisory advisory '' '' -- \
	"$(on sluice_import_errors INSERT true "NEW.type = 'database'")"
moment replay_refused_commit refusing refused.csv advisory advisory 'COMMIT' '' -- \
	"$(at_commit sluice_import_errors INSERT true "NEW.type = 'database'")"
# The last word: the import's end written to the journal.
moment last_word shape contacts.csv advisory advisory '' '' -- \
	"$(on sluice_imports UPDATE true "NEW.finished_at IS NOT NULL")"

# With --reconnect-for 0 the import stops at the first lost session:
# interrupted, exit code 3, error type connection, safe to resume. The
# resume's session is then ended while it claims the import; it connects
# again, sees the claim was lost, claims again and ends exactly.
db=$(pg_clone claimed shape)
pq "$db" "$(on contacts INSERT "$batches");
          $(on sluice_imports UPDATE true "NEW.status = 'running' AND OLD.status = 'interrupted'" | sed 's/TRIGGER hold/TRIGGER hold_claim/')" >/dev/null
hold "\\connect $db" >/dev/null
hold 'SELECT pg_advisory_lock(4242);' >/dev/null
start_sluice run import contacts.csv --db "$db" --batch-size "$size" --reconnect-for 0
pg_wait_blocked claimed "$pid" advisory && pg_terminate claimed >/dev/null
finish "$pid"
assert_eq "$rc" 3 "claimed: with --reconnect-for 0, the lost session stops the import (exit code 3)"
assert_match "$(cat run.out)" "Stopped early \\(error type connection\\): The connection to the PostgreSQL server was lost" \
	"claimed: the summary names the error type connection"
assert_match "$(cat run.out)" "safe to resume: sluice resume 1" "claimed: and says it is safe to resume"
start_sluice run resume 1 --db "$db" --progress jsonl --json
if pg_wait_blocked claimed "$pid" advisory 'UPDATE%'; then
	assert_eq "$(pg_terminate claimed)" 1 "claimed: the resume's session is ended while it claims the import"
fi
hold 'SELECT pg_advisory_unlock(4242);' >/dev/null
finish "$pid"
assert_eq "$rc" 1 "claimed: the resume connects again and completes"
exact claimed "$db" "$reference_dump" "$reference_story"

stop_holder
done_testing
