#!/bin/bash
# sluice report ID --xlsx writes a workbook whose five sheets tell the
# journal's story: the Summary (file, run, counts with a chart, one landscape
# page), every error, every rejected row as read, every batch, and the
# mapping with the cells fixed by hand; tables have a frozen header and an
# autofilter.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 400 --seed 91 --invalid-rate 0.1 --dup-rate 0.1 --out contacts.csv
run_sluice import contacts.csv --db my.db --batch-size 150
id=$(last_import_id my.db)

run_sluice report "$id" --db my.db --xlsx report.xlsx
assert_exit 0 "the report is written: exit code 0"
assert_match "$(cat out)" "import $id to report\.xlsx" "sluice says which import it wrote where"
dump_xlsx report.xlsx
assert_eq "$(d '.sheets | join(",")')" "Summary,Errors,Rejected rows,Batches,Mapping" \
	"five sheets: Summary, Errors, Rejected rows, Batches, Mapping"
assert_eq "$(d '[.sheet[].types[][] | select(. == "f")] | length')" 0 "no cell is a formula"

# --- Summary ------------------------------------------------------------------
assert_eq "$(summary Import),$(summary File),$(summary Status)" "$id,contacts.csv,completed with errors" \
	"the Summary names the import, its file and its status"
assert_eq "$(summary SHA-256),$(summary 'Size (bytes)')" \
	"$(sha256sum contacts.csv | cut -d' ' -f1),$(stat -c %s contacts.csv)" "the file's SHA-256 and size"
assert_eq "$(summary Schema),$(summary Table),$(summary Strategy),$(summary 'Batch size'),$(summary Database)" \
	"contacts,contacts,update,150,my.db" "schema, table, strategy, batch size and database"
assert_match "$(summary 'Run by')" "^$(id -un)@$(hostname) \(process [0-9]+\)$" "who ran it, where"
assert_match "$(summary Started) $(summary Finished)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* [0-9]{4}-' \
	"when it started and finished"
assert_eq "$(summary 'Read as')" "CSV, delimiter ','" "how the file was read"
outcomes=$(jq -r '.sheet.Summary.rows as $r | ["Total", "created", "updated", "merged", "unchanged",
                  "skipped", "rejected", "failed", "not processed"]
                  | map(. as $k | [$r[] | select(.[0] == $k) | .[1]][0] | tostring) | join(" ")' dump.json)
assert_eq "$outcomes" "$(import_counts my.db "$id")" "the outcome counts are the journal's"
assert_eq "$(jq -r '[.sheet.Summary.rows[] | select(.[0] == "Success rate")][0][1] * 1000 | round' dump.json)" \
	"$(sq my.db "SELECT CAST(round((created + updated + merged + unchanged + skipped) * 1000.0 / total) AS INTEGER)
	             FROM sluice_imports WHERE id = $id")" \
	"the success rate is the share of rows that made it"
assert_eq "$(jq -r '[.sheet.Summary.rows[] | select(.[0] == "validation")][0][1]' dump.json)" \
	"$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND type = 'validation'")" \
	"errors by type"
by_field=$(jq -r '.sheet.Summary.rows as $r | [$r | to_entries[] | select(.value[0] == "Errors by field") | .key][0] as $i
                  | ([range($i + 1; $r | length) | select($r[.][0] == null)] + [$r | length])[0] as $e
                  | [$r[$i + 1:$e][] | "\(.[0])=\(.[1])"] | sort | join(" ")' dump.json)
assert_eq "$by_field" "$(sq my.db "SELECT group_concat(f || '=' || n, ' ') FROM (SELECT coalesce(field, '(row)') f, count(*) n
                                   FROM sluice_import_errors WHERE import_id = $id GROUP BY 1 ORDER BY 1)")" "errors by field"
assert_eq "$(d '.sheet.Summary.charts | length')" 1 "the Summary has a chart"
assert_match "$(d '.sheet.Summary.charts[0].refs | join(" ")')" '^Summary!\$A\$[0-9]+:\$A\$[0-9]+ Summary!\$B\$[0-9]+:\$B\$[0-9]+$' \
	"the chart draws the outcome counts of the Summary"
assert_eq "$(d '.sheet.Summary | "\(.landscape) \(.fit_to_page)"')" "true true" "the Summary prints landscape on one page"

# --- Errors ------------------------------------------------------------------
assert_eq "$(d '.sheet.Errors.rows[0] | join(",")')" "Row,Line,Field,Type,Message,Value,Effect" "Errors: its columns"
nerr=$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id")
assert_eq "$(d '.sheet.Errors | "\(.freeze) \(.filter) \(.print_title_rows)"')" "A2 A1:G$((nerr + 1)) \$1:\$1" \
	"Errors: header frozen, autofilter over every error, header printed on each page"
assert_eq "$(d '.sheet.Errors.rows[1:][] | map(. // "" | tostring) | join("|")')" \
	"$(sq my.db "SELECT row_no, line_no, coalesce(field, '(row)'), type, message, coalesce(value, ''),
	                    CASE WHEN dropped THEN 'value dropped' WHEN type = 'database' THEN 'row failed'
	                         ELSE 'row rejected' END
	             FROM sluice_import_errors WHERE import_id = $id ORDER BY row_no, id")" \
	"Errors: every error of the journal, in row order, saying whether it dropped a value or its row"
dropped=$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND dropped")
[ "$dropped" -gt 0 ] && pass "the generated bad birthdays are values dropped ($dropped)" ||
	fail "the generated bad birthdays are values dropped" "none"
assert_eq "$(summary 'Values dropped')" "$dropped" "the Summary counts the values dropped"
assert_eq "$(d '[.sheet.Errors.types[1:][] | .[0:2][]] | unique | join(",")')" n "row and line are numbers"

# --- Rejected rows -------------------------------------------------------------
assert_eq "$(d '.sheet["Rejected rows"].rows[0] | join("|")')" \
	"$(sq my.db "SELECT mapping FROM sluice_imports WHERE id = $id" | jq -r 'map(.header) + ["error"] | join("|")')" \
	"Rejected rows: the source's header and an error column"
sq my.db "SELECT cells FROM sluice_import_rejects WHERE import_id = $id ORDER BY row_no" | jq -s . >db-cells.json
assert_eq "$(d '[.sheet["Rejected rows"].rows[1:][] | .[0:-1] | map(. // "" | sub("^'"'"'(?<c>[-=+@\t\r\n])"; "\(.c)"))] | tojson')" \
	"$(jq -c . db-cells.json)" "Rejected rows: the cells of each rejected row as the file had them"
assert_eq "$(d '[.sheet["Rejected rows"].rows[1:][] | .[-1] | test("^row [0-9]+ \\(line [0-9]+\\): ")] | all')" true \
	"each rejected row says its row, line and errors"
assert_eq "$(d '.sheet["Rejected rows"] | "\(.freeze) \(.filter)"')" \
	"A2 A1:N$(($(sq my.db "SELECT rejected + failed FROM sluice_imports WHERE id = $id") + 1))" \
	"Rejected rows: header frozen, autofilter on"

# --- Batches and Mapping ----------------------------------------------------------
assert_eq "$(d '.sheet.Batches.rows[1:][] | .[0:11] | map(tostring) | join(" ")')" \
	"$(sq my.db "SELECT batch_no, first_row, rows, created, updated, merged, unchanged, skipped, rejected, failed, attempts
	             FROM sluice_import_batches WHERE import_id = $id ORDER BY batch_no" | tr '|' ' ')" \
	"Batches: number, first row, rows, outcomes and attempts of each batch"
assert_eq "$(d '[.sheet.Batches.rows[1:][] | .[12]] | unique | join(",")')" committed "each batch's status"
assert_eq "$(d '.sheet.Mapping.rows[1:][] | "\(.[0]) \(.[1])=\(.[2])"')" \
	"$(sq my.db "SELECT mapping FROM sluice_imports WHERE id = $id" |
	   jq -r '.[] | "\(.column + 1) \(.header)=\(.field // "(not imported)")"')" \
	"Mapping: each source column and the field it fed"
assert_eq "$(d '.sheet.Mapping.max_row')" \
	"$(($(sq my.db "SELECT json_array_length(mapping) FROM sluice_imports WHERE id = $id") + 1))" \
	"with no cell fixed by hand, the Mapping sheet holds the mapping alone"

# Cells fixed by hand before the import (the wizard journals them) follow.
sq my.db "INSERT INTO sluice_import_fixes (import_id, row_no, column_no, header, original, value)
          VALUES ($id, 7, 10, 'Phone 1 - Value', '555-12', '212-736-5000'),
                 ($id, 3, 8, 'E-mail 1 - Value', 'ann@', 'ann@example.com')"
run_sluice report "$id" --db my.db --xlsx fixes.xlsx
dump_xlsx fixes.xlsx
assert_eq "$(d '.sheet.Mapping.rows[-4:][] | map(. // "" | tostring) | join("|")')" \
	"Cells fixed before the import|||
Row|Source column|Was|Fixed to
3|E-mail 1 - Value|ann@|ann@example.com
7|Phone 1 - Value|555-12|212-736-5000" "the Mapping sheet lists the cells fixed before the import, in row order"

done_testing
