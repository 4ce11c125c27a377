#!/bin/bash
# Exit codes of the contract: 0 all rows imported, 1 some rejected, 2 usage
# errors and unreadable input (with a message, and nothing written);
# --help and --version exit 0.
. "$(dirname "$0")/lib.sh"

cat >good.csv <<'CSV'
First Name,E-mail Address,Mobile Phone
Ann,ann@x.com,212-736-5000
CSV
cat >bad.csv <<'CSV'
First Name,E-mail Address,Mobile Phone
Ann,ann@x.com,212-736-5000
Bob,bob@,617-253-1000
CSV

run_sluice --help
assert_exit 0 "--help exits 0"
assert_match "$(cat out)" "sluice import FILE" "--help shows the usage on stdout"
run_sluice import --help
assert_exit 0 "import --help exits 0"

# The usage states the engine's defaults, whatever they are (engine.h).
engine_default() {
	sed -n "s/^#define ENGINE_DEFAULT_$1 \([0-9]*\)\$/\1/p" "$top_srcdir/src/engine.h"
}
run_sluice --help
assert_match "$(cat out)" "--batch-size N +rows per batch, each batch its own transaction \(default: $(engine_default BATCH)," \
	"--help shows the engine's default batch size"
assert_match "$(cat out)" "--retries N +retries .*\(default: $(engine_default RETRIES)\)" \
	"--help shows the engine's default number of retries"
assert_match "$(cat out)" "--retry-base MS +first wait .*\(default: $(engine_default RETRY_BASE_MS)\)" \
	"--help shows the engine's default first wait"
# Every command the usage names answers --help, and nothing else is named.
commands=$(sed -n 's/^ *sluice \([a-z][a-z-]*\) .*/\1/p' out | tr '\n' ' ')
assert_eq "$commands" "import history show report export resume watch inspect rollback restore config " \
	"the usage names each command once, and not the wizard's own"
for cmd in $commands; do
	run_sluice "$cmd" --help
	assert_exit 0 "$cmd --help exits 0"
done
run_sluice inspect --help
assert_match "$(cat out)" "^Usage: sluice inspect FILE .*--encoding NAME" "inspect --help shows its own usage"
run_sluice inspect good.csv --frobnicate
assert_match "$(cat err)" "run sluice inspect --help" "an unknown option of inspect points at inspect --help"
run_sluice --version
assert_exit 0 "--version exits 0"
assert_match "$(cat out)" "^sluice [0-9]+\.[0-9]+" "--version prints the name and version"

run_sluice import good.csv --db ok.db
assert_exit 0 "every row imported: exit code 0"
run_sluice import bad.csv --db one.db
assert_exit 1 "a rejected row: exit code 1"

# usage_error DESCRIPTION DB ARGS…: exit code 2, a message, nothing written.
usage_error() {
	local desc=$1 db=$2
	shift 2
	rm -f "$db"
	run_sluice "$@"
	assert_exit 2 "$desc: exit code 2"
	if [ -s err ]; then
		pass "$desc: a message on stderr"
	else
		fail "$desc: a message on stderr" "$(last_run)"
	fi
	if [ -f "$db" ] && [ "$(sq "$db" "SELECT count(*) FROM sqlite_master WHERE name IN ('contacts', 'sluice_imports')")" != 0 ]; then
		fail "$desc: nothing is written" "$(sq "$db" 'SELECT name FROM sqlite_master')"
	else
		pass "$desc: nothing is written"
	fi
}

usage_error "an unknown option" u.db import good.csv --db u.db --frobnicate
assert_match "$(cat err)" "frobnicate" "the message names the unknown option"
usage_error "an unknown command" u.db frobnicate good.csv --db u.db
usage_error "a missing file" u.db import no-such-file.csv --db u.db
assert_match "$(cat err)" "no-such-file.csv" "the message names the missing file"
usage_error "no file" u.db import --db u.db
usage_error "no --db" u.db import good.csv
usage_error "an unknown strategy" u.db import good.csv --db u.db --strategy replace
usage_error "a batch size that is not a number" u.db import good.csv --db u.db --batch-size many
usage_error "a batch size of 0" u.db import good.csv --db u.db --batch-size 0
usage_error "an unknown region" u.db import good.csv --db u.db --region XX
usage_error "a directory instead of a file" u.db import . --db u.db
: >empty.csv
usage_error "an empty file" u.db import empty.csv --db u.db
head -c 4096 "$SLUICE" >binary.csv
usage_error "a binary file" u.db import binary.csv --db u.db
printf 'First Name,E-mail Address,Mobile Phone\n' >header-only.csv
run_sluice import header-only.csv --db h.db --json
assert_eq "$rc:$(json .total)" "0:0" "a file with a header and no rows imports nothing and exits 0"

done_testing
