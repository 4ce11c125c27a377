#!/bin/bash
# The file picker: / filters the list as each key is typed (Esc shows all
# again, Enter opens what is selected); Backspace to the parent directory
# puts the cursor on the directory just left; Tab completes a name in a
# path prompt (a directory gets its slash).
. "$top_srcdir/tests/tui/lib.sh"

sample_csv alpha.csv
sample_csv beta.csv
sample_csv gamma.csv
mkdir -p "$T/projects" "$T/zeta"
sample_csv projects/clients-2026.csv

tui_start 80 24 --db "$DB"
tui_go "Recent imports"
tui_keys n
tui_go "Choose a file"
tui_see "alpha.csv" "the picker lists the files"
tui_keys /
tui_type "et"
tui_see "Filter: et" "/ shows the filter being typed"
screen=$(tui_screen)
if grep -q "beta.csv" <<<"$screen" && ! grep -q "alpha.csv" <<<"$screen" &&
	! grep -q "gamma.csv" <<<"$screen"; then
	pass "each key narrows the list: only the names holding it stay"
else
	fail "each key narrows the list: only the names holding it stay" "$screen"
fi
tui_keys BSpace BSpace
tui_see "gamma.csv" "Backspace widens the filter again"
tui_keys Escape
tui_see "CSV, TSV, XLSX, XLS, vCard, JSON" "Esc shows every file again"
tui_keys /
tui_type "BETA"
tui_go "Filter: BETA"
tui_keys Enter
tui_see "Map the columns" "Enter opens the file the filter leaves (case ignored)"
tui_keys Escape
tui_go "Choose a file"

# Into projects/ and back up: the cursor is on projects/.
tui_keys /
tui_type "proj"
tui_go "Filter: proj"
tui_keys Enter
tui_see "clients-2026.csv" "Enter opens a directory the filter selects"
tui_keys BSpace
tui_go "zeta/"
if tui_tmux capture-pane -p -e -t wiz | grep -a "projects/" | grep -qa $'\033\\[[0-9;]*7m'; then
	pass "Backspace to the parent puts the cursor on the directory just left"
else
	fail "Backspace to the parent puts the cursor on the directory just left" \
	    "$(tui_tmux capture-pane -p -e -t wiz | grep -a 'projects/\|zeta' | cat -v)"
fi

# Tab completion in the path prompt.
tui_keys g
tui_go "Open a path"
tui_keys C-u
tui_type "$T/proj"
tui_keys Tab
tui_see "$T/projects/" "Tab completes a directory's name, with its slash"
tui_type "cl"
tui_keys Tab
tui_see "$T/projects/clients-2026.csv" "Tab completes a file's name"
tui_keys Enter
tui_see "Map the columns" "the completed path opens"

done_testing
