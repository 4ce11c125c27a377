#!/bin/bash
# Against PostgreSQL the notices work as with SQLite: the after-import
# command runs once per end with the database's password masked in
# SLUICE_DB, and its outcome is journaled (sluice_import_notices) and
# shown by sluice show; an interrupted import that is resumed is told at
# each end.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
export SLUICE_SYSTEM_CONFIG=$T/no-system.conf XDG_CONFIG_HOME=$T/config

pg_start
pg_db notices >/dev/null
url="postgresql://sluice:s3cret@127.0.0.1:$PG_PORT/notices"
masked="postgresql://sluice:***@127.0.0.1:$PG_PORT/notices"
plain="postgresql://sluice@127.0.0.1:$PG_PORT/notices"

gen_contacts --rows 40 --seed 165 --invalid-rate 0.1 --out contacts.csv
cat >hook.sh <<'SH'
#!/bin/sh
echo "$SLUICE_IMPORT_ID $SLUICE_STATUS $SLUICE_TABLE $SLUICE_DB" >>"$HOOK_LOG"
echo "told $SLUICE_IMPORT_ID"
SH
chmod +x hook.sh
export HOOK_LOG=$T/hook.log

run_sluice import contacts.csv --db "$url" --after-import "$T/hook.sh"
assert_exit 1 "an import into PostgreSQL with an after-import command"
assert_eq "$(cat hook.log)" "1 completed_with_errors contacts $masked" \
	"the command ran once, with the password masked in SLUICE_DB"
assert_eq "$(pq "$plain" 'SELECT count(*) FROM sluice_import_notices WHERE import_id = 1')" 1 "one end journaled"
run_sluice show 1 --db "$url" --json
assert_eq "$(json '.notices[0] | [.channel, .outcome, .output] | join(" ")')" "command delivered told 1" \
	"sluice show gives its outcome and output"

# Killed after its first batch (no notice: the process is gone), then
# resumed: the resumed end is told, once.
: >hook.log
SLUICE_TEST_CRASH_AFTER_COMMITS=1 run_sluice import contacts.csv --db "$url" --batch-size 10 --after-import "$T/hook.sh"
assert_eq "$(cat hook.log)" "" "a killed import tells nothing"
run_sluice resume 2 --db "$url" --after-import "$T/hook.sh"
assert_exit 1 "resume finishes it"
assert_eq "$(cut -d' ' -f1-2 hook.log)" "2 completed_with_errors" "the resumed import is told once"

done_testing
