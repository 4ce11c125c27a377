#!/bin/bash
# How an ambiguous date such as 03/04/2024 is read: --date-order dmy|mdy,
# else the schema's date_order, else day first when the headers are written
# in German, French, Spanish or Italian, else month first. The summary and
# --json say what chose it, and name --date-order when dates are valid only
# in the other order (25/12/1980 read month first).
. "$(dirname "$0")/lib.sh"

cat >en.csv <<'CSV'
First Name,Email,Birthday
Ann,ann@example.org,25/12/1980
Bob,bob@example.org,03/04/1975
CSV

run_sluice import en.csv --db en.db --json
assert_exit 0 "an English file imports (a birthday that is not a date is dropped)"
assert_eq "$(json '[.date_order.order, .date_order.from, .date_order.message] | @tsv')" \
	"mdy	default	" "English headers: month first, by default, without a notice"
assert_eq "$(json '[.date_order_hint.order, .date_order_hint.dates, .date_order_hint.message] | @tsv')" \
	"dmy	1	1 date is valid only day first (such as 25/12/1980); run with --date-order dmy." \
	"a date valid only day first is counted and the fix named"
assert_eq "$(sq en.db "SELECT first_name || '=' || coalesce(birthday, '') FROM contacts ORDER BY id")" \
	"Ann=
Bob=1975-03-04" "03/04/1975 is read month first"
run_sluice import en.csv --db en-text.db
assert_match "$(cat "$T/out")" "1 date is valid only day first \(such as 25/12/1980\); run with --date-order dmy\." \
	"the summary names the fix too"

run_sluice import en.csv --db dmy.db --date-order dmy --json
assert_exit 0 "--date-order dmy imports"
assert_eq "$(json '[.date_order.order, .date_order.from, .date_order_hint] | @tsv')" \
	"dmy	option	" "--date-order chose it, and there is no hint then"
assert_eq "$(sq dmy.db "SELECT first_name || '=' || birthday FROM contacts ORDER BY id")" \
	"Ann=1980-12-25
Bob=1975-04-03" "both dates are read day first"

cat >fr.csv <<'CSV'
Prénom;Nom;Adresse de messagerie;Anniversaire
Rémi;Lefèvre;remi@exemple.fr;03/04/1975
Zoé;Martin;zoe@exemple.fr;12/25/1980
CSV
run_sluice import fr.csv --db fr.db --json
assert_eq "$(json '[.date_order.order, .date_order.from, .date_order.message] | @tsv')" \
	"dmy	headers	Dates such as 03/04/2024 were read day first, as the French headers suggest; run with --date-order mdy to read them month first." \
	"French headers: day first, and the summary says why and how to change it"
assert_eq "$(json '.date_order_hint.message')" \
	"1 date is valid only month first (such as 12/25/1980); run with --date-order mdy." \
	"a date valid only month first is counted"
assert_eq "$(sq fr.db "SELECT first_name || '=' || coalesce(birthday, '') FROM contacts ORDER BY id")" \
	"Rémi=1975-04-03
Zoé=" "03/04/1975 is the 3rd of April"
run_sluice import fr.csv --db fr-mdy.db --date-order mdy --json
assert_eq "$(sq fr-mdy.db "SELECT first_name || '=' || coalesce(birthday, '') FROM contacts ORDER BY id")" \
	"Rémi=1975-03-04
Zoé=1980-12-25" "--date-order mdy wins over the headers"

# A schema that says its date_order wins over the headers.
sed 's/^region_field = country$/region_field = country\ndate_order = mdy/' \
	"$SLUICE_SCHEMA_DIR/contacts.schema" >mdy.schema
run_sluice import fr.csv --db fr-schema.db --schema "$T/mdy.schema" --json
assert_eq "$(json '[.date_order.order, .date_order.from] | @tsv')" "mdy	schema" \
	"a schema's date_order wins over the headers"

run_sluice import en.csv --db bad.db --date-order ymd
assert_exit 2 "--date-order takes dmy or mdy only"
assert_match "$(cat "$T/err")" '--date-order must be dmy or mdy, not "ymd"' "and says so"

done_testing
