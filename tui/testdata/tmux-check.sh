#!/usr/bin/env bash
# tmux-check.sh drives the real TUI on the demo in a 120x40 tmux pane, the
# way a person would: n until app.running, t (SIGTERM) through the shutdown,
# q; then ctrl+c in the middle of the boot. After each run it checks that the
# terminal was restored and that no traced program or temp dir is left.
#
# It needs tmux, Go and ptrace (see the README). Run it from anywhere:
#
#	tui/testdata/tmux-check.sh            # captures go to a temp dir
#	OUT=/tmp/captures tui/testdata/tmux-check.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$(mktemp -d -t tmux-check.XXXXXX)}
mkdir -p "$out"
session=kt-check-$$
kt=$out/kratos-trace

name=tmux-check
# shellcheck source=tmux-lib.sh
source "$repo/tui/testdata/tmux-lib.sh"

start() { # start NAME: run the TUI on the demo in a fresh 120x40 pane
	cleanup
	tmux new-session -d -s "$session" -x 120 -y 40 -c "$repo" \
		"$kt run ./demo; echo EXITED rc=\$?; sleep 600"
}

echo "tmux-check: building kratos-trace"
(cd "$repo" && go build -o "$kt" ./cmd/kratos-trace)

# 1. Boot to app.running, SIGTERM, shutdown, exit, quit.
start full
wait_for "building ./demo" 20
capture >"$out/building.txt"
wait_for "paused at flag.parse" 120
note_target
press_until n "paused at app.running" 40
capture >"$out/app.running.txt"
expect "$out/app.running.txt" "▶ app.running" "t SIGTERM" \
	"addr     127.0.0.1:8000" "addr     127.0.0.1:9000" \
	"127.0.0.1:8000  1s" "127.0.0.1:9000  1s" "listening" "⊘ app.register"
tmux send-keys -t "$session" t
wait_for "paused at app.stop" 20
press_until n "exited with code 0" 20
capture >"$out/exited.txt"
expect "$out/exited.txt" "✓ app.stop" "✓ server.stop grpc" "✓ server.stop http" \
	"✓ app.after-stop" "✓ exit  code 0" "stopped"
tmux send-keys -t "$session" q
check_restored full
expect "$out/full-after.txt" "EXITED rc=0"

# 2. ctrl+c in the middle of the boot kills the program.
start interrupt
wait_for "paused at flag.parse" 120
note_target
press_until n "paused at config.scan" 10
tmux send-keys -t "$session" C-c
check_restored interrupt
expect "$out/interrupt-after.txt" "EXITED rc=0"

echo "tmux-check: ok (captures in $out)"
