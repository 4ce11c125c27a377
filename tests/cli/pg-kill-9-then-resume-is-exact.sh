#!/bin/bash
# kill -9 of an import into PostgreSQL at any moment, then `sluice resume`
# (killed again, until it completes): the table ends as an uninterrupted
# import leaves it, with the same counts and the same journal, and one
# import journaled. Half the runs are killed by the test hook
# SLUICE_TEST_CRASH_AFTER_COMMITS=N (right after the Nth commit), half by a
# real kill -9 after a random delay, which may land in the middle of a
# batch: the server then rolls the batch back when the connection drops.
# FAULTS_SEED picks the delays (it is printed, to replay a failure).
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

seed=${FAULTS_SEED:-9911}
RANDOM=$seed
diag "FAULTS_SEED=$seed"

pg_start
rows=2000
size=50
batches=$((rows / size))
gen_contacts --rows "$rows" --seed 291 --invalid-rate 0.03 --dup-rate 0.1 --out contacts.csv
ref=$(pg_db reference)
run_sluice import contacts.csv --db "$ref" --batch-size "$size"
story_sql="SELECT 'errors ' || (SELECT count(*) FROM sluice_import_errors WHERE import_id = 1) ||
                  ', rejects ' || (SELECT count(*) FROM sluice_import_rejects WHERE import_id = 1) ||
                  ', changes ' || (SELECT count(*) FROM sluice_import_changes WHERE import_id = 1) ||
                  ', batches ' || (SELECT count(*) || '/' || sum(rows) FROM sluice_import_batches WHERE import_id = 1) ||
                  ', errors by row ' || (SELECT string_agg(row_no || ':' || coalesce(field, '') || ':' || type, ' ' ORDER BY row_no, field)
                                           FROM sluice_import_errors WHERE import_id = 1)"
reference=$(pq "$ref" "$PG_DUMP_SQL")
reference_counts=$(pg_import_counts "$ref" 1)
reference_story=$(pq "$ref" "$story_sql")
assert_match "$reference_counts" "^$rows " "the uninterrupted import reads every row"

# one_run KIND URL: imports contacts.csv into URL, killing sluice at random
# moments, then resumes until the import is completed; at most 4 kills.
one_run() {
	local kind=$1 db=$2 tries=0 status
	kills=0
	how=
	while [ "$tries" -lt 10 ]; do
		tries=$((tries + 1))
		status=$(pq "$db" 'SELECT status FROM sluice_imports WHERE id = 1' 2>/dev/null)
		case $status in
		'') set -- import contacts.csv --db "$db" --batch-size "$size" ;;
		completed_with_errors | completed) return 0 ;;
		*) set -- resume 1 --db "$db" ;;
		esac
		rc=0
		if [ "$kills" -ge 4 ]; then
			"$SLUICE" "$@" --progress=none >run.out 2>run.err </dev/null || rc=$?
			how="$how, $1 to the end"
		elif [ "$kind" = hook ]; then
			n=$((1 + RANDOM % (batches / 2)))
			{ SLUICE_TEST_CRASH_AFTER_COMMITS=$n "$SLUICE" "$@" --progress=none >run.out 2>run.err </dev/null; } 2>/dev/null || rc=$?
			how="$how, $1 crashed after commit $n"
		else
			ms=$((RANDOM % 400))
			start_sluice run "$@" --progress=none
			sleep "$(printf '0.%03d' "$ms")"
			kill -KILL "$pid" 2>/dev/null
			finish "$pid"
			how="$how, $1 killed after $ms ms"
		fi
		case $rc in
		137) kills=$((kills + 1)) ;;
		0 | 1) ;;
		*) how="$how (exit code $rc: $(head -c 300 run.err))" ;;
		esac
	done
	return 1
}

runs=8
for run in $(seq 1 "$runs"); do
	[ $((run % 2)) = 1 ] && kind=hook || kind=kill
	db=$(pg_db "run$run")
	if ! one_run "$kind" "$db"; then
		fail "run $run: the import completes" "${how#, }"
		continue
	fi
	problems=
	[ "$(pq "$db" "$PG_DUMP_SQL")" = "$reference" ] || problems+="the table differs from an uninterrupted import's; "
	[ "$(pg_import_counts "$db" 1)" = "$reference_counts" ] ||
		problems+="counts $(pg_import_counts "$db" 1), want $reference_counts; "
	[ "$(pq "$db" "$story_sql")" = "$reference_story" ] ||
		problems+="journal: $(pq "$db" "$story_sql" | head -c 300), want $(head -c 300 <<<"$reference_story"); "
	[ "$(pq "$db" 'SELECT count(*) FROM sluice_imports')" = 1 ] || problems+="$(pq "$db" 'SELECT count(*) FROM sluice_imports') imports journaled; "
	[ -z "$(pg_adds_up "$db" 1)" ] || problems+="$(pg_adds_up "$db" 1); "
	if [ -z "$problems" ]; then
		pass "run $run (${how#, }): the table, the counts and the journal equal an uninterrupted import's"
	else
		fail "run $run (${how#, }): the table, the counts and the journal equal an uninterrupted import's" "$problems"
	fi
	total_kills=$(( ${total_kills:-0} + kills ))
done
diag "sluice was killed $total_kills times in $runs runs"
[ "${total_kills:-0}" -ge 1 ] && pass "sluice was killed at least once" || fail "sluice was killed at least once"

done_testing
