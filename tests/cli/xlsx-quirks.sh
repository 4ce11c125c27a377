#!/bin/bash
# Workbooks as other programs write them: a first sheet left empty (sluice
# inspect lists every sheet with its rows and columns and exits 0; an import
# without --sheet takes the first sheet holding rows and says which), a
# shared-string cell written <v/> (an empty cell), and a package whose
# workbook part is not xl/workbook.xml (found through _rels/.rels and the
# workbook's own relationships), notes above the header row.
. "$(dirname "$0")/lib.sh"

# workbook OUT BASE SHEETS...: writes an XLSX package by hand whose workbook
# part is BASE/workbook.xml (BASE "xl" as Excel writes it), one sheet per
# argument NAME=ROWS, ROWS being rows split on '/' and cells on ','; an
# empty ROWS is an empty sheet. Every text is a shared string; a cell
# written "(v)" is a shared-string cell without a value (<v/>).
workbook() {
	"$PYTHON" - "$@" <<'PY'
import sys, zipfile
out, base, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
strings, sheets = [], []
def col(i):
    return chr(ord('A') + i)
for spec in specs:
    name, rows = spec.split('=', 1)
    xml = []
    for r, row in enumerate(rows.split('/') if rows else []):
        cells = []
        for c, text in enumerate(row.split(',')):
            ref = '%s%d' % (col(c), r + 1)
            if text == '(v)':
                cells.append('<c r="%s" t="s"><v/></c>' % ref)
            elif text:
                if text not in strings:
                    strings.append(text)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, strings.index(text)))
        xml.append('<row r="%d">%s</row>' % (r + 1, ''.join(cells)))
    sheets.append((name, ''.join(xml)))
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
pkg = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
z = zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED)
z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
z.writestr('_rels/.rels', '<?xml version="1.0"?><Relationships %s><Relationship Id="rId1" Type="%sofficeDocument" Target="%s/workbook.xml"/></Relationships>' % (pkg, rel, base))
z.writestr(base + '/workbook.xml', '<?xml version="1.0"?><workbook %s %s><sheets>%s</sheets></workbook>' % (ns, rns,
    ''.join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (n, i + 1, i + 1) for i, (n, _) in enumerate(sheets))))
z.writestr(base + '/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships %s>%s<Relationship Id="rIdS" Type="%ssharedStrings" Target="text/strings.xml"/></Relationships>' % (pkg,
    ''.join('<Relationship Id="rId%d" Type="%sworksheet" Target="tabs/tab%d.xml"/>' % (i + 1, rel, i + 1) for i in range(len(sheets))), rel))
for i, (_, xml) in enumerate(sheets):
    z.writestr('%s/tabs/tab%d.xml' % (base, i + 1), '<?xml version="1.0"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, xml))
z.writestr(base + '/text/strings.xml', '<?xml version="1.0"?><sst %s count="%d" uniqueCount="%d">%s</sst>' % (ns, len(strings), len(strings),
    ''.join('<si><t>%s</t></si>' % s for s in strings)))
z.close()
PY
}

people='First Name,Email,Notes/Ann,ann@example.com,(v)/Bob,bob@example.com,tall'
workbook first-empty.xlsx xl 'Notes=' "People=$people" 'Also=Email/cy@example.com'

run_sluice inspect first-empty.xlsx --json
assert_exit 0 "inspect reads a workbook whose first sheet is empty"
assert_eq "$(json '[.sheet, (.sheets | map("\(.name):\(.rows):\(.columns):\(.empty):\(.read_by_default)") | join(","))] | @tsv')" \
	"People	Notes:0:0:true:false,People:2:3:false:true,Also:1:1:false:false" \
	"every sheet is listed with its rows and columns, the empty one as empty, the one read by default marked"
run_sluice inspect first-empty.xlsx
assert_exit 0 "inspect for people exits 0 too"
assert_match "$(cat "$T/out")" "1  Notes +empty" "the empty sheet is called empty"
assert_match "$(cat "$T/out")" "2  People +2 rows, 3 columns +\(read\)" "the sheet read by default has its rows and columns"

run_sluice import first-empty.xlsx --db first.db --json
assert_exit 0 "an import without --sheet takes the first sheet holding rows"
assert_eq "$(json '[.sheet, .source] | @tsv')" \
	"People	XLSX, sheet \"People\" (the first with data: \"Notes\" is empty)" \
	"--json names the sheet read and why"
assert_eq "$(sq first.db "SELECT first_name, email, coalesce(notes, 'NULL') FROM contacts ORDER BY id")" \
	"Ann|ann@example.com|NULL
Bob|bob@example.com|tall" "the rows of that sheet are imported; a <v/> cell is empty"
assert_eq "$(sq first.db "SELECT sheet FROM sluice_imports")" "People" "the journal keeps the sheet read"
run_sluice import first-empty.xlsx --db first-text.db
assert_match "$(cat "$T/out")" 'XLSX, sheet "People" \(the first with data: "Notes" is empty\)' \
	"the summary says which sheet was read"
run_sluice import first-empty.xlsx --db chosen.db --sheet Notes
assert_exit 2 "an empty sheet chosen with --sheet is refused"
assert_match "$(cat "$T/err")" 'The sheet "Notes" of .* is empty' "the message names the sheet"

# The workbook part where _rels/.rels says, not at xl/workbook.xml.
workbook elsewhere.xlsx content/book "Contacts=$people"
run_sluice import elsewhere.xlsx --db elsewhere.db --json
assert_exit 0 "a workbook part found through _rels/.rels imports"
assert_eq "$(sq elsewhere.db "SELECT group_concat(email, ' ') FROM contacts")" \
	"ann@example.com bob@example.com" "its sheet and shared strings are found through its relationships"

# Nothing but empty sheets: listed, and an import says there is nothing.
workbook all-empty.xlsx xl 'One=' 'Two='
run_sluice inspect all-empty.xlsx --json
assert_exit 0 "inspect lists a workbook of empty sheets"
assert_eq "$(json '.sheets | map("\(.name):\(.empty)") | join(",")')" "One:true,Two:true" "both sheets are empty"
run_sluice import all-empty.xlsx --db none.db
assert_exit 2 "importing a workbook of empty sheets is refused"
assert_match "$(cat "$T/err")" "Every sheet of .*all-empty.xlsx is empty" "the message says every sheet is empty"
ok "nothing is written for it" test ! -e none.db

# Notes above the header, as LinkedIn writes them: the header is found
# within the first 20 rows, the rows skipped are named; --header-row N
# says where it is.
workbook notes.xlsx xl 'Connections=Notes:/Some email addresses are missing from this export./,/First Name,Last Name,Email/Grace,Hopper,grace@navy.example/Alan,Kay,alan@parc.example'
run_sluice import notes.xlsx --db notes.db --json
assert_exit 0 "a sheet with notes above its header imports"
assert_eq "$(json '[.header_line, .source] | @tsv')" \
	"4	XLSX, sheet \"Connections\"; header on row 4, 2 rows with values above it skipped" \
	"the header row is found and the rows skipped are named"
assert_eq "$(sq notes.db "SELECT first_name || ' ' || last_name || ' ' || email FROM contacts ORDER BY id")" \
	"Grace Hopper grace@navy.example
Alan Kay alan@parc.example" "the rows below the header are imported"
run_sluice import notes.xlsx --db notes-text.db
assert_match "$(cat "$T/out")" "header on row 4, 2 rows with values above it skipped" "the summary says it too"
run_sluice import notes.xlsx --db notes-2.db --header-row 2 --json
assert_eq "$(json '[.header_line, .created, .rejected] | @tsv')" "2	0	3" \
	"--header-row 2 makes the note the header (its rows are wider than it)"
run_sluice import notes.xlsx --db notes-9.db --header-row 9
assert_exit 2 "--header-row past the last row is refused"
assert_match "$(cat "$T/err")" 'has no row with a value on row 9 or after it' "saying so"
run_sluice inspect notes.xlsx --header-row 4 --json
assert_eq "$(json '[.header_line, .rows] | @tsv')" "4	2" "inspect takes --header-row too"
workbook one-column.xlsx xl 'Emails=Email/ann@example.com/bob@example.com'
run_sluice import one-column.xlsx --db one.db --json
assert_eq "$(json '[.header_line, .created] | @tsv')" "1	2" "a one-column sheet's first row is its header"

done_testing
