#!/bin/bash
# Out of memory in the wizard: the terminal is put back first (the alternate
# screen left, the cursor shown), and only then is the message printed, so
# that it stays on the screen after sluice is gone. The fault is a preloaded
# XML_ParserCreate with no memory to give (tests/tui/no-xml-parser.c), met
# when the wizard opens a workbook. (That fatal() then aborts is checked by
# tests/unit/test-fatal: tmux does not always learn how its pane died.)
. "$top_srcdir/tests/tui/lib.sh"

PRELOAD=${top_builddir:-$top_srcdir}/tests/tui/no-xml-parser.so
[ -f "$PRELOAD" ] || skip_all "tests/tui/no-xml-parser.so is not built"
GEN_XLSX=${top_builddir:-$top_srcdir}/tests/gen-xlsx
[ -x "$GEN_XLSX" ] || skip_all "tests/gen-xlsx is not built"

printf 'First Name,E-mail Address\nAnn,ann@x.com\n' >contacts.csv
"$GEN_XLSX" contacts.csv contacts.xlsx
ulimit -c 0

# From Home, so that tmux keeps the pane once sluice is gone. (A build with
# AddressSanitizer wants its runtime first; here the fault comes first.)
asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
TUI_ENV="LD_PRELOAD='$PRELOAD' ASAN_OPTIONS='$asan'" tui_start 80 24 --db "$DB"
tui_go "Recent imports"
tui_keys n
tui_go "Choose a file"
tui_keys g
tui_go "Open a path"
tui_keys C-u
tui_type "$T/contacts.xlsx"
tui_keys Enter
if tui_exited; then
	pass "the wizard stops when there is no memory left"
else
	fail "the wizard stops when there is no memory left" "the screen:" "$(tui_screen)"
	done_testing
fi
assert_eq "$(tui_tmux display-message -p -t wiz '#{alternate_on}')" 0 \
	"the alternate screen is left"
assert_match "$(tui_screen)" "^sluice: out of memory" \
	"the message is on the screen, not wiped with the alternate screen"

done_testing
