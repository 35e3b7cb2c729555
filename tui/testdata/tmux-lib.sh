# tmux-lib.sh: what tmux-check.sh and tmux-inspect.sh share, sourced by
# both after they set name (for messages), out (captures) and session.
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
