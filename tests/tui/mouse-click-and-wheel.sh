#!/bin/bash
# The mouse, as htop and mc users expect (keys stay the primary way): a
# click on a row of a list selects it, the wheel moves the selection. The
# terminal's reports are typed into the pane as xterm sends them (SGR).
. "$top_srcdir/tests/tui/lib.sh"

sample_csv contacts.csv
for i in 1 2 3; do
	run_sluice import contacts.csv --db "$DB"
done

# mouse_press BUTTON COL ROW (both counted from 1): press and release.
mouse_press() {
	tui_type $'\033'"[<$1;$2;$3M"
	[ "$1" -ge 64 ] || tui_type $'\033'"[<$1;$2;$3m"
}

# The import listed that is drawn selected (reverse video).
selected_line() {
	tui_tmux capture-pane -p -e -t wiz | grep -a 'contacts.csv' | grep -a $'\033\\[[0-9;]*7m' |
		sed 's/\x1b\[[0-9;]*m//g' | head -n 1
}

tui_start 80 24 --db "$DB"
tui_go "Recent imports"
tui_go "contacts.csv"
assert_match "$(selected_line)" "^ +3 " "the newest import is selected first"
# Rows start on the fifth line: the third import listed (id 1) is line 7.
mouse_press 0 10 7
i=0
while ! selected_line | grep -Eq '^ +1 ' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
assert_match "$(selected_line)" "^ +1 " "a click selects the row clicked"
mouse_press 64 10 7
i=0
while ! selected_line | grep -Eq '^ +2 ' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
assert_match "$(selected_line)" "^ +2 " "the wheel moves the selection up"
mouse_press 65 10 7
i=0
while ! selected_line | grep -Eq '^ +1 ' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
assert_match "$(selected_line)" "^ +1 " "and down"
tui_keys Enter
tui_see "import 1" "Enter opens what the click selected"
tui_keys q
tui_exited || true

done_testing
