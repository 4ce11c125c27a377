#!/usr/bin/env python3
"""The baseline sluice's benchmark compares against: what a person would
write in an afternoon with Python's csv and sqlite3 modules.

Reads a contacts CSV, maps its columns by a few common header names,
normalizes the phone to +digits and the email to lower case with plain string
operations (no validation), and upserts by phone (by email when there is no
phone) into a table with unique indexes on both, 500 rows per transaction.
Prints one line of JSON with its counts and rows/s.
"""

import argparse
import csv
import json
import sqlite3
import sys
import time

BATCH = 500

# Folded header (lower case, letters and digits only) → column.
HEADERS = {
    "givenname": "first_name", "firstname": "first_name", "vorname": "first_name",
    "familyname": "last_name", "lastname": "last_name", "nachname": "last_name",
    "email1value": "email", "emailaddress": "email", "email": "email",
    "phone1value": "phone", "mobilephone": "phone", "phone": "phone", "telefon": "phone",
    "organization1name": "company", "company": "company", "firma": "company",
    "organization1title": "job_title", "jobtitle": "job_title",
    "birthday": "birthday", "categories": "tags", "groupmembership": "tags", "notes": "notes",
}
COLUMNS = ["first_name", "last_name", "email", "phone", "company", "job_title",
           "birthday", "tags", "notes"]


def fold(header):
    return "".join(ch for ch in header.lower() if ch.isalnum())


def normalize_phone(s):
    digits = "".join(ch for ch in s if ch.isdigit())
    if not digits:
        return None
    if len(digits) == 10:
        digits = "1" + digits
    return "+" + digits


def upsert_sql(key):
    cols = ", ".join(COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    sets = ", ".join("%s = coalesce(excluded.%s, %s)" % (c, c, c) for c in COLUMNS if c != key)
    return ("INSERT INTO contacts (%s) VALUES (%s) ON CONFLICT(%s) DO UPDATE SET %s"
            % (cols, marks, key, sets))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv")
    p.add_argument("db")
    p.add_argument("--journal-mode", default="delete")
    a = p.parse_args(argv)

    started = time.monotonic()
    db = sqlite3.connect(a.db, isolation_level=None)
    db.execute("PRAGMA journal_mode = %s" % a.journal_mode)
    db.execute("CREATE TABLE IF NOT EXISTS contacts (id INTEGER PRIMARY KEY, %s)"
               % ", ".join(c + " TEXT" for c in COLUMNS))
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS contacts_phone ON contacts(phone)")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS contacts_email ON contacts(email)")
    by_phone, by_email = upsert_sql("phone"), upsert_sql("email")

    with open(a.csv, encoding="utf-8-sig", newline="") as f:
        sample = f.readline()
        f.seek(0)
        delimiter = max(",;\t|", key=sample.count)
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        where = {}
        for i, h in enumerate(header):
            col = HEADERS.get(fold(h))
            if col and col not in where:
                where[col] = i
        picks = [(COLUMNS.index(c), i) for c, i in where.items()]
        phone_at, email_at = COLUMNS.index("phone"), COLUMNS.index("email")

        rows = written = rejected = failed = 0
        db.execute("BEGIN")
        for cells in reader:
            rows += 1
            values = [None] * len(COLUMNS)
            for c, i in picks:
                if i < len(cells):
                    v = cells[i].strip()
                    values[c] = v or None
            if values[phone_at]:
                values[phone_at] = normalize_phone(values[phone_at])
            if values[email_at]:
                values[email_at] = values[email_at].lower()
            sql = by_phone if values[phone_at] else by_email if values[email_at] else None
            if sql is None:
                rejected += 1
            else:
                try:
                    db.execute(sql, values)
                    written += 1
                except sqlite3.IntegrityError:
                    failed += 1
            if rows % BATCH == 0:
                db.execute("COMMIT")
                db.execute("BEGIN")
        db.execute("COMMIT")
    db.close()
    elapsed = time.monotonic() - started
    print(json.dumps({"rows": rows, "written": written, "rejected": rejected,
                      "failed": failed, "journal_mode": a.journal_mode,
                      "seconds": round(elapsed, 3),
                      "rows_per_s": round(rows / elapsed) if elapsed > 0 else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
