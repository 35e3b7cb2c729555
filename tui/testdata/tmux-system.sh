#!/usr/bin/env bash
# tmux-system.sh drives the real TUI on the demo system (demo/kratos-trace.yaml:
# etcd, the greeter, the gateway calling it through discovery) in a 120x40
# tmux pane: both services in the strip, n to the gateway's first stop (the
# selection follows the paused service), ] and [ to switch every pane between
# the services while the gateway stays paused, n to the gateway's
# app.running, t through both shutdowns, q. Then it checks that the terminal
# was restored and that no service or process is left.
#
# It needs tmux, Go and ptrace (see the README); etcd from PATH or the
# demo's embedded one. Run it from anywhere:
#
#	tui/testdata/tmux-system.sh            # captures go to a temp dir
#	OUT=/tmp/captures tui/testdata/tmux-system.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$(mktemp -d -t tmux-system.XXXXXX)}
mkdir -p "$out"
session=kt-system-$$
kt=$out/kratos-trace

name=tmux-system
# shellcheck source=tmux-lib.sh
source "$repo/tui/testdata/tmux-lib.sh"

echo "tmux-system: building kratos-trace"
(cd "$repo" && go build -o "$kt" ./cmd/kratos-trace)

tmux new-session -d -s "$session" -x 120 -y 40 -c "$repo" \
	"$kt run --system=demo/kratos-trace.yaml; echo EXITED rc=\$?; sleep 600"
wait_for "[greeter] ⏸ paused at flag.parse" 180
capture >"$out/greeter.flag.parse.txt"
expect "$out/greeter.flag.parse.txt" "│ gateway " "./demo/cmd/server" "[/] service"

# The greeter boots; at its app.running the gateway starts, and its first
# stop brings its panes forward.
pane=$(tmux display -p -t "$session" '#{pane_pid}')
kt_pid=$(pgrep -P "$pane" | head -1)
press_until n "[gateway] ⏸ paused at flag.parse" 60
children=$(pgrep -P "$kt_pid" | tr '\n' ' ')
capture >"$out/gateway.flag.parse.txt"
expect "$out/gateway.flag.parse.txt" "greeter ● running" "./demo/gateway/cmd/server" \
	"gateway: ▶ paused at flag.parse" "server.NewRegistry" "discovery.dial"

# ] shows the greeter's panes (its servers listening), the gateway paused.
tmux send-keys -t "$session" ']'
wait_for "[greeter] ● running" 5
capture >"$out/greeter.selected.txt"
expect "$out/greeter.selected.txt" "gateway ⏸ paused at flag.parse" "./demo/cmd/server" \
	"▶ app.running" "127.0.0.1:9000" "listening"
grep -qF "./demo/gateway" "$out/greeter.selected.txt" && fail "the greeter's panes name the gateway"
tmux send-keys -t "$session" '['
wait_for "[gateway] ⏸ paused at flag.parse" 5

# n goes to the paused gateway whichever service is shown.
tmux send-keys -t "$session" ']'
wait_for "[greeter] ● running" 5
tmux send-keys -t "$session" n
wait_for "[gateway] ⏸ paused at config.load" 20
press_until n "[gateway] ⏸ paused at app.running" 40
capture >"$out/gateway.app.running.txt"
expect "$out/gateway.app.running.txt" "greeter ● running" "t SIGTERM" "discovery.update"

# t: the gateway shuts down first, then the greeter; both exit.
tmux send-keys -t "$session" t
press_until n "exited with code 0" 40
capture >"$out/exited.txt"
expect "$out/exited.txt" "stopped │ gateway stopped" "✓ exit  code 0"
tmux send-keys -t "$session" q
# Every service and process kratos-trace started is gone; the system's
# temporary directories are its own to check (cmd/kratos-trace's tests).
target_pids=$children target_dir=
check_restored system
expect "$out/system-after.txt" "EXITED rc=0"

echo "tmux-system: ok (captures in $out)"
