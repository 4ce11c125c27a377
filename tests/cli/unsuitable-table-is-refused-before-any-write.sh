#!/bin/bash
# An existing table that cannot take the schema's rows as sluice writes
# them is refused before anything is written (exit 2, the table as it was,
# no import in the journal), with a message naming the column or index and
# what is expected: a phone column of INTEGER affinity (which would store
# +4930901820 as 4930901820 and make every re-import "update" every row),
# an id that does not number the rows itself (TEXT PRIMARY KEY, a WITHOUT
# ROWID table), a column NOT NULL without a default that rows may leave
# empty, a unique index that is not one match key alone. Tables that fit
# (other spellings of the types, defaults, the match keys' own unique
# indexes) still import. PostgreSQL: pg-unsuitable-table-is-refused-before-any-write.sh.
. "$(dirname "$0")/lib.sh"

printf 'First Name,Phone,Email\nAnn,+49 30 901820,ann@example.com\n' >p.csv
cols="first_name TEXT, phone TEXT, email TEXT, imported_from INTEGER"

# refused NAME DDL REGEX: the table made by DDL is refused with a message
# matching REGEX, and nothing is written.
refused() {
	rm -f "$1.db"
	sq "$1.db" "$2"
	local before
	before=$(sq "$1.db" ".schema")
	run_sluice import p.csv --db "$1.db"
	assert_exit 2 "$1: refused, exit code 2"
	assert_match "$(cat "$T/err")" "$3" "$1: the message names the column and what is expected"
	assert_match "$(cat "$T/err")" "nothing was imported" "$1: and says nothing was imported"
	assert_eq "$(sq "$1.db" "SELECT count(*) FROM contacts")" 0 "$1: no row is written"
	assert_eq "$(sq "$1.db" ".schema contacts")" "$(printf '%s\n' "$before" | grep -i 'contacts')" \
		"$1: the table is as it was (no column added)"
	local imports=0
	table_exists "$1.db" sluice_imports && imports=$(sq "$1.db" "SELECT count(*) FROM sluice_imports")
	assert_eq "$imports" 0 "$1: no import is recorded"
}

refused phone-integer "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, phone INTEGER, email TEXT, imported_from INTEGER)" \
	"The column phone of the table contacts in phone-integer.db is INTEGER, .*it must be TEXT"
refused email-real "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, phone TEXT, email REAL, imported_from INTEGER)" \
	"The column email .* is REAL"
refused text-id "CREATE TABLE contacts (id TEXT PRIMARY KEY, $cols)" \
	"has the column id as TEXT PRIMARY KEY; sluice needs a column id that numbers the rows itself \(INTEGER PRIMARY KEY\)"
refused without-rowid "CREATE TABLE contacts (id INTEGER PRIMARY KEY, $cols) WITHOUT ROWID" \
	"has the column id as INTEGER PRIMARY KEY \(WITHOUT ROWID\)"
refused no-id "CREATE TABLE contacts (key INTEGER PRIMARY KEY, $cols)" "has no column id"
refused extra-not-null "CREATE TABLE contacts (id INTEGER PRIMARY KEY, $cols, owner TEXT NOT NULL)" \
	"The column owner .* is NOT NULL without a default, and schema contacts has no field for it"
refused optional-not-null "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, phone TEXT, email TEXT, imported_from INTEGER)" \
	"The column first_name .* is NOT NULL without a default, but first_name is optional"
refused key-not-null "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, phone TEXT NOT NULL, email TEXT, imported_from INTEGER)" \
	"The column phone .* is NOT NULL without a default"
refused unique-other "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT UNIQUE, phone TEXT, email TEXT, imported_from INTEGER)" \
	"has a unique index .* on first_name, which is not one match key of schema contacts alone \(phone or email\)"
refused unique-pair "CREATE TABLE contacts (id INTEGER PRIMARY KEY, $cols, UNIQUE (phone, email))" \
	"has a unique index .* on phone, email, which is not one match key"
refused unique-partial "CREATE TABLE contacts (id INTEGER PRIMARY KEY, $cols); CREATE UNIQUE INDEX some_phones ON contacts(phone) WHERE phone LIKE '+1%'" \
	"has a unique index some_phones on phone \(partial\)"

# Tables that fit: other spellings, defaults, the keys' own unique indexes.
fits() {
	rm -f "$1.db"
	sq "$1.db" "$2"
	run_sluice import p.csv --db "$1.db"
	assert_exit 0 "$1: imports"
	assert_eq "$(sq "$1.db" "SELECT phone FROM contacts")" "+4930901820" "$1: the phone keeps its +"
}
fits spellings "CREATE TABLE contacts (id integer primary key, first_name VARCHAR(80), phone CLOB, email, zip NUMERIC, imported_from INTEGER)"
fits defaults "CREATE TABLE contacts (id INTEGER PRIMARY KEY, $cols, owner TEXT NOT NULL DEFAULT 'crm', first_seen TEXT)"
fits key-indexes "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, phone TEXT UNIQUE, email TEXT, imported_from INTEGER); CREATE UNIQUE INDEX mail ON contacts(email)"
run_sluice import p.csv --db key-indexes.db --json
assert_eq "$(json '[.created, .unchanged] | map(tostring) | join(" ")')" "0 1" "and importing again changes nothing"

done_testing
