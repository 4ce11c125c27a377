#!/bin/bash
# An allocation failure at every point of a small import: the Nth malloc,
# calloc or realloc of the process returns NULL (tests/faults/fault-points.c),
# once or from then on. Each run either absorbs it (exit code 0 or 1) or
# stops with a message from sluice: exit code 2 or 3, or sluice's out of
# memory message and its abort (exit code 134); never a crash, nor a
# sanitizer's report (a leak, under LSan in the ASan build). What it
# committed is intact and ends at a batch boundary, and once the fault is
# gone, `sluice resume` (or the import again, when none was journaled)
# gives the table and journal of an import that met no fault. Every N in
# make check-faults (tens of thousands: hours), a deterministic sample in
# make check (see tests/faults/sweep.sh).
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/faults/sweep.sh"

gen_contacts --rows 5 --seed 293 --out contacts.csv --manifest contacts.json
size=2
args=(contacts.csv --batch-size "$size")
run_sluice import "${args[@]}" --db reference.db --progress=none
reference=$(fingerprint reference.db)

total=$(fault_count malloc import "${args[@]}" --db count.db --progress=none)
rm -f count.db count.db-wal count.db-shm
assert_match "$total" '^[0-9]{4,}$' "the injector counts the import's allocations"
want=100
! sanitized || want=40
: >failures
tried=0
for n in $(sweep_points "$total" "$want"); do
	for action in once always; do
		tried=$((tried + 1))
		what="allocation $n of $total failing $action"
		fault_run malloc "$action" "$n" import "${args[@]}" --db fault.db --progress=none
		last=$(grep -v '^ *$' fault.err | tail -n 1)
		case $rc in
		0 | 1) ;;
		2 | 3)
			case $last in
			sluice*) ;;
			*) echo "$what: exit code $rc, stderr's last line: '$(head -c 200 <<<"$last")', want a message from sluice" >>failures ;;
			esac
			;;
		134)
			grep -q '^sluice.*out of memory' fault.err ||
				echo "$what: exit code 134 (abort), stderr: '$(tail -c 300 fault.err | tr '\n' ' ')', want sluice's out of memory message" >>failures
			;;
		*) echo "$what: exit code $rc, want 0 to 3 or 134: $(tail -c 300 fault.err | tr '\n' ' ')" >>failures ;;
		esac
		! grep -Eq 'Sanitizer|runtime error' fault.err ||
			echo "$what: a sanitizer's report: $(grep -E 'ERROR|runtime error|^ +#[0-9] ' fault.err | head -n 6 | tr '\n' ' ' | head -c 600)" >>failures
		if [ -f fault.db ] && [ "$(sq fault.db "SELECT count(*) FROM sqlite_master WHERE name IN ('sluice_imports', 'contacts')" 2>/dev/null)" = 2 ]; then
			got=$(sq fault.db "SELECT coalesce((SELECT 'rows_done ' || rows_done || ', created ' || created ||
			                    ', records ' || (SELECT count(*) FROM contacts) FROM sluice_imports WHERE id = 1
			                    AND NOT ((rows_done % $size = 0 OR rows_done = total) AND
			                             created = (SELECT count(*) FROM contacts))), 'ok');
			                PRAGMA integrity_check" 2>&1 | tr '\n' ' ')
			[ "$got" = "ok ok " ] ||
				echo "$what: got '$got' after the fault, want 'ok ok ' (a batch boundary, integrity_check ok)" >>failures
		fi
		if ! finish_import fault.db "${args[@]}"; then
			echo "$what: $why" >>failures
		else
			got=$(fingerprint fault.db)
			[ "$got" = "$reference" ] ||
				echo "$what: differs from the import without a fault: $(fingerprint_diff "$got" "$reference" | tr '\n' ' ')" >>failures
		fi
		rm -f fault.db fault.db-wal fault.db-shm fault.db-journal
	done
done
sweep_report "the Nth allocation fails (of $total), once or from then on: a message, an exit code, no crash, an exact resume" failures "$tried"

done_testing
