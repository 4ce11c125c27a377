#!/usr/bin/env python3
"""Reads a mail sluice sent (an RFC 5322 file) with Python's email parser
and prints what the tests check, as JSON: the decoded headers, whether the
MIME structure is sound, the plain text, and the attachments (name, type,
size, first bytes)."""
import json
import sys
from email import policy
from email.parser import BytesParser

with open(sys.argv[1], "rb") as f:
    raw = f.read()
m = BytesParser(policy=policy.default).parsebytes(raw)
attachments = []
for part in m.iter_attachments():
    data = part.get_content()
    attachments.append({
        "filename": part.get_filename(),
        "type": part.get_content_type(),
        "size": len(data),
        "zip": data[:2] == b"PK",
    })
body = m.get_body(("plain",))
print(json.dumps({
    "subject": str(m["Subject"]),
    "subject_raw": raw.split(b"\r\nSubject:", 1)[1].split(b"\r\n")[0].decode("ascii", "replace").strip()
    if b"\r\nSubject:" in raw else None,
    "from": str(m["From"]),
    "to": str(m["To"]),
    "date": str(m["Date"]),
    "date_ok": m["Date"] is not None and m["Date"].datetime is not None,
    "message_id": str(m["Message-ID"]),
    "mime_version": str(m["MIME-Version"]),
    "defects": len(m.defects) + sum(len(p.defects) for p in m.walk()),
    "charset": body.get_content_charset() if body else None,
    "text": body.get_content() if body else None,
    "attachments": attachments,
    "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
}))
