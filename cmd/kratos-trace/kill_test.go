package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// killIterations is how many times TestKilledAtRandomPhase kills a trace:
// KRATOS_TRACE_KILL_ITERATIONS when set (testdata/kill-loop.sh sets 50),
// else fewer with -short.
func killIterations() int {
	if n, err := strconv.Atoi(os.Getenv("KRATOS_TRACE_KILL_ITERATIONS")); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return 3
	}
	return 6
}

// TestKilledAtRandomPhase kills kratos-trace with SIGINT, SIGTERM or SIGHUP
// at a random moment of a headless trace and checks that it exits 130 and
// leaves neither the program nor its temporary build directory behind.
func TestKilledAtRandomPhase(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kratos-trace")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build kratos-trace: %v\n%s", err, out)
	}
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	for i := range killIterations() {
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
			cmd.Process.Kill()
			t.Fatalf("iteration %d: kratos-trace did not exit within 60s of %v after %d phases", i, sig, seen)
		}
		if strings.Contains(stderr.String(), "ptrace is not permitted") {
			tracertest.SkipWithoutPtrace(t, stderr.String())
		}
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
