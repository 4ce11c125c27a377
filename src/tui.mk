# The wizard (sluice with no command): ncurses screens, part of the sluice
# binary. Included from the top Makefile.am.
TUI_SOURCES = \
	src/tui.c src/tui.h src/tui-int.h \
	src/tui-text.c src/tui-text.h \
	src/tui-widgets.c src/tui-widgets.h \
	src/tui-dialog.c src/tui-wizard.c src/tui-worker.c \
	src/tui-home.c src/tui-file.c src/tui-mapping.c src/tui-preview.c \
	src/tui-dupes.c src/tui-confirm.c src/tui-progress.c src/tui-report.c \
	src/tui-notify.c src/tui-restore.c
src_sluice_SOURCES += $(TUI_SOURCES)
src_sluice_LDADD += $(NCURSESW_LIBS)

# Unit tests: display width, escaping and cutting of CJK, accents and
# control characters.
check_PROGRAMS += tests/unit/test-tui-text
TESTS += tests/unit/test-tui-text
tests_unit_test_tui_text_SOURCES = tests/unit/test-tui-text.c src/tui-text.c src/tui-text.h
tests_unit_test_tui_text_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tui_text_LDADD = $(UNIT_LIBS)

EXTRA_DIST += src/tui.mk
