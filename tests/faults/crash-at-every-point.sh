#!/bin/bash
# A crash at every point of a 200-batch import, then `sluice resume`: the
# table, the journal's counts and story and PRAGMA integrity_check equal an
# import that never crashed. Killed (SIGKILL) right after each commit (the
# test hook SLUICE_TEST_CRASH_AFTER_COMMITS=N, every N; every fourth N
# sampled, every eighth under a sanitizer), and just before
# the Nth write or fsync of the process (tests/faults/fault-points.c),
# every N in make check-faults, a deterministic sample in make check (see
# tests/faults/sweep.sh).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/faults/sweep.sh"

gen_contacts --rows 200 --seed 291 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
set -- contacts.csv --batch-size 1
run_sluice import "$@" --db reference.db --progress=none
reference=$(fingerprint reference.db)
assert_eq "$(sq reference.db 'SELECT count(*) FROM sluice_import_batches')" 200 "the import without a fault has 200 batches"

kills=0
# check_point WHAT DB: after a kill ($rc), resumes DB's import and compares;
# a failure is a line in failures.
check_point() {
	local what=$1 db=$2 got
	shift 2
	case $rc in
	137) kills=$((kills + 1)) ;;
	0 | 1) ;; # the import ended before the Nth call: compared all the same
	*)
		echo "$what: exit code $rc, want 137 (killed): $(head -c 200 fault.err | tr '\n' ' ')" >>failures
		rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
		return
		;;
	esac
	if ! finish_import "$db" "$@"; then
		echo "$what: $why" >>failures
	else
		got=$(fingerprint "$db")
		[ "$got" = "$reference" ] ||
			echo "$what: differs from the import without a crash: $(fingerprint_diff "$got" "$reference" | tr '\n' ' ')" >>failures
	fi
	rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
}

# Every commit (every fourth one sampled, every eighth under a sanitizer:
# each commit runs the same code on another batch), until a run ends
# before its Nth.
: >failures
stride=1
if [ "$sweep_full" != full ]; then
	stride=4
	! sanitized || stride=8
fi
n=$((1 - stride))
tried=0
while :; do
	n=$((n + stride))
	rc=0
	{ SLUICE_TEST_CRASH_AFTER_COMMITS=$n "$SLUICE" import "$@" --db crash.db --progress=none \
		>fault.out 2>fault.err </dev/null; } 2>/dev/null || rc=$?
	if [ "$rc" != 137 ]; then
		rm -f crash.db crash.db-wal crash.db-shm
		break
	fi
	tried=$((tried + 1))
	check_point "killed after commit $n" crash.db "$@"
done
# The run that was not killed asked for commit n: the import made fewer,
# and at least the last one killed.
commits=$((n - stride))
assert_match "$commits" '^(19[2-9]|2[0-9][0-9])$' \
	"kills after commits 1 to $commits, one in $stride: the import commits at least $commits times"
sweep_report "killed after a commit, resumed: the same table and journal" failures "$tried"

# Every write and fsync.
points=write,fsync
writes=$(fault_count "$points" import "$@" --db count.db --progress=none)
rm -f count.db count.db-wal count.db-shm
assert_match "$writes" '^[0-9]{4,}$' "the injector counts the import's writes and fsyncs"
# About 200 of them (50 under a sanitizer), with a stride that lands on
# every point of a batch's writes in turn; make check-faults tries all.
want=200
! sanitized || want=50
: >failures
tried=0
kills=0
for n in $(sweep_points "$writes" "$want"); do
	tried=$((tried + 1))
	fault_run "$points" kill "$n" import "$@" --db crash.db --progress=none
	check_point "killed at write or fsync $n of $writes" crash.db "$@"
done
diag "$tried of the $writes writes and fsyncs were kill points"
[ $((kills * 100)) -ge $((tried * 95)) ] && pass "at least 95% of the write points killed sluice" ||
	fail "at least 95% of the write points killed sluice" "got: $kills of $tried" "want: $((tried * 95 / 100)) or more"
sweep_report "killed at a write or fsync, resumed: the same table and journal" failures "$tried"

done_testing
