#!/bin/bash
# Files as people export them today import with the right fields, value by
# value, and reject only the rows planted as bad: Google Contacts' current
# export (34 columns, several values joined by " ::: ", labels with
# Google's system labels, a yearless birthday) and its older one, Outlook in
# English (Title is the salutation, 0/0/00 is "no birthday") and in German
# (Windows-1252, ';', 0.0.00), French and Spanish. The first of several
# values is the field's value; the others are kept in other_emails and
# other_phones, and so are Outlook's further phone columns. LinkedIn's
# Connections.csv (notes above the header), HubSpot and Salesforce exports.
. "$(dirname "$0")/lib.sh"

data="$top_srcdir/tests/data/exports"
cols="first_name, middle_name, last_name, email, other_emails, phone, other_phones, company, department, job_title, birthday, country, tags, replace(notes, char(10), '|')"

# import NAME: imports NAME.csv into NAME.db with --json.
import() {
	run_sluice import "$data/$1.csv" --db "$1.db" --json
}

import google-current
assert_exit 1 "Google's current export imports, its planted row rejected"
assert_eq "$(json '[.total, .created, .rejected, .values_dropped] | @tsv')" "4	3	1	0" \
	"3 contacts created, the planted row rejected, no value dropped"
assert_eq "$(sq google-current.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Ann|Marie|Lee|ann@acme.example|ann@home.example;ann.lee@mail.example|+16502530000|+12127365000|Acme Corp|Board|CEO|--07-04|US|Customers|Met at the fair
Björn||Åström|bjorn@nordic.example||+46812345678||Nordic AB|||1985-11-30|Sweden||
Chen||Wei|||+8613910998888|+861065529988|||||China|Partners|" \
	"every value where it belongs: the first of several values, the others kept; labels without Google's system ones; the yearless birthday"
assert_eq "$(json '.errors[0] | [.row, .field] | @tsv')" "4	email" "the planted row is rejected for its email"
assert_match "$(json '.mapping | to_entries | map("\(.key)=\(.value)") | join(",")')" \
	"Organization Name=company,Organization Title=job_title,Organization Department=department" \
	"Organization Name, Title and Department are mapped"

import google-old
assert_exit 0 "Google's older export imports"
assert_eq "$(sq google-old.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Dana||Scully|dana@fbi.example||+12023243000||FBI|X-Files|Special Agent|1964-02-23||FBI|
Fox|William|Mulder|fox@fbi.example|trustno1@mail.example|+12023243001|+12127365000|FBI|||||FBI|" \
	"its Given/Additional/Family names, Organization 1 columns and Group Membership are read"

import outlook-en
assert_exit 1 "Outlook's English export imports, its planted row rejected"
assert_eq "$(sq outlook-en.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Grace||Hopper|grace@navy.example|amazing.grace@mail.example|+16502530001|+12127365000|US Navy|Computing|Rear Admiral|1906-12-09|United States of America|Navy;Pioneers|COBOL
Alan||Kay|alan@parc.example||+16502530002||Xerox PARC||Researcher||||
Ada||Lovelace|ada@engines.example||+16502530003|+12127365002|Analytical Engines||Mathematician|1815-12-10|||" \
	"Job Title (not the salutation) is the job title, the mobile phone the phone (else the business phone), the other phones kept, 0/0/00 no birthday"
assert_match "$(json '.mapping | to_entries | map("\(.key)=\(.value)") | join(",")')" \
	"Business Phone=other_phones,Business Phone 2=other_phones,Home Phone=other_phones,Mobile Phone=phone,Other Phone=other_phones" \
	"every phone column is mapped: the mobile to phone, the others to other_phones"
assert_eq "$(json '[.rejected, .values_dropped] | @tsv')" "1	0" "only the planted row is rejected; no date is no error"

import outlook-de
assert_exit 0 "Outlook's German export imports"
assert_eq "$(json .source)" "CSV, delimiter ';', encoding WINDOWS-1252" "its encoding and delimiter are detected"
assert_eq "$(sq outlook-de.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Jürgen||Müller|juergen@baeckerei.example|jm@mail.example|+4915123456789|+49301234567|Bäckerei Müller GmbH|Vertrieb|Geschäftsführer||Deutschland|Kunden|Größter Kunde
Änne||Schröder|aenne@schroeder.example||+491701234567||Schröder & Söhne||Einkäuferin|1980-12-24|||" \
	"the German headers map (Land/Region geschäftlich, E-Mail 2: Adresse, Weiteres Telefon), national numbers are read in the row's country without --region, 0.0.00 is no birthday"
assert_eq "$(json .region_hint)" "null" "no region hint when the numbers are valid"

# The same export without a country column: the numbers are German, the
# region US; the summary says so and names the fix.
import outlook-de-national
assert_exit 1 "German national numbers without a country are rejected under the default region"
assert_eq "$(json '[.rejected, .region_hint.region, .region_hint.phones, .region_hint.message] | @tsv')" \
	"3	DE	3	3 phone numbers look German; run with --region DE or map a country column." \
	"--json names the region the numbers look like and the fix"
run_sluice import "$data/outlook-de-national.csv" --db national-text.db
assert_match "$(cat "$T/out")" "3 phone numbers look German; run with --region DE or map a country column." \
	"the summary says it too"
run_sluice import "$data/outlook-de-national.csv" --db national-de.db --region DE --json
assert_exit 0 "with --region DE the export imports"
assert_eq "$(sq national-de.db "SELECT first_name, phone, other_phones, birthday FROM contacts ORDER BY id")" \
	"Karl|+4915123456789|+49301234567|1971-04-03
Petra|+491709876543||
Uwe|+491605550123|+49407654321|" "its numbers are stored in E.164"
assert_eq "$(json .region_hint)" "null" "and there is no hint then"

import outlook-fr
assert_exit 1 "Outlook's French export imports, its planted row rejected"
assert_eq "$(json .source)" "CSV, delimiter ';', encoding WINDOWS-1252" "its encoding and delimiter are detected"
assert_eq "$(sq outlook-fr.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Rémi||Lefèvre|remi.lefevre@exemple.fr|remi@maison.example|+33612345678|+33142685300|Société Générale d'Exemple|Achats|Acheteur|1975-04-03|France|Fournisseurs;Paris|Préfère le téléphone
Hélène||Côté|helene@quebec.example||+15145550199|+33142685301|Québec Conseil||Directrice||Canada||" \
	"the French headers map (Tél. mobile, Téléphone (bureau), Service); national numbers are read in the row's country; 00/00/0000 is no birthday; 03/04/1975 is read day first, as French headers suggest"
assert_eq "$(json '[.rejected, .values_dropped, .errors[0].row, .errors[0].field, .errors[1].field] | @tsv')" \
	"1	0	3	email	phone" "only the planted row is rejected, for its email and its phone"

import outlook-es
assert_exit 1 "Outlook's Spanish export imports, its planted row rejected"
assert_eq "$(sq outlook-es.db "SELECT $cols FROM contacts ORDER BY id")" \
	"María|José|García Núñez|maria@ibericas.example||+34612345678|+34912345678|Exportaciones Ibéricas S.L.|Ventas|Directora comercial|1982-03-07|España|Clientes|Llamar por la mañana
Jordi||Puig|jordi@barna.example|jordi.puig@mail.example|+34931234567|+34699112233|Barna Tech||||ES||" \
	"the Spanish headers map (Móvil, Teléfono del trabajo, Particular, Otro teléfono); without a mobile the home phone is the phone; 7/3/1982 is read day first"
assert_eq "$(json '[.rejected, .values_dropped, .errors[0].row, .errors[0].field] | @tsv')" \
	"1	0	3	phone" "only the planted row is rejected"

import linkedin-connections
assert_exit 1 "LinkedIn's Connections.csv imports below its notes"
assert_eq "$(json '[.header_line, .source] | @tsv')" \
	"4	CSV, delimiter ','; header on line 4, lines 1-3 skipped" \
	"the header row is found below LinkedIn's notes, and the lines skipped are named"
assert_eq "$(sq linkedin-connections.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Priya||Raman|priya.raman@fintech.example||||Fintech Labs||Head of Data||||
Tomás||Ferreira|tomas@lisboa.example||||Lisboa Ventures, Lda.||Partner||||" \
	"Email Address, Company and Position are read"
assert_eq "$(json '[.rejected, (.errors | map("\(.row):\(.line):\(.field)") | join(","))] | @tsv')" \
	"2	3:7:null,4:8:email" \
	"rejected: the connection hiding its email (no match key) and the planted double @, each with its file line"
run_sluice inspect "$data/linkedin-connections.csv" --header-row 2 --json
assert_eq "$(json '[.header_line, (.header | length), (.header[0] | .[0:26])] | @tsv')" \
	"2	1	When exporting your connec" "--header-row 2 makes LinkedIn's note the header"
run_sluice import "$data/linkedin-connections.csv" --db header-row.db --header-row 4 --json
assert_eq "$(json '[.header_line, .created] | @tsv')" "4	2" "--header-row 4 names the header's line"

import hubspot
assert_exit 1 "HubSpot's contact export imports, its planted row rejected"
assert_eq "$(sq hubspot.db "SELECT $cols, status FROM contacts ORDER BY id")" \
	"Sam||Okafor|sam@brightco.example||+16502530004|+14155550132|BrightCo||VP Sales||United States|||customer
Lena||Vogel|lena.vogel@hamburg.example||+49401234567||Vogel Handel||Inhaberin||Germany|||lead
Kim||Park|kim.park@seoul.example||||Seoul Soft||CTO|||||lead" \
	"the mobile is the phone and Phone Number kept, Lifecycle Stage is the status, the German number read in Germany"
assert_eq "$(json '[.rejected, .values_dropped, .errors[0].row, .errors[0].field] | @tsv')" \
	"1	0	4	email" "only the planted row is rejected"

import salesforce
assert_exit 1 "Salesforce's contact export imports, its planted row rejected"
assert_eq "$(sq salesforce.db "SELECT $cols FROM contacts ORDER BY id")" \
	"Rosa||Díaz|rosa.diaz@andes.example||+56961234567|+56223456789|Andes Mining S.A.||Procurement Lead|1979-07-21|Chile||Met at the Santiago expo
Ian||Wright|ian.wright@northwind.example||+447911123456|+442079460958|Northwind Traders||Director||United Kingdom||" \
	"Mobile before Phone, Account Name, Mailing Country, Birthdate and Description are read; Title is the job title"
assert_eq "$(json '[.rejected, (.errors | map("\(.row):\(.field)") | join(","))] | @tsv')" \
	"1	3:phone,3:birthday" \
	"only the planted row is rejected: a Brazilian number without its country, and 30 February"

done_testing
