#!/bin/bash
# CSV files that are not UTF-8 import with the right text: Windows-1252 and
# UTF-16LE with a byte order mark are detected, --encoding forces one, the
# encoding is kept in the journal and shown in the summary, and bytes that
# cannot be decoded reject their row instead of being stored as mojibake.
. "$(dirname "$0")/lib.sh"

printf 'First Name;Last Name;E-mail Address;Mobile Phone\r\nJos\351;M\374ller;jose@x.com;201-555-0123\r\nRen\351e;Lef\350vre;renee@x.com;212-736-5000\r\n' >w1252.csv
run_sluice import w1252.csv --db w.db --json
id=$(last_import_id w.db)
assert_exit 0 "the Windows-1252 file imports"
assert_eq "$(sq w.db "SELECT first_name || ' ' || last_name FROM contacts ORDER BY id")" "José Müller
Renée Lefèvre" "its names arrive converted to UTF-8"
assert_eq "$(sq w.db "SELECT encoding FROM sluice_imports WHERE id = $id")" "WINDOWS-1252" "the journal keeps the encoding"
assert_eq "$(json .source)" "CSV, delimiter ';', encoding WINDOWS-1252" "the summary names the encoding"

# UTF-16LE with a BOM, as Excel's "Unicode text" writes it (TAB-delimited).
printf 'First Name\tLast Name\tE-mail Address\tMobile Phone\r\nJosé\tMüller\tjose@x.com\t201-555-0123\r\n山田\t太郎\ttaro@x.jp\t718-222-3344\r\n' |
	iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } >utf16.csv
run_sluice import utf16.csv --db u.db --json
assert_exit 0 "the UTF-16LE file is not refused as binary and imports"
assert_eq "$(sq u.db "SELECT first_name || ' ' || last_name FROM contacts ORDER BY id")" "José Müller
山田 太郎" "its names arrive intact"
assert_eq "$(sq u.db "SELECT encoding FROM sluice_imports")" "UTF-16LE" "the journal says UTF-16LE"

# --encoding forces one: ISO-8859-15 has the euro sign at 0xA4.
printf 'First Name,Last Name,E-mail Address,Mobile Phone,Notes\nAnn,Lee,ann@x.com,212-736-5000,costs 5\244\n' >latin9.csv
run_sluice import latin9.csv --db l.db --encoding ISO-8859-15
assert_exit 0 "the forced encoding imports"
assert_eq "$(sq l.db "SELECT notes FROM contacts")" "costs 5€" "the euro sign is read as ISO-8859-15 has it"
run_sluice import latin9.csv --db bad.db --encoding KLINGON
assert_exit 2 "an unknown encoding is a usage error"
assert_match "$(cat "$T/err")" 'does not know the encoding "KLINGON"' "the message names the encoding"
ok "nothing is written for an unknown encoding" test ! -e bad.db

# A byte Windows-1252 does not define rejects its row, with its offset.
printf 'First Name,Last Name,E-mail Address,Mobile Phone\nJos\351,M\374ller,jose@x.com,201-555-0123\nBad\201,Byte,bad@x.com,212-736-5000\n' >undefined.csv
run_sluice import undefined.csv --db x.db --json
id=$(last_import_id x.db)
assert_exit 1 "the row with an undefined byte is rejected"
assert_match "$(sq x.db "SELECT message FROM sluice_import_errors WHERE import_id = $id")" \
	"^Row 2 \(line 3\) holds bytes that are not WINDOWS-1252 text at byte offset 88 of the file" \
	"the error names the row, the line and the byte offset"
assert_eq "$(sq x.db "SELECT first_name FROM contacts")" "José" "the other row imports"
invariant_holds x.db "the counts add up"

done_testing
