#!/bin/sh
# Replays tests/fuzz/corpus/vcard through the vCard harness (see fuzz.mk).
exec "${top_builddir:-.}/tests/fuzz/replay-vcard" "${top_srcdir:-.}/tests/fuzz/corpus/vcard"
