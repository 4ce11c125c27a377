#!/bin/bash
# The same files imported into SQLite and into PostgreSQL give the same
# table, row for row and value for value (dates and numbers included), the
# same counts and the same journal (errors, rejected rows, changes with
# their before-images), with each strategy, and a dry run writes nothing
# in either.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start

gen_contacts --rows 1200 --seed 131 --invalid-rate 0.05 --dup-rate 0.15 --out base.csv
# again.csv: the base file changed (an empty first name, another company,
# one more tag) on some rows, new records, and rows whose phone and email
# name two different records.
"$PYTHON" - base.csv again.csv <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
col = {name: i for i, name in enumerate(head)}
def pick(*names):
    for n in names:
        if n in col:
            return col[n]
first, company = pick("First Name", "Given Name"), pick("Company", "Organization 1 - Name")
out = []
for i, r in enumerate(body):
    r = list(r)
    if i % 3 == 0 and company is not None:
        r[company] = "NewCo %d" % (i % 7)
    if i % 5 == 0 and first is not None:
        r[first] = ""
    out.append(r)
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(head)
    w.writerows(out[::2])
PY
gen_contacts --rows 300 --seed 132 --invalid-rate 0.05 --out new.csv
tail -n +2 new.csv >>again.csv

journal_sql="SELECT row_no, coalesce(field, ''), type, message, coalesce(value, ''), dropped FROM sluice_import_errors ORDER BY import_id, row_no, id"
imports_sql="SELECT id, status, strategy, batch_size, coalesce(invalid_values, ''), coalesce(on_key_conflict, ''), rows_done, total, dry_run FROM sluice_imports ORDER BY id"
rejects_sql="SELECT import_id, row_no, line_no, outcome, cells FROM sluice_import_rejects ORDER BY import_id, row_no"
changes_sql="SELECT import_id, batch_no, row_no, record_id, action, coalesce(before, ''), after_hash FROM sluice_import_changes ORDER BY id"
batches_sql="SELECT import_id, batch_no, first_row, rows, created, updated, merged, unchanged, skipped, rejected, failed, status FROM sluice_import_batches ORDER BY import_id, batch_no"
dump_sql="SELECT $PG_CONTACTS_COLUMNS FROM contacts ORDER BY id"

for strategy in update skip merge; do
	db=$strategy.db
	url=$(pg_db "$strategy")
	for file in base.csv again.csv; do
		run_sluice import "$file" --db "$db" --strategy "$strategy" --batch-size 200 --json
		cp "$T/out" sqlite.json
		sqlite_rc=$rc
		run_sluice import "$file" --db "$url" --strategy "$strategy" --batch-size 200 --json
		assert_eq "$rc" "$sqlite_rc" "$strategy, $file: the same exit code ($sqlite_rc)"
		assert_eq "$(json_counts)" "$(json_counts sqlite.json)" "$strategy, $file: the reports' counts are the same ($(json_counts sqlite.json))"
	done
	assert_eq "$(pg_import_counts "$url" 2)" "$(import_counts "$db" 2)" "$strategy: the journals' counts are the same"
	if [ "$(pq "$url" "$dump_sql")" = "$(sq "$db" "$dump_sql")" ]; then
		pass "$strategy: the tables are the same, row for row ($(sq "$db" 'SELECT count(*) FROM contacts') records)"
	else
		fail "$strategy: the tables are the same, row for row" \
			"$(diff <(sq "$db" "$dump_sql") <(pq "$url" "$dump_sql") | head -n 10)"
	fi
	for what in imports journal rejects changes batches; do
		sql_var=${what}_sql
		if [ "$(pq "$url" "${!sql_var}")" = "$(sq "$db" "${!sql_var}")" ]; then
			pass "$strategy: the journal's $what are the same"
		else
			fail "$strategy: the journal's $what are the same" \
				"$(diff <(sq "$db" "${!sql_var}") <(pq "$url" "${!sql_var}") | head -n 10)"
		fi
	done
	assert_eq "$(pg_adds_up "$url" 1)$(pg_adds_up "$url" 2)" "" "$strategy: each PostgreSQL import's counts add up"
done

# Key conflicts (a row matching a record by phone with another email):
# rejected, or with --on-key-conflict update written, the same in both.
cat >keys-base.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
John,Smith,john@x.com,+1 (201) 555-0123,Acme
Mary,Jones,mary@y.com,(212) 736-5000,
CSV
cat >keys-again.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
John,Smith,john.smith@x.com,201.555.0123,NewCo
Mary,Jones,MARY@Y.COM,,Initech
CSV
for mode in reject update; do
	for strategy in update merge skip; do
		db=keys-$mode-$strategy.db
		url=$(pg_db "keys_${mode}_$strategy")
		run_sluice import keys-base.csv --db "$db"
		run_sluice import keys-again.csv --db "$db" --strategy "$strategy" --on-key-conflict "$mode" --json
		cp "$T/out" sqlite.json
		sqlite_rc=$rc
		run_sluice import keys-base.csv --db "$url"
		run_sluice import keys-again.csv --db "$url" --strategy "$strategy" --on-key-conflict "$mode" --json
		assert_eq "$rc $(json_counts) $(json .key_conflicts)" "$sqlite_rc $(json_counts sqlite.json) $(json .key_conflicts sqlite.json)" \
			"key conflicts ($mode, $strategy): the same exit code and counts"
		assert_eq "$(pq "$url" "$dump_sql")|$(pq "$url" "$journal_sql")" "$(sq "$db" "$dump_sql")|$(sq "$db" "$journal_sql")" \
			"key conflicts ($mode, $strategy): the same table and errors"
	done
done

# Numbers and dates keep their values; the column types fit them.
cat >products.csv <<'CSV'
SKU,Name,Price,Stock,Category
A-1,Bolt,"1,234.50",1000,hardware
A-2,Nut,0.10,7,hardware
A-3,Washer,-3,0,
A-4,Gear,abc,2,spare
CSV
run_sluice import products.csv --db products.db --schema products
url=$(pg_db products)
run_sluice import products.csv --db "$url" --schema products
products_sql="SELECT id, sku, name, price, stock, category, imported_from FROM products ORDER BY id"
assert_eq "$(pq "$url" "$products_sql")" "$(sq products.db "$products_sql")" "products: numbers are stored with the same values"
assert_eq "$(pq "$url" "SELECT data_type FROM information_schema.columns WHERE table_name = 'products' AND column_name IN ('price', 'sku') ORDER BY column_name")" \
	"$(printf 'numeric\ntext')" "products: a number field is a numeric column, a text field a text column"
assert_eq "$(pq "$(pg_db dates)" "SELECT 1")" "1" "a database for dates"
run_sluice import "$top_srcdir/data/samples/contacts.csv" --db "postgresql://sluice@127.0.0.1:$PG_PORT/dates"
assert_eq "$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/dates" "SELECT data_type FROM information_schema.columns WHERE table_name = 'contacts' AND column_name = 'birthday'")" \
	"text" "a yearless date field (a birthday of --07-04) is a text column"
cat >events.schema <<'SCHEMA'
[schema]
table = events
match_keys = code

[field code]
type = text
required = true
synonyms = Code

[field day]
type = date
synonyms = Day
SCHEMA
printf 'Code,Day\nA1,2024-03-15\nB2,15 March 2023\n' >events.csv
run_sluice import events.csv --schema ./events.schema --db "postgresql://sluice@127.0.0.1:$PG_PORT/dates"
assert_eq "$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/dates" "SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'day'")" \
	"date" "a date field is a date column"
assert_eq "$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/dates" "SELECT day FROM events ORDER BY id")" \
	"$(printf '2024-03-15\n2023-03-15')" "its dates are stored as dates"
run_sluice import "$top_srcdir/data/samples/contacts.csv" --db dates.db
assert_eq "$(pq "postgresql://sluice@127.0.0.1:$PG_PORT/dates" "$dump_sql")" "$(sq dates.db "$dump_sql")" \
	"the sample's dates read back as SQLite keeps them"

# A row the database refuses (here a CHECK of the table): the batch is
# written again row by row, and that row alone fails, in both.
cat >refused.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
Ada,Lovelace,ada@example.com,+1 212 555 0187,Analytical
Eve,Mallory,eve@example.com,+1 312 555 0143,Evil Corp
Alan,Turing,alan@example.com,+1 415 555 0162,Bletchley
CSV
check="CHECK (company IS NULL OR company <> 'Evil Corp')"
sq refused.db "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, phone TEXT, company TEXT, job_title TEXT, birthday TEXT, country TEXT, tags TEXT, status TEXT, notes TEXT, imported_from INTEGER, $check)"
url=$(pg_db refused)
pq "$url" "CREATE TABLE contacts (id bigserial PRIMARY KEY, first_name text, last_name text, email text, phone text, company text, job_title text, birthday date, country text, tags text, status text, notes text, imported_from bigint, $check)"
run_sluice import refused.csv --db refused.db --batch-size 10 --json
cp "$T/out" sqlite.json
run_sluice import refused.csv --db "$url" --batch-size 10 --json
assert_eq "$rc $(json_counts)" "1 $(json_counts sqlite.json)" "a refused row: the same exit code and counts (one failed)"
# The same records; their ids may differ, since PostgreSQL does not give
# back the sequence numbers of a rolled-back batch.
refused_sql="SELECT first_name, last_name, email, phone, company, imported_from FROM contacts ORDER BY id"
assert_eq "$(pq "$url" "$refused_sql")" "$(sq refused.db "$refused_sql")" "a refused row: the same records"
assert_eq "$(pq "$url" "$batches_sql")" "$(sq refused.db "$batches_sql")" "a refused row: the batch is replayed in both"
assert_eq "$(pq "$url" "SELECT row_no, type FROM sluice_import_errors")" "2|database" "the refused row is journaled as a database error"

# Values with what COPY's text format escapes (a backslash, \N, a tab, a
# line break, a carriage return) come back byte for byte as in SQLite.
printf '%s\n' 'First Name,Last Name,E-mail Address,Mobile Phone,Company,Notes' \
	'Back,Slash,back@example.com,+1 312 555 0101,C:\Temp\new,"ends with \"' \
	'Null,Word,null@example.com,+1 312 555 0102,\N,"a	tab and \t"' \
	'Many,Lines,lines@example.com,+1 312 555 0103,Acme,"one' 'two' 'three"' >escapes.csv
printf 'Carriage,Return,cr@example.com,+1 312 555 0104,Acme,"one\rtwo"\n' >>escapes.csv
url=$(pg_db escapes)
run_sluice import escapes.csv --db escapes.db --json
run_sluice import escapes.csv --db "$url" --json
escapes_sql="SELECT first_name, upper(hex(company)), upper(hex(notes)) FROM contacts ORDER BY id"
assert_eq "$(pq "$url" "$(echo "$escapes_sql" | sed 's/hex(\([a-z]*\))/encode(convert_to(\1, '"'UTF8'"'), '"'hex'"')/g')")" \
	"$(sq escapes.db "$escapes_sql")" "backslashes, \\N, tabs and line breaks are written as SQLite writes them"
assert_eq "$(pq "$url" "SELECT count(*) FROM contacts")" "4" "the four rows with them are imported"

# A dry run counts the same and leaves nothing behind.
url=$(pg_db dry)
run_sluice import base.csv --db dry.db --dry-run --json
cp "$T/out" sqlite.json
run_sluice import base.csv --db "$url" --dry-run --json
assert_eq "$(json_counts)" "$(json_counts sqlite.json)" "a dry run counts the same"
assert_eq "$(pq "$url" "SELECT count(*) FROM information_schema.tables WHERE table_name = 'contacts'")" "0" \
	"a dry run into PostgreSQL creates no table"
assert_eq "$(pq "$url" "SELECT dry_run, status FROM sluice_imports")" "1|$(sq dry.db 'SELECT status FROM sluice_imports')" \
	"the dry run is journaled as in SQLite"

done_testing
