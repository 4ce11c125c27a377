#!/bin/bash
# E-mail when an import ends: one message through an SMTP server on
# 127.0.0.1 (python3-aiosmtpd keeps it), with the subject and counts of
# the import, correct MIME (UTF-8, encoded headers, Date, Message-ID), the
# XLSX report attached when asked; or through the local sendmail.
. "$(dirname "$0")/notify-lib.sh"

start_smtp mail
gen_contacts --rows 40 --seed 161 --invalid-rate 0.1 --out contacts.csv
cp contacts.csv "Kontakte ä.csv"

run_sluice import "Kontakte ä.csv" --db t.db --json --smtp "smtp://127.0.0.1:$smtp_port" \
	--notify-email ops@example.org --notify-email sales@example.org --mail-from 'sluice@test.example' \
	--report r.xlsx --attach-report
assert_exit 1 "the import ends as without mail (exit 1: rejected rows)"
id=$(json .id)
rejected=$(json .rejected)
assert_eq "$(ls mail/*.eml 2>/dev/null | wc -l)" 1 "one message"
assert_eq "$(jq -r '[.from] + .to | join(" ")' mail/002.json)" "sluice@test.example ops@example.org sales@example.org" \
	"the envelope: the sender and both recipients"
"$SMTP_PY" "$top_srcdir/tests/mail_check.py" mail/001.eml >m.json
m() { jq -r "$1" m.json; }
assert_eq "$(m .subject)" "sluice: import $id of Kontakte ä.csv completed with errors ($rejected rejected)" \
	"the subject says the import, its file, its status and the rejected rows"
assert_match "$(m .subject_raw)" '^=\?UTF-8\?B\?' "a subject that is not ASCII is an encoded word"
assert_eq "$(m '.defects')" 0 "the MIME structure has no defects"
assert_eq "$(m '.crlf_only')" true "every line ends with CR LF"
assert_eq "$(m '[.mime_version, .charset, .date_ok] | map(tostring) | join(" ")')" "1.0 utf-8 true" \
	"MIME-Version, a UTF-8 text part and a Date"
assert_match "$(m .message_id)" '^<[0-9a-f]{32}@test\.example>$' "a Message-ID"
assert_eq "$(m .to)" "ops@example.org, sales@example.org" "To names both"
assert_match "$(m .text)" "rejected +$rejected" "the text has the counts"
assert_match "$(m .text)" "Errors by type: " "and the errors by type"
assert_match "$(m .text)" "sluice show $id --db 't.db'" "and the commands to see more"
assert_eq "$(m '.attachments | map(.filename + " " + .type + " " + (.zip | tostring)) | join(",")')" \
	"r.xlsx application/vnd.openxmlformats-officedocument.spreadsheetml.sheet true" \
	"the report is attached"
assert_eq "$(m '.attachments[0].size')" "$(stat -c %s r.xlsx)" "the whole report"
run_sluice show "$id" --db t.db --json
assert_eq "$(json '[.notices[] | .channel + " " + .outcome] | join(",")')" "email delivered" "the mail is journaled"

# Without --attach-report: no attachment.
run_sluice import contacts.csv --db t.db --smtp "smtp://127.0.0.1:$smtp_port" --notify-email ops@example.org --strategy skip
"$SMTP_PY" "$top_srcdir/tests/mail_check.py" mail/003.eml >m.json
assert_eq "$(m '.attachments | length')" 0 "no attachment unless asked"
assert_match "$(m .from)" '^sluice@' "the default sender is sluice@ and the host"

# Through sendmail: the message on its standard input, the recipients as
# arguments.
mkdir bin
cat >bin/sendmail <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$SENDMAIL_OUT.args"
cat >"$SENDMAIL_OUT.eml"
SH
chmod +x bin/sendmail
SENDMAIL_OUT=$T/sent PATH="$T/bin:$PATH" run_sluice import contacts.csv --db t.db --notify-email ops@example.org --strategy skip
assert_exit 1 "sendmail: the import ends as before"
assert_eq "$(tr '\n' ' ' <sent.args)" "-i -f $(m .from) -- ops@example.org " "sendmail gets the sender and the recipient"
assert_match "$(grep -c '^Subject: sluice: import' sent.eml)" '^1$' "and the message"

# An address that would break the headers is refused.
run_sluice import contacts.csv --db t.db --notify-email $'ops@example.org\r\nBcc: x@y'
assert_exit 2 "an address with a line break is refused"

done_testing
