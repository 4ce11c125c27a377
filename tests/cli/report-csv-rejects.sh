#!/bin/bash
# sluice report ID --csv-rejects FILE writes the rejected rows as RFC 4180
# CSV in UTF-8 with a BOM: the source's header plus an error column, every
# cell as read (quotes, commas and line breaks quoted, long values whole),
# values a spreadsheet would run given a leading ' (said on stderr).
# Corrected, the file imports with no row rejected.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 200 --seed 95 --invalid-rate 0.15 --out contacts.csv
# Rows a spreadsheet could trip on: quotes, commas, a line break, a
# formula, a very long value.
"$PYTHON" - <<'PY'
import csv
with open("contacts.csv", "a", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    def row(given, email, notes, phone=""):
        return [given + " X", given, "", "X", "", notes, "", "* Work", email, "", phone, "", ""]
    w.writerow(row("Quote", "q@", 'Says "hi", then\nleaves'))
    w.writerow(row("Formula", "f@", "=HYPERLINK(\"http://evil.example\")", "+1 650 555 0111"))
    w.writerow(row("Long", "l@", "y" * 40000))
PY
run_sluice import contacts.csv --db my.db
id=$(last_import_id my.db)
rejected=$(sq my.db "SELECT rejected + failed FROM sluice_imports WHERE id = $id")

run_sluice report "$id" --db my.db --csv-rejects rejected.csv
assert_exit 0 "the CSV is written: exit code 0"
assert_match "$(cat out)" "rejected rows of import $id to rejected\.csv \(rows: $rejected\)" \
	"sluice says how many rows it wrote where"
assert_eq "$(head -c 3 rejected.csv | od -An -tx1 | tr -d ' ')" efbbbf "the file starts with a UTF-8 BOM"
assert_eq "$(head -1 rejected.csv | tail -c 2 | od -An -tx1 | tr -d ' ')" 0d0a "lines end in CR LF"

"$PYTHON" - "$id" <<'PY' >check.out 2>&1
import csv, json, sqlite3, sys
id = int(sys.argv[1])
db = sqlite3.connect("my.db")
mapping = json.loads(db.execute("SELECT mapping FROM sluice_imports WHERE id = ?", (id,)).fetchone()[0])
want_header = [m["header"] for m in mapping] + ["error"]
rows = [json.loads(c) for (c,) in db.execute(
    "SELECT cells FROM sluice_import_rejects WHERE import_id = ? ORDER BY row_no", (id,))]
def neutral(v):
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else v
with open("rejected.csv", encoding="utf-8-sig", newline="") as f:
    got = list(csv.reader(f, strict=True))
problems = []
if got[0] != want_header:
    problems.append("header %r" % got[0])
if len(got) - 1 != len(rows):
    problems.append("%d rows, not %d" % (len(got) - 1, len(rows)))
for i, (line, cells) in enumerate(zip(got[1:], rows), 1):
    if line[:-1] != [neutral(c) for c in cells]:
        problems.append("row %d differs: %r" % (i, line[:3]))
    if not line[-1].startswith("row "):
        problems.append("row %d: error column %r" % (i, line[-1][:40]))
print("\n".join(problems) or "same")
print(sum(1 for line in got for v in line if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@", "\t", "\r", "\n")))
PY
assert_eq "$(head -1 check.out)" same "every rejected row, cell for cell, read back by Python's csv"
neutralized=$(sed -n 2p check.out)
assert_match "$(cat err)" "^sluice report: $neutralized values in rejected\.csv begin with =, \+, -, @" \
	"stderr says how many values got a leading '"
assert_match "$(grep -c "'=HYPERLINK" rejected.csv)" '^1$' "the formula has its leading '"
assert_eq "$(tr -c 'y' '\n' <rejected.csv | awk 'length > n { n = length } END { print n }')" 40000 \
	"the long value is whole (the CSV is never cut)"
assert_match "$(grep -c '"Says ""hi"", then' rejected.csv)" '^1$' "quotes are doubled inside quotes"

run_sluice report "$id" --db my.db --csv-rejects -
assert_exit 0 "--csv-rejects - writes to standard output"
ok "the same CSV on standard output" cmp out rejected.csv

# On a terminal, a cell's control characters are shown escaped, never sent.
printf 'First Name,Last Name,E-mail Address,Mobile Phone\nEve,\033]0;pwned\007\033[2J,eve@,212-736-5000\n' >escape.csv
run_sluice import escape.csv --db esc.db
"$PYTHON" -c 'import pty, sys; pty.spawn(sys.argv[1:])' "$SLUICE" report 1 --db esc.db --csv-rejects - >tty.out 2>&1
ok "on a terminal, no escape character is written" sh -c "! grep -q \"\$(printf '\033')\" tty.out"
assert_match "$(cat tty.out)" '\\x1b\]0;pwned\\x07\\x1b\[2J' "the sequence is shown escaped"
run_sluice report 1 --db esc.db --csv-rejects -
ok "into a pipe the bytes are the cell's" grep -q "$(printf '\033')" out

# Corrected: no row is rejected any more.
run_sluice report "$id" --db my.db --xlsx report.xlsx
ok "the bad values are corrected where the errors point" report_check fix report.xlsx rejected.csv fixed.csv
run_sluice import fixed.csv --db my.db --json
assert_eq "$(json '[.total, .rejected, .failed] | map(tostring) | join(" ")'),$(json '.created + .updated')" \
	"$rejected 0 0,$rejected" "corrected, every row is created or updated and none rejected"

done_testing
