# Helpers for the wizard's tests (tests/tui/*.sh): the real sluice binary
# runs in a tmux server of the test's own; keys go in with send-keys and
# the screen comes back with capture-pane. Builds on tests/cli/lib.sh (TAP,
# $T, sq, gen_contacts, …). Nothing waits a fixed time before asserting:
# every wait polls the screen (or the database) until what is expected
# shows, with a generous overall timeout.
#
#   tui_start W H [ARGS…]   runs `sluice ARGS…` at W×H in $T (LANG=C.UTF-8)
#   tui_keys KEY…          tmux send-keys (Enter, Escape, Down, C-u, …)
#   tui_type TEXT          types TEXT literally
#   tui_screen             the screen as text
#   tui_wait TEXT [SECS]   waits until TEXT is on the screen (0) or not (1)
#   tui_see TEXT DESC      passes when TEXT shows up
#   tui_resize W H         resizes the window
#   tui_exited [SECS]      waits until sluice has exited
#   tui_open FILE          from Home, opens FILE (in $T) by its path
#   db_wait SQL WANT [SECS] waits until the query on $DB answers WANT

. "$top_srcdir/tests/cli/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

TUI_SOCKET="sluice-test-$$"
TUI_SOCKETS=
TUI_STARTS=0
TUI_TIMEOUT=${TUI_TIMEOUT:-60}
DB="$T/test.db"

tui_tmux() {
	tmux -L "$TUI_SOCKET" -f /dev/null "$@"
}

# Stops the current tmux server (SIGHUP to what runs in it, as when an SSH
# session drops).
tui_stop() {
	tui_tmux kill-server >/dev/null 2>&1 || true
}

tui_stop_all() {
	local s
	for s in $TUI_SOCKETS; do
		tmux -L "$s" kill-server >/dev/null 2>&1 || true
	done
}
tap_at_exit=tui_stop_all

# tui_start W H [ARGS…]: sluice in a fresh window; the pane stays after
# sluice exits so that its last screen can be read.
tui_start() {
	local w=$1 h=$2
	shift 2
	tui_stop
	# A server of its own each time: a server being killed may still
	# answer on the old socket for a moment.
	TUI_STARTS=$((TUI_STARTS + 1))
	TUI_SOCKET="sluice-test-$$-$TUI_STARTS"
	TUI_SOCKETS="$TUI_SOCKETS $TUI_SOCKET"
	# SLUICE_SCHEMA_DIR as the test has it: set, or not at all.
	local schemas="SLUICE_SCHEMA_DIR='${SLUICE_SCHEMA_DIR:-}'"
	[ -n "${SLUICE_SCHEMA_DIR+set}" ] || schemas="-u SLUICE_SCHEMA_DIR"
	local cmd="cd '$T' && exec env $schemas LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=${TUI_TERM:-xterm-256color} ${TUI_ENV:-} '$SLUICE'"
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	tui_tmux new-session -d -s wiz -x "$w" -y "$h" "$cmd"
	tui_tmux set-option -t wiz remain-on-exit on >/dev/null
}

tui_keys() {
	tui_tmux send-keys -t wiz "$@"
}

tui_type() {
	tui_tmux send-keys -t wiz -l "$1"
}

tui_screen() {
	tui_tmux capture-pane -p -t wiz 2>/dev/null
}

# What the pane showed, scrolled-off lines and wrapped lines joined included
# (for what sluice prints after leaving the screen).
tui_history() {
	tui_tmux capture-pane -p -J -S -200 -t wiz 2>/dev/null
}

# tui_wait TEXT [SECS]: polls the screen every 0.1 s.
tui_wait() {
	local text=$1 limit=$(( ${2:-$TUI_TIMEOUT} * 10 )) i=0
	while [ $i -lt $limit ]; do
		if tui_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# tui_see TEXT DESCRIPTION [SECS]
tui_see() {
	if tui_wait "$1" "${3:-}"; then
		pass "$2"
	else
		fail "$2" "waited for: $1" "the screen:" "$(tui_screen)"
	fi
}

# tui_go TEXT: waits for TEXT and stops the test when it never comes
# (the steps after it would only fail for the same reason).
tui_go() {
	if ! tui_wait "$1" "${2:-}"; then
		fail "the wizard shows \"$1\"" "the screen:" "$(tui_screen)"
		done_testing
	fi
}

tui_resize() {
	tui_tmux resize-window -t wiz -x "$1" -y "$2"
}

tui_exited() {
	local limit=$(( ${1:-$TUI_TIMEOUT} * 10 )) i=0
	while [ $i -lt $limit ]; do
		[ "$(tui_tmux display-message -p -t wiz '#{pane_dead}' 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# db_wait SQL WANT [SECS]: polls the database.
db_wait() {
	local limit=$(( ${3:-$TUI_TIMEOUT} * 10 )) i=0
	while [ $i -lt $limit ]; do
		[ "$(sq "$DB" "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The sample of the README: wrong phone, email, date, a row with neither
# phone nor email, and one person twice.
sample_csv() {
	cp "$top_srcdir/data/samples/contacts.csv" "$T/${1:-contacts.csv}"
}

# From Home, opens FILE (in $T) by its path: the Mapping screen comes next.
tui_open() {
	tui_go "Recent imports"
	tui_keys n
	tui_go "Choose a file"
	tui_keys g
	tui_go "Open a path"
	tui_keys C-u
	tui_type "$T/$1"
	tui_keys Enter
}

# From Home to the Preview of FILE (in $T) with the suggested mapping.
tui_to_preview() {
	tui_open "$1"
	tui_go "Map the columns"
	tui_keys Enter
	tui_go "rows read;"
}
