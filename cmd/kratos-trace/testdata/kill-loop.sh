#!/usr/bin/env bash
# Kills kratos-trace at a random phase 50 times (or $1 times) and checks that
# nothing is left behind each time: no program process, no temp build dir,
# exit status 130. Then kills it with SIGKILL at app.running 10 times (or $2
# times): within 3 s no process of the trace is left (the program, the
# watchdog) and the program's ports are free. Run from anywhere inside the
# repository.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
KRATOS_TRACE_KILL_ITERATIONS="${1:-50}" KRATOS_TRACE_SIGKILL_ROUNDS="${2:-10}" \
  go test -count=1 -run 'TestKilledAtRandomPhase|TestSIGKILLLeavesNothing' -v -timeout 90m ./cmd/kratos-trace
