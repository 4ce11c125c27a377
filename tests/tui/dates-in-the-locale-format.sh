#!/bin/bash
# Dates on the wizard's screens follow the locale (LC_TIME): in German Home
# lists an import started today as 28.11 13:40 and the file picker dates a
# file 28.11.2026 13:40, where the C locale writes ISO 8601 (11-28 13:40,
# 2026-11-28 13:40). The German locale is generated into the test's
# directory when the system has none (localedef; LOCPATH).
. "$top_srcdir/tests/tui/lib.sh"

command -v localedef >/dev/null 2>&1 || skip_all "localedef is not installed"
mkdir -p "$T/locale"
localedef -i de_DE -f UTF-8 "$T/locale/de_DE.UTF-8" >/dev/null 2>&1 ||
	skip_all "the de_DE locale cannot be generated here"

# see_re RE DESCRIPTION: the screen shows a line matching RE (grep -E),
# within a few seconds.
see_re() {
	local i=0
	while [ $i -lt 50 ]; do
		if tui_screen | grep -qE -- "$1"; then
			pass "$2"
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2" "waited for: $1" "the screen:" "$(tui_screen)"
}

sample_csv
run_sluice import contacts.csv --db "$DB"

TUI_ENV="LOCPATH=$T/locale LC_ALL= LANG=C.UTF-8 LC_TIME=de_DE.UTF-8"
tui_start 80 24 --db "$DB"
tui_go "Recent imports"
see_re "$(date +%d.%m) [0-9][0-9]:[0-9][0-9]" "Home dates the import as German write dates"
tui_keys n
tui_go "Choose a file"
see_re "contacts.csv .* $(date +%d.%m.%Y) [0-9][0-9]:[0-9][0-9]" "the file picker dates the file so, with its year"
tui_stop

TUI_ENV=
tui_start 80 24 --db "$DB"
tui_go "Recent imports"
see_re "$(date +%m-%d) [0-9][0-9]:[0-9][0-9]" "in the C locale Home writes month-day, as ISO 8601"
tui_keys n
tui_go "Choose a file"
see_re "contacts.csv .* $(date +%Y-%m-%d) [0-9][0-9]:[0-9][0-9]" "and the file picker the whole ISO date"

done_testing
