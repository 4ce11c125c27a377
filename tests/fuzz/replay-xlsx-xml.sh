#!/bin/sh
# Replays tests/fuzz/corpus/xlsx-xml through the xlsx-xml harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-xlsx-xml" "${top_srcdir:-.}/tests/fuzz/corpus/xlsx-xml"
