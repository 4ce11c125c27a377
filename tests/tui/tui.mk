# Wizard tests: the real binary in tmux (send-keys, capture-pane) at 80x24
# and 120x40, answers checked on the screen and with sqlite3. Each script
# speaks TAP; its name says the behaviour.
TUI_TESTS = \
	tests/tui/whole-path-with-each-strategy.sh \
	tests/tui/resize-on-every-screen.sh \
	tests/tui/cancel-mid-import.sh \
	tests/tui/escape-sequences-in-cells.sh \
	tests/tui/import-survives-lost-session.sh \
	tests/tui/terminals-and-no-color.sh

TESTS += $(TUI_TESTS)
EXTRA_DIST += $(TUI_TESTS) tests/tui/lib.sh tests/tui/tui.mk
