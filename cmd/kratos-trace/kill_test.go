package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// rounds is how many times a kill test kills a trace: the number in the
// environment variable env when it is set (testdata/kill-loop.sh and
// .ci/run set them), else short with -short and long without.
func rounds(env string, short, long int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return short
	}
	return long
}

// TestKilledAtRandomPhase kills kratos-trace with SIGINT, SIGTERM or SIGHUP
// at a random moment of a headless trace and checks that it exits 130 and
// leaves neither the program nor its temporary build directory behind.
func TestKilledAtRandomPhase(t *testing.T) {
	bin := buildKratosTrace(t)
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	// kill-loop.sh sets 50.
	for i := range rounds("KRATOS_TRACE_KILL_ITERATIONS", 3, 6) {
		tmp := t.TempDir()
		conf, _, _ := demoConfigDir(t)
		sig := signals[rand.IntN(len(signals))]
		// Phase lines of a demo trace: 0 kills during the build or launch.
		at := rand.IntN(24)
		cmd := exec.Command(bin, "run", "--headless", "--hold", "30s", "../../demo", "--", "-conf", conf)
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		stderr := &syncBuffer{}
		building := make(chan struct{})
		stderrPipe, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// A failed iteration must not leave its trace running (killing
		// one that has exited does nothing).
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		go copyUntil(stderrPipe, stderr, "kratos-trace: building", building)
		// A signal before main has installed its handlers would kill the
		// process the default way, with nothing to clean up yet; the test
		// is about what happens once there is something to clean up.
		select {
		case <-building:
		case <-time.After(30 * time.Second):
			t.Fatalf("iteration %d: kratos-trace never said it was building", i)
		}
		seen := waitForPhases(stdout, at)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatalf("iteration %d: signal: %v", i, err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("iteration %d: kratos-trace did not exit within 60s of %v after %d phases", i, sig, seen)
		}
		skipWithoutPtrace(t, stderr.String())
		var ee *exec.ExitError
		code := 0
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		if code != exitInterrupted {
			t.Errorf("iteration %d: %v after %d phases: exit %d, want %d\nstderr:\n%s", i, sig, seen, code, exitInterrupted, stderr.String())
		}
		if pids := processesWithArg(conf); len(pids) > 0 {
			t.Errorf("iteration %d: %v after %d phases left the program running: pids %v", i, sig, seen, pids)
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		left, _ := filepath.Glob(filepath.Join(tmp, "kratos-trace-*"))
		if len(left) > 0 {
			t.Errorf("iteration %d: %v after %d phases left %v", i, sig, seen, left)
		}
		t.Logf("iteration %d: %v after %d phases: exit %d, clean", i, sig, seen, code)
	}
}

// builtBinary is kratos-trace built once for the tests that run it as a
// process of its own.
var builtBinary struct {
	once sync.Once
	path string
	err  error
}

// buildKratosTrace builds kratos-trace, once per test run, into the tests'
// own cache directory.
func buildKratosTrace(t *testing.T) string {
	t.Helper()
	builtBinary.once.Do(func() {
		dir, err := os.MkdirTemp(os.Getenv(tracertest.CacheDirEnv), "bin-")
		if err != nil {
			builtBinary.err = err
			return
		}
		builtBinary.path = filepath.Join(dir, "kratos-trace")
		if runtime.GOOS == "windows" {
			builtBinary.path += ".exe"
		}
		if out, err := exec.Command("go", "build", "-o", builtBinary.path, ".").CombinedOutput(); err != nil {
			builtBinary.err = fmt.Errorf("build kratos-trace: %v\n%s", err, out)
		}
	})
	if builtBinary.err != nil {
		t.Fatal(builtBinary.err)
	}
	return builtBinary.path
}

// TestSIGKILLLeavesNothing kills kratos-trace with SIGKILL, which it cannot
// catch, while it holds the demo at app.running: within 3 s no process of
// the trace is left (the program, the watchdog), the program's ports are
// free and its temporary directory is gone.
func TestSIGKILLLeavesNothing(t *testing.T) {
	bin := buildKratosTrace(t)
	// kill-loop.sh sets 10.
	for round := range rounds("KRATOS_TRACE_SIGKILL_ROUNDS", 1, 2) {
		tmp := t.TempDir()
		conf, httpAddr, grpcAddr := demoConfigDir(t)
		cmd := exec.Command(bin, "run", "--headless", "--hold", "5m", "../../demo", "--", "-conf", conf)
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		holding := waitForStderr(t, cmd, "the program runs on from app.running")
		select {
		case <-holding:
		case <-time.After(4 * time.Minute):
			t.Fatalf("round %d: kratos-trace never held at app.running", round)
		}
		// Killed once it serves, as a user's would be: the program then
		// runs on its own, and a trace without a watchdog leaves it so.
		if err := getWithin(10*time.Second, "http://"+httpAddr+"/helloworld/kill"); err != nil {
			t.Fatalf("round %d: the program does not serve during the hold: %v", round, err)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		_ = cmd.Wait()
		left := waitUntilGone(3*time.Second, func() []string {
			var left []string
			for _, pid := range append(processesWithArg(conf), processesRunning(bin)...) {
				left = append(left, fmt.Sprintf("pid %d (%s)", pid, cmdline(pid)))
			}
			left = append(left, takenPorts(httpAddr, grpcAddr)...)
			dirs, _ := filepath.Glob(filepath.Join(tmp, "kratos-trace-*"))
			return append(left, dirs...)
		})
		if len(left) > 0 {
			t.Errorf("round %d: 3s after SIGKILL these are left: %v", round, left)
			for _, pid := range append(processesWithArg(conf), processesRunning(bin)...) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			continue
		}
		t.Logf("round %d: nothing left %s after SIGKILL", round, time.Since(killed).Round(time.Millisecond))
	}
}

// getWithin GETs url until it answers 200, for at most d.
func getWithin(d time.Duration, url string) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(d)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForStderr starts cmd and returns a channel closed when its stderr
// has a line containing marker; the output goes on being read.
func waitForStderr(t *testing.T, cmd *exec.Cmd, marker string) <-chan struct{} {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A test that fails before it kills the trace must not leave it
	// running (killing one that has exited does nothing).
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	seen := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			if strings.Contains(sc.Text(), "ptrace is not permitted") {
				t.Log(sc.Text())
			}
			if !found && strings.Contains(sc.Text(), marker) {
				found = true
				close(seen)
			}
		}
	}()
	return seen
}

// waitUntilGone polls what until it reports nothing left or d has passed,
// and returns what was left at the end.
func waitUntilGone(d time.Duration, what func() []string) []string {
	deadline := time.Now().Add(d)
	for {
		left := what()
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processesRunning lists the live processes running the executable at
// path (the watchdog is kratos-trace's own binary).
func processesRunning(path string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || strings.TrimSuffix(exe, " (deleted)") != path {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if bytes.Contains(stat, []byte(") Z ")) {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

// cmdline is a process's command line, for messages.
func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// copyUntil copies r to w line by line and closes seen at the first line
// that starts with prefix.
func copyUntil(r io.Reader, w io.Writer, prefix string, seen chan struct{}) {
	sc := bufio.NewScanner(r)
	closed := false
	for sc.Scan() {
		fmt.Fprintln(w, sc.Text())
		if !closed && strings.HasPrefix(sc.Text(), prefix) {
			close(seen)
			closed = true
		}
	}
}

// waitForPhases reads trace output until n phase lines have passed, or the
// output ends; it returns how many it saw. The rest of the output is
// drained in the background so the writer never blocks.
func waitForPhases(r interface{ Read([]byte) (int, error) }, n int) int {
	sc := bufio.NewScanner(r)
	seen := 0
	for seen < n && sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "● ") || strings.HasPrefix(line, "○ ") {
			seen++
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return seen
}

// processesWithArg lists the processes whose command line contains arg.
func processesWithArg(arg string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(b, []byte(arg)) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if bytes.Contains(stat, []byte(") Z ")) {
			continue
		}
		// kratos-trace itself has the config dir in its arguments too, but
		// it has exited by now; anything left is the program.
		pids = append(pids, pid)
	}
	return pids
}

// TestSIGKILLConnectKillOnExit: `connect --kill-on-exit` promises that the
// program ends with the trace; SIGKILL to kratos-trace while the program
// serves during the hold must keep that promise within 3 s, through the
// watchdog, which asks the Delve server to kill it.
func TestSIGKILLConnectKillOnExit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real Delve server")
	}
	kt := buildKratosTrace(t)
	dlv := installDlv(t)
	demo, _ := buildDemoElsewhere(t)
	conf, httpAddr, grpcAddr := demoConfigDir(t)
	d := startHeadlessDelve(t, dlv, demo, conf)
	cmd := exec.Command(kt, "connect", "--headless", "--hold", "5m", "--kill-on-exit", d.addr)
	holding := waitForStderr(t, cmd, "the program runs on from app.running")
	select {
	case <-holding:
	case <-time.After(3 * time.Minute):
		t.Fatalf("kratos-trace never held at app.running\ndlv:\n%s", d.log.String())
	}
	if err := getWithin(10*time.Second, "http://"+httpAddr+"/helloworld/kill"); err != nil {
		t.Fatalf("the program does not serve during the hold: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	left := waitUntilGone(3*time.Second, func() []string {
		var left []string
		for _, pid := range append(processesRunning(demo), processesRunning(kt)...) {
			left = append(left, fmt.Sprintf("pid %d (%s)", pid, cmdline(pid)))
		}
		for _, addr := range []string{httpAddr, grpcAddr} {
			if l, err := net.Listen("tcp", addr); err != nil {
				left = append(left, "port "+addr)
			} else {
				l.Close()
			}
		}
		return left
	})
	if len(left) > 0 {
		t.Errorf("3s after SIGKILL these are left: %v", left)
	}
}
