#!/usr/bin/env bash
# tmux-requests.sh drives the real TUI on the demo in a 120x40 tmux pane
# through requests, as a person would: at app.running a breakpoint is set in
# the service from the prompt, a request sent from outside with curl stops
# there, n runs it on; R then sends a request from the picker, with t and R
# offered all along; at its reply s says there is nothing to step, and R
# sends again; t walks the shutdown; q. It checks that the terminal was
# restored and that no traced program or temp dir is left.
#
#	tui/testdata/tmux-requests.sh          # captures go to a temp dir
#	OUT=/tmp/captures tui/testdata/tmux-requests.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$(mktemp -d -t tmux-requests.XXXXXX)}
mkdir -p "$out"
session=kt-requests-$$
kt=$out/kratos-trace

name=tmux-requests
# shellcheck source=tmux-lib.sh
source "$repo/tui/testdata/tmux-lib.sh"
# hints_offer: the hint bar, the last line, offers t and R.
hints_offer() {
	local when=$1 hints
	hints=$(capture | tail -1)
	grep -qF "t SIGTERM" <<<"$hints" && grep -qF "R request" <<<"$hints" ||
		fail "$when, the hints do not offer t and R: $hints"
}

# Long server timeouts: the request sits at its stops while the script
# reads them.
write_demo_config 60s
start_demo
press_until n "paused at app.running" 30
# The port the HTTP server took, from its endpoint in Servers.
addr=$(capture | grep -oE 'http://127\.0\.0\.1:[1-9][0-9]*' | head -1)
[[ -n $addr ]] || fail "no HTTP endpoint in Servers"

# A breakpoint in the service, from the prompt, before any request.
press :
tmux send-keys -t "$session" -l "break internal/service/greeter.go:28"
press Enter
wait_for "breakpoint at" 10
press Escape
press n
wait_for "running, waiting for a signal" 10

# curl, from outside, stops at it; n runs it on to its answer.
curl -s -m 120 "$addr/helloworld/outside" >"$out/curl.txt" &
curl_pid=$!
press_until n "paused at break" 20
capture >"$out/break.txt"
hints_offer "at the breakpoint"
for ((i = 0; i < 40; i++)); do
	kill -0 "$curl_pid" 2>/dev/null || break
	press n
	sleep 0.4
done
wait "$curl_pid" || fail "curl failed"
grep -qF "Hello outside" "$out/curl.txt" || fail "curl got $(cat "$out/curl.txt")"
wait_for "running after" 10
hints_offer "running on after the breakpoint"

# R sends from the picker.
press R
wait_for "GET /helloworld/{name}" 10
press Enter
press Enter
wait_for "#1 GET /helloworld/" 20
press_until n "paused at request.reply" 30
capture >"$out/reply.txt"
# s at the reply: nothing to step there; R still sends.
press s
wait_for "nothing to step here" 10
hints_offer "after s at the reply"
press R
wait_for "GET /helloworld/{name}" 10
press Enter
press Enter
wait_for "#2 GET /helloworld/" 20
capture >"$out/second.txt"
press_until n "paused at request.reply" 30
press t
press_until n "paused at app.stop" 30

quit_and_check
echo "tmux-requests: ok (captures in $out)"
