#!/bin/bash
# sluice history --since, --status and --file keep the imports that match
# all three, newest first, for people, as --json and as --csv (the CSV
# summary, one line per import).
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 20 --seed 81 --out contacts.csv
gen_contacts --rows 20 --seed 82 --invalid-rate 0.3 --out leads.csv
mkdir -p old && cp contacts.csv old/contacts.csv
for f in contacts.csv leads.csv old/contacts.csv contacts.csv; do
	run_sluice import "$f" --db my.db
done
# Imports 1-4: one started long ago, two that ended badly.
sq my.db "UPDATE sluice_imports SET started_at = '2020-01-01T10:00:00Z' WHERE id = 1;
          UPDATE sluice_imports SET status = 'failed' WHERE id = 3;
          UPDATE sluice_imports SET status = 'interrupted' WHERE id = 4"

ids() { # ARGS…: the ids history --json lists
	run_sluice history --db my.db --json "$@"
	jq -r 'map(.id) | map(tostring) | join(" ")' out
}
assert_eq "$(ids)" "4 3 2 1" "without filters every import, newest first"
assert_eq "$(ids --since 7d)" "4 3 2" "--since 7d leaves out the import of 2020"
assert_eq "$(ids --since 2020-01-01)" "4 3 2 1" "--since a day keeps the imports from that day"
assert_eq "$(ids --since 2020-01-01T10:00:01)" "4 3 2" "--since a time, to the second"
assert_eq "$(ids --status failed,interrupted)" "4 3" "--status keeps the imports with a listed status"
assert_eq "$(ids --status completed_with_errors)" 2 "one status"
assert_eq "$(ids --file contacts.csv)" "4 3 1" "--file matches the file's name, wherever it was"
assert_eq "$(ids --file old/contacts.csv)" 3 "or its path"
assert_eq "$(ids --file '*.csv' --status failed,interrupted --since 7d)" "4 3" "filters combine"
assert_eq "$(ids --file nothing.csv)" "" "no match: an empty list"

run_sluice history --db my.db --status failed,interrupted
assert_exit 0 "the table for people"
assert_eq "$(awk 'NR > 1 { print $1 }' out | paste -sd' ')" "4 3" "lists the matching imports"
run_sluice history --db my.db --file nothing.csv
assert_match "$(cat out)" "No imports in my.db match" "and says when none match"

run_sluice history --db my.db --csv --status failed,interrupted
assert_exit 0 "--csv writes the CSV summary"
assert_eq "$(head -1 out | cut -d, -f1-4)" "id,file,sha256,status" "a header naming the columns"
assert_eq "$(tail -n +2 out | cut -d, -f1,4 | tr -d '\r' | paste -sd' ')" "4,interrupted 3,failed" \
	"one line per matching import"
assert_eq "$(tail -n +2 out | cut -d, -f13 | tr -d '\r' | paste -sd' ')" \
	"$(sq my.db "SELECT total FROM sluice_imports WHERE id IN (3, 4) ORDER BY id DESC" | paste -sd' ')" \
	"with the journal's counts"

run_sluice history --db my.db --status bogus
assert_exit 2 "an unknown status is refused"
assert_match "$(cat err)" '"bogus" is not a status' "and named"
run_sluice history --db my.db --since yesterday
assert_exit 2 "a --since that is no time is refused"
run_sluice history --db my.db --json --csv
assert_exit 2 "--json and --csv together are refused"

done_testing
