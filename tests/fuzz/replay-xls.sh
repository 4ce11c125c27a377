#!/bin/sh
# Replays tests/fuzz/corpus/xls through the xls harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-xls" "${top_srcdir:-.}/tests/fuzz/corpus/xls"
