# Wizard tests: the real binary in tmux (send-keys, capture-pane) at 80x24
# and 120x40, answers checked on the screen and with sqlite3. Each script
# speaks TAP; its name says the behaviour.
TUI_TESTS = \
	tests/tui/whole-path-with-each-strategy.sh \
	tests/tui/confirm-replace-and-error-budget.sh \
	tests/tui/mapping-never-drops-a-column-silently.sh \
	tests/tui/resize-on-every-screen.sh \
	tests/tui/cancel-mid-import.sh \
	tests/tui/escape-sequences-in-cells.sh \
	tests/tui/import-survives-lost-session.sh \
	tests/tui/terminals-and-no-color.sh \
	tests/tui/out-of-memory-leaves-a-readable-message.sh \
	tests/tui/target-lists-schemas-from-the-build-tree.sh \
	tests/tui/postgresql-password-is-asked-never-shown.sh \
	tests/tui/preview-says-the-numbers-look-german.sh \
	tests/tui/preview-names-the-region-of-the-numbers-shape.sh \
	tests/tui/one-notice-per-retry.sh \
	tests/tui/home-follows-a-running-import.sh \
	tests/tui/edit-a-huge-cell.sh \
	tests/tui/phone-region-in-the-preview.sh \
	tests/tui/date-order-in-the-preview.sh \
	tests/tui/region-and-date-order-are-remembered.sh \
	tests/tui/file-picker-filter-parent-and-completion.sh \
	tests/tui/mouse-click-and-wheel.sh \
	tests/tui/numbers-in-the-locale-format.sh \
	tests/tui/dates-in-the-locale-format.sh \
	tests/tui/walk-in-each-language.sh \
	tests/tui/confirm-shows-who-is-told.sh \
	tests/tui/restore-a-backup.sh

TESTS += $(TUI_TESTS)
EXTRA_DIST += $(TUI_TESTS) tests/tui/lib.sh tests/tui/tui.mk

# A fault preloaded into the wizard: expat without memory for a parser.
check_PROGRAMS += tests/tui/no-xml-parser.so
tests_tui_no_xml_parser_so_SOURCES = tests/tui/no-xml-parser.c
tests_tui_no_xml_parser_so_CFLAGS = $(AM_CFLAGS) $(EXPAT_CFLAGS) -fPIC
tests_tui_no_xml_parser_so_LDFLAGS = -shared
