#!/bin/bash
# The whole path through the wizard on the README's sample (rows with
# errors, a birthday left out of a row that is kept, one person twice, one
# person already stored), once per duplicate
# strategy: Home, File (a typed path), Mapping, Preview with a cell fixed
# by hand, Duplicates, Confirm, Progress, Report. The screens say what
# happened and the database agrees, fix included.
. "$top_srcdir/tests/tui/lib.sh"

sample_csv contacts.csv
printf 'First Name,Last Name,Mobile Phone,Job Title,Categories\nGrace,Hopper,312.555.0143,Admiral,\n' >stored.csv

# strategy, how many Down presses select it, terminal size
for run in "update 0 80 24" "merge 1 120 40" "skip 2 80 24"; do
	set -- $run
	strategy=$1 downs=$2 width=$3 height=$4
	DB="$T/$strategy.db"
	run_sluice import stored.csv --db "$DB"
	assert_exit 0 "$strategy: one record is stored before the wizard runs"

	tui_start "$width" "$height" --db "$DB"
	tui_see "Recent imports" "$strategy (${width}x$height): Home lists the imports"
	tui_to_preview contacts.csv
	tui_see "12 rows read; 3 with errors; 1 value left out (its row is kept)." \
	    "$strategy: the preview finds the 3 rows with errors and the birthday left out"
	tui_see "9 valid, 3 with errors (dry run). 1 value will be left out." \
	    "$strategy: the dry run's summary counts valid rows, rows with errors and values left out"
	tui_see "Errors by field: " "$strategy: the preview counts errors by field"

	# The first error is the phone of row 7: fix it by hand.
	tui_keys n
	tui_see "Row 7, Mobile Phone: This is not a phone number" "$strategy: n jumps to the phone that is not a number"
	tui_keys Space
	tui_see 'holds: "not a phone"' "$strategy: Space shows the cell's error and its original value"
	tui_keys Escape
	tui_keys E
	tui_go "Fix row 7"
	tui_keys C-u
	tui_type "+1 212 555 0100"
	tui_keys Enter
	tui_see "Fixed. 1 cell fixed by hand: the import applies it, the journal keeps it." "$strategy: E fixes the cell, and says so whole at 80 columns"
	tui_see "12 rows read; 2 with errors" "$strategy: the fixed row has no error any more"

	tui_keys Enter
	tui_go "How the rows meet the records stored"
	tui_see "1 row matches a record stored before" "$strategy: Duplicates counts the match with the stored record"
	tui_see "1 row repeats an earlier row of this file" "$strategy: Duplicates counts the row repeated in the file"
	tui_see "Row 6 repeats an earlier row of this file:" "$strategy: Duplicates shows what update and merge would change, a row repeating the file said so"
	for _ in $(seq "$downs"); do
		tui_keys Down
	done
	tui_keys Enter
	tui_go "What will happen"
	tui_see "Duplicates     $strategy:" "$strategy: Confirm names the chosen strategy"
	tui_see "1 cell fixed by hand" "$strategy: Confirm counts the fix"
	tui_keys Enter
	tui_see "The import has ended" "$strategy: Progress follows the import to its end"
	tui_see "completed with errors" "$strategy: Progress says how it ended"
	# The preview's dry runs are journaled too: the import is the last
	# one that is not a dry run.
	id=$(sq "$DB" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
	tui_keys Enter
	tui_see "Report of import $id" "$strategy: Enter opens the report"
	tui_see '"barbara@"' "$strategy: the report lists the errors with their values"
	tui_see "1 value dropped from rows that were kept" "$strategy: the report counts the value dropped"
	tui_see "value dropped: " "$strategy: and marks it in the list of errors"

	assert_eq "$(sq "$DB" "SELECT status, strategy, total, rejected FROM sluice_imports WHERE id = $id")" \
	    "completed_with_errors|$strategy|12|2" "$strategy: the journal has the import with its strategy"
	assert_eq "$(sq "$DB" "SELECT row_no, field, value, dropped FROM sluice_import_errors WHERE import_id = $id AND dropped")" \
	    "9|birthday|02/30/1943|1" "$strategy: the birthday left out is journaled as a value dropped"
	assert_eq "$(sq "$DB" "SELECT coalesce(birthday, 'none') FROM contacts WHERE last_name = 'Thompson'")" none \
	    "$strategy: its contact is stored without it"
	assert_eq "$(sq "$DB" "SELECT row_no, column_no, header, original, value FROM sluice_import_fixes WHERE import_id = $id")" \
	    "7|3|Mobile Phone|not a phone|+1 212 555 0100" "$strategy: the fix is recorded in the journal"
	assert_eq "$(sq "$DB" "SELECT phone FROM contacts WHERE last_name = 'Dijkstra'")" "+12125550100" \
	    "$strategy: the fixed phone is imported"
	case $strategy in
	update) want="Rear Admiral|Countess" ;;
	merge) want="Admiral|Mathematician" ;;
	skip) want="Admiral|Mathematician" ;;
	esac
	assert_eq "$(sq "$DB" "SELECT (SELECT job_title FROM contacts WHERE last_name = 'Hopper') || '|' ||
	                              (SELECT job_title FROM contacts WHERE last_name = 'Lovelace')")" \
	    "$want" "$strategy: the matched records are written as $strategy says"
	invariant_holds "$DB" "$strategy: every import's counts add up"

	if [ "$strategy" = update ]; then
		tui_keys x
		tui_see "Export the XLSX report" "x asks where to write the XLSX report"
		tui_keys Enter
		tui_see "Wrote $T/sluice-import-$id.xlsx" "x writes the XLSX report at the default path"
		tui_keys x
		tui_go "Export the XLSX report"
		tui_keys Enter
		tui_see "Replace the file?" "writing it again asks before replacing the file"
		tui_keys y
		tui_go "Wrote $T/sluice-import-$id.xlsx"
		tui_keys x
		tui_go "Export the XLSX report"
		tui_keys C-u
		tui_type "$DB"
		tui_keys Enter
		tui_see "That is the database itself" "the database itself is refused as the report's file, without a question"
		assert_eq "$(sq "$DB" "SELECT count(*) > 0 FROM contacts")" 1 "and the database is whole"
		tui_keys s
		tui_go "Export the rejected rows"
		tui_keys Enter
		tui_see "sluice-import-$id-rejected.csv: 2 rejected rows" "s writes the rejected rows as CSV"
		assert_eq "$(head -c 3 "$T/sluice-import-$id-rejected.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" 		    "the rejected rows file is there (UTF-8 with a BOM)"
		ok "the XLSX report is a workbook" unzip -l "$T/sluice-import-$id.xlsx"
	fi

	# The mapping is remembered for the next file with the same header.
	tui_keys Escape
	tui_go "Recent imports"
	tui_keys n
	tui_go "Choose a file"
	tui_keys g
	tui_go "Open a path"
	tui_keys C-u
	tui_type "$T/contacts.csv"
	tui_keys Enter
	tui_see "This header was seen before" "$strategy: the mapping chosen is remembered for the same header"
	tui_see "remembered" "$strategy: the Mapping screen says which columns were remembered"
	tui_keys q
	tui_see "Quit the wizard?" "$strategy: q asks first when the choices made would be lost"
	tui_keys y
	if tui_exited; then pass "$strategy: q leaves the wizard"; else fail "$strategy: q leaves the wizard" "$(tui_screen)"; fi
done

done_testing
