#!/bin/bash
# CSV as exporters write it: ';', TAB and '|' delimiters (sniffed or given
# with --delimiter), a UTF-8 byte order mark, CR LF line ends, quoted
# delimiters, doubled quotes and quoted newlines. Values arrive in the
# database exactly, and line numbers count physical lines.
. "$(dirname "$0")/lib.sh"

dialect_file() { # DELIMITER FILE
	local d=$1
	{
		printf 'First Name%sLast Name%sE-mail Address%sMobile Phone%sCompany\n' "$d" "$d" "$d" "$d"
		printf 'José%sMüller%sjose@x.com%s201-555-0123%sMüller, Söhne & Co\n' "$d" "$d" "$d" "$d"
		printf 'Ann%sLee%sann@x.com%s212-736-5000%s"Semi%scolon"\n' "$d" "$d" "$d" "$d" "$d"
	} >"$2"
}

for name in semicolon tab pipe; do
	case $name in
	semicolon) d=';' ;;
	tab) d=$'\t' ;;
	pipe) d='|' ;;
	esac
	dialect_file "$d" "$name.csv"
	for how in sniffed given; do
		db=$name-$how.db
		if [ "$how" = sniffed ]; then
			run_sluice import "$name.csv" --db "$db"
		else
			run_sluice import "$name.csv" --db "$db" --delimiter "$d"
		fi
		assert_exit 0 "$name delimiter ($how): exit code 0"
		assert_eq "$(sq "$db" "SELECT first_name, last_name, email, phone, company FROM contacts ORDER BY phone")" \
			"José|Müller|jose@x.com|+12015550123|Müller, Söhne & Co
Ann|Lee|ann@x.com|+12127365000|Semi${d}colon" \
			"$name delimiter ($how): cells split at the delimiter only, commas and quoted delimiters kept"
	done
done

# A byte order mark must not become part of the first header.
printf '\357\273\277First Name,Last Name,E-mail Address,Mobile Phone\nZoë,Bär,zoe@x.com,415-234-5678\n' >bom.csv
run_sluice import bom.csv --db bom.db
assert_exit 0 "a file with a BOM imports"
assert_eq "$(sq bom.db 'SELECT first_name, last_name FROM contacts')" "Zoë|Bär" \
	"the first column (after the BOM) is mapped and its value stored"
assert_eq "$(sq bom.db "SELECT count(*) FROM contacts WHERE first_name LIKE char(65279) || '%'")" 0 \
	"no value starts with U+FEFF"

# CR LF line ends: no value keeps a CR, and lines are still counted right.
cat >crlf.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
Ann,Lee,ann@x.com,212-736-5000,Acme
Bob,Ray,bob@,617-253-1000,Initech
Cid,Roe,cid@x.com,718-222-3344,Globex
CSV
crlf crlf.csv
run_sluice import crlf.csv --db crlf.db
assert_exit 1 "a CR LF file with one bad row: exit code 1"
assert_eq "$(sq crlf.db "SELECT group_concat(company, ',') FROM (SELECT company FROM contacts ORDER BY company)")" \
	"Acme,Globex" "the last column's values carry no CR"
assert_eq "$(sq crlf.db "SELECT count(*) FROM contacts WHERE instr(company, char(13)) OR instr(first_name, char(13))")" 0 \
	"no stored value contains a CR"
assert_eq "$(sq crlf.db "SELECT row_no, line_no, field FROM sluice_import_errors")" "2|3|email" \
	"the bad row is row 2 on line 3"

# Quoted newlines, doubled quotes; the row after spans the right lines.
cat >quoted.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company,Notes
Ann,Lee,ann@x.com,212-736-5000,"Soylent ""Green"" Ltd","first line
second line, with a comma
third line"
Bob,Ray,bob@,617-253-1000,,"one
two"
Cid,Roe,cid@,718-222-3344,,
CSV
run_sluice import quoted.csv --db quoted.db
assert_eq "$(sq quoted.db "SELECT company FROM contacts WHERE email = 'ann@x.com'")" 'Soylent "Green" Ltd' \
	"doubled quotes become one quote"
assert_eq "$(sq quoted.db "SELECT notes = 'first line' || char(10) || 'second line, with a comma' || char(10) || 'third line'
                           FROM contacts WHERE email = 'ann@x.com'")" 1 \
	"a quoted value keeps its newlines and commas"
assert_eq "$(sq quoted.db "SELECT group_concat(row_no || ':' || line_no, ' ') FROM (SELECT row_no, line_no FROM sluice_import_errors ORDER BY row_no)")" \
	"2:5 3:7" "rows after quoted newlines are found on their physical lines"

# Generated exports in each style and delimiter import with the expected counts.
while read -r style delimiter eol bom; do
	args=(--rows 300 --seed 51 --style "$style" --invalid-rate 0.05 --dup-rate 0.1 --eol "$eol")
	[ "$delimiter" = default ] || args+=(--delimiter "$delimiter")
	[ "$bom" = no ] || args+=(--bom)
	gen_contacts "${args[@]}" --out gen.csv --manifest gen.json
	rm -f gen.db
	run_sluice import gen.csv --db gen.db --json
	assert_eq "$(json_counts)" "$(manifest_counts gen.json update)" \
		"$style export, delimiter $delimiter, $eol, BOM $bom: counts as generated"
done <<'LIST'
google default crlf no
google tab lf yes
outlook pipe crlf yes
outlook semicolon lf no
german default lf no
german tab crlf yes
LIST

done_testing
