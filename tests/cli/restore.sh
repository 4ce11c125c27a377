#!/bin/bash
# sluice restore: a JSON backup of three tables, children before parents in
# the file, restored parents first; one table with a schema file, the
# others inferred (nested values as JSON text); a missing parent rejected
# as a business error naming it; a cycle refused; a second restore creates
# nothing; kill -9 at several moments, then restore again, ends as a clean
# restore; --rollback undoes the whole restore; NDJSON lines naming their
# table in _table; a workbook's sheets with --sheet all.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

export XDG_STATE_HOME=$T/state
mkdir schemas
export SLUICE_SCHEMA_DIR=$T/schemas
cat >schemas/businesses.schema <<'SCHEMA'
[schema]
name = businesses
table = businesses
match_keys = ref

[field ref]
type = number
integer = yes
required = yes
synonyms = id

[field name]
type = text
required = yes

[field userId]
type = number
integer = yes
SCHEMA

# backup.json: items (300, each naming a business; item 7 names one that
# is not there), businesses (60, each naming a user), users (120).
"$PYTHON" - <<'PY'
import json
users = [{"id": 1000 + i, "email": "u%d@example.org" % i, "joined": "2024-01-%02d" % (1 + i % 28),
          "seen": "2024-02-01T10:%02d:00Z" % (i % 60), "admin": i % 7 == 0} for i in range(120)]
businesses = [{"id": 500 + i, "name": "Business %d" % i, "userId": 1000 + (i * 2) % 120}
              for i in range(60)]
items = [{"id": i + 1, "name": "Item %d" % i, "businessId": 500 + i % 60, "price": i * 1.25,
          "tags": ["t%d" % (i % 3)], "dims": {"w": i, "h": 2}} for i in range(300)]
items[6]["businessId"] = 9999
with open("backup.json", "w") as f:
    f.write('{"metadata": {"version": 3, "made": "2024-05-01"},\n"items": [\n')
    f.write(",\n".join(json.dumps(r) for r in items))
    f.write('],\n"businesses": [\n')
    f.write(",\n".join(json.dumps(r) for r in businesses))
    f.write('],\n"users": [\n')
    f.write(",\n".join(json.dumps(r) for r in users))
    f.write("]}\n")
PY

dump() {
	local db=$1
	for t in users businesses items; do
		cols=$(sq "$db" "SELECT group_concat('quote(\"' || name || '\")', ' || ''|'' || ')
		                FROM pragma_table_info('$t') WHERE name NOT IN ('imported_from', 'id')")
		sq "$db" "SELECT '$t|' || $cols FROM \"$t\" ORDER BY 1"
	done
}

run_sluice restore backup.json --db clean.db --batch-size 50 --json
assert_exit 1 "a restore with a rejected record exits 1 (completed with errors)"
assert_eq "$(json '.order | join(",")')" "users,businesses,items" "parents are restored before their children"
assert_eq "$(json '.tables.users.created'),$(json '.tables.businesses.created'),$(json '.tables.items.created')" \
	"120,60,299" "each table's records are created"
assert_eq "$(json '.tables.items.rejected')" 1 "the item whose business is missing is rejected"
assert_eq "$(json '.tables.businesses.schema_inferred'),$(json '.tables.users.schema_inferred')" "false,true" \
	"businesses.schema is used; users' schema is inferred"
assert_eq "$(json '.tables.items.references[0].table'),$(json '.tables.items.references[0].column')" \
	"businesses,businessId" "items refer to businesses through businessId"
assert_eq "$(sq clean.db "SELECT type || ': ' || message FROM sluice_import_errors e JOIN sluice_imports i ON i.id = e.import_id WHERE i.sheet = 'items'")" \
	"business: businessId refers to businesses 9999, which is missing." "the missing parent is named"
assert_eq "$(sq clean.db "SELECT dims || ' ' || tags FROM items WHERE source_id = 3")" '{"w":2,"h":2} ["t2"]' \
	"nested values are stored as JSON text"
assert_eq "$(sq clean.db "SELECT ref FROM businesses WHERE name = 'Business 4'")" 504 \
	"the schema file's key takes the backup's id"
schema=$(ls "$XDG_STATE_HOME"/sluice/schemas/*-users.schema)
assert_match "$(tr '\n' ' ' <"$schema")" 'match_keys = source_id .*\[field source_id\] type = number integer = yes .*\[field joined\] type = date .*\[field seen\] type = text .*\[field admin\] type = enum values = true, false' \
	"users' schema: integer key, date, date-time as text, boolean"
reference=$(dump clean.db)

# history names each import's table: the restore reads as counts per table
# (text, --csv and --json); show names the table of one of them.
run_sluice history --db clean.db
assert_eq "$(awk 'NR > 1 { print $(NF - 1) ":" $(NF - 4) ":" $(NF - 2) }' out | sort | tr '\n' ' ')" \
	"businesses:60:0 items:299:1 users:120:0 " "history's text names each table, with its counts"
assert_match "$(head -1 out)" "REJECTED +TABLE +FILE" "history's text has a TABLE column"
run_sluice history --db clean.db --csv
assert_eq "$(awk -F, 'NR > 1 { print $7 ":" $14 }' out | sort | tr '\n' ' ')" \
	"businesses:60 items:299 users:120 " "history --csv names each table, with its counts"
run_sluice history --db clean.db --json
assert_eq "$(json 'map(.target_table + ":" + (.rejected | tostring)) | sort | join(" ")')" \
	"businesses:0 items:1 users:0" "history --json names each table"
items=$(jq -r 'map(select(.target_table == "items")) | .[0].id' out)
run_sluice show "$items" --db clean.db
assert_match "$(head -1 out)" "^Import $items of .*backup.json into table items of " "show names the import's table"

run_sluice restore backup.json --db snapshots.db --batch-size 50 --progress jsonl
grep '"type":"progress"' out >snapshots
assert_eq "$(head -1 snapshots | jq -c '[.table, .tables.users, .tables.items, .restore]')" \
	'["users",{"processed":0,"total":120},{"processed":0,"total":300},{"processed":0,"total":480}]' \
	"the first snapshot names the table and each table's total (counted by the first pass)"
assert_eq "$(grep '"table":"businesses"' snapshots | tail -1 | jq -c '[.tables.users.processed, .tables.businesses.processed, .tables.items.processed]')" \
	'[120,60,0]' "per-table counts while businesses is restored"
assert_eq "$(tail -1 snapshots | jq -c '[.table, .tables.users.processed, .tables.businesses.processed, .tables.items.processed, .restore.processed, .restore.total]')" \
	'["items",120,60,300,480,480]' "the last snapshot: every table processed"

run_sluice restore backup.json --db clean.db --batch-size 50 --json
assert_eq "$(json '[.tables[] | .created] | add'),$(json '[.tables[] | .unchanged] | add')" "0,479" \
	"a second restore creates nothing"
assert_eq "$(dump clean.db)" "$reference" "a second restore changes nothing"

# kill -9 after the Nth commit (batches of 50: 3 of users, 2 of businesses,
# 6 of items), then restore again until it is done.
for n in 1 3 4 6 9; do
	rm -f killed.db
	rc=0
	{ SLUICE_TEST_CRASH_AFTER_COMMITS=$n "$SLUICE" restore backup.json --db killed.db --batch-size 50 \
		--progress=none >run.out 2>run.err </dev/null; } 2>/dev/null || rc=$?
	assert_eq "$rc" 137 "restore killed after commit $n"
	run_sluice restore backup.json --db killed.db --batch-size 50
	assert_exit 1 "restore after the kill at commit $n goes on to the end"
	assert_eq "$(dump killed.db)" "$reference" "killed after commit $n, then restored: as a clean restore"
	assert_eq "$(sq killed.db "SELECT count(*) FROM sluice_imports")" 3 \
		"killed after commit $n: the interrupted table's import was resumed, not started again"
done

run_sluice restore backup.json --db clean.db --rollback --json
assert_exit 0 "rollback of the whole restore"
assert_eq "$(sq clean.db "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM businesses) + (SELECT count(*) FROM items)")" 0 \
	"rollback undoes every table"

sq existing.db "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, imported_from INTEGER)"
run_sluice restore backup.json --db existing.db
assert_exit 2 "an existing table missing the key column is refused"
assert_match "$(cat err)" "The table items cannot be restored: .*has no column source_id" "the refusal names the table and the column"
assert_eq "$(sq existing.db "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'")" "items" \
	"nothing is written: the other tables are not made"

echo '{"a": [{"id": 1, "bId": 2}], "bs": [{"id": 2, "cId": 1}], "cs": [{"id": 1, "aId": 1}]}' >cycle.json
run_sluice restore cycle.json --db cycle.db
assert_exit 2 "a cycle is refused"
assert_match "$(cat err)" 'cycle \(a → bs → cs → a\)' "the cycle is named"
ok "nothing is written when a cycle is refused" test ! -e cycle.db

echo '{"order-items": [{"id": 1}]}' >badname.json
run_sluice restore badname.json --db badname.db
assert_exit 2 "a table name that cannot name a table is refused"
assert_match "$(cat err)" "The table order-items cannot be made: .*order-items.schema" "the refusal names the table and the way out"
cp schemas/businesses.schema outside.schema
printf '{"../outside": [{"id": 1}], "ok\\u001b[2J": [{"id": 2}]}' >pathname.json
run_sluice restore pathname.json --db pathname.db
assert_exit 2 "a table named like a path takes no schema file from outside the schema directories"
assert_match "$(cat err)" "The table ../outside cannot be made" "the refusal names the table"
printf '{"ok\\u001b[2J": [{"id": 2}]}' >control.json
run_sluice restore control.json --db pathname.db
assert_exit 2 "a table whose name has a control character is refused"
assert_match "$(cat err)" 'The table ok\\(x1[bB]|e|033)\[2J cannot be made' "its name is escaped"

echo '{"tags": [{"code": "x", "label": "X"}, {"code": "y", "label": "Y"}]}' >keyed.json
run_sluice restore keyed.json --db keyed.db
assert_exit 2 "a table without id needs --key"
assert_match "$(cat err)" 'no column id .*--key tags=COLUMN' "the refusal says how to name the key"
run_sluice restore keyed.json --db keyed.db --key tags=code
assert_exit 0 "--key TABLE=COLUMN names the key"
assert_eq "$(sq keyed.db "SELECT group_concat(code || label, ',') FROM tags")" "xX,yY" "the keyed table is restored"

# sluice import of a backup of several tables takes its first and says
# that sluice restore restores them all; --sheet names the table.
run_sluice import backup.json --db imported.db --schema businesses --dry-run
assert_match "$(cat err)" "backup.json is a JSON backup of 3 tables; import takes only its first, items .*sluice restore backup.json --db imported.db" \
	"import of a backup names its first table and points to sluice restore"
run_sluice import backup.json --db imported.db --schema businesses --sheet businesses --dry-run
assert_exit 0 "import --sheet TABLE takes that table"
ok "with --sheet, import says nothing of restore" sh -c "! grep -q 'sluice restore' err"

# References declared in a schema: products.owner (a column no name rule
# would take for a reference) references vendors; products come first in
# the file.
cat >schemas/products.schema <<'SCHEMA'
[schema]
name = products
table = products
match_keys = sku

[field sku]
type = text
required = yes

[field owner]
type = number
integer = yes
references = vendors
synonyms = vendor

[field maker]
type = text
references = vendors.code
SCHEMA
echo '{"products": [{"sku": "a", "vendor": 1, "maker": "V1"}, {"sku": "b", "vendor": 7, "maker": "V2"}, {"sku": "c", "vendor": 2, "maker": "V9"}],
 "vendors": [{"id": 1, "code": "V1"}, {"id": 2, "code": "V2"}]}' >declared.json
run_sluice restore declared.json --db declared.db --json
assert_exit 1 "a backup whose schema declares references is restored, two products rejected"
assert_eq "$(json '.order | join(",")')" "vendors,products" "the declared reference puts vendors first"
assert_eq "$(json '[.tables.products.references[] | .column + ">" + .table + "." + .key] | join(" ")')" \
	"vendor>vendors.source_id maker>vendors.code" "the references: the field's column, the table and its key or the field named"
assert_eq "$(sq declared.db "SELECT group_concat(sku, ',') FROM products")" "a" "only the product whose vendor and maker exist is restored"
assert_eq "$(sq declared.db "SELECT group_concat(message, ' | ') FROM (SELECT message FROM sluice_import_errors ORDER BY row_no, message)")" \
	"vendor refers to vendors 7, which is missing. | maker refers to vendors V9, which is missing." \
	"each missing parent is named"
sed -i 's/references = vendors.code/references = vendors.label/' schemas/products.schema
run_sluice restore declared.json --db declared2.db
assert_exit 2 "a reference to a field the parent lacks is refused"
assert_match "$(cat err)" "references vendors.label, but the table vendors has no field label" "the refusal names the field"
sed -i 's/references = vendors.label/references = makers/' schemas/products.schema
run_sluice restore declared.json --db declared2.db
assert_exit 2 "a reference to a table the backup lacks is refused"
assert_match "$(cat err)" "field maker references the table makers, which the backup does not hold" "the refusal names the table"
ok "nothing is written when a declared reference is refused" test ! -e declared2.db
rm schemas/products.schema

# NDJSON: each line names its table in _table; lines of two tables mixed.
"$PYTHON" - <<'PY'
import json
with open("lines.ndjson", "w") as f:
    for i in range(30):
        f.write(json.dumps({"_table": "orders", "id": i + 1, "customerId": 100 + i % 10, "meta": {"n": i}}) + "\n")
        if i < 10:
            f.write(json.dumps({"id": 100 + i, "_table": "customers", "name": "C%d" % i}) + "\n")
PY
run_sluice restore lines.ndjson --db lines.db --json
assert_exit 0 "NDJSON lines naming their table are restored"
assert_eq "$(json '.order | join(",")'),$(json '.tables.customers.created'),$(json '.tables.orders.created')" \
	"customers,orders,10,30" "customers before orders, every line in its table"
assert_eq "$(sq lines.db "SELECT meta FROM orders WHERE source_id = 5")" '{"n":4}' "a nested value of a line is JSON text"
printf '{"_table": "a", "id": 1}\n{"id": 2}\n' >unnamed.ndjson
run_sluice restore unnamed.ndjson --db lines.db
assert_exit 2 "NDJSON with a line naming no table is refused"
assert_match "$(cat err)" "1 of its 2 objects names no table" "the refusal counts the lines without _table"

# A workbook with --sheet all: every non-empty sheet is a table.
printf 'id,customerId,total\n1,10,5.5\n2,12,7\n' >orders.csv
printf 'id,name,since\n10,Ann,2020-01-02\n11,Bob,2021-03-04\n' >customers.csv
: >empty.csv
"$top_builddir/tests/gen-xlsx" --sheets book.xlsx orders=orders.csv customers=customers.csv empty=empty.csv
run_sluice restore book.xlsx --db book.db
assert_exit 2 "a workbook is restored only with --sheet all"
assert_match "$(cat err)" "--sheet all" "the refusal names --sheet all"
run_sluice restore book.xlsx --db book.db --sheet all --json
assert_exit 1 "a workbook's sheets are restored (an order of a missing customer rejected)"
assert_eq "$(json '.order | join(",")')" "customers,orders" "the sheets are tables, parents first, the empty one left out"
assert_eq "$(sq book.db "SELECT group_concat(source_id || ':' || customerId, ',') FROM orders")" "1:10" \
	"the order of customer 12 is rejected"

done_testing
