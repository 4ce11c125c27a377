#!/bin/bash
# British national numbers under English headers, read with the default
# region (US): the preview names GB from the numbers' own shape, in the
# words of the import's summary.
. "$top_srcdir/tests/tui/lib.sh"

printf '%s\n' 'First Name,Last Name,Mobile Phone,Email' \
	'Olivia,Smith,020 7946 0958,olivia@example.com' \
	'Jack,Jones,0161 496 0123,jack@example.com' \
	'Tom,Hill,0117 496 0456,tom@example.com' >uk.csv

tui_start 100 30 --db "$DB"
tui_to_preview uk.csv
tui_see "3 phone numbers look British; run with --region GB or map a country column." \
	"the preview names GB from the numbers' shape"

done_testing
