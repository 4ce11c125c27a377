#!/usr/bin/env python3
"""Reads sluice's XLSX reports back for the command-line tests (openpyxl).

    report_check.py dump REPORT.xlsx           the workbook as JSON, for jq
    report_check.py to-csv REPORT.xlsx SHEET OUT.csv
                                               one sheet as CSV, as a person
                                               saving it from a spreadsheet
    report_check.py fix REPORT.xlsx IN.csv OUT.csv
                                               corrects the rejected rows of
                                               IN.csv (the Rejected rows sheet
                                               or --csv-rejects) by the errors
                                               of the Errors sheet

The dump: {"sheets": [names in order], "sheet": {name: {"max_row",
"max_column", "freeze", "filter", "print_title_rows", "landscape",
"fit_to_page", "charts": [{"type", "refs"}], "rows": [[value…]…],
"types": [[openpyxl data_type…]…]}}}. Values are JSON strings, numbers or
null; types are "s" (text), "n" (number), "f" (formula), "b", "d" or null for
an empty cell.

Exits 77 (skip) when openpyxl is missing. Standard library otherwise.
"""

import csv
import json
import sys

try:
    import openpyxl
except ImportError:
    sys.stderr.write("report_check.py: python3-openpyxl is not installed\n")
    sys.exit(77)


def chart_refs(chart):
    refs = []
    for s in chart.series:
        for part in (s.cat, s.val):
            if part is None:
                continue
            ref = part.numRef or getattr(part, "strRef", None)
            if ref is not None:
                refs.append(ref.f)
    return refs


def dump(path):
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames, "sheet": {}}
    for ws in wb.worksheets:
        rows, types = [], []
        for row in ws.iter_rows():
            rows.append([c.value for c in row])
            types.append([None if c.value is None else c.data_type for c in row])
        props = ws.sheet_properties.pageSetUpPr
        out["sheet"][ws.title] = {
            "max_row": ws.max_row,
            "max_column": ws.max_column,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "print_title_rows": ws.print_title_rows,
            "landscape": ws.page_setup.orientation == "landscape",
            "fit_to_page": bool(props is not None and props.fitToPage),
            "charts": [{"type": type(c).__name__, "refs": chart_refs(c)} for c in ws._charts],
            "rows": rows,
            "types": types,
        }
    json.dump(out, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def to_csv(path, sheet, out):
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet]
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for row in ws.iter_rows(values_only=True):
            w.writerow(["" if v is None else str(v) for v in row])


def sheet_rows(wb, name):
    return [list(r) for r in wb[name].iter_rows(values_only=True)]


def fix(path, rejects_in, out):
    """Corrects each rejected row where the Errors sheet says it is wrong:
    a bad email becomes a fresh address, a bad phone is left out (a fresh
    address is given when the row has no good one), a bad date or any other
    bad value is emptied, and a row without phone or email gets an address.
    Errors whose effect is "value dropped" belong to rows that were kept."""
    wb = openpyxl.load_workbook(path, read_only=True)
    header_to_field = {}
    for number, header, field in sheet_rows(wb, "Mapping")[1:]:
        if field != "(not imported)":
            header_to_field[header] = field
    fields_of_row = {}
    for row in sheet_rows(wb, "Errors")[1:]:
        if len(row) > 6 and row[6] == "value dropped":
            continue
        if isinstance(row[0], (int, float)):
            fields_of_row.setdefault(int(row[0]), set()).add(row[2])

    with open(rejects_in, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    header, data = lines[0], lines[1:]
    column = {header_to_field[h]: i for i, h in enumerate(header) if h in header_to_field}
    rows_in_order = sorted(fields_of_row)
    if len(rows_in_order) != len(data):
        sys.exit("fix: %d rows with errors but %d rejected rows" % (len(rows_in_order), len(data)))

    for row_no, cells in zip(rows_in_order, data):
        fields = fields_of_row[row_no]
        fresh_email = "fixed.row%d@example.org" % row_no
        needs_email = "email" in fields or "(row)" in fields
        for field in fields:
            if field in ("email", "(row)"):
                continue
            if field in column:
                cells[column[field]] = ""
            if field == "phone":
                email = cells[column["email"]] if "email" in column else ""
                needs_email = needs_email or email.strip() == ""
        if needs_email:
            cells[column["email"]] = fresh_email
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(data)


def main(argv):
    if len(argv) >= 2 and argv[0] == "dump":
        dump(argv[1])
    elif len(argv) == 4 and argv[0] == "to-csv":
        to_csv(argv[1], argv[2], argv[3])
    elif len(argv) == 4 and argv[0] == "fix":
        fix(argv[1], argv[2], argv[3])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
