#!/usr/bin/python3
"""Writes the XLS workbooks of tests/cli/xls-cases.sh into a directory:
xlwt (python3-xlwt) writes the workbook, then its BIFF records are edited
where xlwt cannot write what Excel writes (a formula's cached result, a
FILEPASS record, an older BIFF version, a stream named otherwise). The
files are committed in tests/data/xls/; this script is how they were made:
    /usr/bin/python3 tests/gen-xls-cases.py tests/data/xls
"""
import datetime
import os
import struct
import sys

import xlwt
from xlwt import CompoundDoc

out = sys.argv[1] if len(sys.argv) > 1 else "."


def records(stream):
    """The stream as a list of [type, data]."""
    recs, pos = [], 0
    while pos + 4 <= len(stream):
        rtype, size = struct.unpack_from("<HH", stream, pos)
        recs.append([rtype, stream[pos + 4:pos + 4 + size]])
        pos += 4 + size
    return recs


def join(recs):
    """The records as a stream, each BOUNDSHEET pointing at its sheet's BOF."""
    def flat():
        return b"".join(struct.pack("<HH", t, len(d)) + d for t, d in recs)
    bofs, pos = [], 0
    for t, d in recs:
        if t == 0x0809:
            bofs.append(pos)
        pos += 4 + len(d)
    k = 1
    for r in recs:
        if r[0] == 0x0085:
            r[1] = struct.pack("<I", bofs[k]) + r[1][4:]
            k += 1
    return flat()


def save(book, name, edit=None, stream_name=None):
    recs = records(book.get_biff_data())
    if edit is not None:
        recs = edit(recs)
    doc = CompoundDoc.XlsDoc()
    path = os.path.join(out, name)
    doc.save(path, join(recs))
    if stream_name is not None:
        data = open(path, "rb").read()
        old = "Workbook\0".encode("utf-16-le")
        new = stream_name.encode("utf-16-le") + b"\0\0"
        assert len(new) == len(old)
        data = data.replace(old, new, 1)
        open(path, "wb").write(data)


def contacts(book, title="Contacts"):
    sheet = book.add_sheet(title)
    for col, name in enumerate(["First Name", "Last Name", "Mobile Phone"]):
        sheet.write(0, col, name)
    sheet.write(1, 0, "Ada")
    sheet.write(1, 1, "Lovelace")
    sheet.write(1, 2, "+44 20 7946 0018")
    return sheet


# Formulas with their cached results, as Excel saves them: a number, a
# string (in the STRING record after the FORMULA), a boolean, an error,
# and one whose cached string is missing (a value that cannot be had).
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Formulas")
for col, name in enumerate(["First Name", "Last Name", "Mobile Phone", "Company", "Notes"]):
    sheet.write(0, col, name)
sheet.write(1, 0, "Ada")
sheet.write(1, 1, "Lovelace")
sheet.write(1, 2, "+44 20 7946 0018")
sheet.write(1, 3, 1)
# Row 3 holds only formulas.
sheet.write(2, 0, xlwt.Formula('"Gra"&"ce"'))
sheet.write(2, 1, xlwt.Formula('"Hop"&"per"'))
sheet.write(2, 2, xlwt.Formula('"+1 202 555 0143"&""'))
sheet.write(2, 3, xlwt.Formula("40+2"))
sheet.write(2, 4, xlwt.Formula("1=1"))
sheet.write(3, 0, "Alan")
sheet.write(3, 1, "Turing")
sheet.write(3, 2, "+1 201 555 0123")
sheet.write(3, 3, xlwt.Formula("1/0"))
sheet.write(4, 0, "Kurt")
sheet.write(4, 2, "+1 415 234 5678")
sheet.write(4, 1, xlwt.Formula('"Gö"&"del"'))
RESULTS = {
    (2, 0): ("s", "Grace"), (2, 1): ("s", "Hopper"),
    (2, 2): ("s", "+1 202 555 0143"), (2, 3): ("n", 42.0),
    (2, 4): ("b", 1), (3, 3): ("e", 0x07), (4, 1): ("nostring", None),
}


def biff8_string(text):
    try:
        raw = text.encode("latin-1")
        return struct.pack("<HB", len(text), 0) + raw
    except UnicodeEncodeError:
        return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def cached(recs):
    res = []
    for t, d in recs:
        if t != 0x0006:
            res.append([t, d])
            continue
        row, col = struct.unpack_from("<HH", d)
        kind, value = RESULTS[(row, col)]
        tail = []
        if kind == "n":
            result = struct.pack("<d", value)
        elif kind == "s":
            result = struct.pack("<B5xH", 0, 0xFFFF)
            tail = [[0x0207, biff8_string(value)]]
        elif kind == "nostring":
            result = struct.pack("<B5xH", 0, 0xFFFF)
        elif kind == "b":
            result = struct.pack("<BxB3xH", 1, value, 0xFFFF)
        else:
            result = struct.pack("<BxB3xH", 2, value, 0xFFFF)
        res.append([t, d[:6] + result + d[14:]])
        res.extend(tail)
    return res


save(book, "formulas.xls", cached)

# Elapsed time: 255:10:10 in [hh]:mm:ss, and a time of day beside it.
book = xlwt.Workbook(encoding="utf-8")
sheet = contacts(book)
sheet.write(0, 3, "Company")
sheet.write(0, 4, "Notes")
sheet.write(1, 3, 255 / 24 + (10 * 60 + 10) / 86400,
            xlwt.easyxf(num_format_str="[hh]:mm:ss"))
sheet.write(1, 4, datetime.time(15, 10, 10), xlwt.easyxf(num_format_str="hh:mm:ss"))
save(book, "elapsed.xls")


# Encrypted: a FILEPASS record after the workbook's BOF (RC4, as Excel
# 97-2003 writes it; the rest is left readable, which changes nothing).
def filepass(recs):
    return recs[:1] + [[0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)]] + recs[1:]


book = xlwt.Workbook(encoding="utf-8")
contacts(book)
save(book, "encrypted.xls", filepass)


# BIFF5 (Excel 5.0/95): every BOF says version 0x0500.
def biff5(recs):
    for r in recs:
        if r[0] == 0x0809:
            r[1] = struct.pack("<H", 0x0500) + r[1][2:]
    return recs


book = xlwt.Workbook(encoding="utf-8")
contacts(book)
save(book, "biff5.xls", biff5)

# The workbook stream named in capitals.
book = xlwt.Workbook(encoding="utf-8")
contacts(book)
save(book, "capitals.xls", stream_name="WORKBOOK")

# The first sheet empty: an import without --sheet reads the next one
# holding rows, and sluice inspect lists all three.
book = xlwt.Workbook(encoding="utf-8")
book.add_sheet("Notes")
people = book.add_sheet("People")
for col, name in enumerate(["First Name", "Email", "Notes"]):
    people.write(0, col, name)
people.write(1, 0, "Ann")
people.write(1, 1, "ann@example.com")
people.write(2, 0, "Bob")
people.write(2, 1, "bob@example.com")
people.write(2, 2, "tall")
also = book.add_sheet("Also")
also.write(0, 0, "Email")
also.write(1, 0, "cy@example.com")
save(book, "first-empty.xls")

# Notes above the header, as LinkedIn writes them: the header is row 4.
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Connections")
sheet.write(0, 0, "Notes:")
sheet.write(1, 0, "When exporting your connection data, you may notice that some "
            "of the email addresses are missing.")
for col, name in enumerate(["First Name", "Last Name", "Email Address", "Company"]):
    sheet.write(3, col, name)
sheet.write(4, 0, "Grace")
sheet.write(4, 1, "Hopper")
sheet.write(4, 2, "grace@navy.example")
sheet.write(4, 3, "US Navy")
sheet.write(5, 0, "Alan")
sheet.write(5, 1, "Kay")
sheet.write(5, 2, "alan@parc.example")
save(book, "notes-above.xls")

# No row looks like a header (a column named 2024, e-mail addresses below):
# the first row is it, and the sheet is read again from its start.
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Emails")
for col, name in enumerate(["First Name", "Email", "2024"]):
    sheet.write(0, col, name)
sheet.write(1, 0, "Ann")
sheet.write(1, 1, "ann@example.com")
sheet.write(1, 2, 3)
sheet.write(2, 0, "Bob")
sheet.write(2, 1, "bob@example.com")
save(book, "year-column.xls")
