#!/bin/bash
# The phone region and the date order chosen for a file go with its mapping:
# the journal keeps them for sluice resume, the mapping remembered for the
# header row carries them to the next file (the command line still wins),
# and a --map-file gives and, through sluice show --map-file, keeps them.
. "$(dirname "$0")/lib.sh"

cat >de.csv <<'CSV'
First Name,Email,Birthday,Mobile Phone
Ann,ann@example.org,25/12/1980,0151 23456789
Bob,bob@example.org,03/04/1975,0160 1234567
Cid,cid@example.org,05/06/1990,0171 2345678
CSV

# An import begun with --date-order dmy and --region DE, stopped after its
# first batch, goes on with them when resumed.
run_sluice import de.csv --db resume.db --date-order dmy --region DE --batch-size 1 --max-batches 1
assert_exit 3 "--max-batches 1 interrupts the import"
assert_eq "$(sq resume.db "SELECT region || ' ' || date_order FROM sluice_imports")" "DE dmy" \
	"the journal keeps the region and the date order chosen"
run_sluice resume 1 --db resume.db --json
assert_exit 0 "the import is resumed"
assert_eq "$(json '[.date_order.order, .date_order.from] | @tsv')" "dmy	option" \
	"the resume reads dates as the import began"
assert_eq "$(sq resume.db "SELECT first_name || '=' || birthday || '=' || phone FROM contacts ORDER BY id")" \
	"Ann=1980-12-25=+4915123456789
Bob=1975-04-03=+491601234567
Cid=1990-06-05=+491712345678" "every batch, before and after the resume, read day first in Germany"

# An import without them leaves the column empty (the headers decide).
run_sluice import de.csv --db plain.db --json
assert_eq "$(sq plain.db "SELECT coalesce(date_order, 'none') FROM sluice_imports")" "none" \
	"no date order chosen: none journaled"
assert_eq "$(json '.date_order.from')" "default" "English headers: the default order"

# The mapping remembered for the header row carries them to the next file.
cat >de2.csv <<'CSV'
First Name,Email,Birthday,Mobile Phone
Dan,dan@example.org,03/04/1975,0151 11111111
CSV
run_sluice import de2.csv --db resume.db --json
assert_exit 0 "a file with the same header imports without options"
assert_eq "$(json '[.date_order.order, .date_order.from] | @tsv')" "dmy	mapping" \
	"the remembered mapping's date order is used, and said"
assert_eq "$(sq resume.db "SELECT birthday || ' ' || phone FROM contacts WHERE first_name = 'Dan'")" \
	"1975-04-03 +4915111111111" "dates day first, numbers German, as remembered"
assert_eq "$(sq resume.db "SELECT region || ' ' || date_order FROM sluice_imports WHERE id = 2")" "DE dmy" \
	"the journal keeps what the remembered mapping gave"
cat >de3.csv <<'CSV'
First Name,Email,Birthday,Mobile Phone
Eve,eve@example.org,03/04/1975,0151 11111112
CSV
run_sluice import de3.csv --db resume.db --date-order mdy --region AT --json
assert_eq "$(sq resume.db "SELECT birthday || ' ' || phone FROM contacts WHERE first_name = 'Eve'")" \
	"1975-03-04 +4315111111112" "the command line wins over the remembered mapping"

# A mapping file gives them too, and sluice show --map-file writes one.
cat >odd.map <<'MAP'
# Germany
Birthday=birthday
--region de
--date-order=dmy
MAP
run_sluice import de2.csv --db map.db --map-file odd.map --json
assert_exit 0 "a mapping file with --region and --date-order lines imports"
assert_eq "$(sq map.db "SELECT birthday || ' ' || phone FROM contacts")" "1975-04-03 +4915111111111" \
	"read with the mapping file's region and date order"
assert_eq "$(json '.date_order.from')" "mapping" "the date order is said to be the mapping's"
run_sluice show 1 --db map.db --map-file back.map
assert_exit 0 "sluice show --map-file writes the import's mapping file"
assert_eq "$(grep -v '^#' back.map)" "First Name=first_name
Email=email
Birthday=birthday
Mobile Phone=phone
--region DE
--date-order dmy" "one Header=field a column, then the region and the date order"
run_sluice import de2.csv --db round.db --map-file back.map --json
assert_exit 0 "the written file imports"
assert_eq "$(sq round.db "SELECT birthday || ' ' || phone FROM contacts")" "1975-04-03 +4915111111111" \
	"and reads the file as the first import did"
run_sluice import de2.csv --db round-mdy.db --map-file back.map --date-order mdy --region AT
assert_eq "$(sq round-mdy.db "SELECT birthday || ' ' || phone FROM contacts")" "1975-03-04 +4315111111111" \
	"the command line wins over the mapping file"

# An older mapping file (no such lines) still loads; a bad value is refused
# naming the line.
printf 'Birthday=birthday\n' >old.map
run_sluice import de2.csv --db old.db --map-file old.map --region DE --json
assert_exit 0 "a mapping file without region or date order loads"
assert_eq "$(json '.date_order.from')" "default" "and chooses no date order"
printf 'Birthday=birthday\n--date-order ymd\n' >bad.map
run_sluice import de2.csv --db bad.db --map-file bad.map
assert_exit 2 "a bad date order in a mapping file is refused"
assert_match "$(cat err)" 'bad.map, line 2: --date-order must be dmy or mdy, not "ymd"' "naming the line"
printf -- '--region Germany\n' >bad2.map
run_sluice import de2.csv --db bad.db --map-file bad2.map
assert_exit 2 "a region that is no two-letter code is refused"
assert_match "$(cat err)" 'bad2.map, line 1: .*"Germany"' "naming the line and the value"

done_testing
