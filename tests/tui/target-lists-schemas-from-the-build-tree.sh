#!/bin/bash
# The wizard's t (choose the target) lists the schemas that sluice itself
# loads: run from its build tree without SLUICE_SCHEMA_DIR, and from
# another directory, it finds data/schemas beside the program (the same
# list the import looks names up in, schema.c's schema_list).
. "$top_srcdir/tests/tui/lib.sh"

# A build outside the source tree has no data/schemas beside its program.
[ -d "$(dirname "$SLUICE")/../data/schemas" ] ||
	skip_all "this build has no data/schemas beside src/sluice (built outside the source tree)"
sample_csv contacts.csv
unset SLUICE_SCHEMA_DIR

tui_start 100 30 --db "$DB"
tui_open contacts.csv
tui_see "contacts.csv → contacts" "without SLUICE_SCHEMA_DIR the mapping is made for the contacts schema"
tui_keys t
tui_see "Target schema" "t opens the list of target schemas"
if tui_screen | grep -qF "No schema files were found."; then
	fail "t finds the schema files beside the program" "$(tui_screen)"
else
	pass "t finds the schema files beside the program"
fi
tui_see "products" "the list offers products"
tui_keys Down Enter
tui_see "contacts.csv → products" "choosing products maps the file for products"
tui_see "Still needed: a column for SKU, and one for SKU so that records can be found again." \
    "the mapping says which products fields still need a column"

done_testing
