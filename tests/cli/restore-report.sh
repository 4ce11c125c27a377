#!/bin/bash
# A restore's identity in the journal: each table's import carries the
# restore it belongs to (the id of its first import), so that show, the
# XLSX Summary, the PDF, the JSON report and the CSV summary of any of its
# imports give every table's counts and the overall line; the backup's other
# members (metadata, …) are kept in the journal, bounded, and show prints
# them escaped.
. "$(dirname "$0")/report-lib.sh"

export XDG_STATE_HOME=$T/state
export SLUICE_SCHEMA_DIR=$T/schemas
mkdir schemas

# users (4), items (6, one naming a missing user), children first; a
# metadata member with a control character, a note and a member too large
# to keep (70 KiB).
"$PYTHON" - <<'PY'
import json
users = [{"id": i, "name": "U%d" % i} for i in range(1, 5)]
items = [{"id": i, "userId": 1 + i % 4, "label": "I%d" % i} for i in range(1, 7)]
items[2]["userId"] = 99
backup = {"metadata": {"version": 3, "by": "ops\u001b[31m"}, "items": items, "users": users,
          "note": "weekly", "blob": ["x" * 1000] * 70}
with open("backup.json", "w") as f:
    json.dump(backup, f)
PY

run_sluice restore backup.json --db r.db --json
assert_exit 1 "the backup is restored (one item rejected)"
restore=$(json '.restore')
first=$(json '.tables.users.id')
items=$(json '.tables.items.id')
assert_eq "$restore" "$first" "the restore's id is the id of its first import"
assert_eq "$(sq r.db "SELECT group_concat(sheet || ':' || restore_id, ',') FROM sluice_imports ORDER BY id")" \
	"users:$first,items:$first" "each table's import carries the restore in the journal"

# show of any of its imports lists its sibling tables with their counts.
run_sluice show "$items" --db r.db
assert_exit 0 "show of the restore's second table"
assert_match "$(cat out)" "Restore $first, its 2 tables:" "show names the restore"
assert_match "$(grep '^  users ' out)" "import $first .*4 processed: 4 created, 0 updated, 0 unchanged, 0 skipped, 0 rejected, 0 failed, 0 not processed" \
	"show lists the sibling table users with its counts"
assert_match "$(grep '^  items ' out)" "import $items .*6 processed: 5 created, .* 1 rejected, 0 failed" \
	"show lists items with its counts"
assert_match "$(grep '^  all tables' out)" "10 of 10 rows processed: 9 created, .* 1 rejected" "and the overall line"
assert_match "$(grep '^  metadata:' out)" '\{"version":3,"by":"ops\\u001B\[31m"\}' \
	"the backup's metadata is printed, the control character escaped"
ok "no escape character reaches the terminal" sh -c "! grep -q \$(printf '\\033') out"
assert_match "$(grep '^  note:' out)" '"weekly"' "a scalar member is kept"
assert_match "$(grep '^  blob:' out)" "not kept: .* 64 KiB" "a member too large is named as not kept"
run_sluice show "$first" --db r.db --json
assert_eq "$(json '[.restore.tables[].table] | join(",")'),$(json '.restore.members.metadata.version'),$(json '.restore.left_out | join(",")')" \
	"users,items,3,blob" "show --json: the tables, the members kept and the one left out"
assert_eq "$(sq r.db "SELECT length(restore_members) < 65536 + 100 FROM sluice_imports WHERE id = $first")" 1 \
	"the members kept are bounded"

# The JSON report of either import.
run_sluice report "$items" --db r.db --json
assert_eq "$(json '[.restore.tables[] | "\(.table):\(.processed):\(.created):\(.rejected)"] | join(",")')" \
	"users:4:4:0,items:6:5:1" "the JSON report gives each table's counts"
assert_eq "$(json '.restore.overall | "\(.total):\(.created):\(.rejected):\(.not_processed)"')" "10:9:1:0" \
	"the JSON report gives the overall counts"

# The CSV summary: a line per table, with the restore.
run_sluice report "$first" --db r.db --csv-summary -
assert_eq "$(awk -F, 'NR > 1 { print $7 ":" $14 ":" $19 ":" $NF }' out | tr -d '\r' | tr '\n' ' ')" \
	"users:4:0:$first items:5:1:$first " "the CSV summary has a line per table, naming the restore"

# The XLSX Summary: a per-table section and the overall line.
run_sluice report "$items" --db r.db --xlsx r.xlsx
assert_exit 0 "the workbook of a restore's import is written"
dump_xlsx r.xlsx
section='.sheet.Summary.rows | (map(.[0]) | rindex("Table")) as $h | .[$h:]'
assert_eq "$(d "$section | .[0] | join(\",\")")" \
	"Table,Import,Status,Processed,Created,Updated,Unchanged,Skipped,Rejected,Failed,Not processed" \
	"the Summary's per-table section has its headings"
assert_eq "$(d "$section | .[1:4] | map(map(tostring) | join(\":\")) | join(\" \")")" \
	"users:$first:completed:4:4:0:0:0:0:0:0 items:$items:completed with errors:6:5:0:0:0:1:0:0 All tables:null:null:10:9:0:0:0:1:0:0" \
	"one line per table with its counts, then every table's"
assert_match "$(d '[.sheet.Summary.rows[][0] | strings] | join("|")')" "Restore $first: its 2 tables" \
	"the section names the restore"

# The PDF: on its first page, the restore's heading, a line per table
# with its counts, then every table's.
if command -v pdftotext >/dev/null; then
	run_sluice report "$items" --db r.db --pdf r.pdf
	assert_exit 0 "the PDF of a restore's import is written"
	pdftotext -layout -f 1 -l 1 r.pdf page1.txt
	assert_match "$(cat page1.txt)" "Restore $first: its 2 tables" "the PDF's first page names the restore"
	assert_match "$(grep -E '^ *Table +Import' page1.txt)" \
		"^ *Table +Import +Status +Processed +Created +Updated +Unchanged +Skipped +Rejected +Failed +Not( +processed)? *\$" \
		"the PDF's titles are whole words, none broken in two"
	assert_match "$(grep '^ *users ' page1.txt)" "^ *users +$first +completed +4 +4 +0 +0 +0 +0 +0 +0 *\$" \
		"the PDF gives users with its import, status and counts"
	assert_match "$(grep '^ *items ' page1.txt)" "^ *items +$items +completed +6 +5 +0 +0 +0 +1 +0 +0 *\$" \
		"the PDF gives items with its counts"
	assert_match "$(grep '^ *All tables ' page1.txt)" "^ *All tables +10 +9 +0 +0 +0 +1 +0 +0 *\$" \
		"the PDF gives every table's counts"
	run_sluice report "$items" --db r.db --pdf r-letter.pdf --paper letter
	pdftotext -layout -f 1 -l 1 r-letter.pdf - >letter.txt
	assert_match "$(grep '^ *All tables ' letter.txt)" "^ *All tables +10 +9 +0 +0 +0 +1 +0 +0 *\$" \
		"on Letter too"
else
	skip "the restore's section of the PDF" "poppler-utils is not installed (tools/install-deps installs it)"
fi

# A second restore is another restore; its imports carry its own id.
run_sluice restore backup.json --db r.db --json
second=$(json '.restore')
ok "a second restore has its own id" test "$second" -gt "$items"
run_sluice show "$second" --db r.db --json
assert_eq "$(json '[.restore.tables[].import] | length'),$(json '.restore.overall.created')" "2,0" \
	"the second restore's tables, creating nothing"

# An import that is no restore's has no restore section.
printf 'code,name\n1,a\n' >plain.csv
cat >schemas/plain.schema <<'SCHEMA'
[schema]
name = plain
table = plain
match_keys = code

[field code]
type = number
integer = yes
required = yes

[field name]
type = text
SCHEMA
run_sluice import plain.csv --schema plain --db r.db --json
assert_exit 0 "a plain import"
plain=$(json '.id')
run_sluice show "$plain" --db r.db --json
assert_eq "$(json '.restore')" null "an import of one file has no restore"
if command -v pdftotext >/dev/null; then
	run_sluice report "$plain" --db r.db --pdf plain.pdf
	assert_exit 0 "the PDF of a plain import is written"
	ok "a plain import's PDF has no restore section" \
		sh -c "pdftotext -layout plain.pdf - | grep -q 'Outcome' && ! pdftotext -layout plain.pdf - | grep -Eq '^ *Restore |^ *All tables'"
fi

done_testing
