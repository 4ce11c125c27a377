#!/bin/sh
# Replays tests/fuzz/corpus/map through the map harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-map" "${top_srcdir:-.}/tests/fuzz/corpus/map"
