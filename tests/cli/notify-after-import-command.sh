#!/bin/bash
# --after-import CMD runs once when the import ends, whatever the end, with
# the import in its environment; a failing or slow command never undoes
# the import nor changes the exit code, and what it did is journaled. An
# interrupted import is told, and its resume is told again: once per end.
. "$(dirname "$0")/notify-lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

gen_contacts --rows 50 --seed 162 --invalid-rate 0.1 --out contacts.csv
cat >hook.sh <<'SH'
#!/bin/sh
{
	echo "run"
	env | grep -E '^SLUICE_(DB|IMPORT_ID|STATUS|TABLE|WEBHOOK_SECRET)=' | sort
	echo "report $SLUICE_REPORT_JSON"
	jq -c '[.id, .status, .total]' "$SLUICE_REPORT_JSON"
} >>"$HOOK_LOG"
SH
chmod +x hook.sh
export HOOK_LOG=$T/hook.log

SLUICE_WEBHOOK_SECRET=not-for-hooks run_sluice import contacts.csv --db t.db --after-import "$T/hook.sh" --json
assert_exit 1 "the import ends as without the command"
id=$(json .id)
assert_eq "$(grep -c '^run$' hook.log)" 1 "the command ran once"
assert_eq "$(grep '^SLUICE_' hook.log | tr '\n' ' ')" \
	"SLUICE_DB=t.db SLUICE_IMPORT_ID=$id SLUICE_STATUS=completed_with_errors SLUICE_TABLE=contacts " \
	"with SLUICE_IMPORT_ID, SLUICE_STATUS, SLUICE_TABLE and SLUICE_DB (the secret is not passed on)"
assert_eq "$(tail -n 1 hook.log)" "$(jq -c '[.id, .status, .total]' "$T/out")" "SLUICE_REPORT_JSON holds the --json object"
report=$(sed -n 's/^report //p' hook.log)
if [ -n "$report" ] && [ ! -e "$report" ]; then
	pass "the report file is removed afterwards"
else
	fail "the report file is removed afterwards" "$report"
fi

# A failing command: the import stays committed, the exit code is the same.
run_sluice import contacts.csv --db f.db --after-import 'echo first line; echo "it broke" >&2; exit 3'
assert_exit 1 "a failing command leaves the exit code alone"
fid=$(last_import_id f.db)
assert_eq "$(sq f.db "SELECT status FROM sluice_imports WHERE id = $fid")" completed_with_errors "the import stays committed"
assert_eq "$(sq f.db 'SELECT count(*) FROM contacts')" "$(sq f.db "SELECT created FROM sluice_imports WHERE id = $fid")" \
	"its records are there"
assert_match "$(cat "$T/err")" "after-import command FAILED \(exit status 3\); the import stands" "the failure is said"
run_sluice show "$fid" --db f.db --json
assert_eq "$(json '.notices[0] | [.channel, .outcome, (.exit_status | tostring), .output] | join("|")')" \
	"command|failed|3|first line
it broke" "its exit status and last lines are journaled"

# A command that takes too long is stopped; the import stands.
run_sluice import contacts.csv --db s.db --after-import 'sleep 30' --after-import-timeout 1s
assert_exit 1 "a slow command: the exit code stands"
run_sluice show 1 --db s.db --json
assert_match "$(json '.notices[0] | .outcome + " " + .detail')" "^failed stopped after 1 s" "it is stopped at its time limit"

# Interrupted (time limit while the database is locked), then resumed: the
# command runs at each end, once, with its status.
: >hook.log
run_sluice import contacts.csv --db r.db --batch-size 10
start_holder r.db
hold 'BEGIN IMMEDIATE;' >/dev/null
start_sluice start import contacts.csv --db r.db --batch-size 10 --max-duration 1s \
	--retries 10 --retry-base 50 --progress=jsonl --after-import "$T/hook.sh"
wait_for start.err '"kind":"retry"' "$pid" >/dev/null
release_lock
finish "$pid"
stop_holder
assert_eq "$rc" 3 "the import is interrupted (exit 3)"
assert_eq "$(grep '^SLUICE_STATUS' hook.log | tr '\n' ' ')" "SLUICE_STATUS=interrupted " "the interrupted end is told"
run_sluice resume 2 --db r.db --after-import "$T/hook.sh"
assert_exit 1 "resume finishes it"
assert_eq "$(grep '^SLUICE_STATUS' hook.log | tr '\n' ' ')" "SLUICE_STATUS=interrupted SLUICE_STATUS=completed_with_errors " \
	"the resumed end is told too, each end once"
assert_eq "$(sq r.db 'SELECT count(*) FROM sluice_import_notices WHERE import_id = 2')" 2 "two ends journaled"

done_testing
