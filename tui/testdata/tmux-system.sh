#!/usr/bin/env bash
# tmux-system.sh drives the real TUI on the demo system (etcd, the greeter,
# the gateway calling it through discovery) in a 120x40 tmux pane: both
# services in the strip, n to the gateway's first stop (the selection
# follows the paused service), ] and [ to switch every pane between the
# services while the gateway stays paused, R listing the greeter's routes
# and saying the gateway has none yet, n to the gateway's app.running, a
# request from R that crosses to the greeter, m for the system's timeline
# (the request as one tree) and back, h halting both services at once, t
# through both shutdowns, q. Then it
# checks that the terminal was restored and that no service or process is
# left.
#
# The system is demo/kratos-trace.yaml's, on ports of its own (a copy of the
# system file and the services' configs in the captures' directory), so the
# check runs beside the demo on its fixed ports and beside other checks.
# Each step waits for what the screen shows, never for a fixed time.
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

# free_port prints a loopback port nothing listens on.
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 20000))
		(echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	echo "$port"
}

# write_system writes $out/kratos-trace.yaml: the demo system with etcd on
# free ports and the services' servers on ports the kernel picks (kratos
# registers the ports it got, and the gateway finds the greeter in etcd).
write_system() {
	local client peer rel
	client=$(free_port)
	peer=$(free_port)
	[[ $peer != "$client" ]] || peer=$((client + 1))
	# The greeter's: the demo's config of tmux-lib.sh, with the registry.
	write_demo_config 1s
	cat >>"$out/conf/config.yaml" <<YAML
registry:
  etcd:
    endpoints: [127.0.0.1:$client]
    dial_timeout: 1s
YAML
	mkdir -p "$out/gateway"
	cat >"$out/gateway/config.yaml" <<YAML
server:
  http:
    addr: 127.0.0.1:0
    timeout: 2s
registry:
  etcd:
    endpoints: [127.0.0.1:$client]
    dial_timeout: 1s
YAML
	# The packages relative to the file, so that the TUI names them as the
	# demo's own file does (./demo/cmd/server) when run from the repo.
	rel=$(realpath --relative-to="$out" "$repo/demo")
	cat >"$out/kratos-trace.yaml" <<YAML
services:
  - name: greeter
    package: $rel/cmd/server
    args: [-conf, $out/conf]
  - name: gateway
    package: $rel/gateway/cmd/server
    args: [-conf, $out/gateway]
    after: [greeter]
processes:
  - name: etcd
    command: [etcd, --name, kt-system-check, --data-dir, "{tmp}/etcd",
      --listen-client-urls, "http://127.0.0.1:$client", --advertise-client-urls, "http://127.0.0.1:$client",
      --listen-peer-urls, "http://127.0.0.1:$peer", --initial-advertise-peer-urls, "http://127.0.0.1:$peer",
      --initial-cluster, "kt-system-check=http://127.0.0.1:$peer", --log-level, error]
    fallback: [go, -C, $repo/demo, run, ./cmd/etcd, --data-dir, "{tmp}/etcd", --listen, "127.0.0.1:$client", --peer, "127.0.0.1:$peer"]
    ready: tcp 127.0.0.1:$client
YAML
}

# state is the status bar's line of the service shown: its target and
# where the trace is, which changes at every stop.
state() { capture | grep -m1 -E '^ \./' || true; }

# settled reports whether the state line is one the trace waits in: a
# stop (▶ paused at, ▶ halted), the end, or a failure.
settled() { [[ $1 == *"▶ "* || $1 == *"exited"* || $1 == *"ended"* || $1 == *"✗"* ]]; }

# next_until TEXT TRIES: press n until the pane shows TEXT, each time
# waiting for the next stop (a state line that has settled, and differs
# from the one before n) before looking again: a second n pressed while
# the first runs would go past TEXT.
next_until() {
	local text=$1 tries=$2 i j before now
	for ((i = 0; i < tries; i++)); do
		if capture | grep -qF -- "$text"; then
			return 0
		fi
		before=$(state)
		tmux send-keys -t "$session" n
		for ((j = 0; j < 300; j++)); do
			now=$(state)
			if [[ $now != "$before" ]] && settled "$now"; then
				break
			fi
			sleep 0.1
		done
	done
	wait_for "$text" 5
}

# wait_gone TEXT SECONDS: wait until the pane no longer shows TEXT.
wait_gone() {
	local text=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		capture | grep -qF -- "$text" || return 0
		sleep 0.1
	done
	fail "\"$text\" still on screen after ${secs}s (see $out/failed.txt)"
}

# strip is the services strip: the status bar's line naming the greeter
# first.
strip() { capture | grep -m1 -E '^ \[?greeter' || true; }

# wait_halted N: wait until the strip says N services are halted.
wait_halted() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(strip | grep -o "halted (after" | wc -l) -eq $1 ]] && return 0
		sleep 0.1
	done
	fail "the strip does not say $1 services are halted"
}

echo "tmux-system: building kratos-trace"
(cd "$repo" && go build -o "$kt" ./cmd/kratos-trace)
write_system

tmux new-session -d -s "$session" -x 120 -y 40 -c "$repo" \
	"$kt run --system=$out/kratos-trace.yaml; echo EXITED rc=\$?; sleep 600"
wait_for "[greeter] ⏸ paused at flag.parse" 180
capture >"$out/greeter.flag.parse.txt"
expect "$out/greeter.flag.parse.txt" "│ gateway " "./demo/cmd/server" "[/] service"

# The greeter boots; at its app.running the gateway starts, and its first
# stop brings its panes forward.
pane=$(tmux display -p -t "$session" '#{pane_pid}')
kt_pid=$(pgrep -P "$pane" | head -1)
next_until "[gateway] ⏸ paused at flag.parse" 60
children=$(pgrep -P "$kt_pid" | tr '\n' ' ')
capture >"$out/gateway.flag.parse.txt"
expect "$out/gateway.flag.parse.txt" "greeter ● running" "./demo/gateway/cmd/server" \
	"gateway: ▶ paused at flag.parse" "server.NewRegistry" "discovery.dial"

# R while the gateway boots: the greeter's routes, read from the running
# greeter, and one red line saying the gateway serves nothing yet.
tmux send-keys -t "$session" R
wait_for "greeter http  GET /helloworld/{name}" 20
capture >"$out/picker.booting.txt"
expect "$out/picker.booting.txt" "✗ gateway: no routes: the App is not serving" "greeter grpc  grpc helloworld.v1.Greeter/SayHello"
tmux send-keys -t "$session" Escape
wait_gone "enter edit" 5

# ] shows the greeter's panes (its servers listening), the gateway paused.
tmux send-keys -t "$session" ']'
wait_for "[greeter] ● running" 5
capture >"$out/greeter.selected.txt"
expect "$out/greeter.selected.txt" "gateway ⏸ paused at flag.parse" "./demo/cmd/server" \
	"▶ app.running" "grpc  127.0.0.1:" "listening"
grep -qF "./demo/gateway" "$out/greeter.selected.txt" && fail "the greeter's panes name the gateway"
tmux send-keys -t "$session" '['
wait_for "[gateway] ⏸ paused at flag.parse" 5

# n goes to the paused gateway whichever service is shown.
tmux send-keys -t "$session" ']'
wait_for "[greeter] ● running" 5
tmux send-keys -t "$session" n
wait_for "[gateway] ⏸ paused at config.load" 20
next_until "[gateway] ⏸ paused at app.running" 40
capture >"$out/gateway.app.running.txt"
expect "$out/gateway.app.running.txt" "greeter ● running" "t SIGTERM" "discovery.update"

# R sends the gateway's GET /gateway/{name} (the picker's first row); its
# call crosses to the greeter, whose first stop brings it forward. m shows
# the system's timeline: the request as one tree, the greeter's layers
# under the gateway's client row. m again: the greeter's own Phases.
tmux send-keys -t "$session" R
wait_for "gateway http  GET /gateway/{name}" 10
tmux send-keys -t "$session" Enter
wait_for "› gateway: GET /gateway/" 5
tmux send-keys -t "$session" Enter
wait_for "#1 GET /gateway/" 20
next_until "[greeter] ⏸ paused at request.transport" 40
tmux send-keys -t "$session" m
wait_for "Phases  system" 5
capture >"$out/system.timeline.txt"
expect "$out/system.timeline.txt" "#1 GET /gateway/" "gateway ●  transport http GET" \
	"client grpc /hellow" "greeter ⏸ " "gateway ● running" "m this service"
tmux send-keys -t "$session" m
wait_gone "Phases  system" 5
capture >"$out/greeter.phases.txt"
next_until "[gateway] ⏸ paused at request.reply" 60

# h with both services running on: the strip says both are halted at
# once (each after its last request phase), the first one's halt shown;
# n lets it go, and the second's halt is shown.
tmux send-keys -t "$session" n
wait_for "greeter ● running │ [gateway] ● running" 20
tmux send-keys -t "$session" h
wait_for "⏸ halted (after request." 20
wait_halted 2
capture >"$out/halted.txt"
expect "$out/halted.txt" "▶ halted: "
tmux send-keys -t "$session" n
wait_for "⏸ halted (after request." 20
wait_halted 1
capture >"$out/halted.next.txt"
expect "$out/halted.next.txt" "● running"
tmux send-keys -t "$session" n
wait_halted 0
for ((i = 0; i < 200; i++)); do
	[[ $(strip | grep -o "● running" | wc -l) -eq 2 ]] && break
	sleep 0.1
done
[[ $(strip | grep -o "● running" | wc -l) -eq 2 ]] || fail "n twice after h did not let both services run on"

# t: the gateway shuts down first, then the greeter; both exit.
tmux send-keys -t "$session" t
next_until "exited with code 0" 40
capture >"$out/exited.txt"
expect "$out/exited.txt" "stopped │ gateway stopped" "✓ exit  code 0"
tmux send-keys -t "$session" q
# Every service and process kratos-trace started is gone; the system's
# temporary directories are its own to check (cmd/kratos-trace's tests).
target_pids=$children target_dir=
check_restored system
expect "$out/system-after.txt" "EXITED rc=0"

echo "tmux-system: ok (captures in $out)"
