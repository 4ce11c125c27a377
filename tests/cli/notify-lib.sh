# Helpers for the notice tests (tests/cli/notify-*.sh), sourced after
# nothing else: loads lib.sh, and starts the receivers of
# tests/notify_receiver.py on 127.0.0.1, each on a port the kernel picked.
#
#   start_http DIR FAIL [SECRET]   a web hook receiver failing the first
#                                  FAIL requests; sets $http_port
#   start_smtp DIR                 an SMTP server keeping each message;
#                                  sets $smtp_port (skips the test when
#                                  python3-aiosmtpd is missing)
#   requests DIR JQ-FILTER         jq -s over every request kept in DIR
#   NOTIFY_PY                      a Python that can run the receivers
. "$(dirname "$0")/lib.sh"

RECEIVER=$top_srcdir/tests/notify_receiver.py
notify_pids=
notify_cleanup() {
	local p
	for p in $notify_pids; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
tap_at_exit=notify_cleanup

# The retries of a web hook wait 20 ms, 40 ms, … instead of seconds.
export SLUICE_WEBHOOK_RETRY_BASE_MS=20
# No settings of the machine or the user running the tests.
export SLUICE_SYSTEM_CONFIG=$T/no-system.conf XDG_CONFIG_HOME=$T/config
unset SLUICE_WEBHOOK_SECRET

NOTIFY_PY=
for py in "$PYTHON" python3 /usr/bin/python3; do
	if "$py" -c 'import http.server' >/dev/null 2>&1; then
		NOTIFY_PY=$py
		break
	fi
done
[ -n "$NOTIFY_PY" ] || skip_all "no python3 to run the test receivers"

# wait_port FILE PID: the port the receiver wrote in FILE; empty when it
# died first.
wait_port() {
	local i
	for i in $(seq 1 200); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

start_http() {
	mkdir -p "$1"
	"$NOTIFY_PY" "$RECEIVER" http "$1" "$1.port" "$2" ${3:+"$3"} 2>"$1.err" &
	local pid=$!
	notify_pids="$notify_pids $pid"
	http_port=$(wait_port "$1.port" "$pid") || {
		echo "Bail out! the HTTP receiver did not start: $(cat "$1.err")"
		exit 99
	}
}

start_smtp() {
	local py
	for py in "$PYTHON" python3 /usr/bin/python3; do
		if "$py" -c 'import aiosmtpd' >/dev/null 2>&1; then
			break
		fi
		py=
	done
	[ -n "$py" ] || skip_all "python3-aiosmtpd is not installed (tools/install-deps installs it)"
	mkdir -p "$1"
	"$py" "$RECEIVER" smtp "$1" "$1.port" 2>"$1.err" &
	local pid=$!
	notify_pids="$notify_pids $pid"
	SMTP_PY=$py
	smtp_port=$(wait_port "$1.port" "$pid") || {
		echo "Bail out! the SMTP server did not start: $(cat "$1.err")"
		exit 99
	}
}

requests() {
	local f
	f=$(ls "$1"/*.json 2>/dev/null)
	if [ -z "$f" ]; then
		echo '[]' | jq -r "$2"
	else
		# shellcheck disable=SC2086
		jq -rs "$2" $f
	fi
}
