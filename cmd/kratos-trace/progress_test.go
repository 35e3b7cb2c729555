package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestBuildProgressOnAColdCache: with an empty Go build cache every package
// is compiled, and stderr says how far the build is, N/M packages, at least
// once a second, then that it links; a second run says it reuses the build.
func TestBuildProgressOnAColdCache(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the standard library from scratch")
	}
	t.Setenv("GOCACHE", t.TempDir())
	// And no debug build of it in kratos-trace's cache from another test.
	t.Setenv(tracertest.CacheDirEnv, t.TempDir())
	code, _, stderr := runCLI(t, "run", "--headless", "testdata/programs/bigoutput")
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	progress := regexp.MustCompile(`(?m)^kratos-trace: compiling (\d+)/(\d+) packages, (\d+)s$`)
	lines := progress.FindAllStringSubmatch(stderr, -1)
	if len(lines) < 2 {
		t.Fatalf("fewer than two progress lines:\n%s", stderr)
	}
	last, seconds := -1, -1
	for _, l := range lines {
		n, _ := strconv.Atoi(l[1])
		total, _ := strconv.Atoi(l[2])
		s, _ := strconv.Atoi(l[3])
		if n < last || n > total || total < 20 {
			t.Errorf("progress %s/%s after %d", l[1], l[2], last)
		}
		if seconds >= 0 && s-seconds > 1 {
			t.Errorf("no progress between %ds and %ds", seconds, s)
		}
		last, seconds = n, s
	}
	if !regexp.MustCompile(`(?m)^kratos-trace: linking \(\d+ packages compiled`).MatchString(stderr) {
		t.Errorf("stderr does not say it links:\n%s", stderr)
	}
	_, _, again := runCLI(t, "run", "--headless", "testdata/programs/bigoutput")
	if !strings.Contains(again, "unchanged since the last build, reusing it from the cache") {
		t.Errorf("the second run does not say it reuses the build:\n%s", again)
	}
}
