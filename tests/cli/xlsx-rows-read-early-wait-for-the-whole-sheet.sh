#!/bin/bash
# A large workbook's rows are written while the rest of its sheet is still
# being read, in a transaction that commits only once all of the sheet has
# been read cleanly: the same rows as the CSV file they came from, and for a
# workbook damaged near its end, nothing at all, with the message that
# names the file and the damage, as when it is refused on opening (a dry
# run, and a batch size of one's own, still read the sheet whole first).
# SLUICE_TEST_XLSX_EARLY_ROWS=100 gives the rows early after 100 instead of
# 20,000; SLUICE_TEST_GROUP_CAP=2 would commit every second batch.
. "$(dirname "$0")/lib.sh"

GEN_XLSX=${top_builddir:-$top_srcdir}/tests/gen-xlsx
[ -x "$GEN_XLSX" ] || skip_all "tests/gen-xlsx is not built"

gen_contacts --rows 30000 --invalid-rate 0.02 --seed 7 --out c.csv >/dev/null
"$GEN_XLSX" c.csv c.xlsx

# damaged IN OUT: the workbook with its sheet's last row not well-formed.
damaged() {
	"$PYTHON" - "$1" "$2" <<'PY'
import sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as w:
    for info in z.infolist():
        data = z.read(info.filename)
        if info.filename == 'xl/worksheets/sheet1.xml':
            at = data.rindex(b'</row>')
            data = data[:at] + b'</rpw>' + data[at + 6:]
        w.writestr(info.filename, data)
PY
}
damaged c.xlsx late.xlsx

run_sluice import c.csv --db csv.db --strategy update --json
assert_exit 1 "the CSV file imports, its invalid rows rejected"
want=$(json_counts)

export SLUICE_TEST_XLSX_EARLY_ROWS=100 SLUICE_TEST_GROUP_CAP=2
run_sluice import c.xlsx --db xlsx.db --strategy update --json
assert_exit 1 "the workbook read early imports as the CSV file does"
assert_eq "$(json_counts)" "$want" "its counts are the CSV file's"
assert_eq "$(sq xlsx.db "SELECT count(*), sum(length(coalesce(first_name,'') || coalesce(email,'') || coalesce(phone,''))) FROM contacts")" \
	"$(sq csv.db "SELECT count(*), sum(length(coalesce(first_name,'') || coalesce(email,'') || coalesce(phone,''))) FROM contacts")" \
	"and its records hold the same values"
journal_consistent xlsx.db "$(last_import_id xlsx.db)" "the journal tells one story about the import read early"

run_sluice import late.xlsx --db late.db --strategy update
assert_exit 3 "a workbook damaged near its end fails"
assert_match "$(cat "$T/out")" "late.xlsx is damaged: its part xl/worksheets/sheet1.xml is not well-formed XML" \
	"the message names the file and the damage"
assert_eq "$(sq late.db "SELECT count(*) FROM contacts")" 0 "none of its rows is written"
assert_eq "$(sq late.db "SELECT count(*) FROM sluice_import_changes")" 0 "none is journaled as written"
assert_eq "$(sq late.db "SELECT status, created + updated + merged + unchanged + skipped FROM sluice_imports")" \
	"failed|0" "the import is recorded as failed, having written nothing"

run_sluice import late.xlsx --db late-dry.db --dry-run
assert_exit 2 "a dry run refuses the damaged workbook on opening, as before"
assert_match "$(cat "$T/err")" "late.xlsx is damaged: its part xl/worksheets/sheet1.xml is not well-formed XML" \
	"with the same message"
run_sluice import late.xlsx --db late-batch.db --batch-size 500
assert_exit 2 "so does an import in batches of one's own size (each its own transaction)"
ok "and nothing is written" test ! -e late-batch.db

done_testing
