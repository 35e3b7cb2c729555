// Command speed times kratos-trace against raw Delve on the demo, in one run
// on one machine: `dlv debug --init` and `dlv exec --init` of the prebuilt
// debug binary with the same breakpoints and prints, `kratos-trace run
// --headless` with an empty build cache (held against dlv debug) and with a
// warm one (held against dlv exec), the latency of each stop and
// kratos-trace's peak memory. It prints the results with their ratios to
// raw dlv and writes them into the Speed section of docs/BENCHMARKS.md.
//
// Run it through bench/run from anywhere in the repository.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// options are the command line of the benchmark.
type options struct {
	rounds     int
	pkg        string
	docs       string
	dlv        string
	runTimeout time.Duration
	keep       bool
	microBench bool
	system     bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, log io.Writer) int {
	var opts options
	fs := flag.NewFlagSet("bench/run", flag.ContinueOnError)
	fs.SetOutput(log)
	fs.IntVar(&opts.rounds, "rounds", 5, "how many times each of dlv debug, dlv exec, cold and warm runs; rounds interleave them")
	fs.StringVar(&opts.pkg, "pkg", "./demo/cmd/server", "the main package to trace, relative to the repository root")
	fs.StringVar(&opts.docs, "docs", "docs/BENCHMARKS.md", "the file whose Speed section gets the results; empty to write none")
	fs.StringVar(&opts.dlv, "dlv", "", "a dlv binary to use instead of installing the Delve version of go.mod")
	fs.DurationVar(&opts.runTimeout, "run-timeout", 3*time.Minute, "the longest one traced run may take")
	fs.BoolVar(&opts.keep, "keep", false, "keep the work directory (logs, init script, binaries)")
	fs.BoolVar(&opts.microBench, "micro", true, "also run the Go benchmarks of the build cache")
	fs.BoolVar(&opts.system, "system", true, "also time the demo system (etcd, greeter, gateway) against two raw dlv exec sessions")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if opts.rounds < 1 {
		fmt.Fprintln(log, "bench: -rounds must be at least 1")
		return 2
	}
	b := &bench{opts: opts, log: log}
	res, err := b.run(ctx)
	if err != nil {
		fmt.Fprintf(log, "bench: %v\n", err)
		return 1
	}
	report := res.markdown()
	fmt.Fprintln(out, report)
	if opts.docs != "" {
		if err := writeSpeedSection(opts.docs, report); err != nil {
			fmt.Fprintf(log, "bench: %v\n", err)
			return 1
		}
		fmt.Fprintf(log, "bench: wrote the Speed section of %s\n", opts.docs)
	}
	if !res.targetsMet() {
		fmt.Fprintln(log, "bench: some targets were missed (see the table)")
	}
	return 0
}

// bench holds what one benchmark run sets up.
type bench struct {
	opts options
	log  io.Writer

	work       string // temporary directory for everything the run makes
	repo       string
	pkgDir     string
	kt         string // the kratos-trace binary
	dlv        string
	dlvVersion string
	confDir    string
	warmCache  string
	// prebuilt is the demo's debug binary as the warm cache holds it, for
	// dlv exec.
	prebuilt string
	script   string
	running  location // app.running, where SIGTERM is sent
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// run sets up, measures every round and the micro benchmarks, and returns
// the results.
func (b *bench) run(ctx context.Context) (*results, error) {
	started := time.Now()
	var err error
	if b.repo, err = repoRoot(); err != nil {
		return nil, err
	}
	if b.work, err = os.MkdirTemp("", "kratos-trace-bench-"); err != nil {
		return nil, err
	}
	if b.opts.keep {
		b.logf("work directory %s is kept", b.work)
	} else {
		defer os.RemoveAll(b.work)
	}
	res := &results{machine: describeMachine(ctx), rounds: b.opts.rounds, pkg: b.opts.pkg}
	if err := b.setUp(ctx); err != nil {
		return nil, err
	}
	res.dlvVersion = b.dlvVersion

	kinds := []runKind{kindDlv, kindDlvExec, kindCold, kindWarm}
	for r := range b.opts.rounds {
		// Rotating the order spreads the drift of a shared machine's load
		// over all three.
		for i := range kinds {
			kind := kinds[(i+r)%len(kinds)]
			m, err := b.measure(ctx, kind, r)
			if err != nil {
				return nil, fmt.Errorf("round %d, %s: %w", r+1, kind, err)
			}
			b.logf("round %d/%d %-5s %7.2fs  first stop %6.2fs  %2d stops  peak RSS %s", r+1, b.opts.rounds, kind,
				m.wall.Seconds(), m.firstStop.Seconds(), m.stops, formatKB(m.hwmKB))
			res.add(kind, m)
		}
	}
	if b.opts.system {
		if err := b.systemRounds(ctx, res); err != nil {
			return nil, err
		}
	}
	if b.opts.microBench {
		b.logf("running the Go benchmarks of the build cache")
		if res.micro, err = b.microBenchmarks(ctx); err != nil {
			return nil, err
		}
	}
	res.loadAfter = loadAverage()
	res.took = time.Since(started)
	return res, nil
}

// setUp builds kratos-trace, installs dlv, writes the demo's config, warms
// the go command's compile cache and the warm build cache, and writes the
// dlv init script from the plan kratos-trace resolves.
func (b *bench) setUp(ctx context.Context) error {
	var err error
	// The package may be in a module of its own (the demo is): the go
	// command is asked from its directory.
	b.pkgDir, err = goOutput(ctx, filepath.Join(b.repo, b.opts.pkg), nil, "list", "-f", "{{.Dir}}", ".")
	if err != nil {
		return fmt.Errorf("find %s: %w", b.opts.pkg, err)
	}

	b.logf("building kratos-trace")
	b.kt = filepath.Join(b.work, "kratos-trace")
	if _, err := goOutput(ctx, b.repo, nil, "build", "-o", b.kt, "./cmd/kratos-trace"); err != nil {
		return fmt.Errorf("build kratos-trace: %w", err)
	}

	if err := b.installDlv(ctx); err != nil {
		return err
	}

	if b.confDir, err = writeDemoConfig(b.work); err != nil {
		return err
	}

	// Both sides are measured with every package already compiled by the
	// go command, as after any earlier build of the program: what differs
	// is the link and what comes after it. dlv builds with CGO_CFLAGS=-O0 -g
	// (unless it is set), which changes the compiled form of every package
	// above net, so its variant is compiled too.
	b.logf("compiling %s with -gcflags='all=-N -l' as kratos-trace and as dlv do (not timed)", b.opts.pkg)
	variants := [][]string{nil}
	if os.Getenv("CGO_CFLAGS") == "" {
		variants = append(variants, []string{"CGO_CFLAGS=-O0 -g"})
	}
	for i, env := range variants {
		out := filepath.Join(b.work, fmt.Sprintf("warmup-%d", i))
		if _, err := goOutput(ctx, b.pkgDir, env, "build", "-gcflags=all=-N -l", "-o", out, "."); err != nil {
			return fmt.Errorf("build %s: %w", b.opts.pkg, err)
		}
	}

	b.logf("resolving the phases with kratos-trace phases, which also fills the warm cache")
	b.warmCache = filepath.Join(b.work, "cache-warm")
	plan, err := b.phases(ctx)
	if err != nil {
		return err
	}
	if b.prebuilt, err = b.copyPrebuilt(); err != nil {
		return err
	}
	script, running, err := dlvInitScript(plan)
	if err != nil {
		return err
	}
	b.running = running
	b.script = filepath.Join(b.work, "init.dlv")
	return os.WriteFile(b.script, []byte(script), 0o644)
}

// copyPrebuilt copies the demo's debug binary out of the warm cache, which
// `kratos-trace phases` just filled: dlv exec runs the very binary a warm
// trace runs.
func (b *bench) copyPrebuilt() (string, error) {
	des, err := os.ReadDir(b.warmCache)
	if err != nil {
		return "", fmt.Errorf("read the warm cache: %w", err)
	}
	for _, de := range des {
		if len(de.Name()) != 64 || !de.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(b.warmCache, de.Name()))
		if err != nil {
			return "", err
		}
		dst := filepath.Join(b.work, "prebuilt", "server")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		return dst, os.WriteFile(dst, data, 0o755)
	}
	return "", errors.New("the warm cache holds no debug build of the demo")
}

// installDlv installs the Delve version go.mod requires into the work
// directory, unless -dlv names one.
func (b *bench) installDlv(ctx context.Context) error {
	version, err := goOutput(ctx, b.repo, nil, "list", "-m", "-f", "{{.Version}}", "github.com/go-delve/delve")
	if err != nil {
		return fmt.Errorf("find the Delve version in go.mod: %w", err)
	}
	b.dlv = b.opts.dlv
	if b.dlv == "" {
		b.logf("installing dlv %s with go install", version)
		gobin := filepath.Join(b.work, "bin")
		if _, err := goOutput(ctx, b.repo, []string{"GOBIN=" + gobin}, "install", "github.com/go-delve/delve/cmd/dlv@"+version); err != nil {
			return fmt.Errorf("install dlv: %w", err)
		}
		b.dlv = filepath.Join(gobin, "dlv")
	}
	v, err := commandOutput(ctx, b.repo, nil, b.dlv, "version")
	if err != nil {
		return fmt.Errorf("dlv version: %w", err)
	}
	for _, line := range strings.Split(v, "\n") {
		if strings.HasPrefix(line, "Version:") {
			b.dlvVersion = strings.TrimSpace(strings.TrimPrefix(line, "Version:"))
		}
	}
	if b.dlvVersion != strings.TrimPrefix(version, "v") {
		b.logf("note: dlv reports version %q, go.mod requires %s", b.dlvVersion, version)
	}
	return nil
}

// repoRoot is the root of the kratos-trace module, found from the working
// directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(b), "module github.com/kratos-trace/kratos-trace\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run bench/run inside the kratos-trace repository")
		}
		dir = parent
	}
}
