#!/bin/bash
# Bytes that are not UTF-8 never reach the database. In a UTF-8 file, the
# row holding them is rejected (named by row and line) and the other rows,
# accents included, import intact.
. "$(dirname "$0")/lib.sh"

{
	printf 'First Name,Last Name,E-mail Address,Mobile Phone\n'
	printf 'José,García,jose@x.com,201-555-0123\n'
	printf 'Ren\351e,Lef\350vre,renee@x.com,212-736-5000\n'	# Latin-1 é and è
	printf 'Zoë,Müller,zoe@x.com,415-234-5678\n'
	printf 'Bad,Byte\377\376,ff@x.com,617-253-1000\n'	# never valid in UTF-8
	printf '山田,太郎,taro@x.jp,718-222-3344\n'
} >mixed.csv

run_sluice import mixed.csv --db my.db --json
id=$(last_import_id my.db)
assert_exit 1 "rows with bytes that are not UTF-8 make exit code 1"
assert_eq "$(json_counts)" "5 3 0 0 0 0 2 0 0" "the two rows with bad bytes are rejected, three created"
assert_eq "$(sq my.db "SELECT first_name || ' ' || last_name FROM contacts ORDER BY phone")" \
	"José García
Zoë Müller
山田 太郎" "the UTF-8 rows are stored exactly (the file is not reinterpreted as Latin-1)"
assert_eq "$(sq my.db "SELECT group_concat(row_no || ':' || line_no, ' ') FROM
                       (SELECT DISTINCT row_no, line_no FROM sluice_import_errors WHERE import_id = $id ORDER BY row_no)")" \
	"2:3 4:5" "the errors name rows 2 and 4 on lines 3 and 5"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND coalesce(message, '') = ''")" 0 \
	"each error has a message"
journal_consistent my.db "$id" "the journal tells one story about the import"
invariant_holds my.db "the import's counts add up"

# Everything the journal and the table hold is valid UTF-8, error values and
# kept cells included.
utf8_check() { # DB
	"$PYTHON" - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
bad = []
for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
    t = table.decode()
    for row in db.execute('SELECT * FROM "%s"' % t):
        for v in row:
            if isinstance(v, bytes):
                try:
                    v.decode("utf-8")
                except UnicodeDecodeError:
                    bad.append("%s: %r" % (t, v))
print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
PY
}
ok "no stored text, error or kept cell holds bytes that are not UTF-8" utf8_check my.db

# A file entirely in Latin-1: sluice may convert it or refuse it, but never
# stores its bytes as they are.
printf 'First Name,Last Name,E-mail Address,Mobile Phone\nRen\351e,Lef\350vre,renee@x.com,212-736-5000\n' >latin1.csv
run_sluice import latin1.csv --db latin1.db
case $rc in
0)
	assert_eq "$(sq latin1.db "SELECT first_name || ' ' || last_name FROM contacts")" "Renée Lefèvre" \
		"a Latin-1 file that imports is converted to UTF-8"
	;;
*)
	pass "a Latin-1 file that does not import is refused (exit code $rc)"
	;;
esac
if [ -f latin1.db ]; then
	ok "the Latin-1 file leaves no bytes that are not UTF-8 in the database" utf8_check latin1.db
else
	pass "the Latin-1 file leaves no bytes that are not UTF-8 in the database"
fi

done_testing
