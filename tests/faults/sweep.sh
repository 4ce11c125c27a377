# Helpers of the fault sweeps (tests/faults/*-at-every-point.sh), sourced
# after tests/cli/lib.sh. A sweep runs one import again and again, with a
# fault at the Nth call of some kind (a commit, a write, a malloc…) for
# every N, or for every Nth N when sampled, and compares what each run
# leaves, once resumed, with an import that met no fault.
#
#   FAULTS_SWEEP=full     every point (make check-faults); otherwise a
#                         sample with a deterministic stride (make check)
#   FAULTS_SEED           where the sample's stride starts (printed)
#
# What a test gets:
#   sweep_points TOTAL WANT: the points 1..TOTAL to try, about WANT of them
#       when sampled (all when full), one a line
#   fault_run POINTS ACTION AT ARGS…: sluice ARGS with the calls POINTS
#       (tests/faults/fault-points.c) killing or failing at call AT;
#       exit code in $rc, stdout in fault.out, stderr in fault.err
#   fault_count POINTS ARGS…: how many calls reach POINTS in sluice ARGS
#   finish_import DB ARGS…: imports (ARGS) into DB, or resumes import 1,
#       until it is completed; returns 1 with the reason in $why if not
#   fingerprint DB: the table, the journal's counts and story, and
#       PRAGMA integrity_check, as text to compare
#   sweep_report WHAT FAILURES TRIED: one TAP line for a whole sweep

FAULT_POINTS_SO=${top_builddir:-.}/tests/faults/fault-points.so
[ -f "$FAULT_POINTS_SO" ] || skip_all "$FAULT_POINTS_SO is not built (make check builds it)"
# A sanitizer's runtime wants to be the first library loaded; the injector
# comes first here and calls it in turn.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

sweep_full=${FAULTS_SWEEP:-sampled}
sweep_seed=${FAULTS_SEED:-1901}
diag "FAULTS_SWEEP=$sweep_full FAULTS_SEED=$sweep_seed"

sweep_points() {
	local total=$1 want=$2 stride start
	if [ "$sweep_full" = full ] || [ "$total" -le "$want" ]; then
		seq 1 "$total"
		return
	fi
	stride=$(((total + want - 1) / want))
	start=$((1 + sweep_seed % stride))
	seq "$start" "$stride" "$total"
}

fault_run() {
	local points=$1 action=$2 at=$3
	shift 3
	rc=0
	{ LD_PRELOAD="$FAULT_POINTS_SO" SLUICE_FAULT_POINTS=$points \
		SLUICE_FAULT_ACTION=$action SLUICE_FAULT_AT=$at \
		"$SLUICE" "$@" >fault.out 2>fault.err </dev/null; } 2>/dev/null || rc=$?
}

fault_count() {
	local points=$1
	shift
	rm -f fault.count
	LD_PRELOAD="$FAULT_POINTS_SO" SLUICE_FAULT_POINTS=$points \
		SLUICE_FAULT_ACTION=count SLUICE_FAULT_COUNT=fault.count \
		"$SLUICE" "$@" >/dev/null 2>&1 </dev/null
	cat fault.count 2>/dev/null || echo 0
}

why=
finish_import() {
	local db=$1 tries=0 status
	local -a args
	shift
	while [ "$tries" -lt 3 ]; do
		tries=$((tries + 1))
		status=$(sq "$db" 'SELECT status FROM sluice_imports WHERE id = 1' 2>/dev/null)
		case $status in
		completed | completed_with_errors) return 0 ;;
		'') args=(import "$@" --db "$db") ;;
		*) args=(resume 1 --db "$db") ;;
		esac
		rc=0
		"$SLUICE" "${args[@]}" --progress=none >finish.out 2>finish.err </dev/null || rc=$?
		case $rc in
		0 | 1) ;;
		*)
			why="sluice ${args[*]} after the fault: exit code $rc: $(head -c 300 finish.err | tr '\n' ' ')"
			return 1
			;;
		esac
	done
	why="not completed after 3 runs (status $status)"
	return 1
}

fingerprint_cols=
fingerprint() {
	[ -n "$fingerprint_cols" ] || fingerprint_cols=$(sq "$1" "SELECT group_concat('quote(\"' || name || '\")', ' || ''|'' || ')
	                FROM pragma_table_info('contacts') WHERE name != 'imported_from'")
	sq "$1" "SELECT $fingerprint_cols FROM contacts ORDER BY id;
	SELECT 'imports ' || count(*) FROM sluice_imports;
	SELECT 'import 1 ' || status || ', counts ' || total || ' ' || created || ' ' || updated || ' ' ||
	       merged || ' ' || unchanged || ' ' || skipped || ' ' || rejected || ' ' || failed || ' ' ||
	       not_processed || ', rows_done ' || rows_done FROM sluice_imports WHERE id = 1;
	SELECT 'errors ' || (SELECT count(*) FROM sluice_import_errors WHERE import_id = 1) ||
	       ', rejects ' || (SELECT count(*) FROM sluice_import_rejects WHERE import_id = 1) ||
	       ', changes ' || (SELECT count(*) FROM sluice_import_changes WHERE import_id = 1) ||
	       ', batches ' || (SELECT count(*) || '/' || sum(rows) FROM sluice_import_batches WHERE import_id = 1);
	SELECT 'error ' || row_no || ':' || coalesce(field, '') || ':' || type
	       FROM sluice_import_errors WHERE import_id = 1 ORDER BY row_no, field;
	PRAGMA integrity_check;" 2>&1
}

# fingerprint_diff GOT WANT: the first lines that differ, for a diagnostic.
fingerprint_diff() {
	diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | grep '^[<>]' | head -n 4 |
		sed 's/^</got: /; s/^>/want:/' | cut -c1-200
}

# sweep_report WHAT FAILURES TRIED: FAILURES is a file of one line per
# failed point; passes when it is empty.
sweep_report() {
	local what=$1 failures=$2 tried=$3 n
	n=$(wc -l <"$failures")
	if [ "$n" = 0 ]; then
		pass "$what: all $tried points"
	else
		fail "$what: $n of $tried points fail" "$(head -n 40 "$failures")"
	fi
}
