#!/bin/bash
# A lost connection to PostgreSQL survived (issue 13, item 4): the server
# ends the import's session (pg_terminate_backend) at several moments, or
# restarts fast or immediately, while sluice is held still between two
# steps: sluice reconnects by itself, reads the journal to learn whether
# the batch in flight committed, and ends with exactly the table, counts
# and journal of an uninterrupted import, with retry events in its JSON
# lines. (A server that loses transactions it acknowledged, as the tests'
# with synchronous_commit off after an immediate restart, is told apart:
# the import stops, safe to resume, and resume ends exact.) A server stopped for longer than --reconnect-for: the import ends
# interrupted, exit code 3, saying it is safe to resume, and `sluice
# resume` then ends exact.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
rows=5000
size=100
gen_contacts --rows "$rows" --seed 413 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv
ref=$(pg_db reference)
run_sluice import contacts.csv --db "$ref" --batch-size "$size"
reference=$(pq "$ref" "$PG_DUMP_SQL")
reference_counts=$(pg_import_counts "$ref" 1)
reference_story=$(pq "$ref" "$PG_STORY_SQL")
admin="postgresql://sluice@127.0.0.1:$PG_PORT/postgres"

# exact NAME URL: the table, counts and journal are an uninterrupted import's.
exact() {
	local problems=
	[ "$(pq "$2" "$PG_DUMP_SQL")" = "$reference" ] || problems+="the table differs from an uninterrupted import's; "
	[ "$(pg_import_counts "$2" 1)" = "$reference_counts" ] ||
		problems+="counts $(pg_import_counts "$2" 1), want $reference_counts; "
	[ "$(pq "$2" "$PG_STORY_SQL")" = "$reference_story" ] ||
		problems+="journal: $(pq "$2" "$PG_STORY_SQL"), want $reference_story; "
	[ -z "$(pg_adds_up "$2" 1)" ] || problems+="$(pg_adds_up "$2" 1); "
	[ "$(pq "$2" 'SELECT status FROM sluice_imports WHERE id = 1')" = completed_with_errors ] ||
		problems+="journal status $(pq "$2" 'SELECT status FROM sluice_imports WHERE id = 1'); "
	if [ -z "$problems" ]; then
		pass "$1: the table, counts and journal are an uninterrupted import's"
	else
		fail "$1: the table, counts and journal are an uninterrupted import's" "$problems" "$(head -c 800 run.err)"
	fi
}

# survives NAME HOW AT: an import into a new database NAME loses its
# connection (HOW: terminate, fast, immediate) after AT rows and completes.
survives() {
	local name=$1 how=$2 at=$3 db
	db=$(pg_db "$name")
	# A pause between batches, so that the import is still running when
	# the test catches it however loaded the machine is.
	start_sluice run import contacts.csv --db "$db" --batch-size "$size" --batch-delay 150 --progress jsonl --json
	if ! pg_wait_rows "$db" "$at" "$pid"; then
		finish "$pid"
		fail "$name: the import is caught after $at rows" "$(head -c 500 run.err)"
		return
	fi
	freeze "$pid"
	case $how in
	terminate) pq "$admin" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	                        WHERE application_name = 'sluice' AND datname = '$name'" >/dev/null ;;
	*) pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "$how" -w -t 60 restart >/dev/null 2>&1 ;;
	esac
	thaw "$pid"
	finish "$pid"
	if [ "$rc" = 3 ] && [ "$how" = immediate ] &&
		grep -q 'the server lost batches it had committed.*safe to resume: sluice resume 1' run.err; then
		pass "$name ($how after $at rows): the server lost acknowledged batches; the import stops, safe to resume"
		run_sluice resume 1 --db "$db"
	else
		assert_eq "$rc" 1 "$name ($how after $at rows): the import completes by itself (exit code 1: rows rejected)"
		assert_eq "$(json .status run.out)" completed_with_errors "$name: its report says completed_with_errors"
		assert_match "$(grep '"retry"' run.err)" "Connection to postgresql://sluice@127.0.0.1:$PG_PORT/$name lost" \
			"$name: a retry event says the connection was lost and made again"
	fi
	exact "$name" "$db"
}

# The server's start as pg_start made it (its port and socket directory).
server_start() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$PG_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null 2>&1
}

n=0
for at in 100 600 1100 1700 2300 2900 3500; do
	n=$((n + 1))
	survives "terminated$n" terminate "$at"
done
survives restarted_fast fast 1500
survives restarted_immediate immediate 2500

# The server stays away longer than --reconnect-for: interrupted, exit 3,
# safe to resume; then resume is exact once it is back.
db=$(pg_db stopped)
start_sluice run import contacts.csv --db "$db" --batch-size "$size" --reconnect-for 2s \
	--connect-timeout 2 --batch-delay 150 --progress jsonl --json
if pg_wait_rows "$db" 600 "$pid"; then
	freeze "$pid"
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1
	thaw "$pid"
	finish "$pid"
	assert_eq "$rc" 3 "stopped: the import ends with exit code 3 once --reconnect-for has passed"
	assert_eq "$(json .status run.out)" interrupted "stopped: its report says interrupted"
	assert_match "$(cat run.err)" "reconnecting \\(attempt 2\\)" "stopped: it tried to reconnect more than once"
	assert_match "$(cat run.err)" "safe to resume: sluice resume 1" "stopped: it says it is safe to resume"
	server_start
	run_sluice resume 1 --db "$db"
	assert_eq "$rc" 1 "stopped: sluice resume completes (exit code 1: rows rejected)"
	exact stopped "$db"
else
	finish "$pid"
	fail "stopped: the import is caught after 600 rows" "$(head -c 500 run.err)"
fi

# Restarted within --reconnect-for: the server is away for about 2 s.
db=$(pg_db away)
start_sluice run import contacts.csv --db "$db" --batch-size "$size" --reconnect-for 1m \
	--batch-delay 150 --progress jsonl --json
if pg_wait_rows "$db" 900 "$pid"; then
	freeze "$pid"
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1
	thaw "$pid"
	sleep 2
	server_start
	finish "$pid"
	assert_eq "$rc" 1 "away: the import completes once the server is back"
	assert_match "$(cat run.err)" "reconnecting \\(attempt" "away: it said it was reconnecting"
	exact away "$db"
else
	finish "$pid"
	fail "away: the import is caught after 900 rows" "$(head -c 500 run.err)"
fi

done_testing
