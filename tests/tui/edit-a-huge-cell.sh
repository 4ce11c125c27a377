#!/bin/bash
# E on a cell of almost a megabyte (the longest a CSV field may be) opens
# its fix dialog at once, showing the end of the value, and typing in it
# answers at once too (the dialog drew the whole value each time, measuring
# it again for every character cut: half a minute for 60,000 characters).
# The bound is generous, far from what the old drawing took; not a speed
# test.
. "$top_srcdir/tests/tui/lib.sh"

{
	printf 'First Name,Last Name,Email,Notes\n'
	printf 'Ada,Lovelace,ada@example.com,'
	head -c 1000000 /dev/zero | tr '\0' 'x'
	printf 'END\n'
	printf 'Alan,Turing,alan@example.com,short\n'
} >huge.csv

tui_start 80 24 --db "$DB"
tui_to_preview huge.csv
tui_keys Right Right Right
tui_keys E
if tui_wait "Fix row 1, column Notes" 10; then
	pass "E on a cell of a megabyte opens its dialog"
else
	fail "E on a cell of a megabyte opens its dialog" "$(tui_screen)"
fi
tui_see "xxxEND" "the dialog shows the end of the value" 10
tui_type "!"
tui_see "xxxEND!" "a key typed shows at once" 10
tui_keys Enter
tui_see "Preview" "Enter keeps the fix and goes back to the preview" 10
tui_keys q
tui_go "Quit the wizard?"
tui_keys y
tui_exited || true

done_testing
