#!/bin/bash
# sluice import --detach checks the file and the mapping, starts the import
# in a session of its own, prints its id and returns at once; sluice watch
# follows it to its end, and its notices tell when it ended.
. "$(dirname "$0")/notify-lib.sh"

gen_contacts --rows 2000 --seed 164 --out contacts.csv
# The after-import command waits for a gate: while it waits the detached
# import has not ended (its notices are part of its end).
cat >hook.sh <<'SH'
#!/bin/sh
while [ ! -e "$GATE" ]; do sleep 0.05; done
echo "$SLUICE_IMPORT_ID $SLUICE_STATUS $PPID" >>"$HOOK_LOG"
SH
chmod +x hook.sh
export GATE=$T/gate HOOK_LOG=$T/hook.log

start=$(date +%s%N)
run_sluice import contacts.csv --db t.db --batch-size 100 --detach --after-import "$T/hook.sh"
took_ms=$((($(date +%s%N) - start) / 1000000))
assert_exit 0 "--detach returns exit 0"
id=$(cat "$T/out")
assert_eq "$id" 1 "it prints the import id"
diag "--detach returned after $took_ms ms"
assert_match "$(cat "$T/err")" "sluice watch 1 --db 't.db'" "and how to follow it"
if [ ! -e hook.log ]; then
	pass "it returned before the import ended"
else
	fail "it returned before the import ended" "$(cat hook.log)"
fi
touch gate
run_sluice watch "$id" --db t.db
assert_exit 0 "sluice watch follows it to its end (exit 0: all imported)"
for i in $(seq 1 200); do [ -s hook.log ] && break; sleep 0.05; done
assert_eq "$(cut -d' ' -f1-2 hook.log)" "1 completed" "its after-import command ran once, when it ended"
assert_eq "$(sq t.db 'SELECT status, total FROM sluice_imports WHERE id = 1')" "completed|2000" "the journal has it completed"

# With --json: {"id": …, "status": "running"}.
rm -f gate
run_sluice import contacts.csv --db t.db --detach --json --after-import "$T/hook.sh"
assert_eq "$(json '[.id, .status] | map(tostring) | join(" ")')" "2 running" "--json: the id and status running"
touch gate
run_sluice watch 2 --db t.db
assert_exit 0 "and watch follows that one too"

# A file that cannot be read is refused before anything is detached.
run_sluice import missing.csv --db t.db --detach --json
assert_exit 2 "a missing file is refused with exit 2"
assert_eq "$(json .status)" refused "with one JSON refusal"
assert_eq "$(wc -l <"$T/out" | tr -d ' ')" "$(json . | wc -l | tr -d ' ')" "and nothing else on standard output"
run_sluice import contacts.csv --db t.db --detach --dry-run
assert_exit 2 "a dry run is not detached"

done_testing
