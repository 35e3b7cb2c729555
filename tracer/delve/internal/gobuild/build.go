// Package gobuild makes the debug build of a traced program: it resolves the
// main package the user named, builds it without optimisations and keeps the
// binaries in a cache keyed by what went into them, so an unchanged program
// starts without a link. It knows files and flags, not phases or Delve, as
// Delve keeps its own pkg/gobuild apart from service/debugger.
//
// The files: target.go resolves the main package; build.go runs the go
// command and reuses the cache; cache.go is the cache and its key;
// warmindex.go and statindex.go answer an unchanged tree without the go
// command; buildprogress.go follows a build under way.
package gobuild

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/debuglog"
)

// debugGCFlags turns off optimisations and inlining so that every variable and
// every function can be seen by the debugger.
const debugGCFlags = "all=-N -l"

// maxCompilerLines bounds how much of a failed build is shown.
const maxCompilerLines = 30

// Options say how Build reuses earlier builds and reports
// progress.
type Options struct {
	// NoCache builds from scratch and leaves the build cache alone.
	NoCache bool
	// Status, if set, is told what happens: a build or a cache hit.
	Status func(format string, args ...any)
	// Cancel, when closed, stops a build under way.
	Cancel <-chan struct{}
	// Lease, if set, has the watchdog kill a build under way should
	// kratos-trace die during it.
	Lease Lease
	// Progress, if set, is told how far a build got, once a second while
	// it runs (buildprogress.go).
	Progress func(tracer.BuildProgress)
}

// Lease is where a build registers its process group while it runs, so
// that what cleans up after a kratos-trace killed mid-build can stop the
// build too (tracer/delve/internal/watchdog's Lease).
type Lease interface {
	Add(format string, args ...any)
	Drop(format string, args ...any)
}

// Result says where the debug binary is and whether it came from the
// build cache.
type Result struct {
	Bin    string
	Cached bool
}

// ErrCancelled is returned when opts.Cancel stopped the build.
var ErrCancelled = errors.New("the build was cancelled")

// debugBuildFlags are the go build flags of a debug build (besides -o),
// given the GOFLAGS the go command sees.
func debugBuildFlags(goflags string) []string {
	// The cache key ignores version control, so the binary must too.
	flags := []string{"-gcflags", debugGCFlags, "-buildvcs=false"}
	// Uncompressed DWARF links no slower and saves Delve inflating it at
	// every launch (about 0.2 s for a Kratos service). -ldflags on the
	// command line would replace the user's own from GOFLAGS, so then the
	// DWARF stays compressed.
	if !strings.Contains(goflags, "-ldflags") {
		flags = append(flags, "-ldflags=-compressdwarf=false")
	}
	return flags
}

// Build puts a debug build of t (debugGCFlags) into dir: from the
// build cache when the program is unchanged since a build of it was stored,
// else built with the go command and then stored. A failed compile returns a
// *tracer.UserError carrying the compiler's own lines. The cache is an optimisation
// only: when it cannot be used, the program is built as if it did not exist.
//
// When the warm index (warmindex.go) vouches that nothing the last key was
// computed from has changed, that key is used as it is: an unchanged tree
// costs a few stats, no go command. Otherwise (the first run, an edit) the
// build starts at once with the key computed beside it, so a miss costs
// what a build costs; a hit after all stops the build.
func Build(t *Target, dir string, opts Options) (Result, error) {
	status := opts.Status
	if status == nil {
		status = func(string, ...any) {}
	}
	name := "target"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	res := Result{Bin: filepath.Join(dir, name)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if opts.Cancel != nil {
		go func() {
			select {
			case <-opts.Cancel:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	building := func() { status("building %s with -gcflags='%s'", t.Pattern, debugGCFlags) }

	var cache *buildCache
	if !opts.NoCache {
		var err error
		if cache, err = openBuildCache(); err != nil {
			debuglog.Printf("build cache: %v", err)
		}
	}
	// packages is the build's package count from last time: the progress's
	// total from the start. The key counts them too, but the first total a
	// build is given stands (setTotal), so the key's count is used only
	// when there was no last time.
	packages := 0
	if cache != nil {
		if warm := cache.lookupWarmBuild(t.Dir); warm != nil {
			key := &buildKey{key: warm.Key, goVersion: warm.GoEnv["GOVERSION"]}
			if takeFromCache(cache, key, res.Bin) {
				debuglog.Printf("build cache: hit %s in %s, by the warm index", key.key[:12], cache.dir)
				status("building %s: unchanged since the last build, reusing it from the cache", t.Pattern)
				res.Cached = true
				return res, nil
			}
			debuglog.Printf("build cache: the warm index holds, but the entry %s is gone", key.key[:12])
		}
		packages = cache.lastPackages(t.Dir)
	}

	goEnv, err := readGoEnv(ctx, t.Dir)
	if err != nil {
		// go build will say what is wrong.
		debuglog.Printf("build cache: %v", err)
		goEnv = map[string]string{"GOFLAGS": os.Getenv("GOFLAGS")}
		cache = nil
	}
	flags := debugBuildFlags(goEnv["GOFLAGS"])
	if cache == nil {
		building()
		build := startBuild(ctx, t, res.Bin, flags, opts)
		if opts.Progress != nil {
			// Only the progress needs the total.
			go func() { build.follow.setTotal(countPackages(ctx, t.Dir)) }()
		}
		return res, waitBuild(build, t)
	}

	// started is when the build and the hashing began: a file modified
	// later may have been read differently by the two.
	started := time.Now()
	building()
	build := startBuild(ctx, t, res.Bin, flags, opts)
	if packages > 0 {
		build.follow.setTotal(packages)
	}
	key, err := computeBuildKey(ctx, t.Dir, goEnv, append(flags, "."))
	if err == nil {
		build.follow.setTotal(key.packages)
	}
	if ctx.Err() != nil {
		build.stop()
		return res, ErrCancelled
	}
	if err != nil {
		debuglog.Printf("build cache: %v", err)
		return res, waitBuild(build, t)
	}
	// A build that already finished is as good as the entry.
	if !build.finished() && cache.has(key.key) {
		build.stop()
		_ = os.Remove(res.Bin)
		if takeFromCache(cache, key, res.Bin) {
			debuglog.Printf("build cache: hit %s in %s", key.key[:12], cache.dir)
			status("building %s: unchanged since the last build, reusing it from the cache", t.Pattern)
			// Next time the warm index answers without the go command.
			if key.unchanged() {
				if err := cache.saveWarmBuild(t, goEnv, key); err != nil {
					debuglog.Printf("build cache: %v", err)
				}
			}
			res.Cached = true
			return res, nil
		}
		build = startBuild(ctx, t, res.Bin, flags, opts)
	}
	if err := waitBuild(build, t); err != nil {
		return res, err
	}
	switch {
	case !key.unchanged() || !key.settledBefore(started):
		debuglog.Printf("build cache: sources changed while building; not storing it")
	default:
		if err := cache.store(key.key, res.Bin); err != nil {
			debuglog.Printf("build cache: %v", err)
		}
		if err := cache.saveWarmBuild(t, goEnv, key); err != nil {
			debuglog.Printf("build cache: %v", err)
		}
	}
	return res, nil
}

// takeFromCache places the entry for key at bin if there is a usable one.
func takeFromCache(cache *buildCache, key *buildKey, bin string) bool {
	hit, err := cache.fetch(key.key, bin)
	if err != nil {
		debuglog.Printf("build cache: %v", err)
	}
	if hit && !usableBinary(bin, key.goVersion) {
		// A damaged entry (a crash while it was written, a full disk)
		// costs a rebuild, never a failed launch.
		debuglog.Printf("build cache: entry %s is damaged; rebuilding", key.key[:12])
		cache.discard(key.key)
		_ = os.Remove(bin)
		hit = false
	}
	return hit
}

// runningBuild is a go build under way.
type runningBuild struct {
	cmd *exec.Cmd
	// follow reads the build's -json -x events; stderr holds the go
	// command's own messages.
	follow  *buildFollower
	stderr  bytes.Buffer
	done    chan struct{}
	err     error
	stopped atomic.Bool
}

// startBuild starts `go build` of t into bin with flags. Cancelling ctx
// interrupts the go command and the compiler and linker it runs. Delve's
// pkg/gobuild builds the same command line but takes no context and no
// process group, so a closed trace could not stop a build; hence our own.
func startBuild(ctx context.Context, t *Target, bin string, flags []string, opts Options) *runningBuild {
	b := &runningBuild{done: make(chan struct{}), follow: newBuildFollower()}
	lease := opts.Lease
	// -json -x: each step as an event, for the progress (buildprogress.go).
	args := append([]string{"build", "-json", "-x", "-o", bin}, flags...)
	b.cmd = exec.Command("go", append(args, ".")...)
	b.cmd.Dir = t.Dir
	if os.Getenv("GOTMPDIR") == "" {
		// The go command's work directory goes next to the binary, so that
		// whatever an interrupted build leaves there goes with the trace's
		// temporary directory.
		work := filepath.Join(filepath.Dir(bin), "go-build")
		if err := os.MkdirAll(work, 0o700); err == nil {
			b.cmd.Env = append(os.Environ(), "GOTMPDIR="+work)
		}
	}
	b.cmd.Stdout = b.follow
	b.cmd.Stderr = &b.stderr
	startInOwnGroup(b.cmd)
	if err := b.cmd.Start(); err != nil {
		b.err = fmt.Errorf("run go build: %w", err)
		close(b.done)
		return b
	}
	pgid := b.cmd.Process.Pid
	if lease != nil {
		lease.Add("group %d", pgid)
	}
	go func() {
		defer close(b.done)
		b.err = b.cmd.Wait()
		if lease != nil {
			lease.Drop("group %d", pgid)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			b.stop()
		case <-b.done:
		}
	}()
	if opts.Progress != nil {
		go func() {
			tick := time.NewTicker(progressInterval)
			defer tick.Stop()
			linking := b.follow.linkStarted
			for {
				select {
				case <-b.done:
					return
				case <-linking:
					linking = nil
					opts.Progress(b.follow.progress())
				case <-tick.C:
					opts.Progress(b.follow.progress())
				}
			}
		}()
	}
	return b
}

// finished reports whether the build has ended.
func (b *runningBuild) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// stop interrupts the build and waits for it to end: the go command then
// removes its work directory. A build that ignores the interrupt is killed.
func (b *runningBuild) stop() {
	if b.finished() {
		return
	}
	b.stopped.Store(true)
	interruptGroup(b.cmd)
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		killGroup(b.cmd)
		<-b.done
	}
}

// waitBuild waits for b; a failed build becomes a *tracer.UserError carrying
// the compiler's or go's lines (buildfailure.go).
func waitBuild(b *runningBuild, t *Target) error {
	<-b.done
	switch {
	case b.err == nil:
		return nil
	case b.stopped.Load():
		return ErrCancelled
	}
	var exitErr *exec.ExitError
	if !errors.As(b.err, &exitErr) {
		return b.err
	}
	return buildFailure(t, b.follow.failureText()+b.stderr.String(), b.follow.failedPackages(), b.err)
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
