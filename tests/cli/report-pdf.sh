#!/bin/bash
# sluice report ID --pdf FILE (and import --report FILE.pdf) writes a PDF
# that poppler reads back: the file name, the status in words and each
# outcome count are in its text, every page renders, CJK and right-to-left
# text survive, values are escaped, the first --pdf-errors errors are listed
# and the rest counted; A4 or Letter by the locale or --paper.
. "$(dirname "$0")/lib.sh"

command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && command -v pdfinfo >/dev/null ||
	skip_all "poppler-utils is not installed (tools/install-deps installs it)"

# A file named in Chinese, with a Chinese and an Arabic name among rows
# that are rejected, a value starting with = and one with a control byte.
gen_contacts --rows 1500 --seed 91 --invalid-rate 0.2 --out base.csv
"$PYTHON" - <<'PY'
import csv
rows = list(csv.reader(open("base.csv", encoding="utf-8", newline="")))
h = rows[0]
email = next(i for i, c in enumerate(h) if "mail" in c.lower() and "type" not in c.lower())
first = next(i for i, c in enumerate(h) if "first" in c.lower() or "given" in c.lower())
def row(name, mail):
    r = [""] * len(h)
    r[first] = name
    r[email] = mail
    return r
rows[1:1] = [row("张伟", "张伟@"), row("محمد", "محمد@"), row("Eve", "=1+2@"), row("Bell", "bell\x07@")]
with open("联系人.csv", "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(rows)
PY
run_sluice import 联系人.csv --db my.db
id=$(last_import_id my.db)
nerr=$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id")

LC_ALL=C run_sluice report "$id" --db my.db --pdf report.pdf
assert_exit 0 "the PDF is written"
assert_match "$(cat out)" "Wrote the PDF report of import $id to report.pdf \([0-9]+ pages?, errors listed: 200\)" \
	"sluice says where, how many pages and errors listed"
assert_eq "$(head -c 5 report.pdf)" "%PDF-" "it is a PDF"
pdftotext -layout report.pdf report.txt
pages=$(pdfinfo report.pdf | awk '/^Pages:/ { print $2 }')
assert_match "$(pdfinfo report.pdf | grep '^Title:')" "Import $id of 联系人.csv" "the document's title names the import"
assert_match "$(cat report.txt)" "联系人\.csv" "the text names the file (in Chinese)"
assert_match "$(sed -n 1,3p report.txt)" "completed with errors" "and the status in words"
assert_match "$(grep '^SHA-256' report.txt)" "$(sq my.db "SELECT substr(source_sha256, 1, 40) FROM sluice_imports WHERE id = $id")" \
	"and the file's checksum"
for o in created updated merged unchanged skipped rejected failed; do
	n=$(sq my.db "SELECT $o FROM sluice_imports WHERE id = $id")
	assert_match "$(grep -E "^ *$o " report.txt | head -1)" "^ *$o +$n( |$)" "the count of rows $o ($n)"
done
total=$(sq my.db "SELECT total FROM sluice_imports WHERE id = $id")
assert_match "$(grep -E '^ *Total ' report.txt | head -1)" "Total +$total( |$)" "the total ($total)"
assert_match "$(grep -E '^ *Success rate ' report.txt | head -1)" "Success rate +[0-9.]+ %" "the success rate"
assert_match "$(cat report.txt)" "张伟@" "a Chinese value survives"
# Extracted right-to-left text comes with spaces between joined letters.
arabic=$("$PYTHON" -c '
t = "".join(c for c in open("report.txt", encoding="utf-8").read() if c not in " \u200e\u200f\u202a\u202b\u202c")
print("found" if "محمد@" in t or "@محمد" in t else "missing")')
assert_eq "$arabic" found "an Arabic one too"
assert_match "$(cat report.txt)" "=1\+2@" "a value starting with = is shown as it is"
assert_match "$(cat report.txt)" 'bell\\x07@' "a control byte is escaped"
assert_match "$(cat report.txt)" "… and $((nerr - 200)) more: see the XLSX report" \
	"the first 200 errors are listed, then how many more"
assert_eq "$(grep -c 'Import '"$id"' · page ' report.txt)" "$pages" "every page has its number"

pdftoppm -r 30 -png report.pdf page
assert_eq "$(ls page-*.png 2>/dev/null | wc -l)" "$pages" "pdftoppm renders every page ($pages)"
assert_eq "$(find . -name 'page-*.png' -size -1k | wc -l)" 0 "no page renders empty"

# Fewer errors listed; the paper.
LC_ALL=C run_sluice report "$id" --db my.db --pdf few.pdf --pdf-errors 5 --paper letter
assert_exit 0 "--pdf-errors and --paper are taken"
pdftotext -layout few.pdf few.txt
assert_match "$(cat few.txt)" "… and $((nerr - 5)) more" "--pdf-errors 5 lists five"
assert_match "$(pdfinfo few.pdf | grep 'Page size')" "612 x 792 pts" "--paper letter is Letter"
assert_match "$(pdfinfo report.pdf | grep 'Page size')" "595.* x 841.* pts" "the C locale prints on A4"
env -u LC_ALL -u LC_PAPER -u LC_MEASUREMENT LANG=en_US.UTF-8 "$SLUICE" report "$id" --db my.db --pdf us.pdf >/dev/null 2>&1
assert_match "$(pdfinfo us.pdf | grep 'Page size')" "612 x 792 pts" "an American locale prints on Letter"
env -u LC_ALL LC_PAPER=de_DE.UTF-8 LANG=en_US.UTF-8 "$SLUICE" report "$id" --db my.db --pdf de.pdf >/dev/null 2>&1
assert_match "$(pdfinfo de.pdf | grep 'Page size')" "595.* x 841.* pts" "LC_PAPER decides over LANG"

# The import writes it too, chosen by the extension.
gen_contacts --rows 20 --seed 92 --out small.csv
run_sluice import small.csv --db small.db --report small.PDF
assert_exit 0 "import --report FILE.pdf"
assert_eq "$(head -c 5 small.PDF)" "%PDF-" "writes a PDF"
assert_match "$(pdftotext small.PDF - | tr '\n' ' ')" "small\.csv.*completed" "of the import"

# Refusals.
run_sluice report "$id" --db my.db --pdf -
assert_exit 2 "a PDF cannot go to standard output"
run_sluice report "$id" --db my.db --pdf x.pdf --paper a5
assert_exit 2 "--paper takes a4 or letter"
assert_eq "$([ -e x.pdf ] && echo there || echo none)" none "and nothing is written"
run_sluice report "$id" --db my.db --pdf nodir/x.pdf
assert_exit 2 "a path that cannot be written is refused"
run_sluice report 99 --db my.db --pdf y.pdf
assert_exit 2 "so is an import that is not there"
assert_eq "$([ -e y.pdf ] && echo there || echo none)" none "before any file is made"

done_testing
