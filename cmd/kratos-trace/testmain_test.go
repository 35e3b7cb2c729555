package main

import (
	"os"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestMain keeps the tests' debug builds, in-process and in the
// kratos-trace processes they start, out of the user's build cache.
func TestMain(m *testing.M) {
	// The in-process traces get a watchdog, as kratos-trace's own do.
	delve.RunWatchdogIfAsked()
	delve.RunAttachHelperIfAsked()
	os.Exit(tracertest.MainWithOwnCache(m))
}
