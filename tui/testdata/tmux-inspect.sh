#!/usr/bin/env bash
# tmux-inspect.sh drives the real TUI on the demo in a 120x40 tmux pane and
# inspects it as a person would at app.run: frame 1 selected in Stack, an
# expression evaluated there and watched (it keeps main.main's value at
# the later stops of the main goroutine), frame 0 again, a breakpoint set on
# a line of Source with b, n to it; then, with app.running's break off, h
# halts the serving program, a goroutine is looked at, n resumes and
# SIGTERM walks the shutdown; q. It checks that the terminal was restored
# and that no traced program or temp dir is left.
#
# The demo runs with a config of its own whose servers bind port 0, so the
# check runs beside tests and a demo on 8000/9000. It needs tmux, Go and
# ptrace (see the README). Run it from anywhere:
#
#	tui/testdata/tmux-inspect.sh          # captures go to a temp dir
#	OUT=/tmp/captures tui/testdata/tmux-inspect.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$(mktemp -d -t tmux-inspect.XXXXXX)}
mkdir -p "$out"
session=kt-inspect-$$
kt=$out/kratos-trace

name=tmux-inspect
# shellcheck source=tmux-lib.sh
source "$repo/tui/testdata/tmux-lib.sh"

# focus NAME: press tab until the help offers what pane NAME offers.
focus() {
	local hint=$1 i
	for ((i = 0; i < 10; i++)); do
		if capture | tail -1 | grep -qF -- "$hint"; then
			return 0
		fi
		press Tab
	done
	fail "no pane offers \"$hint\""
}

write_demo_config 1s
start_demo
press_until n "paused at app.run " 20

# Frame 1 of App.Run: main.main, its source and its locals.
focus "enter go to"
press j Enter
wait_for "Source  demo/cmd/server/main.go:" 10
wait_for "frame 1 · main.main" 10
capture >"$out/frame1.txt"

# An expression of main.main, evaluated in frame 1, then watched.
press :
wait_for "Evaluate  frame 1 · main.main" 5
tmux send-keys -t "$session" -l "bc.Server.Http.Addr"
press Enter
wait_for '"127.0.0.1:0"' 10
capture >"$out/eval.txt"
press C-w
wait_for "watching bc.Server.Http.Addr in main.main" 10
press Escape

# Frame 0 again, and a breakpoint five lines below the stop.
focus "enter go to"
press k Enter
wait_for "Source  go-kratos/kratos/v2@v2.9.2/app.go:83" 10
focus "b breakpoint"
press j j j j j b
wait_for "breakpoint at kratos.(*App).Run (app.go:88)" 10
wait_for "● 88 │" 5
capture >"$out/breakpoint.txt"

# n runs to it, after app.build-instance, in time order.
press_until n "paused at break" 10
wait_for "▶ break app.go:88" 5
capture >"$out/break-stop.txt"
grep -qF "✓ app.build-instance" "$out/break-stop.txt" || fail "app.build-instance is not done before the breakpoint"
grep -qF "bc.Server.Http.Addr" "$out/break-stop.txt" || fail "the watch is not shown at the breakpoint"
# The watch was added at frame 1, main.main: it keeps main.main's value at
# the later stops of the main goroutine, whatever frame main.main is there.
grep -qF 'bc.Server.Http.Addr  "127.0.0.1:' "$out/break-stop.txt" || fail "the watch of frame 1 has no value at the breakpoint"

# A halt of the running program: app.running's break off, n runs on to
# it, h halts the program wherever it is; a goroutine of the program is
# shown with its variables; n resumes; SIGTERM walks the shutdown.
press_until n "paused at app.after-start" 20
capture >"$out/after-start.txt"
grep -qF 'bc.Server.Http.Addr  "127.0.0.1:' "$out/after-start.txt" || fail "the watch of frame 1 has no value at app.after-start"
focus "b break on/off"
press j b
wait_for "break off at app.running" 5
press n
wait_for "running, waiting for a signal" 10
press h
wait_for "halted: " 10
wait_for "[Goroutines]" 5
capture >"$out/halt.txt"
grep -qF "main.main" "$out/halt.txt" || fail "the main goroutine is not listed"
press j Enter
wait_for "Stack  goroutine " 10
capture >"$out/goroutine.txt"
press n
wait_for "running, waiting for a signal" 10
press t
wait_for "paused at app.stop" 20

quit_and_check
echo "tmux-inspect: ok (captures in $out)"
