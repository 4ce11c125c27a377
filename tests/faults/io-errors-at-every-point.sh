#!/bin/bash
# An I/O error at every point of an import: the Nth write, fsync, read or
# open of the process fails (EIO, from tests/faults/fault-points.c),
# once or from then on. Each run ends with an exit code of 0 to 3 and, when
# it stops, a message saying what failed; what it committed ends at a batch
# boundary (the table holds exactly the journaled batches' records, once
# the import and the table exist) in an
# intact database; and once the fault is gone, `sluice resume` (or the
# import again, when none was journaled) gives the table and journal of an
# import that met no fault. Every N in make check-faults, a deterministic
# sample in make check (see tests/faults/sweep.sh).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/faults/sweep.sh"

gen_contacts --rows 200 --seed 292 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
size=20
set -- contacts.csv --batch-size "$size"
run_sluice import "$@" --db reference.db --progress=none
reference=$(fingerprint reference.db)

# check_point WHAT DB ARGS…: the checks of one run ($rc, fault.err); a
# failure is a line in failures.
check_point() {
	local what=$1 db=$2 got last
	shift 2
	last=$(grep -v '^ *$' fault.err | tail -n 1)
	case $rc in
	0 | 1) ;;
	2 | 3)
		case $last in
		sluice*) ;;
		*) echo "$what: exit code $rc, stderr's last line: '$(head -c 200 <<<"$last")', want a message from sluice" >>failures ;;
		esac
		;;
	*) echo "$what: exit code $rc, want 0 to 3: $(tail -c 300 fault.err | tr '\n' ' ')" >>failures ;;
	esac
	if [ -f "$db" ] && [ "$(sq "$db" "SELECT count(*) FROM sqlite_master WHERE name IN ('sluice_imports', 'contacts')" 2>/dev/null)" = 2 ]; then
		got=$(sq "$db" "SELECT coalesce((SELECT 'rows_done ' || rows_done || ', created ' || created ||
		                    ', records ' || (SELECT count(*) FROM contacts) FROM sluice_imports WHERE id = 1
		                    AND NOT ((rows_done % $size = 0 OR rows_done = total) AND
		                             created = (SELECT count(*) FROM contacts))), 'ok');
		                PRAGMA integrity_check" 2>&1 | tr '\n' ' ')
		[ "$got" = "ok ok " ] ||
			echo "$what: got '$got' after the fault, want 'ok ok ' (a batch boundary, integrity_check ok)" >>failures
	fi
	if ! finish_import "$db" "$@"; then
		echo "$what: $why" >>failures
	else
		got=$(fingerprint "$db")
		[ "$got" = "$reference" ] ||
			echo "$what: differs from the import without a fault: $(fingerprint_diff "$got" "$reference" | tr '\n' ' ')" >>failures
	fi
	rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
}

# sweep_io KIND POINTS WANT: fails the Nth call of POINTS, once and always.
sweep_io() {
	local kind=$1 points=$2 want=$3 total n action tried=0
	total=$(fault_count "$points" import "${args[@]}" --db count.db --progress=none)
	rm -f count.db count.db-wal count.db-shm
	! sanitized || want=$((want / 4))
	: >failures
	for n in $(sweep_points "$total" "$want"); do
		for action in once always; do
			tried=$((tried + 1))
			fault_run "$points" "$action" "$n" import "${args[@]}" --db fault.db --progress=none
			check_point "$kind $n of $total failing $action" fault.db "${args[@]}"
		done
	done
	sweep_report "the Nth $kind fails (of $total), once or from then on: a message, a batch boundary, an exact resume" failures "$tried"
}
args=("$@")

sweep_io write write 60
sweep_io fsync fsync 20
sweep_io read read 60
sweep_io open open 20

done_testing
