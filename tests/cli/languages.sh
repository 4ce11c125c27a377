#!/bin/bash
# sluice speaks German, Spanish and French when the user's locale asks for
# it, while what it writes for programs (CSV summaries, --json, stored
# values) keeps its decimal point and its English keys in every language.
. "$(dirname "$0")/lib.sh"

cat >c.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Birthday
Ann,Lee,ann@example.com,+49 30 901820,1990-02-03
Bob,Ray,not-an-email,+49 30 901821,1991-03-04
CSV

for lang in de_DE es_ES fr_FR; do
	ll=${lang%%_*}
	if [ ! -f "$top_builddir/po/$ll.gmo" ]; then
		fail "$ll: the build made po/$ll.gmo" "it is missing: make -C po $ll.gmo"
		continue
	fi
	if ! use_language "$lang"; then
		skip "$ll: sluice in this language" "the translation or the locale $lang cannot be had here"
		use_english
		continue
	fi
	{
		want=$(translated "success rate")
		[ -n "$want" ] && [ "$want" != "success rate" ] || want="(no $ll translation)"
		run_sluice import c.csv --db "$ll.db"
		assert_exit 1 "$ll: the import completes with errors"
		assert_match "$(cat out)" "$want" "$ll: the summary is in the language of the locale ($want)"
		assert_match "$(grep -F "$want" out)" '50,0' \
			"$ll: the success rate is written as people there write it (50,0)"
		widths=$("$PYTHON" -c '
import sys, unicodedata
block = sys.stdin.read().split("\n\n")[1]
print(" ".join(str(sum(0 if unicodedata.combining(c) else 1 for c in l)) for l in block.splitlines()))
' <out)
		assert_eq "$(tr ' ' '\n' <<<"$widths" | sort -u | wc -l)" 1 \
			"$ll: the counts line up under translated labels (widths $widths)"
		"$SLUICE" --help >help.txt 2>&1
		usage=$(translated "Import options:")
		if [ "$usage" = "Import options:" ]; then
			fail "$ll: --help has a translation" "none for \"Import options:\""
		else
			assert_match "$(cat help.txt)" "$usage" "$ll: --help is translated"
		fi
		id=$(last_import_id "$ll.db")
		"$SLUICE" report "$id" --db "$ll.db" --csv-summary - >summary.csv
		rate=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "success_rate") c = i }
			NR == 2 { print $c }' summary.csv)
		assert_eq "$rate" "0.5000" "$ll: the CSV summary writes its numbers with a decimal point"
		dur=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "duration_s") c = i }
			NR == 2 { print $c }' summary.csv)
		assert_match "$dur" '^[0-9]+\.[0-9]{3}$' "$ll: and its durations too ($dur)"
		"$SLUICE" report "$id" --db "$ll.db" --json >report.json
		assert_eq "$(jq -r '.import.success_rate // .success_rate' report.json)" "0.5" \
			"$ll: --json is the same in every language"
		assert_eq "$(sq "$ll.db" "SELECT phone FROM contacts ORDER BY id")" "+4930901820" \
			"$ll: stored values do not depend on the language"
	}
	use_english
done
done_testing
