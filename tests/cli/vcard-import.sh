#!/bin/bash
# vCard files import as phones and address books export them: iCloud's 3.0
# (grouped properties, a folded photo), Android's 2.1 (quoted-printable in
# UTF-8, a photo in base64 lines that are not folded) and 4.0 (tel: URIs,
# PREF ranks, a yearless birthday kept as --MM-DD). The stored values are checked one by
# one; a broken card is a rejected row naming its card and line, and the
# cards around it import.
. "$(dirname "$0")/lib.sh"

data="$top_srcdir/tests/data/vcard"
cols="first_name, last_name, email, phone, company, job_title, birthday, country, tags, replace(notes, char(10), '|')"

run_sluice inspect "$data/icloud.vcf"
assert_exit 0 "sluice inspect reads a vCard file"
assert_match "$(cat "$T/out")" "Read as: +vCard" "inspect says it is a vCard file"

# --- iCloud, 3.0 ---------------------------------------------------------------------------------
run_sluice import "$data/icloud.vcf" --db icloud.db --json
assert_exit 1 "the iCloud file imports, with its one broken card rejected"
assert_eq "$(json '[.total, .created, .rejected] | @tsv')" "4	3	1" "4 cards: 3 created, the broken one rejected"
assert_eq "$(json .source)" "vCard" "the summary names the format"
assert_eq "$(sq icloud.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Johnny|Appleseed|johnny@example.com|+16502530000|Apple Inc.|Evangelist|1985-03-21|United States|Customers;VIP|Met at WWDC, 2019.|Likes apples.
Mañuel|Dvořák|manuel@example.cz|+420601234567||||Czech Republic||
太郎|山田|taro@example.jp|+819012345678||||||" "each card's values are stored: the preferred email and phone, the country of the address, the categories as tags"
assert_eq "$(json '.errors[0] | [.row, .line, .message] | @tsv')" \
	"3	83	Card 3 (line 83) has no END:VCARD before the next card begins at line 88." \
	"the broken card is named by its number and line"
assert_eq "$(sq icloud.db "SELECT department, other_emails, other_phones FROM contacts WHERE id = 1")" \
	"Developer Relations|j.appleseed@example.org|+12127365000" \
	"the other emails and phones (in E.164 when they are numbers) and the department are kept"
assert_eq "$(json '.unmapped_columns | join(",")')" "Full Name" \
	"only the formatted name is left out (it gave the first and last names)"

# A table made before the schema had middle_name, department, other_emails
# and other_phones gets those columns, and the summary says so.
sq old.db "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, phone TEXT, company TEXT, job_title TEXT, birthday TEXT, country TEXT, tags TEXT, status TEXT, notes TEXT, imported_from INTEGER)"
run_sluice import "$data/icloud.vcf" --db old.db
assert_exit 1 "a table made before the newer fields takes the file"
assert_match "$(cat "$T/out")" "Added to the table contacts, made before schema contacts had these fields: middle_name, other_emails, other_phones, department\." \
	"the summary names the columns added"
assert_eq "$(sq old.db "SELECT other_phones FROM contacts WHERE id = 1")" "+12127365000" "the added columns hold the values"
run_sluice import "$data/icloud.vcf" --db old.db --json
assert_eq "$(json '.columns_added | length')" 0 "the next import adds nothing"

# --- Android, 2.1 --------------------------------------------------------------------------------
run_sluice import "$data/android.vcf" --db android.db --json
assert_exit 0 "the Android file imports"
assert_eq "$(sq android.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Jürgen|Müller|juergen@example.de|+4915123456789|Bäckerei Müller|||||Bestellt jeden Freitag|Brötchen und Brezeln
Sophie|Martin|sophie.martin@example.fr|+33612345678||||France||" \
	"quoted-printable UTF-8 is decoded, soft line breaks joined, the photo skipped"

# --- 4.0 -----------------------------------------------------------------------------------------
run_sluice import "$data/v4.vcf" --db v4.db --json
assert_exit 0 "the vCard 4.0 file imports"
assert_eq "$(sq v4.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Ana|García|ana.garcia@example.com|+34612345678|||--07-04||Partners;Madrid|
Oliver|Smith|oliver@example.co.uk|+442079460958|||1990-01-02|United Kingdom||" \
	"PREF=1 wins, tel: URIs are read, a card with FN gets its names"
assert_eq "$(json .values_dropped)" 0 "the yearless birthday is a birthday (--07-04), no value is dropped"

# --- The same contacts again: nothing changes ---------------------------------------------------
run_sluice import "$data/v4.vcf" --db v4.db --json
assert_exit 0 "importing the file again succeeds"
assert_eq "$(json '[.created, .updated, .unchanged] | @tsv')" "0	0	2" "and changes nothing"

done_testing
