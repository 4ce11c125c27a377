#!/bin/bash
# When phone numbers fail in the import's region but another region the
# file suggests reads them, the summary and --json name it and the fix,
# whatever the evidence: the headers' language, a country column not read
# as the rows' region, the numbers' own shape. Valid numbers name nothing.
. "$(dirname "$0")/lib.sh"
data="$top_srcdir/tests/data/exports"

# A German Outlook export without a country column.
run_sluice import "$data/outlook-de-national.csv" --db de.db --json
assert_exit 1 "the German numbers are rejected under the default region"
assert_eq "$(json '[.rejected, .region_hint.region, .region_hint.message] | @tsv')" \
	"3	DE	3 phone numbers look German; run with --region DE or map a country column." \
	"--json names --region DE"
run_sluice import "$data/outlook-de-national.csv" --db de-text.db
assert_match "$(cat "$T/out")" "3 phone numbers look German; run with --region DE or map a country column\." \
	"the summary names --region DE"

# British national numbers under English headers: their shape says GB.
cat >uk.csv <<'CSV'
First Name,Last Name,Mobile Phone,Email
Olivia,Smith,020 7946 0958,olivia@example.com
Jack,Jones,0161 496 0123,jack@example.com
Amy,Brown,07700 900123,amy@example.com
Tom,Hill,0117 496 0456,tom@example.com
CSV
run_sluice import uk.csv --db uk.db --json
assert_eq "$(json '[.rejected, .region_hint.region, .region_hint.phones] | @tsv')" "4	GB	3" \
	"the numbers' shape names GB for the three of them Britain reads"
run_sluice import uk.csv --db uk-text.db
assert_match "$(cat "$T/out")" "3 phone numbers look British; run with --region GB or map a country column\." \
	"the summary says it too"
run_sluice import uk.csv --db uk-gb.db --region GB --json
assert_eq "$(json '[.created, .region_hint == null] | @tsv')" "3	true" "with --region GB they import, and no hint"
assert_eq "$(sq uk-gb.db "SELECT phone FROM contacts ORDER BY id")" "+442079460958
+441614960123
+441174960456" "in E.164"

# A country column left out of the mapping: its values name the region.
cat >ke.csv <<'CSV'
First Name,Mobile Phone,Country
Amani,0712 345678,Kenya
Baraka,0722 123456,Kenya
Chege,0733 123456,Kenya
CSV
run_sluice import ke.csv --db ke.db --json
assert_eq "$(json '[.created, .region_hint == null] | @tsv')" "3	true" "read in the rows' country, they import"
run_sluice import ke.csv --db ke-unmapped.db --map Country=- --json
assert_eq "$(json '[.rejected, .region_hint.region, .region_hint.message] | @tsv')" \
	"3	KE	3 phone numbers are valid in KE; run with --region KE or map a country column." \
	"the unmapped country column names KE"

# A mapped country column that names no country: the headers' language.
printf 'Vorname,Nachname,Mobiltelefon,Land\nKarl,Becker,0151 23456789,\nPetra,Wolf,0170 9876543,\n' >leer.csv
run_sluice import leer.csv --db leer.db --json
assert_eq "$(json '[.rejected, .region_hint.region] | @tsv')" "2	DE" \
	"rows without a country fall back to the headers' language"

# Valid numbers name nothing.
printf 'First Name,Mobile Phone,Email\nAnn,(650) 253-0000,ann@example.com\nBob,+44 20 7946 0958,bob@example.com\nCy,12,cy@example.com\n' >valid.csv
run_sluice import valid.csv --db valid.db --json
assert_eq "$(json '[.created, .rejected, .region_hint == null] | @tsv')" "2	1	true" \
	"valid numbers, and one that no region reads, name nothing"
run_sluice import valid.csv --db valid-text.db
assert_eq "$(grep -c 'run with --region' "$T/out")" "0" "nor does the summary"

done_testing
