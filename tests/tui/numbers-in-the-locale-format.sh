#!/bin/bash
# Numbers on the wizard's screens follow the locale (LC_NUMERIC): in German
# 1.500 rows and 100,0 %, where C writes 1,500 and 100.0. The German locale
# is generated into the test's directory when the system has none
# (localedef; LOCPATH), so no root is needed. Messages stay in English
# here (LC_MESSAGES is C): this is about numbers.
. "$top_srcdir/tests/tui/lib.sh"

command -v localedef >/dev/null 2>&1 || skip_all "localedef is not installed"
mkdir -p "$T/locale"
localedef -i de_DE -f UTF-8 "$T/locale/de_DE.UTF-8" >/dev/null 2>&1 ||
	skip_all "the de_DE locale cannot be generated here"

gen_contacts --rows 1500 --seed 5 --out contacts.csv

TUI_ENV="LOCPATH=$T/locale LC_ALL= LANG=C.UTF-8 LC_NUMERIC=de_DE.UTF-8"
tui_start 80 24 --db "$DB"
tui_to_preview contacts.csv
tui_see "1.500 rows read" "the preview counts rows with the German thousands separator"
tui_see "1.500 rows: " "so does the dry run"
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_keys Enter
tui_see "The import has ended" "the import runs to its end" 300
tui_see "100,0%  1.500 / 1.500 rows" "the progress has a decimal comma and German thousands"
tui_keys q
tui_exited || true

done_testing
