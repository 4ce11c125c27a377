#!/bin/sh
# Replays tests/fuzz/corpus/schema through the schema harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-schema" "${top_srcdir:-.}/tests/fuzz/corpus/schema"
