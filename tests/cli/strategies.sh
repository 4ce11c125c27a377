#!/bin/bash
# What skip, update and merge do with a row that matches a stored record
# (ARCHITECTURE.md, "Duplicates"): matched by phone or by email after
# normalization, a later row of the same file matching an earlier one, and a
# row whose phone and email point at two different records (rejected,
# business).
. "$(dirname "$0")/lib.sh"

cat >base.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company,Job Title,Categories
John,Smith,john@x.com,+1 (201) 555-0123,Acme,,VIP
Mary,Jones,mary@y.com,(212) 736-5000,,Engineer,Lead
CSV

# Row 1 is Mary again, written differently: no change.
# Row 2 is John by phone (and email in other case), with an empty first name,
#   a company, a job title and another tag.
# Row 3 is Mary by email only, with a company and one more tag.
# Row 4 is new (Ann); row 5 is Ann again by phone, with a company.
# Row 6 has John's phone and Mary's email.
cat >again.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company,Job Title,Categories
Mary,Jones,MARY@Y.COM,212.736.5000,,Engineer,Lead
,Smith,John@X.com,201.555.0123,NewCo,CEO,Partner
Mary,,mary@y.com,,Initech,,Lead;Customer
Ann,Lee,ann@z.com,415-234-5678,,,
Ann,Lee,,(415) 234-5678,Globex,,
Evil,Twin,mary@y.com,+1 201 555 0123,,,
CSV

record() { # DB PHONE → the record's fields
	sq "$1" "SELECT first_name, last_name, email, phone, company, job_title, tags FROM contacts WHERE phone = '$2'"
}

for strategy in skip update merge; do
	db=$strategy.db
	run_sluice import base.csv --db "$db"
	base_id=$(last_import_id "$db")
	run_sluice import again.csv --db "$db" --strategy "$strategy" --json
	id=$(last_import_id "$db")
	assert_exit 1 "$strategy: the file has a rejected row, exit code 1"
	assert_eq "$(json .strategy)" "$strategy" "$strategy: the report names the strategy"

	case $strategy in
	skip)
		counts="6 1 0 0 0 4 1 0 0"
		john="John|Smith|john@x.com|+12015550123|Acme||VIP"
		mary="Mary|Jones|mary@y.com|+12127365000||Engineer|Lead"
		ann="Ann|Lee|ann@z.com|+14152345678|||"
		john_writer=$base_id
		;;
	update)
		counts="6 1 3 0 1 0 1 0 0"
		john="John|Smith|john@x.com|+12015550123|NewCo|CEO|Partner"
		mary="Mary|Jones|mary@y.com|+12127365000|Initech|Engineer|Lead;Customer"
		ann="Ann|Lee|ann@z.com|+14152345678|Globex||"
		john_writer=$id
		;;
	merge)
		counts="6 1 0 3 1 0 1 0 0"
		john="John|Smith|john@x.com|+12015550123|Acme|CEO|VIP;Partner"
		mary="Mary|Jones|mary@y.com|+12127365000|Initech|Engineer|Lead;Customer"
		ann="Ann|Lee|ann@z.com|+14152345678|Globex||"
		john_writer=$id
		;;
	esac
	assert_eq "$(json_counts)" "$counts" \
		"$strategy: total created updated merged unchanged skipped rejected failed not_processed"
	assert_eq "$(import_counts "$db" "$id")" "$counts" "$strategy: the journal has the same counts"

	case $strategy in
	skip) what="a matched record is left as it is" ;;
	update) what="non-empty fields overwrite, empty ones keep the stored value, tags are replaced" ;;
	merge) what="stored values win, empty ones are filled, tags become the union" ;;
	esac
	assert_eq "$(record "$db" +12015550123)" "$john" "$strategy: John matched by phone: $what"
	assert_eq "$(record "$db" +12127365000)" "$mary" "$strategy: Mary matched by email only: $what"
	assert_eq "$(record "$db" +14152345678)" "$ann" \
		"$strategy: a later row matching an earlier row of the same file is treated as a match"
	assert_eq "$(sq "$db" "SELECT imported_from FROM contacts WHERE phone = '+12015550123'")" "$john_writer" \
		"$strategy: imported_from names the last import that wrote John"

	assert_eq "$(sq "$db" 'SELECT count(*) FROM contacts')" 3 "$strategy: three records, none duplicated"
	assert_eq "$(sq "$db" "SELECT count(*) FROM contacts WHERE first_name = 'Evil'")" 0 \
		"$strategy: the row matching two records wrote nothing"
	assert_eq "$(sq "$db" "SELECT row_no, line_no, type FROM sluice_import_errors WHERE import_id = $id")" \
		"6|7|business" "$strategy: it is rejected with one business error at row 6, line 7"
	assert_eq "$(json '.errors_by_type.business')" 1 "$strategy: the report counts one business error"

	case $strategy in
	skip)
		assert_eq "$(sq "$db" "SELECT action, count(*) FROM sluice_import_changes WHERE import_id = $id GROUP BY action")" \
			"insert|1" "skip: only the new record is journaled as a change"
		;;
	update | merge)
		assert_eq "$(sq "$db" "SELECT count(*) FROM sluice_import_changes c JOIN contacts r ON r.id = c.record_id
		                       WHERE c.import_id = $id AND r.phone = '+12015550123'
		                       AND c.action = '$strategy' AND c.before LIKE '%Acme%'")" 1 \
			"$strategy: John's change keeps his before-image"
		;;
	esac
	journal_consistent "$db" "$id" "$strategy: the journal tells one story about the import"
	invariant_holds "$db" "$strategy: every import's counts add up"
done

# A generated file with duplicates inside it, on an empty database.
gen_contacts --rows 300 --seed 31 --dup-rate 0.3 --invalid-rate 0.05 --out gen.csv --manifest gen.json
for strategy in skip update merge; do
	run_sluice import gen.csv --db "gen-$strategy.db" --strategy "$strategy" --json
	assert_eq "$(json_counts)" "$(manifest_counts gen.json "$strategy")" \
		"$strategy: in-file duplicates written differently are recognized ($(jq .duplicates gen.json) of them)"
	assert_eq "$(sq "gen-$strategy.db" 'SELECT count(*) FROM contacts')" "$(jq .unique_records gen.json)" \
		"$strategy: one record per distinct contact"
done

run_sluice import base.csv --db bad.db --strategy overwrite
assert_exit 2 "an unknown strategy is a usage error"

done_testing
