package gobuild

import (
	"os"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// demoDir is the demo service, the program the benchmarks build.
const demoDir = "../../../../demo"

// TestMain keeps the tests' debug builds out of the user's build cache.
func TestMain(m *testing.M) {
	os.Exit(tracertest.MainWithOwnCache(m))
}
