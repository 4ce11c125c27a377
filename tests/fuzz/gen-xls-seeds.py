#!/usr/bin/env python3
"""Writes the seeds of tests/fuzz/corpus/xls: streams a child might write
on its pipe (source-xls.h), each after one byte that picks the sheet
option of fuzz-xls.c. Made once and committed:
    python3 tests/fuzz/gen-xls-seeds.py tests/fuzz/corpus/xls
"""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "."


def frame(t, payload=b""):
    return t.encode() + struct.pack("<I", len(payload)) + payload


def opened(version=8):
    return frame("O", bytes([0, version]))


def sheets(*names, flags=0):
    return b"".join(frame("S", bytes([flags]) + n.encode()) for n in names) + \
        frame("L", struct.pack("<I", len(names)))


def dim(rows, cols):
    return frame("D", struct.pack("<IH", rows, cols))


def row(index, *cells):
    body = b"".join(frame("C", struct.pack("<HB", c, k) + t.encode()) for c, k, t in cells)
    return frame("R", struct.pack("<I", index)) + body + frame("W")


good = (opened() + sheets("Hidden", "Contacts") + dim(4, 3) +
        row(0, (0, 0, "First Name"), (1, 0, "Last Name"), (2, 0, "Mobile Phone")) +
        row(1, (0, 0, "José"), (2, 0, "12015550123")) +
        row(3, (0, 0, "Grace"), (1, 1, ""), (2, 0, "255:10:10")) + frame("E"))
seeds = {
    "good": b"\x00" + good,
    "good-sheet-2": b"\x02" + good,
    "sheet-by-name": b"\x03" + good,
    "encrypted": b"\x00" + frame("F", bytes([5])),
    "old-biff-after-list": b"\x00" + opened(5) + sheets("Sheet1") + frame("F", bytes([6])),
    "header-formula-without-value": b"\x00" + opened() + sheets("A") + dim(2, 2) +
        row(0, (0, 0, "Name"), (1, 1, "")) + frame("E"),
    "truncated-cell": b"\x00" + good[:-40],
    "length-too-large": b"\x00" + opened() + b"S\xff\xff\xff\x7f",
    "rows-backwards": b"\x00" + opened() + sheets("A") + dim(5, 1) +
        row(3, (0, 0, "h")) + row(2, (0, 0, "x")) + frame("E"),
    "column-outside": b"\x00" + opened() + sheets("A") + dim(2, 1) +
        row(0, (0, 0, "h"), (7, 0, "x")) + frame("E"),
    "invalid-utf8": b"\x00" + opened() + sheets("A") + dim(2, 1) +
        frame("R", struct.pack("<I", 0)) + frame("C", b"\x00\x00\x00\xff\xfe") + frame("W"),
    "empty-row": b"\x00" + opened() + sheets("A") + dim(2, 1) + frame("R", b"\0\0\0\0") +
        frame("W") + frame("E"),
    "count-mismatch": b"\x00" + opened() + frame("S", b"\x00A") + frame("L", b"\x05\0\0\0"),
    "no-header": b"\x00" + opened() + sheets("A") + dim(0, 0) + frame("E"),
    "garbage": b"\x00Oops, not a frame",
    # The first sheet empty: the parent asks for the next one.
    "first-sheet-empty": b"\x00" + opened() + sheets("Notes", "People") + dim(0, 0) +
        frame("E") + dim(2, 2) + row(0, (0, 0, "First Name"), (1, 0, "Email")) +
        row(1, (0, 0, "Ann"), (1, 0, "ann@example.com")) + frame("E"),
    # Notes above the header: skipped.
    "notes-above-header": b"\x00" + opened() + sheets("Connections") + dim(4, 2) +
        row(0, (0, 0, "Notes:")) + row(2, (0, 0, "First Name"), (1, 0, "Email")) +
        row(3, (0, 0, "Grace"), (1, 0, "grace@navy.example")) + frame("E"),
    # No row looks like a header: the sheet is read again from its start.
    "no-header-look-read-again": b"\x00" + opened() + sheets("Emails") + dim(2, 2) +
        row(0, (0, 0, "Email"), (1, 0, "2024")) + row(1, (0, 0, "ann@example.com")) +
        frame("E") + dim(2, 2) + row(0, (0, 0, "Email"), (1, 0, "2024")) +
        row(1, (0, 0, "ann@example.com")) + frame("E"),
}
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
