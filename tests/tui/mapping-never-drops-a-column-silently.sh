#!/bin/bash
# On the Mapping screen, giving a column the field another column feeds
# never leaves that column out unseen: when the column had a field, the two
# swap; when it had none, the wizard asks first, and No keeps both as they
# were. The mapping chosen is remembered, and sluice import uses it.
. "$top_srcdir/tests/tui/lib.sh"

printf 'Email,Other Mail,Phone\na@example.com,b@example.com,+44 20 7946 0018\n' >mail.csv

# The line of the Mapping screen for a column: its header and its field.
maps() {
	tui_screen | grep -E "^ *$1 " | grep -qE " $2 "
}

tui_start 100 30 --db "$DB"
tui_open mail.csv
tui_go "Map the columns"
# Other Mail (no field) takes email, which Email feeds: the wizard asks.
tui_keys Down Space
tui_go "Field for column Other Mail"
tui_keys Down Down Down Down Enter
tui_see "The column Email already feeds the field email" "taking a field another column feeds asks first"
tui_keys Escape
tui_go "Map the columns"
if maps "Email" "email"; then pass "No keeps Email on email"; else fail "No keeps Email on email" "$(tui_screen)"; fi

tui_keys Space
tui_go "Field for column Other Mail"
tui_keys Down Down Down Down Enter
tui_go "already feeds the field email"
tui_keys y
tui_go "Map the columns"
if maps "Other Mail" "email" && maps "Email" "\(left out\)"; then
	pass "Yes gives the field to Other Mail and leaves Email out, visibly"
else
	fail "Yes gives the field to Other Mail and leaves Email out, visibly" "$(tui_screen)"
fi

# Phone (which has a field) takes email: the two columns swap.
tui_keys Down Space
tui_go "Field for column Phone"
tui_keys Up Up Enter
tui_see "Swapped: Phone now feeds email, and Other Mail feeds phone." "a column with a field swaps with the other"
if maps "Phone" "email" && maps "Other Mail" "phone"; then
	pass "both columns still feed a field"
else
	fail "both columns still feed a field" "$(tui_screen)"
fi
# Going on remembers the mapping; sluice import then uses it for a file
# with the same header row.
tui_keys Enter
tui_go "rows read;"
if db_wait "SELECT count(*) FROM sluice_mappings" 1; then
	pass "going on remembers the mapping"
else
	fail "going on remembers the mapping"
fi
tui_keys q
tui_go "Quit the wizard?"
tui_keys y
if tui_exited; then pass "q leaves the wizard"; else fail "q leaves the wizard" "$(tui_screen)"; fi

printf 'email,other mail,PHONE\nx@example.com,+44 20 7946 0020,d@example.com\n' >again.csv
run_sluice import again.csv --db "$DB" --json --progress none
assert_exit 0 "sluice import takes a file with the header row the wizard mapped"
assert_eq "$(json '[.mapping_sources[]] | unique | join(",")')" remembered "every column is mapped as remembered"
assert_eq "$(sq "$DB" "SELECT phone || ' ' || email FROM contacts")" "+442079460020 d@example.com" \
	"the wizard's choices are the CLI's: Other Mail is the phone, Phone the email"

done_testing
