package replay

import (
	"os"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestMain keeps the live test's debug build out of the user's build
// cache, and lets the test binary serve as its trace's watchdog.
func TestMain(m *testing.M) {
	delve.RunWatchdogIfAsked()
	os.Exit(tracertest.MainWithOwnCache(m))
}
