package delve

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-delve/delve/pkg/gobuild"
)

// debugGCFlags turns off optimisations and inlining so that every variable and
// every function can be seen by the debugger.
const debugGCFlags = "all=-N -l"

// maxCompilerLines bounds how much of a failed build is shown.
const maxCompilerLines = 30

// buildOptions say how buildDebugBinary reuses earlier builds and reports
// progress.
type buildOptions struct {
	// NoCache builds from scratch and leaves the build cache alone.
	NoCache bool
	// Status, if set, is told what happens: a build or a cache hit.
	Status func(format string, args ...any)
}

// buildResult says where the debug binary is and whether it came from the
// build cache.
type buildResult struct {
	Bin    string
	Cached bool
}

// buildDebugBinary puts a debug build of t (debugGCFlags) into dir: from the
// build cache when the program is unchanged since a build of it was stored,
// else built with the go command and then stored. A failed compile returns a
// *UserError carrying the compiler's own lines. The cache is an optimisation
// only: when it cannot be used, the program is built as if it did not exist.
func buildDebugBinary(t *Target, dir string, opts buildOptions) (buildResult, error) {
	status := opts.Status
	if status == nil {
		status = func(string, ...any) {}
	}
	name := "target"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	res := buildResult{Bin: filepath.Join(dir, name)}
	flags := []string{"-gcflags", debugGCFlags}

	var cache *buildCache
	var key *buildKey
	if !opts.NoCache {
		var err error
		if cache, err = openBuildCache(); err == nil {
			key, err = computeBuildKey(context.Background(), t.Dir, append(flags, "."))
		}
		if err != nil {
			if !errors.Is(err, errUncacheable) {
				debugf("build cache: %v", err)
			}
			cache = nil
		}
	}
	if cache != nil {
		hit, err := cache.fetch(key.key, res.Bin)
		if err != nil {
			debugf("build cache: %v", err)
		}
		if hit && !usableBinary(res.Bin, key.goVersion) {
			// A damaged entry (a crash while it was written, a full disk)
			// costs a rebuild, never a failed launch.
			debugf("build cache: entry %s is damaged; rebuilding", key.key[:12])
			cache.discard(key.key)
			_ = os.Remove(res.Bin)
			hit = false
		}
		if hit {
			debugf("build cache: hit %s in %s", key.key[:12], cache.dir)
			status("building %s: unchanged since the last build, reusing it from the cache", t.Pattern)
			res.Cached = true
			return res, nil
		}
	}

	status("building %s with -gcflags='%s'", t.Pattern, debugGCFlags)
	// -C makes go build run in the package's own module, whatever our cwd is.
	_, out, err := gobuild.GoBuildCombinedOutput(res.Bin, []string{"."}, []string{"-C", t.Dir})
	if err != nil {
		return res, &UserError{
			Msg:    fmt.Sprintf("%s does not compile", t.Pattern),
			Hint:   "fix the errors above; `go build " + t.Pattern + "` shows the same",
			Detail: trimCompilerOutput(string(out)),
			Err:    err,
		}
	}
	if cache != nil {
		if !key.unchanged() {
			debugf("build cache: sources changed during the build; not storing it")
		} else if err := cache.store(key.key, res.Bin); err != nil {
			debugf("build cache: %v", err)
		}
	}
	return res, nil
}

// usableBinary reports whether the file at path is a Go program built by
// goVersion, as `go env GOVERSION` prints it.
func usableBinary(path, goVersion string) bool {
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return false
	}
	// A binary's version carries experiments as a suffix: "go1.26.1 X:…".
	v, _, _ := strings.Cut(info.GoVersion, " ")
	return goVersion == "" || v == goVersion
}

// trimCompilerOutput keeps the compiler's error lines and drops go's own
// package headers, bounded to maxCompilerLines.
func trimCompilerOutput(out string) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "# ") || strings.TrimSpace(line) == "" {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) > maxCompilerLines {
		more := len(keep) - maxCompilerLines
		keep = append(keep[:maxCompilerLines], fmt.Sprintf("… and %d more lines", more))
	}
	return strings.Join(keep, "\n")
}
