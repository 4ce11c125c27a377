#!/usr/bin/env python3
"""Writes realistic contact CSV files for sluice's tests and benchmark.

The file looks like a real export (Google Contacts, Outlook or a German
address book), with accented and CJK names and US phone numbers that
libphonenumber accepts. Some rows are invalid in one known way, some repeat
an earlier contact written differently. The manifest (JSON) says how many of
each there are, so a test can compare sluice's counts with the truth.

Deterministic for a given --seed and options; streams, so a million rows
take constant memory. Standard library only.
"""

import argparse
import csv
import json
import random
import sys

# --- What a contact is made of -------------------------------------------

# (given, family, ASCII given, ASCII family): the ASCII forms build emails.
NAMES_WESTERN_GIVEN = [
    ("John", "john"), ("Mary", "mary"), ("José", "jose"), ("François", "francois"),
    ("Zoë", "zoe"), ("Björn", "bjorn"), ("Łukasz", "lukasz"), ("Renée", "renee"),
    ("Jürgen", "jurgen"), ("Søren", "soren"), ("Ségolène", "segolene"),
    ("Anaïs", "anais"), ("Çağla", "cagla"), ("Michael", "michael"),
    ("Jennifer", "jennifer"), ("David", "david"), ("Sarah", "sarah"),
    ("Ángel", "angel"), ("Inés", "ines"), ("Małgorzata", "malgorzata"),
    ("Ødegård", "odegard"), ("Chloé", "chloe"), ("Noël", "noel"),
    ("Emily", "emily"), ("Robert", "robert"), ("Linda", "linda"),
]
NAMES_WESTERN_FAMILY = [
    ("Smith", "smith"), ("García", "garcia"), ("Müller", "muller"),
    ("Lefèvre", "lefevre"), ("Núñez", "nunez"), ("Øster", "oster"),
    ("Kowalczyk", "kowalczyk"), ("O'Brien", "obrien"), ("Dubois", "dubois"),
    ("Schäfer", "schafer"), ("Johnson", "johnson"), ("Brown", "brown"),
    ("Gonçalves", "goncalves"), ("Đorđević", "dordevic"), ("Åström", "astrom"),
    ("Van der Berg", "vanderberg"), ("Williams", "williams"), ("Fernández", "fernandez"),
    ("Łęcki", "lecki"), ("Nguyễn", "nguyen"), ("Taylor", "taylor"),
]
NAMES_CJK = [  # (given, family, ASCII given, ASCII family)
    ("伟", "王", "wei", "wang"), ("娜", "李", "na", "li"),
    ("太郎", "山田", "taro", "yamada"), ("花子", "佐藤", "hanako", "sato"),
    ("민준", "김", "minjun", "kim"), ("서연", "박", "seoyeon", "park"),
    ("秀英", "张", "xiuying", "zhang"), ("翔", "鈴木", "sho", "suzuki"),
]
COMPANIES = [
    "Acme Corp", "Globex", "Initech", "Müller & Söhne GmbH", "Café Lumière SARL",
    "Umbrella, Inc.", "株式会社サンプル", "Stark Industries", "Wayne Enterprises",
    "Hooli", "Soylent \"Green\" Ltd", "Nordwind AG", "Compañía Andina S.A.", "",
]
JOB_TITLES = [
    "Sales Manager", "CEO", "Software Engineer", "Accountant", "Directrice commerciale",
    "Einkäufer", "Office Manager", "VP, Marketing", "Consultant", "",
]
TAGS = ["VIP", "Customer", "Lead", "Partner", "Newsletter", "Trade show 2023", "Friends"]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "example.com", "acme-corp.com",
           "globex.de", "mail.fr", "web.de", "icloud.com"]
NOTES = [
    "", "", "", "", "Met at the Berlin trade show",
    "Prefers email, not phone", "Call back after 3pm, ask for the \"blue\" plan",
    "Referred by Zoë\nFollow up in Q2", "Old customer; moved to Lyon",
]

# Area codes libphonenumber accepts for the US with any exchange 200–999
# (checked against libphonenumber 8.12 with a sample of generated numbers).
AREA_CODES = ["201", "202", "206", "212", "213", "303", "305", "312",
              "404", "415", "503", "512", "617", "650", "702", "718"]
EXCHANGES = 800  # 200..999
PHONE_SPACE = len(AREA_CODES) * EXCHANGES * 10000

# How a US number is written; a duplicate uses a different one.
PHONE_FORMATS = [
    "({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}", "{a}{e}{l}",
    "{a}.{e}.{l}", "+1 ({a}) {e}-{l}", "1-{a}-{e}-{l}", "+1{a}{e}{l}",
]

# Known invalid values, one fault per invalid row.
BAD_EMAILS = ["john@", "jane.doe@example", "bob smith@example.com", "anna@@example.com"]
BAD_PHONES = ["12345", "555-12", "0000"]
BAD_DATES = ["2024-02-30", "2023-13-01", "1990-04-31"]

# --- Header styles ---------------------------------------------------------

# Each style: header, default delimiter, line ending, and a function turning
# a contact into the row's cells.


def cells_google(c):
    name = (c["given"] + " " + c["family"]).strip()
    # Google writes labels as "* myContacts ::: VIP"; no labels, no cell
    # (so a duplicate without labels leaves the stored tags alone).
    groups = "* myContacts ::: " + c["tags"].replace(";", " ::: ") if c["tags"] else ""
    return [name, c["given"], "", c["family"], c["birthday_iso"], c["notes"], groups,
            "* Work" if c["email"] else "", c["email"],
            "Mobile" if c["phone"] else "", c["phone"], c["company"], c["title"]]


def cells_outlook(c):
    return [c["given"], c["family"], c["email"], c["phone"], c["company"], c["title"],
            c["birthday_us"], c["tags"]]


def cells_german(c):
    return [c["given"], c["family"], c["email"], c["phone"], c["company"]]


STYLES = {
    "google": {
        "header": ["Name", "Given Name", "Additional Name", "Family Name", "Birthday", "Notes",
                   "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value",
                   "Phone 1 - Type", "Phone 1 - Value", "Organization 1 - Name",
                   "Organization 1 - Title"],
        "delimiter": ",", "eol": "\r\n", "cells": cells_google, "has_birthday": True,
    },
    "outlook": {
        "header": ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Company",
                   "Job Title", "Birthday", "Categories"],
        "delimiter": ",", "eol": "\r\n", "cells": cells_outlook, "has_birthday": True,
    },
    "german": {
        "header": ["Vorname", "Nachname", "E-Mail", "Telefon", "Firma"],
        "delimiter": ";", "eol": "\n", "cells": cells_german, "has_birthday": False,
    },
}

DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


class Generator:
    """Makes contacts one at a time; remembers a bounded sample of earlier
    valid ones to duplicate."""

    RESERVOIR = 4096

    def __init__(self, seed, style):
        self.rng = random.Random(seed)
        self.style = style
        # A bijection from key numbers to phone numbers: k * mult + offset
        # modulo the number space, mult coprime with it.
        self.phone_mult = self._coprime(self.rng.randrange(PHONE_SPACE // 3, PHONE_SPACE))
        self.phone_offset = self.rng.randrange(PHONE_SPACE)
        self.next_key = 0
        self.reservoir = []
        self.valid_seen = 0

    @staticmethod
    def _coprime(n):
        # PHONE_SPACE = 2^a * 5^b: anything not divisible by 2 or 5 will do.
        while n % 2 == 0 or n % 5 == 0:
            n += 1
        return n

    def _phone_parts(self, k):
        j = (k * self.phone_mult + self.phone_offset) % PHONE_SPACE
        area = AREA_CODES[j % len(AREA_CODES)]
        j //= len(AREA_CODES)
        exchange = 200 + j % EXCHANGES
        line = j // EXCHANGES
        return area, "%03d" % exchange, "%04d" % line

    def new_contact(self):
        """A fresh valid contact with its own key number (unique phone and
        email)."""
        rng = self.rng
        k = self.next_key
        self.next_key += 1
        if rng.random() < 0.06:
            given, family, ag, af = rng.choice(NAMES_CJK)
        else:
            given, ag = rng.choice(NAMES_WESTERN_GIVEN)
            family, af = rng.choice(NAMES_WESTERN_FAMILY)
        r = rng.random()
        has_phone, has_email = (True, True) if r < 0.85 else ((True, False) if r < 0.95 else (False, True))
        local = rng.choice(("{g}.{f}{k}", "{g}{f}{k}", "{g0}{f}{k}", "{g}_{f}{k}"))
        email = local.format(g=ag, f=af, g0=ag[0], k=k) + "@" + rng.choice(DOMAINS)
        fmt = rng.randrange(len(PHONE_FORMATS))
        area, exch, line = self._phone_parts(k)
        year, month, day = rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29)
        has_birthday = rng.random() < 0.4
        ntags = rng.choice((0, 0, 1, 1, 2))
        tags = ";".join(rng.sample(TAGS, ntags)) if ntags else ""
        return {
            "key": k, "given": given, "family": family,
            "email": email if has_email else "",
            "phone": PHONE_FORMATS[fmt].format(a=area, e=exch, l=line) if has_phone else "",
            "phone_parts": (area, exch, line), "phone_format": fmt,
            "company": rng.choice(COMPANIES), "title": rng.choice(JOB_TITLES),
            "birthday_iso": "%04d-%02d-%02d" % (year, month, day) if has_birthday else "",
            "birthday_us": "%d/%d/%04d" % (month, day, year) if has_birthday else "",
            "tags": tags, "notes": rng.choice(NOTES),
        }

    def remember(self, contact, row_no, line_no):
        """Reservoir sampling: every valid contact so far is equally likely
        to be kept."""
        self.valid_seen += 1
        entry = (contact, row_no, line_no)
        if len(self.reservoir) < self.RESERVOIR:
            self.reservoir.append(entry)
        else:
            j = self.rng.randrange(self.valid_seen)
            if j < self.RESERVOIR:
                self.reservoir[j] = entry

    def duplicate(self):
        """An earlier valid contact written differently: another phone
        format, the email in other case, some non-key fields left empty. It
        normalizes to the same keys and values, so it changes nothing."""
        rng = self.rng
        orig, row_no, line_no = rng.choice(self.reservoir)
        c = dict(orig)
        if c["phone"]:
            fmt = (c["phone_format"] + rng.randrange(1, len(PHONE_FORMATS))) % len(PHONE_FORMATS)
            area, exch, line = c["phone_parts"]
            c["phone"] = PHONE_FORMATS[fmt].format(a=area, e=exch, l=line)
        if c["email"]:
            local, domain = c["email"].split("@")
            variant = rng.randrange(3)
            if variant == 0:
                c["email"] = c["email"].upper()
            elif variant == 1:
                c["email"] = local[:1].upper() + local[1:] + "@" + domain[:1].upper() + domain[1:]
            else:
                c["email"] = "  " + local.capitalize() + "@" + domain + " "
        # Both keys present: sometimes only one of them is given again.
        if c["phone"] and c["email"]:
            r = rng.random()
            if r < 0.15:
                c["email"] = ""
            elif r < 0.30:
                c["phone"] = ""
        # Empty incoming fields leave stored values alone (update and merge).
        for f in ("company", "title", "notes"):
            if rng.random() < 0.3:
                c[f] = ""
        if rng.random() < 0.3:
            c["birthday_iso"] = c["birthday_us"] = ""
        if rng.random() < 0.3:
            c["tags"] = ""
        return c, row_no, line_no

    def invalid(self):
        """A fresh contact with exactly one fault. Returns (contact, field,
        value); field is the schema field at fault, "(row)" for a row with
        neither phone nor email."""
        rng = self.rng
        c = self.new_contact()
        kinds = ["email", "phone", "(row)"]
        if STYLES[self.style]["has_birthday"]:
            kinds.append("birthday")
        kind = rng.choice(kinds)
        if kind == "email":
            c["email"] = rng.choice(BAD_EMAILS)
            value = c["email"]
        elif kind == "phone":
            c["phone"] = rng.choice(BAD_PHONES)
            value = c["phone"]
        elif kind == "birthday":
            bad = rng.choice(BAD_DATES)
            c["birthday_iso"] = c["birthday_us"] = bad
            value = bad
        else:
            c["phone"] = c["email"] = ""
            value = ""
        return c, kind, value


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Write a realistic contacts CSV and a manifest of what it holds.")
    p.add_argument("--rows", type=int, default=100, help="data rows (default 100)")
    p.add_argument("--invalid-rate", type=float, default=0.0,
                   help="fraction of rows with one known fault (default 0)")
    p.add_argument("--dup-rate", type=float, default=0.0,
                   help="fraction of rows repeating an earlier valid row (default 0)")
    p.add_argument("--style", choices=sorted(STYLES), default="google")
    p.add_argument("--delimiter", help="override the style's delimiter: a character, "
                   "or tab, comma, semicolon, pipe")
    p.add_argument("--eol", choices=("lf", "crlf"), help="override the style's line ending")
    p.add_argument("--bom", action="store_true", help="start the file with a UTF-8 BOM")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="-", help="CSV file (default: standard output)")
    p.add_argument("--manifest", help="write the manifest (JSON) here")
    p.add_argument("--samples", type=int, default=50,
                   help="invalid and duplicate rows listed in the manifest (default 50)")
    a = p.parse_args(argv)
    if a.rows < 0:
        p.error("--rows must be 0 or more")
    if not (0 <= a.invalid_rate <= 1 and 0 <= a.dup_rate <= 1 and a.invalid_rate + a.dup_rate <= 1):
        p.error("--invalid-rate and --dup-rate must be in [0, 1] and add up to at most 1")
    if a.delimiter is not None:
        a.delimiter = DELIMITER_NAMES.get(a.delimiter.lower(), a.delimiter)
        if len(a.delimiter) != 1 or a.delimiter in "\"\r\n":
            p.error("--delimiter must be one character other than a quote or newline")
    return a


def main(argv):
    a = parse_args(argv)
    style = STYLES[a.style]
    delimiter = a.delimiter or style["delimiter"]
    eol = {"lf": "\n", "crlf": "\r\n"}.get(a.eol, style["eol"])
    gen = Generator(a.seed, a.style)
    cells_of = style["cells"]

    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8", newline="",
                                                 buffering=1 << 20)
    if a.out == "-":
        sys.stdout.reconfigure(newline="")
    if a.bom:
        out.write("\ufeff")
    w = csv.writer(out, delimiter=delimiter, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    w.writerow(style["header"])

    counts = {"valid": 0, "invalid": 0, "duplicates": 0, "unique": 0}
    by_field = {}
    invalid_samples, dup_samples = [], []
    line_no = 2  # the header is line 1
    rng = gen.rng
    dup_threshold = a.invalid_rate + a.dup_rate
    for row_no in range(1, a.rows + 1):
        r = rng.random()
        if r < a.invalid_rate:
            c, field, value = gen.invalid()
            counts["invalid"] += 1
            by_field[field] = by_field.get(field, 0) + 1
            if len(invalid_samples) < a.samples:
                invalid_samples.append({"row": row_no, "line": line_no, "field": field,
                                        "value": value})
        elif r < dup_threshold and gen.reservoir:
            c, orig_row, orig_line = gen.duplicate()
            counts["valid"] += 1
            counts["duplicates"] += 1
            if len(dup_samples) < a.samples:
                dup_samples.append({"row": row_no, "line": line_no, "duplicate_of_row": orig_row,
                                    "phone": c["phone"], "email": c["email"]})
        else:
            c = gen.new_contact()
            counts["valid"] += 1
            counts["unique"] += 1
            gen.remember(c, row_no, line_no)
        cells = cells_of(c)
        w.writerow(cells)
        # Quoted newlines inside a cell make the row span several lines.
        line_no += 1 + (c["notes"].count("\n") if c["notes"] else 0)

    if out is not sys.stdout:
        out.close()
    else:
        out.flush()

    if a.manifest:
        total = a.rows
        # A bad birthday (an optional field) is dropped alone: the row is
        # kept and creates its record without it. Other faults reject the
        # row (sluice import --invalid-values reject-row rejects them all).
        dropped = by_field.get("birthday", 0)
        stored = counts["unique"] + dropped
        manifest = {
            "generator": "tests/gen-contacts.py",
            "seed": a.seed, "style": a.style, "delimiter": delimiter,
            "eol": "crlf" if eol == "\r\n" else "lf", "bom": a.bom,
            "header": style["header"],
            "rows": total,
            "lines": line_no - 1,
            "valid_rows": counts["valid"],
            # Rows with one fault: those rejected, and those kept without
            # the bad value (values_dropped).
            "invalid_rows": counts["invalid"],
            "rejected_rows": counts["invalid"] - dropped,
            "values_dropped": dropped,
            # Schema field at fault; "(row)" is a row with neither phone nor email.
            "invalid_by_field": dict(sorted(by_field.items())),
            "duplicates": counts["duplicates"],
            # The records an import into an empty database stores: one per
            # contact, those kept without a bad birthday included.
            "unique_records": stored,
            # What importing this file into an empty database must report.
            # Duplicates normalize to the values already stored, so update
            # and merge change nothing.
            "expected": {
                strategy: {
                    "total": total, "created": stored, "updated": 0, "merged": 0,
                    "unchanged": 0 if strategy == "skip" else counts["duplicates"],
                    "skipped": counts["duplicates"] if strategy == "skip" else 0,
                    "rejected": counts["invalid"] - dropped, "failed": 0, "not_processed": 0,
                }
                for strategy in ("update", "skip", "merge")
            },
            "invalid_samples": invalid_samples,
            "duplicate_samples": dup_samples,
        }
        with open(a.manifest, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
