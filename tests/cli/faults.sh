# Helpers for the engine and fault tests (tests/cli/engine-*.sh and
# tests/cli/fault-*.sh), sourced after lib.sh. They drive sluice in the
# background and hold it where the test needs it without assuming anything
# about the machine's speed: a process is frozen with SIGSTOP and the kernel
# is asked whether it stopped; another process holds the database's write
# lock so that a batch cannot commit; the test waits for a line sluice
# writes, or for a state of the journal, never for a length of time.
#
# What a test gets:
#   processes: start_sluice NAME ARGS… ($pid; NAME.out, NAME.err),
#              finish PID (sets $rc), alive PID, freeze PID, thaw PID,
#              wait_for FILE REGEX PID, complete_lines FILE, wait_gone PID
#   the lock:  start_holder DB, hold SQL, release_lock, stop_holder
#   catching:  catch_between_batches PID DB MIN_ROWS MAX_ROWS [nofreeze]
#   answers:   table_dump DB, integrity DB, import_row DB ID COLUMNS,
#              import_adds_up DB ID, jsonl_lines FILE TYPE
#   at exit:   every sluice started and the lock holder are killed, then
#              $faults_at_exit runs: the exit hook the test had before
#              (tests/tui/lib.sh: its tmux servers stopped), or a
#              function the test sets.

command -v mkfifo >/dev/null 2>&1 || skip_all "mkfifo is not available"

faults_pids=
faults_at_exit=${tap_at_exit:-}
holder=
faults_cleanup() {
	local p
	for p in $faults_pids; do
		kill -CONT "$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	[ -z "$holder" ] || kill "$holder" 2>/dev/null
	exec 3>&- 4<&-
	wait 2>/dev/null
	[ -z "$faults_at_exit" ] || "$faults_at_exit"
}
tap_at_exit=faults_cleanup

# --- Processes ------------------------------------------------------------------

# proc_state PID: the state letter of PID in /proc (R, S, D, T, t, Z, …), or
# nothing when there is no such process.
proc_state() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}

# alive PID: PID exists and has not ended (a zombie has ended).
alive() {
	local s
	s=$(proc_state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# freeze PID: SIGSTOP, then wait until the kernel shows it stopped, so that
# it cannot take one more step after the signal is sent.
freeze() {
	local s
	kill -STOP "$1" 2>/dev/null || return 0
	while s=$(proc_state "$1") && [ -n "$s" ] && [ "$s" != T ] && [ "$s" != t ] &&
		[ "$s" != Z ] && [ "$s" != X ]; do
		:
	done
}

thaw() {
	kill -CONT "$1" 2>/dev/null
	return 0
}

# start_sluice NAME ARGS…: sluice ARGS in the background, stdout in NAME.out,
# stderr in NAME.err; its process id in $pid.
pid=
start_sluice() {
	local name=$1
	shift
	: >"$name.err"
	"$SLUICE" "$@" >"$name.out" 2>"$name.err" </dev/null &
	pid=$!
	faults_pids="$faults_pids $pid"
}

# finish PID: waits for a sluice started by start_sluice; its exit code in $rc
# (bash's notice of a process killed by a signal is left out).
finish() {
	rc=0
	{ wait "$1"; } 2>/dev/null || rc=$?
	faults_pids=$(printf '%s\n' $faults_pids | grep -vx -- "$1" | tr '\n' ' ')
}

# Every wait has a bound, so that a hung sluice fails the test instead of
# hanging make check. Generous: a bound is not a timing assumption.
FAULTS_PATIENCE=${FAULTS_PATIENCE:-300}

# complete_lines FILE: the lines of FILE that are whole (end with a newline):
# sluice's stderr is unbuffered, so a line may be seen half written.
complete_lines() {
	local c
	c=$(cat "$1" 2>/dev/null; echo .)
	c=${c%.}
	case $c in
	*$'\n') ;;
	*$'\n'*) c=${c%$'\n'*}$'\n' ;;
	*) c= ;;
	esac
	printf '%s' "$c"
}

# wait_for FILE REGEX PID: waits until a whole line of FILE matches REGEX
# (grep -E) and prints the first such line; returns 1 when PID ended first.
wait_for() {
	local file=$1 re=$2 p=$3 end=$((SECONDS + FAULTS_PATIENCE))
	while :; do
		if complete_lines "$file" | grep -E -m1 -- "$re"; then
			return 0
		fi
		if ! alive "$p" || [ "$SECONDS" -ge "$end" ]; then
			complete_lines "$file" | grep -E -m1 -- "$re" && return 0
			return 1
		fi
		sleep 0.02
	done
}

# wait_gone PID: waits until PID (not necessarily a child) has ended.
wait_gone() {
	local end=$((SECONDS + FAULTS_PATIENCE))
	while alive "$1" && [ "$SECONDS" -lt "$end" ]; do
		sleep 0.05
	done
	! alive "$1"
}

# --- Another process holding the write lock ---------------------------------------

# start_holder DB: a sqlite3 on DB that runs what `hold` sends it. It does not
# wait for locks (no busy timeout): a refused lock is an answer.
start_holder() {
	rm -f holder.in holder.out
	mkfifo holder.in holder.out
	sqlite3 -batch "$1" <holder.in >holder.out 2>&1 &
	holder=$!
	exec 3>holder.in 4<holder.out
}

# hold SQL: runs SQL in the holder and prints what it printed.
hold() {
	local line out=
	printf "%s\nSELECT '--done--';\n" "$1" >&3
	while IFS= read -r -t "$FAULTS_PATIENCE" line <&4; do
		[ "$line" = --done-- ] && break
		out+=$line$'\n'
	done
	printf '%s' "$out"
}

# release_lock: ends the holder's transaction, if it has one.
release_lock() {
	hold 'ROLLBACK;' >/dev/null
}

stop_holder() {
	[ -n "$holder" ] || return 0
	printf '.quit\n' >&3
	exec 3>&- 4<&-
	wait "$holder" 2>/dev/null
	holder=
}

# catch_between_batches PID DB MIN_ROWS MAX_ROWS [nofreeze]: takes the write
# lock at a moment when the sluice PID importing into DB is between two
# transactions and its import (the latest one in DB run by PID) has
# committed from MIN_ROWS to MAX_ROWS rows. Returns 0 with the holder holding
# the write lock (so that no batch can commit), PID frozen and the import's
# rows_done in $caught_rows; returns 1, the holder holding nothing, when PID
# ended before that. sluice is frozen at each attempt, so that it does not
# run far between two; with nofreeze (tmux continues a stopped pane) it is
# never frozen, and held by the lock alone. Give the import a --batch-delay
# (20 ms will do): it then spends most of its time between two
# transactions, where a freeze can catch it, instead of inside one, which
# under load it might never be caught out of before it ends.
caught_rows=
catch_between_batches() {
	local p=$1 db=$2 min=$3 max=$4 how=${5:-freeze} state
	while alive "$p"; do
		[ "$how" = nofreeze ] || freeze "$p"
		if hold 'BEGIN IMMEDIATE;' | grep -Eqi 'locked|busy'; then
			thaw "$p"	# inside a transaction: let it go on
			continue
		fi
		state=$(hold "SELECT status || ' ' || rows_done FROM sluice_imports
		              WHERE pid = $p ORDER BY id DESC LIMIT 1;" 2>/dev/null)
		case $state in
		"running "[0-9]*)
			caught_rows=${state#running }
			if [ "$caught_rows" -ge "$min" ] && [ "$caught_rows" -le "$max" ]; then
				return 0
			fi
			if [ "$caught_rows" -gt "$max" ]; then
				release_lock
				thaw "$p"
				return 1
			fi
			;;
		esac
		release_lock
		thaw "$p"
	done
	return 1
}

# --- Answers ------------------------------------------------------------------------

# table_dump DB [TABLE]: every column but imported_from (which names the
# import that wrote the row, and so differs between databases), in id order.
table_dump() {
	local table=${2:-contacts} cols
	cols=$(sq "$1" "SELECT group_concat('quote(\"' || name || '\")', ' || ''|'' || ')
	                FROM pragma_table_info('$table') WHERE name != 'imported_from'")
	sq "$1" "SELECT $cols FROM \"$table\" ORDER BY id"
}

# integrity DB: PRAGMA integrity_check's answer.
integrity() {
	sq "$1" 'PRAGMA integrity_check' 2>&1
}

# import_row DB ID COLUMNS: some columns of one import, '|'-separated.
import_row() {
	sq "$1" "SELECT $3 FROM sluice_imports WHERE id = $2"
}

# import_adds_up DB ID: prints nothing when the import's counts add up and
# its cursor is where its written rows end; else what is wrong.
import_adds_up() {
	sq "$1" "SELECT 'total ' || coalesce(total, 'NULL') || ', outcomes ' ||
	                (created + updated + merged + unchanged + skipped + rejected + failed + not_processed) ||
	                ', rows_done ' || rows_done || ', written ' ||
	                (created + updated + merged + unchanged + skipped + rejected + failed) ||
	                ', not_processed ' || not_processed
	           FROM sluice_imports WHERE id = $2 AND NOT (
	                total IS NOT NULL AND
	                total = created + updated + merged + unchanged + skipped + rejected + failed + not_processed AND
	                rows_done = created + updated + merged + unchanged + skipped + rejected + failed AND
	                not_processed = total - rows_done)
	         UNION ALL SELECT 'no import $2' WHERE NOT EXISTS (SELECT 1 FROM sluice_imports WHERE id = $2)"
}

# jsonl_lines FILE TYPE: the JSON lines of FILE whose "type" is TYPE, as a
# JSON array (lines that are not JSON are left out).
jsonl_lines() {
	jq -R --arg t "$2" 'fromjson? | select(type == "object" and .type == $t)' "$1" | jq -s .
}
