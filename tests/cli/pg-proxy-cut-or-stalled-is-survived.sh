#!/bin/bash
# sluice talks to PostgreSQL through a small TCP proxy (tests/cli/pg-proxy.py)
# that cuts the connection or stalls it, mid-batch: before a batch's
# journal line reaches the server, after its COMMIT reached the server
# (the answer dropped: committed, but sluice never hears so), at once; or
# it stops forwarding after a batch's line or after COMMIT (a peer gone
# silent: --statement-timeout notices), or holds new connections
# (--connect-timeout notices), also sluice's first one. Each import ends
# with exactly the table, counts and journal of an uninterrupted one. A
# server out of reach for longer than --reconnect-for ends the import
# interrupted, error type connection, safe to resume; `sluice resume`
# then ends it exactly.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
rows=1000
size=100
# Each order is given once 300 rows are committed; half a second between
# batches leaves the import 3.5 s to receive it however loaded the
# machine is (an import that ended before the cut completes by itself).
delay=500
gen_contacts --rows "$rows" --seed 433 --invalid-rate 0.05 --dup-rate 0.1 --out contacts.csv
ref=$(pg_db reference)
run_sluice import contacts.csv --db "$ref" --batch-size "$size"
reference=$(pq "$ref" "$PG_DUMP_SQL")
reference_counts=$(pg_import_counts "$ref" 1)
reference_story=$(pq "$ref" "$PG_STORY_SQL")

: >proxy.ctl
"$PYTHON" "$top_srcdir/tests/cli/pg-proxy.py" "$PG_PORT" proxy.ctl >proxy.out 2>proxy.err </dev/null &
proxy=$!
faults_pids="$faults_pids $proxy"
if ! port=$(wait_for proxy.out '^listening ' "$proxy"); then
	echo "Bail out! the proxy did not start: $(cat proxy.err)"
	exit 99
fi
port=${port#listening }

# order WORDS…: the proxy does WORDS; waits until it says it has taken
# them ($said: how many lines it had said before).
said=0
order() {
	said=$(wc -l <proxy.out)
	echo "$*" >proxy.ctl
	kill -USR1 "$proxy"
	wait_after "$said" "^(armed $1|$1)\$" >/dev/null
}

# wait_after N REGEX: a line of the proxy's after its first N matches REGEX.
wait_after() {
	local end=$((SECONDS + FAULTS_PATIENCE))
	until tail -n +"$(($1 + 1))" proxy.out | grep -E -m1 -- "$2"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# exact NAME URL: the table, counts and journal are an uninterrupted import's.
exact() {
	local problems=
	[ "$(pq "$2" "$PG_DUMP_SQL")" = "$reference" ] || problems+="the table differs from an uninterrupted import's; "
	[ "$(pg_import_counts "$2" 1)" = "$reference_counts" ] ||
		problems+="counts $(pg_import_counts "$2" 1), want $reference_counts; "
	[ "$(pq "$2" "$PG_STORY_SQL")" = "$reference_story" ] ||
		problems+="journal: $(pq "$2" "$PG_STORY_SQL"), want $reference_story; "
	[ -z "$(pg_adds_up "$2" 1)" ] || problems+="$(pg_adds_up "$2" 1); "
	if [ -z "$problems" ]; then
		pass "$1: the table, counts and journal are an uninterrupted import's"
	else
		fail "$1: the table, counts and journal are an uninterrupted import's" "$problems" "$(head -c 1500 run.err)"
	fi
}

# through NAME WHAT SAYS EVENT ORDER…: an import into a new database NAME
# through the proxy, which is given ORDER once 300 rows are committed;
# once the proxy SAYS it did it, the import completes by itself, with a
# retry event matching EVENT.
through() {
	local name=$1 says=$2 event=$3 db
	shift 3
	db=$(pg_db "$name")
	start_sluice run import contacts.csv --db "postgresql://sluice@127.0.0.1:$port/$name" \
		--batch-size "$size" --batch-delay "$delay" --statement-timeout 1 --connect-timeout 2 --progress jsonl --json
	if ! pg_wait_rows "$db" 300 "$pid"; then
		finish "$pid"
		fail "$name: the import is caught after 300 rows" "$(head -c 500 run.err)"
		return
	fi
	order "$@"
	wait_after "$said" "^$says\$" >/dev/null || diag "$name: the proxy never said $says"
	finish "$pid"
	assert_eq "$rc" 1 "$name: the import completes by itself (exit code 1: rows rejected)"
	assert_match "$(grep '"retry"' run.err)" "$event" "$name: a retry event says: $event"
	exact "$name" "$db"
}

through cut_before_line cut-before 'lost and made again; batch [0-9]+ had not committed' cut-before j_batch
through cut_after_commit cut-after 'lost and made again; batch [0-9]+ had committed\.' cut-after COMMIT
through cut_at_once cut 'lost and made again' cut
through stalled_after_line stall-after 'lost and made again; batch [0-9]+ had not committed' stall-after j_batch
through stalled_after_commit stall-after 'lost and made again; batch [0-9]+ had committed\.' stall-after COMMIT

# New connections held (a server that accepts but never answers): each
# attempt ends after --connect-timeout, and sluice tries again.
db=$(pg_db held)
start_sluice run import contacts.csv --db "postgresql://sluice@127.0.0.1:$port/held" \
	--batch-size "$size" --batch-delay "$delay" --connect-timeout 2 --progress jsonl --json
pg_wait_rows "$db" 300 "$pid"
order hold-new
order cut
wait_after "$said" '^held$' >/dev/null
n=$(wc -l <proxy.out)
wait_after "$n" '^held$' >/dev/null
order normal
finish "$pid"
assert_eq "$rc" 1 "held: the import completes once connections are forwarded again"
assert_match "$(cat run.err)" "reconnecting \\(attempt 2\\)" "held: a held attempt ended and another was made"
exact held "$db"

# sluice's first connection held: tried again, with retry events.
db=$(pg_db first_held)
order hold-new
start_sluice run import contacts.csv --db "postgresql://sluice@127.0.0.1:$port/first_held" \
	--batch-size "$size" --connect-timeout 2 --progress jsonl --json
wait_for run.err 'Cannot reach .*connecting again' "$pid" >/dev/null
order normal
finish "$pid"
assert_eq "$rc" 1 "first_held: the import completes once its first connection is made"
assert_match "$(cat run.err)" "Cannot reach postgresql://sluice@127.0.0.1:$port/first_held; connecting again \\(attempt 2\\)" \
	"first_held: a retry event says the database cannot be reached yet"
exact first_held "$db"

# Held for longer than --reconnect-for: interrupted, exit code 3, error
# type connection, safe to resume; then resumed exactly.
db=$(pg_db away)
start_sluice run import contacts.csv --db "postgresql://sluice@127.0.0.1:$port/away" \
	--batch-size "$size" --batch-delay "$delay" --connect-timeout 2 --reconnect-for 3s --progress jsonl --json
pg_wait_rows "$db" 300 "$pid"
order hold-new
order cut
finish "$pid"
order normal
assert_eq "$rc" 3 "away: the import stops once --reconnect-for has passed (exit code 3)"
assert_eq "$(json .status run.out) $(json .last_error_type run.out) $(json .error.type run.out)" \
	"interrupted connection connection" "away: its report says interrupted, error type connection"
assert_match "$(json .last_error run.out)" "connection to the PostgreSQL server was lost.*safe to resume: sluice resume 1" \
	"away: its last error says the connection was lost and that it is safe to resume"
assert_eq "$(jq '.created + .updated + .merged + .unchanged + .skipped + .rejected + .failed + .not_processed' run.out)" \
	"$rows" "away: its counts add up to the file's rows"
run_sluice resume 1 --db "postgresql://sluice@127.0.0.1:$port/away"
assert_eq "$rc" 1 "away: sluice resume completes"
exact away "$db"

done_testing
