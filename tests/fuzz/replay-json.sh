#!/bin/sh
# Replays tests/fuzz/corpus/json through the JSON backup harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-json" "${top_srcdir:-.}/tests/fuzz/corpus/json"
