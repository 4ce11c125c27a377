#!/bin/bash
# A file whose cells and header hold escape sequences and control bytes:
# the wizard shows them escaped (\x1b…) and the terminal never acts on
# them (its title is not changed, no colour leaks); wide CJK text lines up.
. "$top_srcdir/tests/tui/lib.sh"

printf 'First Name,Last Name,E-mail Address,Mobile Phone,Notes\n' >evil.csv
printf 'Eve,"\033]0;owned\007",eve@example.com,+1 212 555 0199,"\033[31mred\033[0m"\n' >>evil.csv
printf '王,小明,wang@example.cn,+1 212 555 0198,北京科技大学\n' >>evil.csv
printf 'Bob,\033[2J,bob@example.com,+1 212 555 0197,bell\007\n' >>evil.csv

tui_start 80 24 --db "$DB"
tui_to_preview evil.csv
tui_see '\x1b]0;owned\x07' "an OSC title sequence in a cell is shown escaped"
tui_see '\x1b[2J' "a clear-screen sequence is shown escaped"
tui_see 'bell\x07' "a BEL byte is shown escaped"
title=$(tui_tmux display-message -p -t wiz '#{pane_title}')
case $title in
*owned*) fail "the terminal title is not changed by a cell" "title: $title" ;;
*) pass "the terminal title is not changed by a cell" ;;
esac
# The row with CJK keeps its columns: the phone starts where the header
# says, as in the ASCII rows.
screen=$(tui_screen)
col_header=$(printf '%s\n' "$screen" | grep -F 'Mobile Phone' | head -1 | awk '{ print index($0, "Mobile Phone") }')
col_cjk=$(printf '%s\n' "$screen" | grep -F '小明' | head -1 | sed 's/[^\x00-\x7f]/XX/g' | awk '{ print index($0, "+1 212 555 0198") }')
if [ -n "$col_header" ] && [ "$col_header" = "$col_cjk" ]; then
	pass "wide characters keep the columns aligned"
else
	fail "wide characters keep the columns aligned" "header at $col_header, CJK row's phone at $col_cjk" "$screen"
fi
tui_keys Right Right Right Right
tui_see '\x1b[31mred\x1b[0m' "a colour sequence in a cell is shown escaped"
tui_keys Space
tui_see 'holds: "\x1b[31mred\x1b[0m"' "the cell's dialog escapes the value too"
if tui_tmux capture-pane -p -e -t wiz | grep -q $'\033\\[31m'; then
	fail "no colour of the cell reaches the terminal"
else
	pass "no colour of the cell reaches the terminal"
fi

done_testing
