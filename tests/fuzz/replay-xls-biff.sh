#!/bin/sh
# Replays tests/fuzz/corpus/xls-biff through the XLS child's BIFF reader (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-xls-biff" "${top_srcdir:-.}/tests/fuzz/corpus/xls-biff"
