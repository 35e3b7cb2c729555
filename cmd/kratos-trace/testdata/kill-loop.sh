#!/usr/bin/env bash
# Kills kratos-trace at a random phase 50 times (or $1 times) and checks that
# nothing is left behind each time: no program process, no temp build dir,
# exit status 130. Run from anywhere inside the repository.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
KRATOS_TRACE_KILL_ITERATIONS="${1:-50}" go test -count=1 -run TestKilledAtRandomPhase -v -timeout 60m ./cmd/kratos-trace
