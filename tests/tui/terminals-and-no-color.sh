#!/bin/bash
# The wizard runs under the usual TERM values, with and without colour
# (NO_COLOR: invalid cells get a marker instead of a colour).
. "$top_srcdir/tests/tui/lib.sh"

sample_csv contacts.csv
for term in xterm xterm-256color screen tmux-256color vt100; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		skip "TERM=$term" "no terminfo entry for $term here"
		continue
	fi
	TUI_TERM=$term
	tui_start 80 24 --db "$DB"
	tui_see "Recent imports" "TERM=$term: Home is shown"
	tui_keys n
	tui_see "contacts.csv" "TERM=$term: the file list is shown"
	tui_keys q
	if tui_exited; then pass "TERM=$term: q leaves"; else fail "TERM=$term: q leaves" "$(tui_screen)"; fi
done
TUI_TERM=xterm-256color

# In colour, an invalid cell carries its colour (white on red), the colour
# pair not lost on the way to the terminal.
tui_start 80 24 --db "$DB"
tui_to_preview contacts.csv
tui_go 'not a phone'
if tui_tmux capture-pane -p -e -t wiz | grep -a 'not a phone' |
	grep -qa $'\033\\[\\(37;\\)\\?41m\\(\033\\[[0-9;]*m\\)*not a phone'; then
	pass "colour: an invalid cell is drawn on red"
else
	fail "colour: an invalid cell is drawn on red" "$(tui_tmux capture-pane -p -e -t wiz | grep -a 'not a phone' | cat -v)"
fi
tui_keys q
tui_go "Quit the wizard?"
tui_keys y
tui_exited || true

TUI_ENV="NO_COLOR=1"
tui_start 80 24 --db "$DB"
tui_to_preview contacts.csv
tui_see '!not a phone' "NO_COLOR: an invalid cell is marked with !"
tui_see '!7 Edsger' "NO_COLOR: a row with an error is marked with !"
if tui_tmux capture-pane -p -e -t wiz | grep -q $'\033\\[3[0-7]m'; then
	fail "NO_COLOR: no colour is used"
else
	pass "NO_COLOR: no colour is used"
fi
tui_keys q
tui_see "Quit the wizard?" "q asks first when the choices made would be lost"
tui_keys y
if tui_exited; then pass "y leaves"; else fail "y leaves" "$(tui_screen)"; fi

done_testing
