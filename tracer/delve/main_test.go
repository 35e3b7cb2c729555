package delve

import (
	"os"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestMain keeps the tests' debug builds out of the user's build cache, and
// lets the test binary serve as the watchdog of the traces it starts.
func TestMain(m *testing.M) {
	RunWatchdogIfAsked()
	RunAttachHelperIfAsked()
	os.Exit(tracertest.MainWithOwnCache(m))
}
