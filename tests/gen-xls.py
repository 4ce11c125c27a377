#!/usr/bin/env python3
"""Writes tests/data/contacts.xls, the legacy Excel (BIFF8) fixture of
tests/unit/test-source-xlsx.c. Debian has no XLS writer in sluice's
dependencies, so the file is committed; this script (python3-xlwt) is how it
was made: python3 tests/gen-xls.py tests/data/contacts.xls
"""
import datetime
import sys

import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Contacts")
date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
for col, name in enumerate(["First Name", "Last Name", "Mobile Phone", "Birthday",
                            "Amount", "Met"]):
    sheet.write(0, col, name)
sheet.write(1, 0, "José")
sheet.write(1, 1, "Müller")
sheet.write(1, 2, 12015550123)
sheet.write(1, 3, datetime.date(1985, 4, 12), date)
sheet.write(1, 4, 0.1)
sheet.write(1, 5, datetime.datetime(2023, 5, 6, 7, 8, 9), stamp)
# Row 3 stays empty: it is skipped, and row 4 keeps its number.
sheet.write(3, 0, "Zoë")
sheet.write(3, 2, 4.4207946e11)
sheet.write(3, 4, 1234.5)
other = book.add_sheet("Other")
other.write(0, 0, "x")
other.write(1, 0, 1)
book.save(sys.argv[1] if len(sys.argv) > 1 else "contacts.xls")
