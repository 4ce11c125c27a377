#!/bin/bash
# An XLSX report that cannot be written whole (a full disk, a file size
# limit) fails with one sentence of sluice's own, exit code 2: never a
# report cut short that says it was written, never libxlsxwriter's raw
# "[ERROR]" lines, no file left at the path (what was there stays) and no
# temporary file beside it. A file size limit (ulimit -f, SIGXFSZ ignored)
# and /dev/full (ENOSPC) stand for a full disk, without root.
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 3000 --seed 5 --invalid-rate 0.3 --out contacts.csv
run_sluice import contacts.csv --db my.db
id=$(last_import_id my.db)
run_sluice report "$id" --db my.db --xlsx whole.xlsx
assert_exit 0 "without a limit the report is written"
largest=$(unzip -l whole.xlsx | awk '$4 ~ /^xl\/worksheets\// { if ($1 > m) m = $1 } END { print m }')
assert_match "$largest" '^[0-9]{6,}$' "its largest sheet is over 100 KiB ($largest bytes)"

# report_limited KIB ARGS…: sluice report ARGS with files limited to KIB KiB.
report_limited() {
	local kib=$1
	shift
	rc=0
	(trap '' XFSZ; ulimit -f "$kib"; exec "$SLUICE" report "$id" --db my.db "$@") \
		>"$T/out" 2>"$T/err" </dev/null || rc=$?
}

# the_failure WHAT: the last run failed as it should.
the_failure() {
	assert_exit 2 "$1: exit code 2"
	assert_eq "$(wc -l <"$T/err")" 1 "$1: one line on standard error"
	assert_match "$(cat "$T/err")" '^sluice report: Cannot write the report to' "$1: sluice's own sentence"
	assert_eq "$(grep -c '\[ERROR\]' "$T/err")" 0 "$1: no raw [ERROR] line of the library"
	assert_eq "$(ls -a | grep -c '^\.sluice-report')" 0 "$1: no temporary file is left beside it"
}

# Far too small for the sheets: their rows do not reach the disk.
report_limited 100 --xlsx cut.xlsx
the_failure "a limit under the sheets' size"
[ ! -e cut.xlsx ] && pass "no file is left at the path" || fail "no file is left at the path" "$(ls -l cut.xlsx)"

# Just under the largest sheet: the rows fit, the closing copy would not.
report_limited $((largest / 1024)) --xlsx close.xlsx
the_failure "a limit just under the largest sheet"
[ ! -e close.xlsx ] && pass "no report cut short is left" || fail "no report cut short is left" \
	"$(unzip -l close.xlsx)"

# A file that was there stays as it was, even with --force.
echo "the report of last week" >old.xlsx
report_limited 100 --xlsx old.xlsx --force
the_failure "replacing a file"
assert_eq "$(cat old.xlsx)" "the report of last week" "the file that was there is untouched"

# A device that is always full.
run_sluice report "$id" --db my.db --xlsx /dev/full --force
the_failure "/dev/full"
assert_match "$(cat "$T/err")" "No space left on device" "it says the disk is full"

done_testing
