#!/bin/bash
# A lost terminal (an SSH session dropping) does not stop an import: sluice
# runs in a tmux session that is killed mid-import (the terminal hangs up:
# SIGHUP); sluice stops writing to the dead terminal (its standard streams
# go to /dev/null) and finishes the import, completed with exact counts.
#
# No timing is assumed: another process takes the write lock between two
# batches, so sluice cannot commit the next one; the session is killed, and
# only once sluice has let go of the terminal is the lock released.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

rows=10000
size=50
gen_contacts --rows "$rows" --seed 261 --dup-rate 0.1 --out contacts.csv --manifest contacts.json

unset TMUX
tmux_() {
	tmux -S "$T/tmux.sock" -f /dev/null "$@"
}
stop_tmux() {
	tmux_ kill-server 2>/dev/null
}
faults_at_exit=stop_tmux

# The session's shell waits on a FIFO before it becomes sluice, so that the
# test is ready to catch sluice before it starts. tmux sends SIGCONT to a
# stopped pane, so here sluice is held by the lock alone, never frozen.
mkfifo gate
importer=$(tmux_ new-session -d -s import -x 120 -y 30 -P -F '#{pane_pid}' \
	"read go <gate; exec env SLUICE_SCHEMA_DIR='$SLUICE_SCHEMA_DIR' '$SLUICE' import contacts.csv --db hup.db --batch-size $size --retries 10 --retry-base 50 --batch-delay 20")
[ -n "$importer" ] && pass "sluice runs in a tmux session (process $importer)" ||
	fail "sluice runs in a tmux session" "tmux said nothing"
# The pane's process gets its terminal a moment after tmux names it.
end=$((SECONDS + 10))
while ! readlink "/proc/$importer/fd/2" 2>/dev/null | grep -q '^/dev/pts/' && [ "$SECONDS" -lt "$end" ]; do
	sleep 0.05
done
assert_match "$(readlink "/proc/$importer/fd/2")" "^/dev/pts/" "its standard error is the session's terminal"
start_holder hup.db
echo go >gate
if catch_between_batches "$importer" hup.db $((2 * size)) $((rows - 4 * size)) nofreeze; then
	tmux_ kill-session -t import
	assert_eq "$(tmux_ has-session -t import 2>/dev/null && echo there || echo gone)" gone "the tmux session is killed"
	end=$((SECONDS + FAULTS_PATIENCE))
	while alive "$importer" && [ "$(readlink "/proc/$importer/fd/2")" != /dev/null ] && [ "$SECONDS" -lt "$end" ]; do
		sleep 0.05
	done
	assert_eq "$(readlink "/proc/$importer/fd/0") $(readlink "/proc/$importer/fd/1") $(readlink "/proc/$importer/fd/2")" \
		"/dev/null /dev/null /dev/null" "after the hangup sluice writes nothing to the dead terminal"
	alive "$importer" && pass "sluice keeps running after its terminal is gone" ||
		fail "sluice keeps running after its terminal is gone" "process $importer has ended"
	release_lock
	stop_holder
	wait_gone "$importer" && pass "the import then ends on its own" ||
		fail "the import then ends on its own" "process $importer is still there"
	assert_eq "$(import_row hup.db 1 "status || ' ' || pid")" "completed $importer" \
		"the journal says completed, by the process that lost its terminal"
	assert_eq "$(import_counts hup.db 1)" "$(manifest_counts contacts.json update)" "the counts are exact"
	assert_eq "$(sq hup.db 'SELECT count(*) FROM contacts')" "$(jq .unique_records contacts.json)" \
		"every contact is stored once"
	journal_consistent hup.db 1 "the journal tells one story"
	run_sluice history --db hup.db
	assert_match "$(cat "$T/out")" "^ +1 +completed " "history lists it as completed"
else
	stop_holder
	fail "sluice is caught between two batches" "it ended first"
fi

done_testing
