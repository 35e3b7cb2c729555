# tmux-lib.sh: what tmux-check.sh, tmux-inspect.sh and tmux-requests.sh
# share, sourced after they set name (for messages), out (captures),
# session, repo and kt (where kratos-trace is built).
# shellcheck shell=bash

command -v tmux >/dev/null || { echo "$name: tmux is not installed" >&2; exit 2; }

# fail MESSAGE: keep the pane as it is in failed.txt, say why, exit 1.
fail() {
	capture >"$out/failed.txt" 2>/dev/null || true
	echo "$name: FAIL: $*" >&2
	echo "$name: captures in $out" >&2
	exit 1
}
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
trap cleanup EXIT

capture() { tmux capture-pane -t "$session" -p; }

# expect FILE TEXT...: each TEXT is in the capture FILE.
expect() {
	local file=$1
	shift
	for text in "$@"; do
		grep -qF -- "$text" "$file" || fail "$(basename "$file") lacks \"$text\""
	done
}

# check_gone WHAT PID...: each PID has exited. A killed program may stay a
# zombie for a moment until init reaps it: dead, but give it two seconds
# to go.
check_gone() {
	local what=$1 pid i stat
	shift
	for pid in "$@"; do
		for ((i = 0; i < 20; i++)); do
			stat=$(ps -o stat= -p "$pid" 2>/dev/null || true)
			[[ -z $stat || $stat == Z* ]] && break
			sleep 0.1
		done
		if [[ -n $stat && $stat != Z* ]]; then
			ps -o pid,stat,args -p "$pid" >&2 || true
			fail "$what (pid $pid) is still running"
		fi
	done
}

# wait_for TEXT SECONDS: wait until the pane shows TEXT.
wait_for() {
	local text=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		if capture | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	fail "no \"$text\" on screen after ${secs}s (see $out/failed.txt)"
}

# press_until KEY TEXT TRIES: press KEY until the pane shows TEXT.
press_until() {
	local key=$1 text=$2 tries=$3 i
	for ((i = 0; i < tries; i++)); do
		if capture | grep -qF -- "$text"; then
			return 0
		fi
		tmux send-keys -t "$session" "$key"
		sleep 0.6
	done
	wait_for "$text" 5
}

press() { tmux send-keys -t "$session" "$@"; sleep 0.4; }

# write_demo_config TIMEOUT: a demo config in $out/conf whose servers bind
# port 0 with TIMEOUT, so the check runs beside tests and a demo on
# 8000/9000.
write_demo_config() {
	mkdir -p "$out/conf"
	cat >"$out/conf/config.yaml" <<YAML
server:
  http:
    addr: 127.0.0.1:0
    timeout: $1
  grpc:
    addr: 127.0.0.1:0
    timeout: $1
data:
  database:
    driver: sqlite
    source: ":memory:"
  redis:
    network: tcp
    addr: 127.0.0.1:1
    read_timeout: 0.2s
    write_timeout: 0.2s
YAML
}

# check_restored: the program exited, the terminal left the alternate
# screen with mouse reporting off and the cursor shown, and nothing the
# trace started is left.
check_restored() {
	local name=$1
	wait_for "EXITED rc=" 20
	capture >"$out/$name-after.txt"
	local flags
	flags=$(tmux display -p -t "$session" '#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{cursor_flag}')
	[[ $flags == "0 0 0 0 1" ]] || fail "$name: terminal not restored (alternate mouse… cursor: $flags)"
	if capture | grep -qE "╭─ (» )?Phases"; then
		fail "$name: the TUI is still drawn after exit"
	fi
	# shellcheck disable=SC2086 # one word per pid
	check_gone "$name: the traced program" $target_pids
	if [[ -n $target_dir && -e $target_dir ]]; then
		fail "$name: temp dir $target_dir left behind"
	fi
}

# note_target remembers the program the trace runs (the child of
# kratos-trace) and its temp dir, for check_restored. Other kratos-trace
# runs on the machine (tests) are not ours to check.
note_target() {
	local pane kt_pid pid
	pane=$(tmux display -p -t "$session" '#{pane_pid}')
	kt_pid=$(pgrep -P "$pane" | head -1)
	target_pids=$(pgrep -P "$kt_pid" || true)
	target_dir=
	for pid in $target_pids; do
		target_dir=$(dirname "$(readlink "/proc/$pid/exe" 2>/dev/null || echo .)")
	done
	[[ -n $target_pids ]] || fail "no traced program found under kratos-trace (pid $kt_pid)"
	echo "$name: traced program pid $target_pids in $target_dir"
}

# start_demo: build kratos-trace, run the demo in the TUI in a 120x40 pane
# up to flag.parse, and note the traced program for check_restored.
start_demo() {
	echo "$name: building kratos-trace"
	(cd "$repo" && go build -o "$kt" ./cmd/kratos-trace)
	tmux new-session -d -s "$session" -x 120 -y 40 -c "$repo" \
		"$kt run ./demo -- -conf $out/conf; echo EXITED rc=\$?; sleep 600"
	wait_for "paused at flag.parse" 120
	note_target
}

# quit_and_check: q, then check_restored.
quit_and_check() {
	press q
	check_restored "$name"
}
