# Helpers for the report tests (tests/cli/report-*.sh), sourced after
# nothing else: loads lib.sh, then finds a Python that has openpyxl (the
# tests read the workbooks back with it) and skips the test when there is
# none.
#
#   report_check ARGS…   tests/report_check.py (dump, to-csv, fix)
#   dump_xlsx FILE       report_check dump FILE into $T/dump.json
#   d FILTER             jq -r FILTER over $T/dump.json
#   summary LABEL        the Summary sheet's value beside LABEL
. "$(dirname "$0")/lib.sh"

REPORT_PY=
for py in "$PYTHON" python3 /usr/bin/python3; do
	if "$py" -c 'import openpyxl' >/dev/null 2>&1; then
		REPORT_PY=$py
		break
	fi
done
[ -n "$REPORT_PY" ] || skip_all "python3-openpyxl is not installed (tools/install-deps installs it)"

report_check() {
	"$REPORT_PY" "$top_srcdir/tests/report_check.py" "$@"
}

dump_xlsx() {
	report_check dump "$1" >"$T/dump.json" 2>"$T/dump.err" || {
		echo "# report_check dump $1 failed: $(head -c 1000 "$T/dump.err")"
		echo '{}' >"$T/dump.json"
	}
}

d() {
	jq -r "$1" "$T/dump.json"
}

summary() {
	jq -r --arg k "$1" '[.sheet.Summary.rows[] | select(.[0] == $k) | .[1]][0] | tostring' "$T/dump.json"
}
