# PostgreSQL helpers for the command-line tests (tests/cli/pg-*.sh), sourced
# after lib.sh. The test starts a throwaway cluster of its own: initdb into
# a temporary directory (as the postgres user when the test runs as root,
# since the server refuses to run as root), trust authentication, a free
# port on 127.0.0.1, fsync off; it is stopped and removed when the test
# ends, also on failure. Skips the whole test only when the server's
# programs are absent.
#
# What a test gets:
#   pg_start           starts the cluster ($PG_PORT, $PG_DIR)
#   pg_db NAME         creates database NAME and prints its URL
#   pq URL SQL         the query's rows, '|'-separated, no header (as sq)
#   pg_stop            stops the cluster (also done at exit, after
#                      faults.sh's cleanup when the test uses it)
#   answers:           pg_import_counts URL ID, pg_adds_up URL ID

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
for prog in initdb pg_ctl psql; do
	[ -x "$PG_BIN/$prog" ] ||
		skip_all "the PostgreSQL server's programs are not installed ($PG_BIN/$prog is missing; Debian package postgresql-15)"
done

PG_DIR=
PG_PORT=

# Runs a server program as the user who may run the server.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}

pg_stop_after_wizards() {
	tui_stop_all
	pg_stop
}

pg_start() {
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pg.XXXXXX") || exit 99
	# After the sluices a test started (faults.sh) or its wizards
	# (tests/tui/lib.sh), or on its own.
	if [ "${tap_at_exit:-}" = faults_cleanup ]; then
		faults_at_exit=pg_stop
	elif [ "${tap_at_exit:-}" = tui_stop_all ]; then
		tap_at_exit=pg_stop_after_wizards
	else
		tap_at_exit=pg_stop
	fi
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || skip_all "there is no postgres user to run the server as"
		chown postgres "$PG_DIR"
	fi
	if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U sluice -E UTF8 --locale=C \
		--no-sync >"$PG_DIR/initdb.log" 2>&1; then
		echo "Bail out! initdb failed: $(tail -n 5 "$PG_DIR/initdb.log")"
		exit 99
	fi
	# A free port; another test may take the same one between the look
	# and the start, so a few tries.
	local try
	for try in 1 2 3 4 5; do
		PG_PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$PG_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			start >/dev/null 2>&1 && return 0
	done
	echo "Bail out! the PostgreSQL server did not start: $(tail -n 5 "$PG_DIR/server.log")"
	exit 99
}

# pq URL SQL
pq() {
	"$PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# pg_db NAME: a new database; prints its URL.
pg_db() {
	pq "postgresql://sluice@127.0.0.1:$PG_PORT/postgres" "CREATE DATABASE \"$1\"" >/dev/null &&
		echo "postgresql://sluice@127.0.0.1:$PG_PORT/$1"
}

# The columns of the contacts table, in order, for dumps of both databases.
PG_CONTACTS_COLUMNS="id, first_name, last_name, email, phone, company, job_title, birthday, country, tags, status, notes, imported_from"

# A dump of the contacts table without id (a batch rolled back by a kill or
# a lost connection has used numbers of the sequence, which PostgreSQL does
# not give back; the order stays), and the story import 1's journal tells.
PG_DUMP_SQL="SELECT first_name, last_name, email, phone, company, job_title, birthday, country, tags, status, notes, imported_from FROM contacts ORDER BY id"
PG_STORY_SQL="SELECT 'errors ' || (SELECT count(*) FROM sluice_import_errors WHERE import_id = 1) ||
                  ', rejects ' || (SELECT count(*) FROM sluice_import_rejects WHERE import_id = 1) ||
                  ', changes ' || (SELECT count(*) FROM sluice_import_changes WHERE import_id = 1) ||
                  ', batches ' || (SELECT count(*) || '/' || sum(rows) FROM sluice_import_batches WHERE import_id = 1)"

# pg_wait_rows URL N PID: until import 1 has N rows committed, or PID ended.
pg_wait_rows() {
	local end=$((SECONDS + FAULTS_PATIENCE))
	until [ "$(pq "$1" "SELECT rows_done >= $2 FROM sluice_imports WHERE id = 1" 2>/dev/null)" = t ]; do
		alive "$3" && [ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# pg_import_counts URL ID: as import_counts, from PostgreSQL's journal.
pg_import_counts() {
	pq "$1" "SELECT total, created, updated, merged, unchanged, skipped, rejected, failed, not_processed
	         FROM sluice_imports WHERE id = $2" | tr '|' ' '
}

# pg_adds_up URL ID: as import_adds_up (faults.sh), from PostgreSQL's journal.
pg_adds_up() {
	pq "$1" "SELECT 'total ' || coalesce(total::text, 'NULL') || ', outcomes ' ||
	                (created + updated + merged + unchanged + skipped + rejected + failed + not_processed) ||
	                ', rows_done ' || rows_done || ', not_processed ' || not_processed
	           FROM sluice_imports WHERE id = $2 AND NOT (
	                total IS NOT NULL AND
	                total = created + updated + merged + unchanged + skipped + rejected + failed + not_processed AND
	                rows_done = created + updated + merged + unchanged + skipped + rejected + failed AND
	                not_processed = total - rows_done)
	         UNION ALL SELECT 'no import $2' WHERE NOT EXISTS (SELECT 1 FROM sluice_imports WHERE id = $2)"
}

# pg_clone NAME TEMPLATE: a new database NAME copied from database
# TEMPLATE (which nobody may be connected to); prints its URL.
pg_clone() {
	pq "postgresql://sluice@127.0.0.1:$PG_PORT/postgres" "CREATE DATABASE \"$1\" TEMPLATE \"$2\"" >/dev/null &&
		echo "postgresql://sluice@127.0.0.1:$PG_PORT/$1"
}

# pg_start_holder: a psql session that runs what `hold` (faults.sh) sends
# it, to hold locks while sluice waits for them; stopped at exit with the
# sluices. `hold '\connect URL'` moves it to another database.
pg_start_holder() {
	rm -f holder.in holder.out
	mkfifo holder.in holder.out
	"$PG_BIN/psql" -X -A -t -q -d "postgresql://sluice@127.0.0.1:$PG_PORT/postgres" \
		<holder.in >holder.out 2>&1 &
	holder=$!
	exec 3>holder.in 4<holder.out
}

# pg_wait_blocked DB PID WAIT [QUERY]: until sluice's session on database
# DB waits for a lock of kind WAIT (advisory, relation), while running
# QUERY when given (an SQL LIKE pattern); returns 1 when PID ended first.
pg_wait_blocked() {
	local end=$((SECONDS + FAULTS_PATIENCE)) cond="wait_event_type = 'Lock' AND wait_event = '$3'"
	[ -z "${4:-}" ] || cond="$cond AND query LIKE '$4'"
	until [ "$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/postgres" \
		"SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND application_name = 'sluice' AND $cond")" = 1 ]; do
		alive "$2" && [ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# pg_terminate DB: ends sluice's sessions on database DB; prints how many.
pg_terminate() {
	pq "postgresql://sluice@127.0.0.1:$PG_PORT/postgres" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	                        WHERE application_name = 'sluice' AND datname = '$1'"
}
