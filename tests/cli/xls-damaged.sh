#!/bin/bash
# A legacy .xls workbook imports; damaged ones (truncated, sector tables
# overwritten, random bytes in the directory) are refused with a message
# and nothing written — sluice never crashes on them, even where the XLS
# reader itself would.
. "$(dirname "$0")/lib.sh"

xls=$top_srcdir/tests/data/contacts.xls
[ -f "$xls" ] || skip_all "tests/data/contacts.xls is missing"

run_sluice import "$xls" --db good.db
ok "the bundled XLS workbook imports" test "$rc" -le 1
assert_match "$(sq good.db "SELECT source_format FROM sluice_imports")" "^xls$" "it is read as XLS"

size=$(wc -c <"$xls")
damage() { # NAME WHAT: NAME.xls is refused, said, and leaves nothing
	run_sluice import "$1.xls" --db "$1.db"
	assert_exit 2 "$2 is refused with exit code 2"
	ok "it says why, naming the file" grep -q "$1.xls" "$T/err"
	ok "and nothing is written" test ! -e "$1.db"
}

head -c $((size / 2)) "$xls" >half.xls
damage half "a truncated workbook"

# The header's sector allocation table and directory pointers overwritten.
cp "$xls" fat.xls
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of=fat.xls bs=1 seek=44 conv=notrunc 2>/dev/null
damage fat "a workbook whose sector table points nowhere"

# Deterministic noise over the directory and the first stream.
cp "$xls" noise.xls
python3 - noise.xls <<'PY'
import random, sys
data = bytearray(open(sys.argv[1], "rb").read())
rng = random.Random(7)
for i in range(512, min(len(data), 4096)):
    if rng.random() < 0.2:
        data[i] = rng.randrange(256)
open(sys.argv[1], "wb").write(data)
PY
run_sluice import noise.xls --db noise.db
ok "a workbook with noise in it never crashes sluice" test "$rc" -lt 128
ok "its outcome is a refusal or an accounted import" test "$rc" -le 3

done_testing
