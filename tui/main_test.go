package tui

import (
	"os"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestMain lets the test binary serve as the watchdog of the real traces
// the flows on the demo start (realflow_test.go), and keeps their debug
// builds out of the user's build cache.
func TestMain(m *testing.M) {
	delve.RunWatchdogIfAsked()
	os.Exit(tracertest.MainWithOwnCache(m))
}
