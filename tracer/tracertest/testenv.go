package tracertest

import (
	"fmt"
	"os"
	"testing"
)

// CacheDirEnv is the variable that moves kratos-trace's build cache (it is
// read by tracer/delve, which this package cannot import).
const CacheDirEnv = "KRATOS_TRACE_CACHE_DIR"

// MainWithOwnCache runs a package's tests with kratos-trace's build cache
// in a directory of their own, never the user's, and removes it at the
// end; programs the tests start inherit it. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(tracertest.MainWithOwnCache(m)) }
//
// The tests of one package share the directory, so that a debug build one
// test stores is reused by the next, as a user's second run would.
func MainWithOwnCache(m *testing.M) int {
	if os.Getenv(ownCacheEnv) != "" && os.Getenv(CacheDirEnv) != "" {
		// A test's helper process (the test binary run again by a test):
		// the parent owns the directory and removes it; the helper may
		// be killed before it could.
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "kratos-trace-test-cache-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "create the test cache directory: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := os.Setenv(CacheDirEnv, dir); err != nil {
		fmt.Fprintf(os.Stderr, "set %s: %v\n", CacheDirEnv, err)
		return 1
	}
	if err := os.Setenv(ownCacheEnv, "1"); err != nil {
		fmt.Fprintf(os.Stderr, "set %s: %v\n", ownCacheEnv, err)
		return 1
	}
	return m.Run()
}

// ownCacheEnv marks CacheDirEnv as set by MainWithOwnCache, for the
// helper processes a test starts from its own binary.
const ownCacheEnv = "KRATOS_TRACE_TEST_OWN_CACHE"

// SkipWithoutPtrace skips a test that needs ptrace on a machine that does
// not allow it, saying why. When CI is set it fails the test instead: a CI
// host without ptrace would otherwise pass without running a single Delve
// test.
func SkipWithoutPtrace(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("ptrace is not permitted on this CI host, so this test cannot run (CI is set, so it fails rather than skips): %s", why)
	}
	t.Skipf("ptrace is not permitted here: %s", why)
}
