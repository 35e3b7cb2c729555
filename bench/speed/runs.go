package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// runKind is one of the three things the benchmark times.
type runKind string

const (
	// kindDlv is `dlv debug`, which builds as a cold trace does.
	kindDlv runKind = "dlv"
	// kindDlvExec is `dlv exec` of the prebuilt debug binary, which a warm
	// trace is held against.
	kindDlvExec runKind = "dlvexec"
	kindCold    runKind = "cold"
	kindWarm    runKind = "warm"
)

// measurement is what one timed run gave.
type measurement struct {
	// wall is from starting the command to its exit.
	wall time.Duration
	// firstStop is from the start to the first breakpoint stop reported.
	firstStop time.Duration
	// binaryReady is from the start to kratos-trace's "launching" status:
	// the target resolved, the build keyed, then linked (cold) or taken
	// from the cache (warm). dlv does not say when its build is done.
	binaryReady time.Duration
	// launched is from the start to the program running under Delve:
	// kratos-trace's "tracing" status (breakpoints set), dlv's prompt
	// (before its init script sets the breakpoints).
	launched time.Duration
	stops    int
	// hwmKB is the peak resident set of the command's own process
	// (VmHWM), without the go command, the linker or the traced program.
	hwmKB int64
	// allHWMKB sums the peaks of every process of kratos-trace's binary:
	// its own and its watchdog's (kratos-trace runs, not dlv's). It is what
	// the system row's RSS, which has a Delve server process per service
	// besides, is compared with.
	allHWMKB int64
	// latencies are kratos-trace's per-stop times from the halt to the event.
	latencies []time.Duration
	// phaseLatency names each latency's stop, e.g. "stop app.run".
	phaseLatency []string
}

// measure runs one of the three kinds once.
func (b *bench) measure(ctx context.Context, kind runKind, round int) (measurement, error) {
	switch kind {
	case kindDlv:
		return b.runDlv(ctx, round)
	case kindDlvExec:
		return b.runDlvExec(ctx, round)
	case kindCold:
		cache := filepath.Join(b.work, fmt.Sprintf("cache-cold-%d", round))
		defer os.RemoveAll(cache)
		return b.runKratosTrace(ctx, cache, fmt.Sprintf("cold-%d", round))
	case kindWarm:
		return b.runKratosTrace(ctx, b.warmCache, fmt.Sprintf("warm-%d", round))
	}
	return measurement{}, fmt.Errorf("unknown kind %s", kind)
}

// runDlv runs `dlv debug --init` on the package, sends SIGTERM to the
// program when it stops at app.running, and waits for dlv to exit.
func (b *bench) runDlv(ctx context.Context, round int) (measurement, error) {
	outDir, err := os.MkdirTemp(b.work, "dlv-")
	if err != nil {
		return measurement{}, err
	}
	defer os.RemoveAll(outDir)
	// A fresh output path each time: go build skips writing a binary that
	// is already up to date, which would spare dlv the link.
	bin := filepath.Join(outDir, "debug")
	return b.watchDlv(ctx, fmt.Sprintf("dlv-%d", round), bin, "debug", "--allow-non-terminal-interactive=true",
		"--output", bin, "--init", b.script, ".", "--", "-conf", b.confDir)
}

// runDlvExec runs `dlv exec --init` on the prebuilt debug binary, the one
// kratos-trace's warm runs take from the cache, sends SIGTERM at
// app.running and waits for dlv to exit.
func (b *bench) runDlvExec(ctx context.Context, round int) (measurement, error) {
	return b.watchDlv(ctx, fmt.Sprintf("dlvexec-%d", round), b.prebuilt, "exec", "--allow-non-terminal-interactive=true",
		"--init", b.script, b.prebuilt, "--", "-conf", b.confDir)
}

// watchDlv runs dlv with args in the package directory, watching its
// output for the prompt, the stops and the exit; it sends SIGTERM to the
// program (the executable bin) when it stops at app.running.
func (b *bench) watchDlv(ctx context.Context, name, bin string, args ...string) (measurement, error) {
	// Whatever happens, the program must not outlive the run.
	defer killByExe(bin)
	ctx, cancel := context.WithTimeout(ctx, b.opts.runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.dlv, args...)
	cmd.Dir = b.pkgDir
	var m measurement
	runningHit := fmt.Sprintf("%s:%d (hits", filepath.Base(b.running.file), b.running.line)
	exited := false
	var failure string
	var signalled bool
	var logBuf bytes.Buffer
	res, err := runCommand(cmd, func(at time.Duration, stream, line string) {
		logBuf.WriteString(line + "\n")
		switch {
		case strings.HasPrefix(line, "Type 'help' for list of commands."):
			m.launched = at
		case strings.HasPrefix(line, "> [Breakpoint"):
			m.stops++
			if m.firstStop == 0 {
				m.firstStop = at
			}
			if !signalled && strings.Contains(line, runningHit) {
				signalled = true
				if pid := findByExe(cmd.Process.Pid, bin); pid > 0 {
					_ = syscall.Kill(pid, syscall.SIGTERM)
				} else {
					failure = "the program under dlv was not found to send SIGTERM"
				}
			}
		case strings.HasPrefix(line, "> [unrecovered-panic]"), strings.HasPrefix(line, "> [fatal-error]"):
			failure = "the program panicked under dlv"
		case strings.Contains(line, "has exited with status 0"):
			exited = true
		}
	})
	_ = os.WriteFile(filepath.Join(b.work, name+".log"), logBuf.Bytes(), 0o644)
	if err != nil {
		return m, err
	}
	if failure == "" && !exited {
		failure = "the program did not exit with status 0 under dlv"
	}
	if failure != "" {
		return m, fmt.Errorf("%s; the end of its output:\n%s", failure, tail(logBuf.String(), 15))
	}
	m.wall, m.hwmKB = res.wall, res.hwmKB
	return m, nil
}

// benchWatches are the watches both kratos-trace and raw dlv read at every
// stop: a package variable, read everywhere, and an expression of the App,
// which only its methods can read.
var benchWatches = []string{"main.flagconf", "len(a.opts.servers)"}

// latencyLine is the debug line kratos-trace logs for each stop.
var latencyLine = regexp.MustCompile(`^debug: stop-latency (\S+ .*) (\d+)us$`)

// runKratosTrace runs `kratos-trace run --headless --json` with the build
// cache in cacheDir and KRATOS_TRACE_DEBUG on for the per-stop latencies.
func (b *bench) runKratosTrace(ctx context.Context, cacheDir, name string) (measurement, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.runTimeout)
	defer cancel()
	args := []string{"run", "--headless", "--json"}
	for _, w := range benchWatches {
		args = append(args, "--watch", w)
	}
	cmd := exec.CommandContext(ctx, b.kt, append(args, b.opts.pkg, "--", "-conf", b.confDir)...)
	cmd.Dir = b.repo
	cmd.Env = append(os.Environ(), "KRATOS_TRACE_CACHE_DIR="+cacheDir, "KRATOS_TRACE_DEBUG=1")
	// An interrupted kratos-trace kills its program and removes its files.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	var m measurement
	exitCode := -1
	var logBuf bytes.Buffer
	stopSampling := make(chan struct{})
	allPeak := sampleExeHWM(b.kt, stopSampling)
	res, err := runCommand(cmd, func(at time.Duration, stream, line string) {
		if stream == "stdout" {
			var ev struct {
				Kind     string `json:"kind"`
				ExitCode *int   `json:"exit_code"`
			}
			if json.Unmarshal([]byte(line), &ev) == nil && ev.Kind == "exit" && ev.ExitCode != nil {
				exitCode = *ev.ExitCode
			}
			return
		}
		logBuf.WriteString(line + "\n")
		switch {
		case strings.HasPrefix(line, "kratos-trace: launching"):
			m.binaryReady = at
		case strings.HasPrefix(line, "kratos-trace: tracing"):
			m.launched = at
		}
		if sm := latencyLine.FindStringSubmatch(line); sm != nil {
			us, _ := strconv.Atoi(sm[2])
			m.latencies = append(m.latencies, time.Duration(us)*time.Microsecond)
			m.phaseLatency = append(m.phaseLatency, sm[1])
			if strings.HasPrefix(sm[1], "stop ") {
				m.stops++
			}
			if m.firstStop == 0 {
				m.firstStop = at
			}
		}
	})
	close(stopSampling)
	m.allHWMKB = max(res.hwmKB, allPeak())
	_ = os.WriteFile(filepath.Join(b.work, "kratos-trace-"+name+".log"), logBuf.Bytes(), 0o644)
	if err != nil {
		return m, err
	}
	if res.exitErr != nil || exitCode != 0 {
		return m, fmt.Errorf("kratos-trace failed (%v, program exit %d); the end of its log:\n%s", res.exitErr, exitCode, tail(logBuf.String(), 15))
	}
	m.wall, m.hwmKB = res.wall, res.hwmKB
	return m, nil
}

// phases runs `kratos-trace phases --json` with the warm cache, which also
// stores the demo's debug build there.
func (b *bench) phases(ctx context.Context) ([]plannedPhase, error) {
	out, err := commandOutput(ctx, b.repo, []string{"KRATOS_TRACE_CACHE_DIR=" + b.warmCache}, b.kt, "phases", "--json", b.opts.pkg)
	if err != nil {
		return nil, fmt.Errorf("kratos-trace phases: %w", err)
	}
	return parsePlan(out)
}

// microResult is one Go benchmark's time per operation.
type microResult struct {
	name string
	op   time.Duration
}

// microBenchmarks runs the build cache's Go benchmarks in tracer/delve/internal/gobuild.
func (b *bench) microBenchmarks(ctx context.Context) ([]microResult, error) {
	var res []microResult
	for _, run := range []struct{ pattern, times string }{
		{"^BenchmarkWarmLookup$", "200x"},
		{"^(BenchmarkBuildKey|BenchmarkCacheHit)$", "20x"},
		{"^BenchmarkDebugRelink$", "5x"},
	} {
		out, err := goOutput(ctx, b.repo, nil, "test", "-run", "^$", "-bench", run.pattern, "-benchtime", run.times, "./tracer/delve/internal/gobuild")
		if err != nil {
			return nil, fmt.Errorf("go test -bench: %w", err)
		}
		res = append(res, parseBenchmarks(out)...)
	}
	return res, nil
}

var benchLine = regexp.MustCompile(`^(Benchmark\w+)(?:-\d+)?\s+\d+\s+(\d+(?:\.\d+)?) ns/op`)

// parseBenchmarks reads the ns/op of each benchmark line of go test -bench.
func parseBenchmarks(out string) []microResult {
	var res []microResult
	for _, line := range strings.Split(out, "\n") {
		if m := benchLine.FindStringSubmatch(line); m != nil {
			ns, _ := strconv.ParseFloat(m[2], 64)
			res = append(res, microResult{name: m[1], op: time.Duration(ns)})
		}
	}
	return res
}

// commandResult is how a command ran.
type commandResult struct {
	wall    time.Duration
	hwmKB   int64
	exitErr error
}

// runCommand runs cmd, handing each line of its stdout and stderr, with the
// time since the start, to onLine (one line at a time), and samples the
// peak resident set of its process until it exits. The error is for a
// command that could not run at all; how it exited is in exitErr.
func runCommand(cmd *exec.Cmd, onLine func(at time.Duration, stream, line string)) (commandResult, error) {
	var mu sync.Mutex
	var start time.Time
	handle := func(stream string) *lineWriter {
		return &lineWriter{onLine: func(line string) {
			mu.Lock()
			defer mu.Unlock()
			onLine(time.Since(start), stream, line)
		}}
	}
	stdout, stderr := handle("stdout"), handle("stderr")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// The traced program may hold the output pipes after the command exits.
	cmd.WaitDelay = 3 * time.Second
	start = time.Now()
	if err := cmd.Start(); err != nil {
		return commandResult{}, err
	}
	stopSampling := make(chan struct{})
	peak := sampleHWM(cmd.Process.Pid, stopSampling)
	err := cmd.Wait()
	wall := time.Since(start)
	close(stopSampling)
	stdout.flush()
	stderr.flush()
	res := commandResult{wall: wall, hwmKB: peak(), exitErr: err}
	if errors.Is(err, exec.ErrWaitDelay) {
		res.exitErr = nil
	}
	return res, nil
}

// lineWriter splits what is written to it into lines.
type lineWriter struct {
	buf    []byte
	onLine func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.onLine(strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
}

func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.onLine(string(w.buf))
		w.buf = nil
	}
}

// sampleHWM polls the peak resident set (VmHWM, which only grows) of pid
// every 10 ms until stop is closed; the returned function gives the last
// value read.
func sampleHWM(pid int, stop <-chan struct{}) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := readStatusKB(path, "VmHWM:"); kb > peak.Load() {
				peak.Store(kb)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		<-done
		return peak.Load()
	}
}

// readStatusKB reads a "Name:  123 kB" field of a /proc status file.
func readStatusKB(path, field string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// findByExe returns the child of parent (or, failing that, any process)
// running the executable at path, or 0.
func findByExe(parent int, path string) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", parent))
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil && runsExe(pid, path) {
				return pid
			}
		}
	}
	pids := allPids()
	for _, pid := range pids {
		if runsExe(pid, path) {
			return pid
		}
	}
	return 0
}

// killByExe kills every process running the executable at path: the
// benchmark's own debug binary, whose path is unique to one run.
func killByExe(path string) {
	for _, pid := range allPids() {
		if runsExe(pid, path) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func runsExe(pid int, path string) bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	return err == nil && strings.TrimSuffix(exe, " (deleted)") == path
}

func allPids() []int {
	des, _ := os.ReadDir("/proc")
	var pids []int
	for _, de := range des {
		if pid, err := strconv.Atoi(de.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// writeDemoConfig writes a config directory for the demo with ports free
// right now, an in-memory database and no Redis, and returns it.
func writeDemoConfig(work string) (string, error) {
	dir := filepath.Join(work, "configs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	httpPort, err := freePort()
	if err != nil {
		return "", err
	}
	grpcPort, err := freePort()
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(demoConfigYAML(httpPort, grpcPort)), 0o644)
}

// demoConfigYAML is the demo's config with its servers at the ports, an
// in-memory database and no Redis.
func demoConfigYAML(httpPort, grpcPort int) string {
	return fmt.Sprintf(`server:
  http:
    addr: 127.0.0.1:%d
    timeout: 1s
  grpc:
    addr: 127.0.0.1:%d
    timeout: 1s
data:
  database:
    driver: sqlite
    source: ":memory:"
  redis:
    network: tcp
    addr: 127.0.0.1:1
    read_timeout: 0.2s
    write_timeout: 0.2s
`, httpPort, grpcPort)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// goOutput runs the go command in dir and returns its trimmed stdout.
func goOutput(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	return commandOutput(ctx, dir, env, "go", args...)
}

// commandOutput runs a command in dir with env added and returns its
// trimmed stdout; a failure carries the end of stderr.
func commandOutput(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(stderr.String()+stdout.String(), 20))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// machine describes where the benchmark ran.
type machine struct {
	cpu, os, goVersion, loadBefore string
	cores                          int
	memGiB                         float64
}

func describeMachine(ctx context.Context) machine {
	m := machine{cpu: runtime.GOARCH, os: runtime.GOOS, cores: runtime.NumCPU(), loadBefore: loadAverage()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	m.memGiB = float64(readStatusKB("/proc/meminfo", "MemTotal:")) / (1 << 20)
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.os = "Linux " + strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.os += " (" + strings.Trim(v, `"`) + ")"
			}
		}
	}
	m.goVersion, _ = goOutput(ctx, ".", nil, "env", "GOVERSION")
	return m
}

// loadAverage is the one-minute load average, or "" where it is unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// formatKB shows a size in kB as MB.
func formatKB(kb int64) string {
	return fmt.Sprintf("%.0f MB", float64(kb)*1024/1e6)
}
