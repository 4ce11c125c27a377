#!/bin/sh
# make fuzz: builds every harness of tests/fuzz with clang's libFuzzer
# (ASan+UBSan, the library's sources instrumented too, in fuzz-build/) and
# runs each for FUZZ_SECONDS (default 60) from its corpus. The inputs that
# reach new code are merged into tests/fuzz/corpus/NAME (commit them);
# a crash is written there as crash-… too, so that make check replays it
# (and fails) until it is fixed. FUZZ_ONLY="csv map" runs some harnesses.
# Called by the Makefile with: srcdir, FUZZ_CC, FUZZ_CXX, FUZZ_CPPFLAGS,
# FUZZ_SOURCES (the library's sources), FUZZ_LIBS.
set -eu
: "${srcdir:?}" "${FUZZ_SOURCES:?}"
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-}
cxx=${FUZZ_CXX:-}
if [ -z "$cc" ]; then
	for c in clang-14 clang; do
		if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
	done
fi
[ -n "$cxx" ] || cxx=$(printf '%s' "$cc" | sed 's/clang/clang++/')
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
if [ -z "$cc" ] || ! "$cc" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
	echo "make fuzz: needs clang with libFuzzer (Debian clang-14 and libclang-rt-14-dev);" >&2
	echo "make fuzz: without it, make check still replays tests/fuzz/corpus." >&2
	exit 1
fi

export SLUICE_SCHEMA_DIR="${SLUICE_SCHEMA_DIR:-$srcdir/data/schemas}"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined"
mkdir -p fuzz-build/obj
objs=
for src in $FUZZ_SOURCES; do
	case $src in
	*.c) comp=$cc; std=-std=c11 ;;
	*.cc) comp=$cxx; std=-std=c++17 ;;
	*) continue ;;
	esac
	obj=fuzz-build/obj/$(echo "$src" | tr / _).o
	if [ ! -f "$obj" ] || [ "$srcdir/$src" -nt "$obj" ]; then
		echo "  FUZZCC   $src"
		# shellcheck disable=SC2086
		"$comp" $std $flags -fsanitize=fuzzer-no-link $FUZZ_CPPFLAGS -c "$srcdir/$src" -o "$obj"
	fi
	objs="$objs $obj"
done
rm -f fuzz-build/libsluice-fuzz.a
# shellcheck disable=SC2086
ar rc fuzz-build/libsluice-fuzz.a $objs

for name in ${FUZZ_ONLY:-csv xlsx xlsx-xml vcard xls xls-biff schema map json}; do
	echo "  FUZZLD   fuzz-$name"
	# shellcheck disable=SC2086
	"$cxx" $flags -fsanitize=fuzzer $FUZZ_CPPFLAGS -x c "$srcdir/tests/fuzz/fuzz-$name.c" -x none \
		fuzz-build/libsluice-fuzz.a $FUZZ_LIBS -o "fuzz-build/fuzz-$name"
	corpus=$srcdir/tests/fuzz/corpus/$name
	new=fuzz-build/new-$name
	rm -rf "$new"
	mkdir -p "$corpus" "$new"
	echo "make fuzz: fuzz-$name for $seconds s"
	status=0
	"fuzz-build/fuzz-$name" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$corpus/crash-" "$new" "$corpus" >"fuzz-build/fuzz-$name.log" 2>&1 || status=$?
	tail -n 12 "fuzz-build/fuzz-$name.log" | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || :
	# Keep what reached new code: merged into the committed corpus.
	"fuzz-build/fuzz-$name" -merge=1 "$corpus" "$new" >"fuzz-build/merge-$name.log" 2>&1 || :
	grep -E 'MERGE-OUTER: [0-9]+ new files' "fuzz-build/merge-$name.log" || :
	if [ "$status" != 0 ]; then
		echo "make fuzz: fuzz-$name found a crash (kept in $corpus; log: fuzz-build/fuzz-$name.log)" >&2
		exit 1
	fi
done
