#!/bin/bash
# history and show on a file that is no database say so (exit 2), instead
# of a history without imports; a database without sluice's tables still
# reads as one without imports.
. "$(dirname "$0")/lib.sh"

echo "meeting notes" >notes.txt
for cmd in history "show 1"; do
	# shellcheck disable=SC2086
	run_sluice $cmd --db notes.txt
	assert_exit 2 "$cmd on a text file: exit code 2"
	assert_match "$(cat "$T/err")" "cannot read the imports in notes.txt: .*not an SQLite database" \
		"$cmd on a text file: says it is no SQLite database"
done
assert_eq "$(cat notes.txt)" "meeting notes" "the file is untouched"

sq other.db "CREATE TABLE t (x)"
run_sluice history --db other.db
assert_exit 0 "a database without sluice's tables: exit code 0"
assert_match "$(cat "$T/out")" "No imports yet in other.db" "and no imports yet"

done_testing
