# TAP helpers for sluice's command-line tests (tests/cli/*.sh), sourced by
# each test. A test drives the real binary on real files and checks the
# answers with sqlite3 and jq. Nothing here depends on the machine's speed.
#
# The environment (set by `make check`, or by hand):
#   SLUICE             absolute path of the sluice binary
#   SLUICE_SCHEMA_DIR  where contacts.schema and products.schema are
#   top_srcdir         the source tree (for tests/gen-contacts.py)
#
# What a test gets:
#   $T                 a fresh temporary directory, removed on exit; the
#                      current directory while the test runs
#   TAP:       plan N | done_testing, pass, fail, skip, skip_all, diag,
#              ok DESC CMD…, assert_eq GOT WANT DESC, assert_match GOT RE DESC
#   sluice:    run_sluice ARGS… (sets $rc, writes $T/out and $T/err),
#              assert_exit CODE DESC, last_run
#   answers:   sq DB SQL, json FILTER [FILE], table_exists, last_import_id,
#              import_counts / json_counts / manifest_counts (the nine
#              outcome counts, comparable), invariant_holds, journal_consistent
#   files:     gen_contacts ARGS… (tests/gen-contacts.py), crlf FILE

set -u

: "${SLUICE:?SLUICE must be the absolute path of the sluice binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"
export SLUICE_SCHEMA_DIR=${SLUICE_SCHEMA_DIR:-$top_srcdir/data/schemas}
GEN_CONTACTS=$top_srcdir/tests/gen-contacts.py
PYTHON=${PYTHON:-python3}

tap_count=0
tap_failed=0
tap_planned=
tap_done=

T=$(mktemp -d "${TMPDIR:-/tmp}/sluice-cli.XXXXXX") || exit 99
# A test that starts background processes names a function that stops them
# in $tap_at_exit.
tap_at_exit=
tap_cleanup() {
	local status=$?
	[ -z "$tap_at_exit" ] || "$tap_at_exit"
	cd / && rm -rf "$T"
	# A test that stopped before done_testing must not look like a pass.
	if [ -z "$tap_done" ] && [ -z "$tap_planned" ]; then
		echo "Bail out! $(basename "$0") stopped after $tap_count tests"
	fi
	exit "$status"
}
trap tap_cleanup EXIT
cd "$T" || exit 99

# --- TAP ------------------------------------------------------------------

plan() {
	tap_planned=$1
	echo "1..$1"
}

done_testing() {
	tap_done=1
	[ -n "$tap_planned" ] || echo "1..$tap_count"
	# Failures are in the TAP stream; the exit code stays 0 so the driver
	# reports them once, as failed tests.
	exit 0
}

skip_all() {
	echo "1..0 # SKIP $*"
	tap_done=1
	exit 0
}

diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do echo "# $line"; done
}

pass() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1"
}

# fail DESCRIPTION [DIAGNOSTIC…]
fail() {
	tap_count=$((tap_count + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_count - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
}

# skip DESCRIPTION REASON
skip() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1 # SKIP $2"
}

# ok DESCRIPTION COMMAND…: passes when the command succeeds.
ok() {
	local desc=$1
	shift
	if "$@" >"$T/.ok.out" 2>&1; then
		pass "$desc"
	else
		fail "$desc" "command failed: $*" "$(head -c 2000 "$T/.ok.out")"
	fi
}

# assert_eq GOT WANT DESCRIPTION
assert_eq() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "got:  $1" "want: $2"
	fi
}

# assert_match GOT EXTENDED-REGEX DESCRIPTION
assert_match() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3" "got:  $1" "want: something matching /$2/"
	fi
}

# --- Running sluice ---------------------------------------------------------

# sanitized: sluice is built with a sanitizer. Every run is slower, and
# each finds what one run finds: sampling tests (the fault sweeps, the
# property tests) try fewer points.
sanitized() {
	ldd "$SLUICE" 2>/dev/null | grep -Eq 'lib(a|t|ub)san'
}

# run_sluice ARGS…: runs sluice with stdout in $T/out and stderr in $T/err,
# and its exit code in $rc. Never stops the test.
rc=
run_sluice() {
	rc=0
	"$SLUICE" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	return 0
}

# The last run's output, for diagnostics.
last_run() {
	echo "exit code: $rc"
	echo "stdout: $(head -c 1500 "$T/out")"
	echo "stderr: $(head -c 1500 "$T/err")"
}

# assert_exit WANT DESCRIPTION: the last run_sluice exited with WANT.
assert_exit() {
	if [ "$rc" = "$1" ]; then
		pass "$2"
	else
		fail "$2" "want exit code $1" "$(last_run)"
	fi
}

# --- Looking at the results -----------------------------------------------

# sq DB SQL: the query's rows, '|'-separated, no header.
# The timeout: a reader opening the database just as sluice closes it (and
# checkpoints its WAL, holding the lock a moment) waits instead of failing.
sq() {
	sqlite3 -batch -noheader -cmd '.timeout 10000' "$1" "$2"
}

# json FILTER [FILE]: a jq -r filter over the last --json output (or FILE).
json() {
	jq -r "$1" "${2:-$T/out}" 2>/dev/null
}

# table_exists DB NAME
table_exists() {
	[ -f "$1" ] && [ "$(sq "$1" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '$2'")" = 1 ]
}

# last_import_id DB
last_import_id() {
	sq "$1" "SELECT max(id) FROM sluice_imports"
}

# import_counts DB ID: "total created updated merged unchanged skipped
# rejected failed not_processed" of one import, as the journal has them.
import_counts() {
	sq "$1" "SELECT total, created, updated, merged, unchanged, skipped, rejected, failed, not_processed
	         FROM sluice_imports WHERE id = $2" | tr '|' ' '
}

# The same nine numbers from a --json report.
json_counts() {
	json '[.total, .created, .updated, .merged, .unchanged, .skipped, .rejected, .failed, .not_processed] | map(tostring) | join(" ")' "${1:-$T/out}"
}

# The same nine numbers from a generator manifest, for a strategy.
manifest_counts() { # MANIFEST STRATEGY
	jq -r --arg s "$2" '.expected[$s] | [.total, .created, .updated, .merged, .unchanged, .skipped, .rejected, .failed, .not_processed] | map(tostring) | join(" ")' "$1"
}

# invariant_holds DB DESCRIPTION: every import in DB obeys
# total = created + updated + merged + unchanged + skipped + rejected + failed + not_processed.
invariant_holds() {
	local bad
	bad=$(sq "$1" "SELECT id || ': total ' || total || ' but outcomes add up to ' ||
	               (created + updated + merged + unchanged + skipped + rejected + failed + not_processed)
	               FROM sluice_imports
	               WHERE total IS NULL OR total != created + updated + merged + unchanged + skipped + rejected + failed + not_processed")
	if [ $? -eq 0 ] && [ -z "$bad" ] && [ "$(sq "$1" 'SELECT count(*) FROM sluice_imports')" -gt 0 ]; then
		pass "$2"
	else
		fail "$2" "imports whose counts do not add up:" "$bad"
	fi
}

# journal_consistent DB ID DESCRIPTION: the journal tells one story about a
# finished import: batches add up to the import's counts, each rejected or
# failed row has its errors and its original cells, each write its change,
# and values dropped belong to rows that were kept.
journal_consistent() {
	local db=$1 id=$2 problems
	problems=$(sq "$db" "
	  WITH i AS (SELECT * FROM sluice_imports WHERE id = $id),
	       b AS (SELECT coalesce(sum(rows), 0) rows, coalesce(sum(created), 0) created,
	                    coalesce(sum(updated), 0) updated, coalesce(sum(merged), 0) merged,
	                    coalesce(sum(unchanged), 0) unchanged, coalesce(sum(skipped), 0) skipped,
	                    coalesce(sum(rejected), 0) rejected, coalesce(sum(failed), 0) failed
	             FROM sluice_import_batches WHERE import_id = $id)
	  SELECT 'batches add up to ' || b.created || '/' || b.updated || '/' || b.merged || '/' ||
	         b.unchanged || '/' || b.skipped || '/' || b.rejected || '/' || b.failed ||
	         ' (created/updated/merged/unchanged/skipped/rejected/failed), the import says ' ||
	         i.created || '/' || i.updated || '/' || i.merged || '/' || i.unchanged || '/' ||
	         i.skipped || '/' || i.rejected || '/' || i.failed
	    FROM i, b
	   WHERE (b.created, b.updated, b.merged, b.unchanged, b.skipped, b.rejected, b.failed) IS NOT
	         (i.created, i.updated, i.merged, i.unchanged, i.skipped, i.rejected, i.failed)
	  UNION ALL
	  SELECT 'rows with errors: ' || (SELECT count(DISTINCT row_no) FROM sluice_import_errors WHERE import_id = $id AND NOT dropped) ||
	         ', rejected + failed: ' || (i.rejected + i.failed)
	    FROM i WHERE (SELECT count(DISTINCT row_no) FROM sluice_import_errors WHERE import_id = $id AND NOT dropped) != i.rejected + i.failed
	  UNION ALL
	  SELECT 'values dropped from rows left out: ' || count(*)
	    FROM sluice_import_errors e JOIN sluice_import_rejects r USING (import_id, row_no)
	   WHERE e.import_id = $id AND e.dropped HAVING count(*) > 0
	  UNION ALL
	  SELECT 'rows kept in sluice_import_rejects: ' || (SELECT count(*) FROM sluice_import_rejects WHERE import_id = $id) ||
	         ', rejected + failed: ' || (i.rejected + i.failed)
	    FROM i WHERE (SELECT count(*) FROM sluice_import_rejects WHERE import_id = $id) != i.rejected + i.failed
	  UNION ALL
	  SELECT 'changes insert/update/merge: ' ||
	         (SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'insert') || '/' ||
	         (SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'update') || '/' ||
	         (SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'merge') ||
	         ', created/updated/merged: ' || i.created || '/' || i.updated || '/' || i.merged
	    FROM i WHERE i.dry_run = 0 AND (
	         (SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'insert') != i.created OR
	         (SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'update') != i.updated OR
	         (SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'merge') != i.merged)
	  UNION ALL
	  SELECT 'no import ' || $id WHERE NOT EXISTS (SELECT 1 FROM i)" 2>&1)
	if [ -z "$problems" ]; then
		pass "$3"
	else
		fail "$3" "$problems"
	fi
}

# --- Input files -------------------------------------------------------------

# gen_contacts ARGS…: tests/gen-contacts.py with ARGS.
gen_contacts() {
	"$PYTHON" "$GEN_CONTACTS" "$@"
}

# crlf FILE: rewrites FILE's line ends as CR LF.
crlf() {
	sed 's/$/\r/' "$1" >"$1.crlf" && mv "$1.crlf" "$1"
}

# --- Languages ---------------------------------------------------------------

# use_language LL_CC: runs what follows in that language (LANG, LANGUAGE),
# with sluice's translations from the build tree (SLUICE_LOCALEDIR). A
# locale the system lacks is compiled into $T/locales (LOCPATH), as root or
# not; returns 1 if it cannot be had.
use_language() {
	local ll=${1%%_*} gmo=$top_builddir/po/${1%%_*}.gmo
	[ -f "$gmo" ] || return 1
	mkdir -p "$T/locale/$ll/LC_MESSAGES" && cp "$gmo" "$T/locale/$ll/LC_MESSAGES/sluice.mo" ||
		return 1
	if ! locale -a 2>/dev/null | grep -qix "$1.utf-\?8"; then
		mkdir -p "$T/locales" &&
			localedef -i "$1" -f UTF-8 "$T/locales/$1.UTF-8" >/dev/null 2>&1 || return 1
		export LOCPATH=$T/locales
	fi
	export SLUICE_LOCALEDIR=$T/locale LANG=$1.UTF-8 LANGUAGE=$ll LC_ALL=$1.UTF-8
}

# use_english: back to the language of the tests.
use_english() {
	unset SLUICE_LOCALEDIR LANGUAGE LOCPATH
	export LANG=C.UTF-8 LC_ALL=C.UTF-8
}

# translated MSGID: MSGID in the language use_language chose (gettext(1)
# on the same catalogue sluice reads).
translated() {
	TEXTDOMAINDIR=$SLUICE_LOCALEDIR gettext -d sluice -- "$1"
}

# --- Prerequisites -------------------------------------------------------------

for tool in sqlite3 jq "$PYTHON"; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is not installed"
done
if [ ! -x "$SLUICE" ]; then
	tap_done=1
	echo "Bail out! no sluice binary at $SLUICE"
	exit 99
fi
