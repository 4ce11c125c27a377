#!/bin/bash
# The connection to PostgreSQL lost in the middle of an import (the
# server ends the import's session with pg_terminate_backend, or restarts
# fast or immediately, while sluice is held still between two steps), with
# --reconnect-for 0: the import stops at once, interrupted, exit code
# 3, with a partial report that says what is committed and how to resume;
# `sluice resume` then ends with exactly the table, counts and journal of
# an uninterrupted import. Whatever batch was in flight, nothing is
# written twice and nothing is lost.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
rows=5000
size=100
gen_contacts --rows "$rows" --seed 411 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv
ref=$(pg_db reference)
run_sluice import contacts.csv --db "$ref" --batch-size "$size"
reference=$(pq "$ref" "$PG_DUMP_SQL")
reference_counts=$(pg_import_counts "$ref" 1)
reference_story=$(pq "$ref" "$PG_STORY_SQL")
admin="postgresql://sluice@127.0.0.1:$PG_PORT/postgres"

# lost NAME HOW: an import into a new database NAME loses its connection
# (HOW: terminate, fast, immediate) after some rows; then it is resumed.
lost() {
	local name=$1 how=$2 at=$3 db
	db=$(pg_db "$name")
	# A pause between batches, so that the import is still running when
	# the test catches it however loaded the machine is.
	start_sluice run import contacts.csv --db "$db" --batch-size "$size" --batch-delay 150 --reconnect-for 0 --json
	if ! pg_wait_rows "$db" "$at" "$pid"; then
		finish "$pid"
		fail "$name: the import is caught after $at rows" "$(head -c 500 run.err)"
		return
	fi
	# Held still while the connection goes, so that it cannot finish first.
	freeze "$pid"
	case $how in
	terminate) pq "$admin" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	                        WHERE application_name = 'sluice' AND datname = '$name'" >/dev/null ;;
	*) pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "$how" -w -t 60 restart >/dev/null 2>&1 ;;
	esac
	thaw "$pid"
	finish "$pid"
	if [ "$rc" = 3 ]; then
		pass "$name ($how after $at rows): the import stops with exit code 3"
		assert_eq "$(json .status run.out)" interrupted "$name: its report says interrupted"
		assert_match "$(json .last_error run.out)" "connection to the PostgreSQL server was lost" \
			"$name: and that the connection was lost"
		assert_match "$(cat run.err)" "sluice resume 1" "$name: and how to resume"
		assert_eq "$(json .last_error_type run.out) $(json .error.type run.out)" "connection connection" \
			"$name: its error type is connection"
		assert_match "$(json .last_error run.out)" "safe to resume: sluice resume 1" \
			"$name: its last error says it is safe to resume"
		# The server is there (only the session was ended): the journal
		# says so too.
		[ "$how" != terminate ] ||
			assert_match "$(pq "$db" "SELECT status || ': ' || last_error FROM sluice_imports WHERE id = 1")" \
				"^interrupted: The connection to the PostgreSQL server was lost.*safe to resume: sluice resume 1" \
				"$name: the journal says the import was interrupted by the lost connection"
	else
		fail "$name ($how after $at rows): the import stops with exit code 3" "exit code $rc" "$(head -c 500 run.err)"
	fi
	local tries=0
	until [ "$(pq "$db" 'SELECT status FROM sluice_imports WHERE id = 1')" = completed_with_errors ] ||
		[ "$tries" -ge 3 ]; do
		tries=$((tries + 1))
		run_sluice resume 1 --db "$db"
	done
	problems=
	[ "$(pq "$db" "$PG_DUMP_SQL")" = "$reference" ] || problems+="the table differs from an uninterrupted import's; "
	[ "$(pg_import_counts "$db" 1)" = "$reference_counts" ] ||
		problems+="counts $(pg_import_counts "$db" 1), want $reference_counts; "
	[ "$(pq "$db" "$PG_STORY_SQL")" = "$reference_story" ] ||
		problems+="journal: $(pq "$db" "$PG_STORY_SQL"), want $reference_story; "
	[ -z "$(pg_adds_up "$db" 1)" ] || problems+="$(pg_adds_up "$db" 1); "
	if [ -z "$problems" ]; then
		pass "$name: after sluice resume, the table, counts and journal are an uninterrupted import's"
	else
		fail "$name: after sluice resume, the table, counts and journal are an uninterrupted import's" "$problems" "$(last_run)"
	fi
}

n=0
for at in 100 600 1100 1700 2300 2900 3500; do
	n=$((n + 1))
	lost "terminated$n" terminate "$at"
done
lost restarted_fast fast 1500
lost restarted_immediate immediate 2500

done_testing
