#!/bin/bash
# Confirm shows who will be told when the import ends (the settings' mail
# and after-import command), lets the user mail someone else or no one for
# this import, and the wizard's import process tells them once it ends.
. "$top_srcdir/tests/tui/lib.sh"

sample_csv contacts.csv
mkdir bin
cat >bin/sendmail <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$SENDMAIL_OUT.args"
cat >"$SENDMAIL_OUT.eml"
SH
cat >hook.sh <<'SH'
#!/bin/sh
echo "$SLUICE_IMPORT_ID $SLUICE_STATUS" >>"$HOOK_LOG"
SH
chmod +x bin/sendmail hook.sh
cat >system.conf <<EOF2
[notify]
email = ops@example.org
after_import = $T/hook.sh
EOF2
TUI_ENV="SLUICE_SYSTEM_CONFIG=$T/system.conf XDG_CONFIG_HOME=$T/config PATH=$T/bin:$PATH SENDMAIL_OUT=$T/sent HOOK_LOG=$T/hook.log"

tui_start 120 40 --db "$T/t.db"
tui_to_preview contacts.csv
tui_keys Enter
tui_go "How the rows meet the records stored"
tui_keys Enter
tui_go "What will happen"
tui_see "Told           mail to ops@example.org; the command $T/hook.sh" \
	"Confirm shows who the settings say will be told"
tui_keys n
tui_see "Told           no one, for this import" "n turns the notices off for this import"
tui_keys n
tui_see "Told           mail to ops@example.org" "and back on"
tui_keys m
tui_go "Whom to mail"
tui_keys C-u
tui_type "boss@example.org, deputy@example.org"
tui_keys Enter
tui_see "Told           mail to boss@example.org, deputy@example.org; the command" \
	"m mails others for this import"
tui_keys Enter
tui_see "The import has ended" "the import runs to its end"
for _ in $(seq 1 200); do
	[ -s hook.log ] && [ -s sent.eml ] && break
	sleep 0.05
done
id=$(sq t.db "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
assert_eq "$(cat hook.log 2>/dev/null)" "$id completed_with_errors" "the wizard's import runs the after-import command once"
assert_eq "$(tail -n 2 sent.args 2>/dev/null | tr '\n' ' ')" "boss@example.org deputy@example.org " \
	"the mail goes to the addresses chosen on Confirm, not the settings'"
assert_match "$(grep '^Subject:' sent.eml 2>/dev/null)" "^Subject: sluice: import $id of contacts.csv completed with errors" \
	"with the import's subject"
for _ in $(seq 1 100); do
	[ "$(sq t.db "SELECT count(*) FROM sluice_import_notices WHERE import_id = $id AND outcomes LIKE '%email%'")" = 1 ] && break
	sleep 0.05
done
assert_eq "$(sq t.db "SELECT count(*) FROM sluice_import_notices WHERE import_id = $id")" 1 "the notices are journaled once"

done_testing
