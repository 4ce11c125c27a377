#!/bin/bash
# kill -9 at any moment, then `sluice resume` (again and again, killed
# again, until the import completes): the table ends exactly as an
# uninterrupted import of the same file leaves it, the journal tells the
# same story as that import's (counts, errors, changes, batches), and the
# database is intact. 24 runs: half killed by the test hook
# SLUICE_TEST_CRASH_AFTER_COMMITS=N (sluice kills itself right after its
# Nth commit), half by a real kill -9 after a random delay, which may land
# anywhere: before the import is recorded (then it is just started again),
# in the middle of a batch, between two, at the very end.
#
# The delays are random on purpose; no assertion depends on where a kill
# lands. FAULTS_SEED picks the sequence (it is printed, to replay a failure).
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

seed=${FAULTS_SEED:-9901}
RANDOM=$seed
diag "FAULTS_SEED=$seed"

rows=3000
size=50
batches=$((rows / size))
gen_contacts --rows "$rows" --seed 291 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
run_sluice import contacts.csv --db reference.db --batch-size "$size"
reference=$(table_dump reference.db)
reference_counts=$(import_counts reference.db 1)
# What the journal holds of an import, whatever runs it took.
journal_story() {
	sq "$1" "SELECT 'errors ' || (SELECT count(*) FROM sluice_import_errors WHERE import_id = 1) ||
	                ', rejects ' || (SELECT count(*) FROM sluice_import_rejects WHERE import_id = 1) ||
	                ', changes ' || (SELECT count(*) FROM sluice_import_changes WHERE import_id = 1) ||
	                ', batches ' || (SELECT count(*) || '/' || sum(rows) FROM sluice_import_batches WHERE import_id = 1) ||
	                ', errors by row ' || (SELECT group_concat(row_no || ':' || coalesce(field, '') || ':' || type, ' ')
	                                         FROM (SELECT * FROM sluice_import_errors WHERE import_id = 1 ORDER BY row_no, field))"
}
reference_story=$(journal_story reference.db)

# kill_after_ms MS ARGS…: sluice ARGS, killed with kill -9 after MS
# milliseconds if it is still running; its exit code in $rc.
kill_after_ms() {
	local ms=$1
	shift
	start_sluice run "$@" --progress=none
	sleep "$(printf '0.%03d' "$ms")"
	kill -KILL "$pid" 2>/dev/null
	finish "$pid"
}

# crash_after N ARGS…: sluice ARGS with the test hook set to N commits.
crash_after() {
	local n=$1
	shift
	rc=0
	{ SLUICE_TEST_CRASH_AFTER_COMMITS=$n "$SLUICE" "$@" --progress=none >run.out 2>run.err </dev/null; } 2>/dev/null || rc=$?
}

# one_run KIND DB: imports contacts.csv into DB, killing sluice (KIND hook or
# kill) at random moments, then resumes until the import is completed; at
# most 6 kills. Prints nothing; leaves $kills and $how.
one_run() {
	local kind=$1 db=$2 tries=0 status
	kills=0
	how=
	while [ "$tries" -lt 12 ]; do
		tries=$((tries + 1))
		status=$(sq "$db" 'SELECT status FROM sluice_imports WHERE id = 1' 2>/dev/null)
		case $status in
		'') set -- import contacts.csv --db "$db" --batch-size "$size" ;;
		completed_with_errors | completed) return 0 ;;
		*) set -- resume 1 --db "$db" ;;
		esac
		if [ "$kills" -ge 6 ]; then
			rc=0
			"$SLUICE" "$@" --progress=none >run.out 2>run.err </dev/null || rc=$?
			how="$how, $1 to the end"
		elif [ "$kind" = hook ]; then
			n=$((1 + RANDOM % (batches / 2)))
			crash_after "$n" "$@"
			how="$how, $1 crashed after commit $n"
		else
			ms=$((RANDOM % 250))
			kill_after_ms "$ms" "$@"
			how="$how, $1 killed after $ms ms"
		fi
		case $rc in
		137) kills=$((kills + 1)) ;;
		0 | 1) [ "$kills" -ge 6 ] || how="$how (it ended first)" ;;
		*) how="$how (exit code $rc: $(head -c 300 run.err))" ;;
		esac
	done
	return 1
}

runs=24
for run in $(seq 1 "$runs"); do
	[ $((run % 2)) = 1 ] && kind=hook || kind=kill
	db=run-$run.db
	if one_run "$kind" "$db"; then
		what="run $run (${how#, })"
	else
		fail "run $run: the import completes" "${how#, }"
		continue
	fi
	problems=
	[ "$(table_dump "$db")" = "$reference" ] || problems+="the table differs from an uninterrupted import's; "
	[ "$(import_counts "$db" 1)" = "$reference_counts" ] ||
		problems+="counts $(import_counts "$db" 1), want $reference_counts; "
	[ "$(journal_story "$db")" = "$reference_story" ] ||
		problems+="journal: $(journal_story "$db" | head -c 300), want $(head -c 300 <<<"$reference_story"); "
	[ "$(sq "$db" 'SELECT count(*) FROM sluice_imports')" = 1 ] || problems+="$(sq "$db" 'SELECT count(*) FROM sluice_imports') imports journaled; "
	[ "$(integrity "$db")" = ok ] || problems+="integrity_check: $(integrity "$db"); "
	[ -z "$(import_adds_up "$db" 1)" ] || problems+="$(import_adds_up "$db" 1); "
	if [ -z "$problems" ]; then
		pass "$what: the table, the counts and the journal equal an uninterrupted import's"
	else
		fail "$what: the table, the counts and the journal equal an uninterrupted import's" "$problems"
	fi
	if [ "$kind" = hook ]; then
		[ "$kills" -ge 1 ] && pass "run $run: the hook killed sluice ($kills times)" ||
			fail "run $run: the hook killed sluice" "${how#, }"
	fi
	total_kills=$(( ${total_kills:-0} + kills ))
done
diag "sluice was killed $total_kills times in $runs runs"

done_testing
