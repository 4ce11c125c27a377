#!/bin/bash
# sluice restore into PostgreSQL: the tables of a JSON backup, parents
# first, a missing parent rejected (store_exists on the server), the same
# tables as in SQLite; a kill -9 then a second restore ends as a clean
# one; a restore run again creates nothing; --rollback undoes it all.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
export XDG_STATE_HOME=$T/state

"$PYTHON" - <<'PY'
import json
users = [{"id": 1000 + i, "email": "u%d@example.org" % i, "joined": "2024-01-%02d" % (1 + i % 28)}
         for i in range(120)]
items = [{"id": i + 1, "name": "Item %d" % i, "userId": 1000 + i % 120, "dims": {"w": i}}
         for i in range(200)]
items[4]["userId"] = 77
with open("backup.json", "w") as f:
    json.dump({"meta": {"v": 1}, "items": items, "users": users}, f)
PY

dump_pg() {
	pq "$1" "SELECT 'users|' || source_id || '|' || email || '|' || coalesce(joined::text, '') FROM users ORDER BY 1"
	pq "$1" "SELECT 'items|' || source_id || '|' || name || '|' || \"userId\" || '|' || dims FROM items ORDER BY 1"
}
dump_sqlite() {
	sq "$1" "SELECT 'users|' || source_id || '|' || email || '|' || coalesce(joined, '') FROM users ORDER BY 1"
	sq "$1" "SELECT 'items|' || source_id || '|' || name || '|' || userId || '|' || dims FROM items ORDER BY 1"
}

clean=$(pg_db clean)
url=$clean
run_sluice restore backup.json --db "$url" --batch-size 40 --json
assert_exit 1 "the backup is restored into PostgreSQL, one item rejected"
assert_eq "$(json '.order | join(",")')" "users,items" "users before items"
assert_eq "$(json '.tables.items.rejected'),$(json '.tables.items.created'),$(json '.tables.users.created')" "1,199,120" \
	"per-table counts"
assert_eq "$(pq "$url" "SELECT message FROM sluice_import_errors")" "userId refers to users 77, which is missing." \
	"the missing parent is named"
restore=$(json '.restore')
assert_eq "$(pq "$url" "SELECT string_agg(sheet || ':' || (restore_id = $restore)::text, ',' ORDER BY id) FROM sluice_imports")" \
	"users:true,items:true" "each table's import carries the restore (the id of its first import)"
run_sluice show "$(json '.tables.items.id')" --db "$url"
assert_match "$(grep '^  users ' out)" "import $restore .*120 processed: 120 created" "show lists the sibling table"
assert_match "$(grep '^  all tables' out)" "320 of 320 rows processed: 319 created, .* 1 rejected" "and the overall line"
assert_match "$(grep '^  meta:' out)" '\{"v":1\}' "the backup's other member is kept in the journal"
run_sluice report "$restore" --db "$url" --csv-summary -
assert_eq "$(awk -F, 'NR > 1 { print $7 ":" $14 ":" $NF }' out | tr -d '\r' | tr '\n' ' ')" \
	"users:120:$restore items:199:$restore " "the CSV summary has a line per table"
run_sluice restore backup.json --db clean.db --batch-size 40
reference=$(dump_sqlite clean.db)
assert_eq "$(dump_pg "$url")" "$reference" "the same tables as in SQLite"

run_sluice restore backup.json --db "$url" --batch-size 40 --json
assert_eq "$(json '[.tables[] | .created] | add'),$(json '[.tables[] | .unchanged] | add')" "0,319" \
	"a second restore creates nothing"

for n in 2 5; do
	url=$(pg_db "killed$n")
	rc=0
	{ SLUICE_TEST_CRASH_AFTER_COMMITS=$n "$SLUICE" restore backup.json --db "$url" --batch-size 40 \
		--progress=none >run.out 2>run.err </dev/null; } 2>/dev/null || rc=$?
	assert_eq "$rc" 137 "restore killed after commit $n"
	run_sluice restore backup.json --db "$url" --batch-size 40
	assert_exit 1 "the restore goes on after the kill at commit $n"
	assert_eq "$(dump_pg "$url")" "$reference" "killed after commit $n, then restored: as a clean restore"
	assert_eq "$(pq "$url" "SELECT count(*) FROM sluice_imports")" 2 "killed after commit $n: one import per table"
done

url=$clean
run_sluice restore backup.json --db "$url" --rollback
assert_exit 0 "the whole restore is rolled back"
assert_eq "$(pq "$url" "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM items)")" 0 "both tables are empty again"

done_testing
