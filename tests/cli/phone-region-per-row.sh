#!/bin/bash
# National phone numbers are read in the country of their row: a country
# column (a name in English, German, Spanish, French, Italian or
# Portuguese, a variant such as UK, or an ISO code) beats --region and the
# schema's region; a row without a country that sluice knows falls back to
# them. The country is stored as written.
. "$(dirname "$0")/lib.sh"

cat >national.csv <<'CSV'
First Name,Last Name,Mobile Phone,Country
Jürgen,Müller,0151 23456789,Deutschland
Olivia,Smith,020 7946 0958,United Kingdom
Chloé,Martin,01 42 68 53 00,France
Ana,García,612 34 56 78,España
Luca,Rossi,06 6982 1234,Italia
Ann,Lee,(650) 253-0000,
Bob,Ray,(212) 736-5000,Atlantis
Zoe,Meier,044 668 18 00,CH
Tom,Berg,0151 23456780,DEU
CSV
run_sluice import national.csv --db n.db --json
assert_exit 0 "every national number imports"
assert_eq "$(sq n.db "SELECT phone || ' ' || coalesce(country, '') FROM contacts ORDER BY id")" \
	"+4915123456789 Deutschland
+442079460958 United Kingdom
+33142685300 France
+34612345678 España
+390669821234 Italia
+16502530000 
+12127365000 Atlantis
+41446681800 CH
+4915123456780 DEU" "each number in its row's country; without one sluice knows, in the schema's region; the country as written"

# --region is the fallback, not the rule, when the row says its country.
printf 'First Name,Mobile Phone,Country\nA,0151 23456781,Germany\nB,0151 23456782,\n' >fallback.csv
run_sluice import fallback.csv --db f.db --region DE --json
assert_exit 0 "with --region DE"
assert_eq "$(sq f.db "SELECT phone FROM contacts ORDER BY id")" "+4915123456781
+4915123456782" "the row without a country reads its number in --region"
printf 'First Name,Mobile Phone,Country\nC,020 7946 0959,UK\n' >beats.csv
run_sluice import beats.csv --db f.db --region DE --json
assert_eq "$(sq f.db "SELECT phone FROM contacts WHERE first_name = 'C'")" "+442079460959" \
	"the row's country beats --region"

done_testing
