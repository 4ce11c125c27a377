#!/bin/bash
# Settings in one place: the system's file ($SLUICE_SYSTEM_CONFIG stands in
# for /etc/sluice/sluice.conf), the user's ($XDG_CONFIG_HOME/sluice/
# sluice.conf), then the command line, each winning over the one before;
# sluice config shows them and where each came from, secrets masked; a
# file others may read that holds a secret gets a warning.
. "$(dirname "$0")/notify-lib.sh"

gen_contacts --rows 30 --seed 163 --out contacts.csv
start_http hooks 0 'from the file'
mkdir -p config/sluice
cat >system.conf <<EOF2
# The system's settings.
[notify]
webhook = http://127.0.0.1:$http_port/system
webhook_secret = from the file
[import]
batch_size = 7
strategy = skip
region = US
EOF2
chmod 600 system.conf
export SLUICE_SYSTEM_CONFIG=$T/system.conf
cat >config/sluice/sluice.conf <<EOF2
[import]
batch_size = 3
EOF2

run_sluice import contacts.csv --db t.db
assert_exit 0 "an import with the settings"
assert_eq "$(sq t.db 'SELECT batch_size, strategy, region FROM sluice_imports')" "3|skip|US" \
	"the user's file wins over the system's (batch_size), the system's fills the rest"
assert_eq "$(requests hooks '[.[] | .path + " " + .body.event + " " + (.signature_ok | tostring)] | join(", ")')" \
	"/system started true, /system finished true" "the web hook and the secret of the system's file"
run_sluice import contacts.csv --db t.db --batch-size 5 --strategy update --webhook "http://127.0.0.1:$http_port/cli"
assert_eq "$(sq t.db 'SELECT batch_size, strategy FROM sluice_imports WHERE id = 2')" "5|update" \
	"the command line wins over both files"
assert_eq "$(requests hooks '[.[] | .path] | unique | join(" ")')" "/cli /system" \
	"a --webhook replaces the files' web hooks"

run_sluice config
assert_exit 0 "sluice config"
assert_match "$(grep '^batch_size' "$T/out")" "= 3 .*; user, $T/config/sluice/sluice.conf:2" "batch_size from the user's file, line 2"
assert_match "$(grep '^strategy' "$T/out")" "= skip .*; system, $T/system.conf:7" "strategy from the system's file"
assert_match "$(grep '^webhook_secret' "$T/out")" '= \*\*\*\* ' "the secret is masked"
assert_eq "$(grep -c 'from the file' "$T/out")" 0 "the secret is nowhere in the output"
SLUICE_WEBHOOK_SECRET=env-secret run_sluice config --json
assert_eq "$(json '.settings["notify.webhook_secret"] | .origin + " " + .values[0]')" "environment ****" \
	"SLUICE_WEBHOOK_SECRET wins over the files, masked"
assert_eq "$(json '.settings["import.schema"].origin')" unset "what is set nowhere says so"

# Secrets in a file others may read: a warning, the rest still works.
printf '[notify]\nsmtp = smtp://bob:hunter2@127.0.0.1:1\n' >config/sluice/sluice.conf
chmod 644 config/sluice/sluice.conf
run_sluice config
assert_match "$(cat "$T/err")" "warning: $T/config/sluice/sluice.conf holds a secret but others may read it" \
	"a readable file with a password gets a warning"
assert_match "$(grep '^smtp' "$T/out")" 'smtp://bob:\*\*\*\*@127\.0\.0\.1:1' "the SMTP password is masked"
printf '[import]\nbatch_size = lots\n[notify]\ncolour = red\n' >config/sluice/sluice.conf
run_sluice import contacts.csv --db t.db
assert_exit 2 "a setting that cannot be used refuses the import"
assert_match "$(cat "$T/err")" "batch_size \($T/config/sluice/sluice.conf:2\) needs a whole number" "and says where it is"
assert_match "$(cat "$T/err")" 'line 4: there is no setting "colour" in \[notify\]' "an unknown key is said"

done_testing
