#!/bin/bash
# The wizard against a PostgreSQL server that asks for a password (SCRAM
# over TCP on 127.0.0.1) that neither ~/.pgpass nor PGPASSWORD gives: the
# wizard asks for it without showing it, asks again after a wrong one,
# and with it lists the imports, imports a file (the import's own process
# gets it too), pauses, cancels and resumes it, opens its report and
# rolls it back. The password is never on the screen, in a file, in the
# journal, nor in what ps shows of the import's process. A database
# chosen on Home (d) is asked for the same way; a server that is down is
# named, with what to do next. All at 80x24.
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
PW='Tr0ub4dor-wiz-5e1f'
WRONG='not-the-Pw-7c'
admin="postgresql://sluice@127.0.0.1:$PG_PORT/postgres"
pq "$admin" "CREATE ROLE wiz LOGIN PASSWORD '$PW'" >/dev/null
pq "$admin" "CREATE DATABASE wizdb OWNER wiz" >/dev/null
# wiz must give its password over TCP; sluice (the test's own queries)
# keeps trust.
hba="$PG_DIR/data/pg_hba.conf"
{ echo "host all wiz 127.0.0.1/32 scram-sha-256"; cat "$hba"; } >"$hba.new" && mv "$hba.new" "$hba"
chown --reference="$PG_DIR/data/postgresql.conf" "$hba" 2>/dev/null || true
pq "$admin" "SELECT pg_reload_conf()" >/dev/null
url="postgresql://wiz@127.0.0.1:$PG_PORT/wizdb"
su_url="postgresql://sluice@127.0.0.1:$PG_PORT/wizdb"
# Nothing gives the password but the person at the keyboard.
unset PGPASSWORD PGPASSFILE PGSERVICE PGUSER PGHOST PGPORT PGDATABASE
export HOME="$T" PGPASSFILE="$T/no-such-pgpass"
ok "without the password the server refuses wiz" \
	sh -c "! '$PG_BIN/psql' -X -w -d '$url' -c 'SELECT 1' >/dev/null 2>&1"

# Every screen seen, to look for the password in at the end.
seen() {
	tui_screen >>"$T/screens.txt"
}

gen_contacts --rows 20000 --seed 17 --out many.csv

tui_start 80 24 --db "$url"
tui_see "asks for the password of the user wiz" "--db URI: the wizard asks for the password the server wants"
tui_see "Password" "in a dialog of its own"
seen
tui_keys Escape
tui_see "Press p to type the password" "Esc: Home says why nothing is listed and what to do"
seen
tui_keys p
tui_go "asks for the password of the user wiz"
tui_type "$WRONG"
seen
tui_keys Enter
tui_see "refused the user wiz with the password given" "a wrong password: the server's refusal is shown"
tui_see "Type the password again" "and the password is asked for again"
seen
tui_type "$PW"
seen
tui_keys Enter
tui_see "Connected to $url" "the right password connects"
tui_see "No imports yet in" "Home reads the journal of the PostgreSQL database"
seen

# An import, through the preview's dry run (in the wizard) and the
# import's own process.
tui_to_preview many.csv
tui_see "20,000 rows read" "the preview's dry run runs against PostgreSQL with the password"
seen
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_see "$url" "Confirm names the database"
seen
tui_keys b
tui_go "Batch size"
tui_keys C-u
tui_type 100
tui_keys Enter
tui_go "100 rows per transaction"
tui_keys Enter
tui_go "Importing"
# Paused mid-import: the import's process is there to look at.
wait_rows() {
	local i=0
	until [ "$(pq "$su_url" "SELECT rows_done >= $1 FROM sluice_imports WHERE dry_run = 0 ORDER BY id DESC LIMIT 1" 2>/dev/null)" = t ]; do
		[ $i -lt 3000 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
ok "the import commits batches into PostgreSQL" wait_rows 300
tui_keys p
tui_see "paused (p resumes)" "p pauses the import"
seen
id=$(pq "$su_url" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
pid=$(pq "$su_url" "SELECT pid FROM sluice_imports WHERE id = $id")
assert_match "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "wizard-import" "the journal names the import's process ($pid)"
if ps -ww -o args= -p "$pid" | grep -qF "$PW" || ps eww -o args= -p "$pid" | grep -qF "$PW"; then
	fail "ps shows nothing of the password: not in the import's arguments nor its environment"
else
	pass "ps shows nothing of the password: not in the import's arguments nor its environment"
fi
if grep -qaF "$PW" /proc/"$pid"/cmdline /proc/"$pid"/environ; then
	fail "nor does /proc/$pid"
else
	pass "nor does /proc/$pid"
fi
tui_keys c
tui_go "Cancel the import?"
tui_keys y
tui_see "cancelled: the batches before the cancel stay committed" "the import is cancelled"
seen
tui_keys Escape
tui_go "Recent imports"
tui_see "cancelled" "Home lists the cancelled import from PostgreSQL"
tui_see "many.csv" "with its file"
seen
tui_keys Home
tui_keys r
tui_see "Importing" "r resumes it (its process gets the password again)"
tui_see "The import has ended" "the resumed import runs to its end" 300
seen
assert_eq "$(pq "$su_url" "SELECT status || '|' || total FROM sluice_imports WHERE id = $id")" \
	"completed|20000" "the journal has the whole file imported"
assert_eq "$(pq "$su_url" "SELECT count(*) FROM contacts")" "$(pq "$su_url" "SELECT created FROM sluice_imports WHERE id = $id")" \
	"the table holds the records created"
tui_keys Enter
tui_see "Report of import $id" "Enter opens the report, read from PostgreSQL"
seen
tui_keys Escape
tui_go "Recent imports"
tui_see "completed" "Home shows the import completed"
tui_keys Home
tui_keys R
tui_go "Roll back import $id?"
tui_keys y
tui_see "Rolled back import $id" "R rolls it back in PostgreSQL"
seen
assert_eq "$(pq "$su_url" "SELECT count(*) FROM contacts")" 0 "the records it created are gone"
tui_keys q
tui_exited 30 || fail "q leaves the wizard"

# Home's d: another database, chosen in the wizard.
tui_start 80 24
tui_go "Recent imports"
tui_keys d
tui_see "or a PostgreSQL URI" "d asks for the database: an SQLite file or a PostgreSQL URI"
tui_keys C-u
tui_type "$url"
tui_keys Enter
tui_see "asks for the password of the user wiz" "choosing the PostgreSQL URI asks for its password"
tui_type "$PW"
tui_keys Enter
tui_see "Connected to $url" "and connects with it"
tui_see "many.csv" "Home lists its imports"
seen
# A backup restored from the wizard: the restore's own process gets the
# password through a pipe, as the import's does.
"$PYTHON" -c '
import json
json.dump({"teams": [{"id": i, "name": "Team %d" % i} for i in range(1, 4)],
           "players": [{"id": i, "name": "P%d" % i, "teamId": 1 + i % 3} for i in range(1, 31)]},
          open("backup.json", "w"))'
tui_open backup.json
tui_go "restored parents first"
seen
tui_keys Enter
tui_see "completed: every table was restored" "a restore started in the wizard connects with the password typed there" 120
seen
assert_eq "$(pq "$su_url" "SELECT (SELECT count(*) FROM teams) || ',' || (SELECT count(*) FROM players)")" "3,30" \
	"the restore wrote both tables"
tui_keys Escape
tui_go "Recent imports"
tui_keys q
tui_exited 30 || fail "q leaves the wizard"

# sluice restore reads the password from a descriptor (one line), never
# from its command line.
ok "sluice restore --password-fd 0 reads the password (a line) and connects" \
	sh -c "printf '%s\\n' '$PW' | '$SLUICE' restore backup.json --db '$url' --password-fd 0 --progress none >restore.out 2>&1"
assert_match "$(cat restore.out)" "Table players \(import [0-9]+, completed\): 30 records: 0 created" "the backup is restored again (nothing new to write)"
run_sluice restore backup.json --db "$url" --password-fd 0 --progress none
assert_exit 2 "a descriptor that gives nothing is refused"
assert_match "$(cat "$T/err")" "no password could be read from file descriptor 0" "and says why"

# The password is nowhere: not on any screen, in no file (the test's,
# the server's), in no table of the journal.
if grep -qF -e "$PW" -e "$WRONG" "$T/screens.txt"; then
	fail "no screen showed the password" "$(grep -F -e "$PW" -e "$WRONG" "$T/screens.txt")"
else
	pass "no screen showed the password"
fi
assert_eq "$(grep -rlaF -e "$PW" -e "$WRONG" "$T" "$PG_DIR" ${TMPDIR:-/tmp}/sluice-job.* 2>/dev/null)" "" \
	"no file holds the password"
tables=$(pq "$su_url" "SELECT string_agg(format('SELECT count(*) FROM %I t WHERE t::text LIKE %L', tablename, '%' || '$PW' || '%'), ' UNION ALL ') FROM pg_tables WHERE schemaname = 'public'")
assert_eq "$(pq "$su_url" "SELECT sum(count) FROM ($tables) n")" 0 "no table of the journal holds the password"

# A server that is down: named, with what to do next.
pg_stop
tui_start 80 24 --db "$url"
tui_see "port $PG_PORT failed" "a server that is down: the wizard names it"
tui_see "127.0.0.1" "with its host"
tui_see "Check that the PostgreSQL server runs" "and says what to do next"

done_testing
