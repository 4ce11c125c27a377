#!/bin/sh
# Replays tests/fuzz/corpus/xlsx through the xlsx harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-xlsx" "${top_srcdir:-.}/tests/fuzz/corpus/xlsx"
