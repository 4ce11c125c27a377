#!/bin/bash
# --progress=jsonl writes one JSON object per line on stderr and nothing
# else: snapshots ("type":"progress": status, percent, rows_done, rows_total,
# total_exact, the outcome counts, batch, batches_total, elapsed_s,
# rows_per_s, rows_per_min, eta_s) whose rows_done never goes back and whose
# last one, on a completed import, says 100 % of an exact total; and events
# ("type":"event": kind, batch, elapsed_s, message) for what a person should
# notice: a retry, a batch replayed row by row, rows the database refused,
# and events dropped because the reader fell behind, said rather than lost.
#
# No timing is assumed: the retry comes from a lock held until sluice has
# said it retries; refused rows come from a trigger; the reader falls behind
# because it does not read its pipe until the import is over.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

outcomes='["created","updated","merged","unchanged","skipped","rejected","failed","not_processed"]'
kinds='["info","retry","replay","rows_failed","time_limit","storage","paused","resumed","cancelled","dropped"]'

# only_json_lines FILE: prints the lines of FILE that are not a JSON object
# of type progress or event.
only_json_lines() {
	jq -R -r 'if (fromjson? | type == "object" and (.type == "progress" or .type == "event"))
	          then empty else . end' "$1"
}

# snapshots_well_formed FILE: prints what is wrong with the snapshots of FILE.
snapshots_well_formed() {
	jsonl_lines "$1" progress | jq -r --argjson o "$outcomes" '
	  .[] | . as $s |
	  (["status", "percent", "rows_done", "rows_total", "total_exact", "batch", "batches_total",
	    "elapsed_s", "rows_per_s", "rows_per_min", "eta_s"] + $o)[] |
	  . as $k | select(($s | has($k)) | not) | "a snapshot has no \($k): \($s | tojson)"' 2>&1
	jsonl_lines "$1" progress | jq -r --argjson o "$outcomes" '
	  .[] | select((.status | type) != "string" or (.total_exact | type) != "boolean" or
	               ([.percent, .rows_done, .rows_total, .batch, .batches_total, .elapsed_s,
	                 .rows_per_s, .rows_per_min, .eta_s] + [.[$o[]]] | map(type) | unique) != ["number"])
	  | "a snapshot has a value of the wrong type: \(tojson)"' 2>&1
}

# events_well_formed FILE: prints what is wrong with the events of FILE.
events_well_formed() {
	jsonl_lines "$1" event | jq -r --argjson k "$kinds" '
	  .[] | select((.kind as $x | $k | index($x)) == null or (.message | type) != "string" or
	               .message == "" or (.batch | type) != "number" or (.elapsed_s | type) != "number")
	  | "an event is not well formed: \(tojson)"' 2>&1
}

# --- A completed import ---------------------------------------------------------------

rows=3000
gen_contacts --rows "$rows" --seed 221 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
"$SLUICE" import contacts.csv --db progress.db --batch-size 50 --progress=jsonl --json \
	>report.json 2>progress.err </dev/null && rc=0 || rc=$?
assert_eq "$rc" 1 "the import ends with exit code 1 (some rows rejected)"
assert_eq "$(only_json_lines progress.err)" "" "every line on stderr is a JSON progress snapshot or event"
snaps=$(jsonl_lines progress.err progress)
assert_eq "$(jq 'length > 0' <<<"$snaps")" true "snapshots are written"
assert_eq "$(snapshots_well_formed progress.err)" "" \
	"every snapshot has status, percent, rows_done, rows_total, total_exact, the counts, batch, batches_total, elapsed_s, rows_per_s, rows_per_min and eta_s"
assert_eq "$(jq '[.[].rows_done] | . as $r | all(range(1; length); $r[.] >= $r[. - 1])' <<<"$snaps")" true \
	"rows_done never decreases"
assert_eq "$(jq -r '[.[] | select(.created + .updated + .merged + .unchanged + .skipped + .rejected + .failed != .rows_done)] | length' <<<"$snaps")" 0 \
	"in every snapshot the written outcomes add up to rows_done"
assert_eq "$(jq -r '[.[] | select(.rows_total > 0 and ((.percent - 100 * .rows_done / .rows_total) | fabs) > 0.01)] | length' <<<"$snaps")" 0 \
	"in every snapshot percent is rows_done of rows_total"
last=$(jq -c '.[-1]' <<<"$snaps")
assert_eq "$(jq -r '[.status, .percent, .total_exact, .rows_done, .rows_total, .not_processed] | map(tostring) | join(" ")' <<<"$last")" \
	"completed_with_errors 100 true $rows $rows 0" \
	"the last snapshot: completed, 100 %, an exact total of $rows rows, all done"
assert_eq "$(jq -r '[.batch, .batches_total] | map(tostring) | join(" ")' <<<"$last")" "60 60" \
	"the last snapshot: batch 60 of 60"
assert_eq "$(jq -r '[.rows_done, .created, .updated, .merged, .unchanged, .skipped, .rejected, .failed, .not_processed] | map(tostring) | join(" ")' <<<"$last")" \
	"$(json_counts report.json)" "the last snapshot's counts are the report's"
assert_eq "$(jq -r '.[:-1] | map(select(.status != "running")) | length' <<<"$snaps")" 0 \
	"every snapshot before the last says running"

# --- A retry, while another process holds the write lock ------------------------------

run_sluice import contacts.csv --db retry.db --batch-size 50
start_holder retry.db
assert_eq "$(hold 'BEGIN IMMEDIATE;')" "" "another process takes the write lock"
start_sluice retry import contacts.csv --db retry.db --batch-size 50 --retries 10 --retry-base 50 --progress=jsonl
retry=$(wait_for retry.err '"type":"event","kind":"retry"' "$pid")
release_lock
finish "$pid"
stop_holder
assert_eq "$(jq -r '[.type, .kind, (.message | test("busy|locked"; "i"))] | map(tostring) | join(" ")' <<<"$retry" 2>&1)" \
	"event retry true" "a retry is an event of kind retry whose message says the database is busy"
assert_eq "$rc $(import_row retry.db 2 status)" "1 completed_with_errors" \
	"after the retries the import completes (exit code 1: the invalid rows are rejected again)"
assert_eq "$(only_json_lines retry.err)" "" "with retries too, stderr holds only JSON lines"
assert_eq "$(events_well_formed retry.err)" "" "every event has a known kind, a batch, elapsed_s and a message"
assert_eq "$(snapshots_well_formed retry.err)" "" "every snapshot is well formed"

# --- Rows the database refuses: the batch is replayed row by row -------------------------
#
# A trigger refuses contacts whose phone ends in 00 (about 1 % of them). At
# most 30 batches of 100 rows can be replayed, so the at most 60 events fit
# in the ring and none can be dropped: every refused row is told.

sq refuse.db "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,
                phone TEXT, company TEXT, job_title TEXT, birthday TEXT, country TEXT, tags TEXT,
                status TEXT, notes TEXT, imported_from INTEGER);
              CREATE TRIGGER refuse BEFORE INSERT ON contacts WHEN NEW.phone LIKE '%00'
                BEGIN SELECT RAISE(ABORT, 'this number range is blocked'); END;"
"$SLUICE" import contacts.csv --db refuse.db --batch-size 100 --progress=jsonl --json \
	>refuse.json 2>refuse.err </dev/null && rc=0 || rc=$?
assert_eq "$rc" 1 "an import with refused rows ends with exit code 1"
failed=$(json .failed refuse.json)
[ "$failed" -gt 0 ] 2>/dev/null && pass "the refused rows are counted as failed ($failed)" ||
	fail "the refused rows are counted as failed" "failed: $failed" "$(tail -n 3 refuse.err)"
assert_eq "$(sq refuse.db "SELECT count(*) FROM contacts WHERE phone LIKE '%00'")" 0 "no refused row is stored"
events=$(jsonl_lines refuse.err event)
assert_eq "$(jq -r '[.[] | select(.kind == "replay")] | length' <<<"$events")" \
	"$(sq refuse.db "SELECT count(DISTINCT batch_no) FROM sluice_import_batches WHERE import_id = 1 AND status = 'replayed'")" \
	"a replay event for each batch written row by row"
assert_eq "$(jq -r '[.[] | select(.kind == "rows_failed") | .message | capture("(?<n>[0-9]+) rows? (was|were) refused").n | tonumber] | add // 0' <<<"$events")" \
	"$failed" "the rows_failed events count every refused row"
assert_eq "$(jq -r '[.[] | select(.kind == "rows_failed" or .kind == "replay") | select(.batch < 1)] | length' <<<"$events")" 0 \
	"replay and rows_failed events name their batch"
assert_eq "$(jq -r '[.[] | select(.kind == "dropped")] | length' <<<"$events")" 0 "no event was dropped"
assert_eq "$(events_well_formed refuse.err)" "" "every event is well formed"
assert_eq "$(import_adds_up refuse.db 1)" "" "the counts add up"

# --- A reader that falls behind: dropped events are announced ------------------------------
#
# Now one contact in ten is refused in batches of 10: some 400 events. The
# test reads sluice's stderr through a pipe of 4 KiB and does not read it
# until the import is journaled as finished, so sluice's display blocks
# after a few lines while the engine goes on (it never waits for a
# display): the ring of 64 events overflows for certain.

sq dropped.db "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,
                 phone TEXT, company TEXT, job_title TEXT, birthday TEXT, country TEXT, tags TEXT,
                 status TEXT, notes TEXT, imported_from INTEGER);
               CREATE TRIGGER refuse BEFORE INSERT ON contacts WHEN NEW.phone LIKE '%0'
                 BEGIN SELECT RAISE(ABORT, 'this number range is blocked'); END;"
mkfifo slow.fifo
"$PYTHON" - slow.fifo slow.err slow.go <<'PY' &
import fcntl, os, sys, time
fifo, out, go = sys.argv[1:4]
fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
fcntl.fcntl(fd, 1031, 4096)  # F_SETPIPE_SZ: the smallest pipe
open(out + ".ready", "w").close()
while not os.path.exists(go):
    time.sleep(0.02)
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
with open(out, "wb") as f:
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        f.write(b)
PY
reader=$!
while [ ! -e slow.err.ready ] && alive "$reader"; do sleep 0.02; done
"$SLUICE" import contacts.csv --db dropped.db --batch-size 10 --progress=jsonl --json \
	>dropped.json 2>slow.fifo </dev/null &
pid=$!
faults_pids="$faults_pids $pid $reader"
end=$((SECONDS + FAULTS_PATIENCE))
while alive "$pid" && [ "$SECONDS" -lt "$end" ] &&
	[ "$(sq dropped.db 'SELECT status FROM sluice_imports WHERE id = 1' 2>/dev/null)" != completed_with_errors ]; do
	sleep 0.05
done
touch slow.go
finish "$pid"
wait "$reader"
assert_eq "$rc" 1 "with a display that falls behind, the import still ends with exit code 1"
events=$(jsonl_lines slow.err event)
dropped=$(jq -r '[.[] | select(.kind == "dropped") | .message | capture("(?<n>[0-9]+) events? (was|were) dropped").n | tonumber] | add // 0' <<<"$events")
[ "$dropped" -gt 0 ] 2>/dev/null && pass "dropped events are announced by a dropped event ($dropped dropped)" ||
	fail "dropped events are announced by a dropped event" "$(jq -r '.[].kind' <<<"$events" | sort | uniq -c)"
replayed=$(sq dropped.db "SELECT count(DISTINCT batch_no) FROM sluice_import_batches WHERE import_id = 1 AND status = 'replayed'")
assert_eq "$(( $(jq -r '[.[] | select(.kind == "replay" or .kind == "rows_failed")] | length' <<<"$events") + dropped ))" \
	"$((2 * replayed))" "every event is either shown or counted as dropped: none goes silently"
assert_eq "$(only_json_lines slow.err)" "" "stderr still holds only JSON lines"
last=$(jsonl_lines slow.err progress | jq -c '.[-1]')
assert_eq "$(jq -r '[.status, .percent, .total_exact] | map(tostring) | join(" ")' <<<"$last")" \
	"completed_with_errors 100 true" "the last snapshot still says 100 % of an exact total"
assert_eq "$(import_adds_up dropped.db 1)" "" "the counts add up"

done_testing
