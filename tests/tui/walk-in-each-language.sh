#!/bin/bash
# Under LANG=de_DE.UTF-8, es_ES.UTF-8 and fr_FR.UTF-8 every screen of the
# walk from file to report speaks that language: Home, the file picker, the
# path prompt, Mapping, Preview, Duplicates, Confirm, the progress and the
# report show their headings translated, the footer ends with the keys'
# key in that language, Confirm's labels are whole, and no line but the
# title (which may cut a path) is cut at 80 columns. A locale the system
# lacks is compiled into the test's directory (use_language: LOCPATH).
. "$top_srcdir/tests/tui/lib.sh"

cat >walk.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone
Ann,Lee,ann@example.com,+49 30 901820
Bob,Ray,bob@example.com,+49 30 901821
CSV

# screen_speaks LL MSGID SCREEN [ID]: waits for MSGID translated (its %lld
# replaced by ID), and checks
# the screen named SCREEN: the translation differs from the English, the
# footer ends with the translated keys' key, no line below the title is
# cut.
screen_speaks() {
	local ll=$1 text
	text=$(translated "$2")
	[ -z "${4:-}" ] || text=${text//%lld/$4}
	if [ "$text" = "$2" ]; then
		fail "$ll: $3 has a translation" "none for \"$2\""
		return
	fi
	tui_go "$text" 300
	pass "$ll: $3 is in the language ($text)"
	local keys last cut
	keys="? $(translated keys)"
	last=$(tui_screen | sed -n 24p | sed 's/ *$//')
	case "$last" in
	*"$keys") pass "$ll: $3's footer ends with \"$keys\"" ;;
	*) fail "$ll: $3's footer ends with \"$keys\"" "the footer: $last" ;;
	esac
	cut=$(tui_screen | sed -n '2,$p' | "$PYTHON" -c '
import sys
for l in sys.stdin.read().splitlines():
    if len(l) >= 80 and l.endswith("\u2026"):
        print(l)
')
	if [ -z "$cut" ]; then
		pass "$ll: nothing on $3 is cut at 80 columns"
	else
		fail "$ll: nothing on $3 is cut at 80 columns" "cut: $cut" "the screen:" "$(tui_screen)"
	fi
}

# go_on LL MSGID: c until the next screen shows MSGID translated (the
# Preview goes on once it has read the rows).
go_on() {
	local text i=0
	text=$(translated "$2")
	while [ $i -lt 300 ]; do
		tui_keys c
		tui_wait "$text" 1 && return
		i=$((i + 1))
	done
}

for lang in de_DE es_ES fr_FR; do
	ll=${lang%%_*}
	if ! use_language "$lang"; then
		skip "$ll: the walk in this language" "the translation or the locale $lang cannot be had here"
		use_english
		continue
	fi
	TUI_ENV="SLUICE_LOCALEDIR=$SLUICE_LOCALEDIR LANG=$LANG LANGUAGE=$LANGUAGE LC_ALL=$LC_ALL"
	[ -z "${LOCPATH:-}" ] || TUI_ENV="$TUI_ENV LOCPATH=$LOCPATH"
	tui_start 80 24 --db "$T/$ll.db"
	screen_speaks "$ll" "Recent imports" "Home"
	tui_keys n
	screen_speaks "$ll" "Choose a file" "the file picker"
	tui_keys g
	tui_go "$(translated "Open a path")"
	pass "$ll: the path prompt is in the language"
	tui_keys C-u
	tui_type "$T/walk.csv"
	tui_keys Enter
	screen_speaks "$ll" "Map the columns" "Mapping"
	tui_keys Enter
	screen_speaks "$ll" "Preview" "Preview"
	go_on "$ll" "How the rows meet the records stored"
	screen_speaks "$ll" "How the rows meet the records stored" "Duplicates"
	go_on "$ll" "What will happen"
	screen_speaks "$ll" "What will happen" "Confirm"
	for label in File Into Mapping Fixes Duplicates "Key conflicts" "Batch size" \
		"Error budget" "Dry run" Told Checked; do
		word=$(translated "$label")
		if tui_screen | grep -qF -- "  $word "; then
			pass "$ll: Confirm's label \"$word\" is whole"
		else
			fail "$ll: Confirm's label \"$word\" is whole" "the screen:" "$(tui_screen)"
		fi
	done
	start=$(translated "Press Enter to start the import.")
	if tui_screen | grep -qF -- "$start"; then
		pass "$ll: Confirm's last line says how to start ($start)"
	else
		fail "$ll: Confirm's last line says how to start ($start)" "the screen:" "$(tui_screen)"
	fi
	tui_keys Enter
	screen_speaks "$ll" "The import has ended. Press Enter for its report." "the progress"
	tui_keys Enter
	screen_speaks "$ll" "Report of import %lld" "the report" 1
	assert_eq "$(sq "$T/$ll.db" "SELECT count(*) FROM contacts")" 2 "$ll: the walk imported the file"
	tui_stop
	use_english
done

done_testing
