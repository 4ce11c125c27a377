#!/bin/bash
# Values before rows: an invalid value of an optional field (a birthday of
# 31/02/1990, a yearless --02-30, a dotted 31.04.1990: days that do not exist) is
# dropped, and the contact is stored without it. The value is journaled as
# a validation error marked dropped, with row, line, field and message; the
# summary, --json (values_dropped), the XLSX report and the JSON report show
# it apart from the errors of rows left out. Match keys and required fields
# still reject the row. Under update an empty incoming value leaves the
# stored one. --invalid-values reject-row rejects every row with an invalid
# value, and a resumed import goes on as it began. A database an older
# sluice made gains the new journal columns and keeps its history.
. "$(dirname "$0")/report-lib.sh"

cat >contacts.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Birthday,Status
Ada,Lovelace,ada@example.com,+1 212 555 0187,31/02/1990,lead
Grace,Hopper,grace@example.com,312-555-0143,--02-30,
Ken,Thompson,ken@example.com,(650) 555-0110,31.04.1990,customer
Barbara,Liskov,barbara@,617 555 0199,31.04.1990,
Alan,Turing,alan@example.com,,06/23/1912,vip
CSV

# --- The defaults -------------------------------------------------------------
run_sluice import contacts.csv --db my.db --json
id=$(last_import_id my.db)
assert_exit 1 "a row is still rejected (a bad email): exit code 1"
assert_eq "$(json_counts)" "5 4 0 0 0 0 1 0 0" \
	"4 contacts created, 1 rejected: each row has exactly one outcome"
assert_eq "$(json .values_dropped)" 4 "--json counts the 4 values dropped"
assert_eq "$(sq my.db "SELECT email || '|' || coalesce(birthday, '') || '|' || coalesce(status, '')
                       FROM contacts ORDER BY id")" \
	"ada@example.com||lead
grace@example.com||
ken@example.com||customer
alan@example.com|1912-06-23|" \
	"the contacts are stored without the bad birthdays and the bad status, with everything else"
assert_eq "$(sq my.db "SELECT row_no, line_no, field, type, value, dropped FROM sluice_import_errors
                       WHERE import_id = $id ORDER BY row_no, id")" \
	"1|2|birthday|validation|31/02/1990|1
2|3|birthday|validation|--02-30|1
3|4|birthday|validation|31.04.1990|1
4|5|email|validation|barbara@|0
4|5|birthday|validation|31.04.1990|0
5|6|status|validation|vip|1" \
	"each value is journaled with row, line and field; a rejected row drops no value alone"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND coalesce(message, '') = ''")" 0 \
	"every value dropped has a message"
assert_eq "$(json '[.errors[] | select(.value_dropped) | "\(.row)|\(.field)|\(.value)"] | join(" ")')" \
	"1|birthday|31/02/1990 2|birthday|--02-30 3|birthday|31.04.1990 5|status|vip" \
	"--json lists the values dropped, marked"
assert_eq "$(json '[.errors[] | select(.value_dropped | not) | "\(.row)|\(.field)"] | join(" ")')" \
	"4|email 4|birthday" "and the errors of the rejected row, not marked"
assert_eq "$(json .status)" completed_with_errors "the status counts rows, not values"
journal_consistent my.db "$id" "the journal tells one story: values dropped belong to rows that were kept"
invariant_holds my.db "the import's counts add up"

run_sluice show "$id" --db my.db
assert_match "$(cat out)" "values dropped +4" "the summary prints the values dropped"
assert_match "$(cat out)" "Values dropped \(their rows were imported without them\):" \
	"and lists them apart from the errors"
assert_match "$(grep -A4 '^Values dropped' out)" 'row 2 \(line 3\), birthday: .* Value: "--02-30"' \
	"each with row, line, field and value"
run_sluice show "$id" --db my.db --json
assert_eq "$(json .values_dropped)" 4 "sluice show --json counts them too"

run_sluice report "$id" --db my.db --xlsx report.xlsx
assert_exit 0 "the XLSX report is written"
dump_xlsx report.xlsx
assert_eq "$(d '[.sheet.Errors.rows[1:][] | "\(.[0])|\(.[2])|\(.[5])|\(.[6])"] | join(" ")')" \
	"1|birthday|31/02/1990|value dropped 2|birthday|--02-30|value dropped 3|birthday|31.04.1990|value dropped 4|email|barbara@|row rejected 4|birthday|31.04.1990|row rejected 5|status|vip|value dropped" \
	"the XLSX Errors sheet says, per error, whether it dropped a value or rejected the row (a value that begins with - is kept as it is)"
assert_eq "$(summary 'Values dropped')" 4 "the XLSX Summary counts the values dropped"
run_sluice report "$id" --db my.db --json
assert_eq "$(json '[.errors[] | .value_dropped] | map(tostring) | join(" ")')" "true true true false false true" \
	"the JSON report marks them"

# --- Update: a value dropped leaves the stored one -----------------------------
printf 'E-mail Address,Birthday,Mobile Phone\nalan@example.com,31.04.1990,\n' >again.csv
run_sluice import again.csv --db my.db --json
assert_eq "$(json '[.unchanged, .values_dropped] | map(tostring) | join(" ")')" "1 1" \
	"a row whose birthday is dropped matches its record, unchanged"
assert_eq "$(sq my.db "SELECT birthday FROM contacts WHERE email = 'alan@example.com'")" 1912-06-23 \
	"the stored birthday stays"

# --- A match key still rejects the row -----------------------------------------
printf 'E-mail Address,Mobile Phone,Birthday\nnew@example.com,not a phone,1990-01-02\n' >key.csv
run_sluice import key.csv --db my.db --json
assert_eq "$(json '[.created, .rejected, .values_dropped] | map(tostring) | join(" ")')" "0 1 0" \
	"an invalid phone (a match key) rejects the row"

# --- --invalid-values reject-row ------------------------------------------------
run_sluice import contacts.csv --db strict.db --json --invalid-values reject-row
sid=$(last_import_id strict.db)
assert_eq "$(json_counts),$(json .values_dropped)" "5 0 0 0 0 0 5 0 0,0" \
	"--invalid-values reject-row: every row with an invalid value is rejected, here all five"
assert_eq "$(sq strict.db "SELECT invalid_values FROM sluice_imports WHERE id = $sid")" reject-row \
	"the journal keeps how invalid values cost"
assert_eq "$(sq strict.db "SELECT count(*) FROM sluice_import_errors WHERE dropped")" 0 "no value is dropped"
run_sluice import contacts.csv --db strict.db --invalid-values keep
assert_exit 2 "--invalid-values takes schema or reject-row"
assert_match "$(cat err)" "schema or reject-row" "and says so"

# --- A resumed import goes on as it began ----------------------------------------
for mode in schema reject-row; do
	rm -f "resume-$mode.db"
	SLUICE_TEST_CRASH_AFTER_COMMITS=1 "$SLUICE" import contacts.csv --db "resume-$mode.db" \
		--batch-size 2 --invalid-values "$mode" --progress none >/dev/null 2>&1
	assert_eq "$(sq "resume-$mode.db" 'SELECT rows_done FROM sluice_imports')" 2 \
		"$mode: killed after the first batch"
	run_sluice resume 1 --db "resume-$mode.db" --json
	case $mode in
	schema) want="5 4 0 0 0 0 1 0 0,4" ;;
	reject-row) want="5 0 0 0 0 0 5 0 0,0" ;;
	esac
	assert_eq "$(json_counts),$(json .values_dropped)" "$want" "$mode: the resume goes on as the import began"
	journal_consistent "resume-$mode.db" 1 "$mode: the resumed import's journal is consistent"
done

# --- A database an older sluice made --------------------------------------------
sq old.db "CREATE TABLE sluice_imports (id INTEGER PRIMARY KEY, source_path TEXT NOT NULL,
             source_size INTEGER, source_sha256 TEXT, source_format TEXT, source_description TEXT,
             sheet TEXT, encoding TEXT, schema_name TEXT NOT NULL, schema_path TEXT,
             target_table TEXT NOT NULL, mapping TEXT, strategy TEXT NOT NULL, batch_size INTEGER,
             region TEXT, dry_run INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
             rows_done INTEGER NOT NULL DEFAULT 0, bytes_done INTEGER NOT NULL DEFAULT 0, total INTEGER,
             created INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
             merged INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,
             skipped INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
             failed INTEGER NOT NULL DEFAULT 0, not_processed INTEGER NOT NULL DEFAULT 0,
             started_at TEXT NOT NULL, finished_at TEXT, last_error TEXT, pid INTEGER, host TEXT,
             user_name TEXT, rolled_back_at TEXT, rollback TEXT);
           CREATE TABLE sluice_import_errors (id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL,
             row_no INTEGER, line_no INTEGER, field TEXT, type TEXT NOT NULL, message TEXT NOT NULL,
             value TEXT);
           INSERT INTO sluice_imports (source_path, schema_name, target_table, strategy, status,
             rows_done, total, rejected, started_at, finished_at)
           VALUES ('old.csv', 'contacts', 'contacts', 'update', 'completed_with_errors', 1, 1, 1,
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z');
           INSERT INTO sluice_import_errors (import_id, row_no, line_no, field, type, message, value)
           VALUES (1, 1, 2, 'birthday', 'validation', 'This is not a date.', '31.04.1990');"
run_sluice show 1 --db old.db --json
assert_exit 0 "sluice show reads a journal an older sluice made"
assert_eq "$(json '[.values_dropped, .errors[0].value_dropped] | map(tostring) | join(" ")')" "0 false" \
	"its errors rejected their rows"
run_sluice import contacts.csv --db old.db --json
assert_eq "$(json '[.id, .created, .values_dropped] | map(tostring) | join(" ")')" "2 4 4" \
	"an import into it works, values dropped and all"
assert_eq "$(sq old.db "SELECT id || ':' || coalesce(invalid_values, 'none') FROM sluice_imports ORDER BY id")" \
	"1:none
2:schema" "the journal gained its new columns; the older import keeps none"
assert_eq "$(sq old.db "SELECT group_concat(dropped, '') FROM sluice_import_errors WHERE import_id = 1")" 0 \
	"its error is no value dropped"

done_testing
