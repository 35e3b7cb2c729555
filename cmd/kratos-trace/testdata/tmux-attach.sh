#!/usr/bin/env bash
# tmux-attach.sh drives `kratos-trace attach` in a real 120x40 tmux pane on
# the stock kratos-layout fixture, built with a plain go build and running
# by itself: the attach stop shows the servers; n lets it serve and h halts
# it to list the goroutines; R sends a request, followed
# layer by layer to its reply; q detaches, and the program serves on,
# untraced and not stopped; a second attach walks the shutdown with t and
# the program exits 0. The terminal must be restored each time.
#
#	cmd/kratos-trace/testdata/tmux-attach.sh
#	OUT=/tmp/captures HTTP_ADDR=127.0.0.1:18000 GRPC_ADDR=127.0.0.1:19000 cmd/kratos-trace/testdata/tmux-attach.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
out=${OUT:-$(mktemp -d -t tmux-attach.XXXXXX)}
mkdir -p "$out"
session=attach24-tmux-$$
kt=$out/kratos-trace
svc=$out/layoutsvc
http_addr=${HTTP_ADDR:-127.0.0.1:$((20000 + RANDOM % 20000))}
grpc_addr=${GRPC_ADDR:-127.0.0.1:$((40000 + RANDOM % 20000))}

name=tmux-attach
# shellcheck source=../../../tui/testdata/tmux-lib.sh
source "$repo/tui/testdata/tmux-lib.sh"
svc_pid=
stop_service() { [[ -n $svc_pid ]] && kill "$svc_pid" 2>/dev/null || true; }
trap 'cleanup; stop_service' EXIT

# untraced_and_serving: the program answers and /proc says it has no
# tracer and is not stopped.
untraced_and_serving() {
	local status
	status=$(cat "/proc/$svc_pid/status") || fail "the program (pid $svc_pid) is gone"
	grep -q "^TracerPid:	0$" <<<"$status" || fail "the program is still traced: $(grep TracerPid <<<"$status")"
	grep -qE "^State:	[TtZ]" <<<"$status" && fail "the program is left $(grep State <<<"$status")"
	curl -sf -m 3 "http://$http_addr/helloworld/after" | grep -qF "Hello after" || fail "the program does not answer HTTP after the detach"
}

# restored: kratos-trace exited 0 and gave the terminal back.
restored() {
	wait_for "EXITED rc=0" 30
	local flags
	flags=$(tmux display -p -t "$session" '#{alternate_on} #{mouse_any_flag} #{cursor_flag}')
	[[ $flags == "0 0 1" ]] || fail "$1: terminal not restored (alternate mouse cursor: $flags)"
}

attach() { # attach NAME
	cleanup
	tmux new-session -d -s "$session" -x 120 -y 40 -c "$repo" \
		"$kt attach $svc_pid; echo EXITED rc=\$?; sleep 600"
}

echo "tmux-attach: building kratos-trace and the layout fixture (go build, optimised)"
(cd "$repo" && go build -o "$kt" ./cmd/kratos-trace)
(cd "$repo/tracer/delve/testdata/layout" && go build -o "$svc" ./cmd/server)
mkdir -p "$out/conf"
cat >"$out/conf/config.yaml" <<YAML
server:
  http:
    addr: $http_addr
    timeout: 1s
  grpc:
    addr: $grpc_addr
    timeout: 1s
data:
  database:
    driver: mysql
    source: root:root@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local
  redis:
    addr: 127.0.0.1:6379
YAML
"$svc" -conf "$out/conf" >"$out/service.log" 2>&1 &
svc_pid=$!
for ((i = 0; i < 100; i++)); do
	curl -sf -m 1 "http://$http_addr/helloworld/up" >/dev/null && break
	sleep 0.1
done
echo "tmux-attach: the service runs as pid $svc_pid on $http_addr and $grpc_addr"

# 1. Attach, look, follow a request, detach.
attach look
wait_for "paused at attach" 60
capture >"$out/attach.txt"
expect "$out/attach.txt" "▶ attach" "$http_addr" "$grpc_addr" "listening" "R request"
# n lets it run on, serving; h halts it: where is every goroutine?
tmux send-keys -t "$session" n
wait_for "running, waiting for a signal" 10
tmux send-keys -t "$session" h
wait_for "halted:" 20
capture >"$out/halt.txt"
expect "$out/halt.txt" "Goroutines" "main.main"
tmux send-keys -t "$session" R
wait_for "/helloworld/{name}" 20
capture >"$out/picker.txt"
tmux send-keys -t "$session" Enter
sleep 0.5
tmux send-keys -t "$session" Enter
wait_for "paused at request.transport" 30
press_until n "paused at request.reply" 20
capture >"$out/reply.txt"
expect "$out/reply.txt" "transport http" "service GreeterService" "biz GreeterUsecase" "data greeterRepo.Save" "reply 200 OK" "Hello kratos"
tmux send-keys -t "$session" q
restored detach
untraced_and_serving

# 2. Attach again and walk the shutdown with t.
attach shutdown
wait_for "paused at attach" 60
tmux send-keys -t "$session" t
wait_for "paused at app.stop" 30
press_until n "exited with code 0" 30
capture >"$out/exited.txt"
expect "$out/exited.txt" "app.stop" "server.stop" "exit  code 0"
tmux send-keys -t "$session" q
restored shutdown
for ((i = 0; i < 50; i++)); do
	kill -0 "$svc_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$svc_pid" 2>/dev/null && fail "the program still runs after its shutdown was walked"
wait "$svc_pid" && rc=0 || rc=$?
[[ $rc == 0 ]] || fail "the program exited with status $rc"
svc_pid=

echo "tmux-attach: ok (captures in $out)"
