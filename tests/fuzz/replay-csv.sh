#!/bin/sh
# Replays tests/fuzz/corpus/csv through the csv harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-csv" "${top_srcdir:-.}/tests/fuzz/corpus/csv"
