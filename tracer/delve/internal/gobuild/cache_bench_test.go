package gobuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The build cache pays for itself when keying a build costs less than the
// link it saves. These benchmarks measure both on the demo; bench/run runs
// them and puts the numbers in docs/BENCHMARKS.md.

func demoTarget(b *testing.B) *Target {
	b.Helper()
	t, err := ResolveTarget(context.Background(), demoDir)
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// BenchmarkBuildKey is what every run pays for the cache: go env and go list
// -deps of the demo, and hashing its module's files. A first run or a run
// after an edit computes it beside the build.
func BenchmarkBuildKey(b *testing.B) {
	t := demoTarget(b)
	for b.Loop() {
		env, err := readGoEnv(context.Background(), t.Dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := computeBuildKey(context.Background(), t.Dir, env, append(debugBuildFlags(env["GOFLAGS"]), ".")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDebugRelink is a debug build of the demo with every package
// already compiled in the go command's cache: what a run without the build
// cache pays, mostly the link.
func BenchmarkDebugRelink(b *testing.B) {
	t := demoTarget(b)
	dir := b.TempDir()
	// The first build may compile; the loop then measures relinks.
	if _, err := Build(t, dir, Options{NoCache: true}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		// A new directory each time: go build skips writing an output that
		// is already up to date.
		i++
		out := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(out, 0o755); err != nil {
			b.Fatal(err)
		}
		if _, err := Build(t, out, Options{NoCache: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheHit is a second run of the unchanged demo: the warm index
// (statindex.go), a hard link out of the cache and a check of the binary's
// build info.
func BenchmarkCacheHit(b *testing.B) {
	t := demoTarget(b)
	b.Setenv(cacheDirEnv, b.TempDir())
	dir := b.TempDir()
	if _, err := Build(t, dir, Options{}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		out := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(out, 0o755); err != nil {
			b.Fatal(err)
		}
		res, err := Build(t, out, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !res.Cached {
			b.Fatal("the unchanged demo was rebuilt")
		}
	}
}
