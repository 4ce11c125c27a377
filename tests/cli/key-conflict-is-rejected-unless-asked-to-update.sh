#!/bin/bash
# Match keys are identity (ARCHITECTURE.md, "Duplicates"): a row that
# matches a record by its phone but holds another email than the record's
# (or the other way round) is a key conflict. By default it is rejected as a
# business error naming the record, the key that matched and both values;
# --on-key-conflict update writes it as a match, replacing the stored key,
# with before-images in the journal. The issue's case: Barbara shares
# Mañuel's phone, then comes again with her email and another phone.
. "$(dirname "$0")/lib.sh"

cat >family.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
Mañuel,Dvořák,mdvok@web.de,+44 20 3103 7281,Acme
Barbara,King,barb@example.com,+44 20 3103 7281,
Barbara,King,BARB@example.com,+33 1 42 68 53 00,Globex
CSV
people="Mañuel|Dvořák|mdvok@web.de|+442031037281|Acme
Barbara|King|barb@example.com|+33142685300|Globex"

# --- By default: rejected, nobody is overwritten ---------------------------------
run_sluice import family.csv --db reject.db --json
assert_exit 1 "a key conflict is a rejected row: exit code 1"
assert_eq "$(json .on_key_conflict)" reject "--json says key conflicts are rejected (the default)"
assert_eq "$(json '[.created, .updated, .rejected] | map(tostring) | join(" ")')" "2 0 1" \
	"Mañuel and Barbara are created; Barbara's row with Mañuel's phone is rejected"
assert_eq "$(json .errors[0].message)" \
	"The phone matches record 1 (Mañuel Dvořák), but the email barb@example.com differs from the stored mdvok@web.de; import it with --on-key-conflict update to replace it." \
	"the message names the record, the key that matched and both values"
assert_eq "$(json '.errors[0] | [.row, .field, .type, .value] | map(tostring) | join(" ")')" \
	"2 email business barb@example.com" "the error is row 2's email, of type business, with the row's value"
assert_eq "$(json '.duplicates | [.new, .match_stored, .repeat_in_file, .ambiguous, .key_conflict] | map(tostring) | join(" ")')" \
	"2 0 0 0 1" "the matching counts give the key conflict its own count"
assert_eq "$(json '.key_conflict_samples[0] | [.row, .record_id, .key] | map(tostring) | join(" ")')" \
	"2 1 email" "a sample shows the key conflict: row, record and the key that differs"
assert_eq "$(json '.key_conflict_samples[0].changes[] | select(.field == "email") | [.stored, .update, .merge] | join(" ")')" \
	"mdvok@web.de barb@example.com mdvok@web.de" "the sample says what update would replace"
assert_eq "$(sq reject.db 'SELECT first_name, last_name, email, phone, company FROM contacts ORDER BY id')" \
	"$people" "Mañuel keeps his email and name; Barbara has her own record"
assert_eq "$(sq reject.db "SELECT type, field FROM sluice_import_errors")" "business|email" \
	"the journal has the business error"
invariant_holds reject.db "the counts add up"

run_sluice import family.csv --db reject.db
assert_exit 1 "importing the file again rejects the row again"
assert_match "$(cat "$T/out")" "strategy update, key conflicts reject" "the summary names the choice"
assert_eq "$(sq reject.db "SELECT created, updated FROM sluice_imports WHERE id = 2")" "0|0" \
	"the second import creates and changes nothing"
assert_eq "$(sq reject.db 'SELECT first_name, last_name, email, phone, company FROM contacts ORDER BY id')" \
	"$people" "the records are as they were"

for strategy in merge skip; do
	run_sluice import family.csv --db "$strategy.db" --strategy "$strategy" --json
	assert_eq "$(json '[.created, .rejected, .duplicates.key_conflict] | map(tostring) | join(" ")')" "2 1 1" \
		"$strategy: the key conflict is rejected too"
	assert_match "$(json .errors[0].message)" "^The phone matches record 1 \(Mañuel Dvořák\), but the email barb@example.com differs from the stored mdvok@web.de; import it with --on-key-conflict update to " \
		"$strategy: the same sentence, with what update would do under $strategy"
done

# --- --on-key-conflict update: the old behaviour, journaled ---------------------
run_sluice import family.csv --db update.db --on-key-conflict update --json
assert_exit 0 "with --on-key-conflict update nothing is rejected: exit code 0"
assert_eq "$(json .on_key_conflict)" update "--json names the choice"
assert_eq "$(json '[.created, .updated, .rejected, .duplicates.key_conflict] | map(tostring) | join(" ")')" "1 2 0 2" \
	"both of Barbara's rows update Mañuel's record, as key conflicts"
assert_eq "$(sq update.db 'SELECT first_name, last_name, email, phone, company FROM contacts')" \
	"Barbara|King|barb@example.com|+33142685300|Globex" "Barbara replaces Mañuel's email, then his phone"
assert_eq "$(sq update.db "SELECT json_extract(before, '\$.first_name') || ' ' || json_extract(before, '\$.email')
                           FROM sluice_import_changes WHERE action = 'update' ORDER BY id LIMIT 1")" \
	"Mañuel mdvok@web.de" "the journal keeps Mañuel in the before-image"
journal_consistent update.db 1 "the journal tells one story"
run_sluice rollback 1 --db update.db
assert_eq "$(sq update.db 'SELECT count(*) FROM contacts')" 0 "the import rolls back"

# --- The choice is journaled with the import --------------------------------------
run_sluice show 1 --db update.db
assert_match "$(cat "$T/out")" "strategy update, key conflicts update;" "sluice show names the choice"
run_sluice history --db update.db --json
assert_eq "$(json '[.. | objects | select(has("on_key_conflict")) | .on_key_conflict] | join(" ")')" \
	"update" "sluice history --json has it"
# A journal an older sluice made has no such column: it is read as it is,
# and the next import adds the column.
sq reject.db "ALTER TABLE sluice_imports DROP COLUMN on_key_conflict"
run_sluice show 1 --db reject.db --json
assert_eq "$(json '.strategy + " " + (.on_key_conflict // "none")')" "update none" \
	"an import journaled without the choice shows without it"
run_sluice import family.csv --db reject.db --json
assert_eq "$(sq reject.db "SELECT coalesce(on_key_conflict, '-') FROM sluice_imports ORDER BY id")" \
	"$(printf -- '-\n-\nreject')" "the next import adds the column and journals its choice"

run_sluice import family.csv --db bad.db --on-key-conflict replace
assert_exit 2 "--on-key-conflict takes reject or update only: exit code 2"
assert_match "$(cat "$T/err")" "--on-key-conflict must be reject or update" "and says so"
run_sluice import --help
assert_match "$(cat "$T/out")" "--on-key-conflict reject\|update" "import --help lists --on-key-conflict"

done_testing
