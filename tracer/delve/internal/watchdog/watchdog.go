// Package watchdog cleans up after a kratos-trace that dies without doing
// it itself: it kills the traced program, a build under way and a remote
// program, and removes the temporary directories. It knows processes and
// directories, not traces.
package watchdog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/debuglog"
)

// Delve traces the program without PTRACE_O_EXITKILL, so a kratos-trace
// that dies without cleaning up (SIGKILL, a terminal that vanishes, a CI job
// killed on timeout) would leave the program running and holding its
// ports. Nothing inside a process survives its SIGKILL, so the cleanup
// lives in another one: the watchdog, kratos-trace's own binary started
// again in a session of its own, which reads what to clean up from a pipe
// whose other end only kratos-trace holds. When the pipe closes, however
// kratos-trace ended, the watchdog kills what it was told to (the traced
// program and its process group, a go build under way, a remote program
// with --kill-on-exit), removes the temporary directories and exits. A
// session that ends normally cleans up itself and tells the watchdog to
// forget what it registered.
//
// The protocol is one line per command on the watchdog's stdin:
//
//	exe PATH      kill every process running the executable at PATH
//	pid PID PATH  kill PID and its process group, if PID still runs PATH
//	group PGID    kill the process group PGID (a go build)
//	dir PATH      remove the directory PATH
//	remote ADDR   kill the program of the Delve server at ADDR
//	forget LINE   drop the command LINE given earlier

// watchdogEnv marks the process that is to run as the watchdog.
const watchdogEnv = "KRATOS_TRACE_WATCHDOG"

// Grace bounds how long the watchdog waits for what it killed to be gone
// before it removes the directories and exits.
const Grace = 2 * time.Second

// RunIfAsked turns this process into the watchdog when kratos-trace
// started it as one: it then never returns. Otherwise it returns at once
// and lets the leases of this process use a watchdog. killRemote ends the
// program of the Delve server at an address registered with "remote"; it
// is the caller's, who knows how to talk to Delve.
func RunIfAsked(killRemote func(addr string)) {
	if os.Getenv(watchdogEnv) != "" {
		os.Exit(run(os.Stdin, killRemote))
	}
	watchdogs.mu.Lock()
	watchdogs.enabled = true
	watchdogs.mu.Unlock()
}

// watchdogs is this process's link to its watchdog, started at the first
// registration.
var watchdogs struct {
	mu      sync.Mutex
	enabled bool // RunIfAsked was called: the binary can serve as one
	started bool // a start was attempted
	w       io.WriteCloser
}

// watchdogCommand sends one command line to the watchdog, starting it
// first if need be. Without a watchdog (the binary cannot serve as one, or
// it could not start) it does nothing: the trace still cleans up after
// itself on every path but SIGKILL.
func watchdogCommand(line string) {
	watchdogs.mu.Lock()
	defer watchdogs.mu.Unlock()
	if !watchdogs.enabled {
		return
	}
	if !watchdogs.started {
		watchdogs.started = true
		w, err := startWatchdog()
		if err != nil {
			debuglog.Printf("watchdog: %v", err)
			return
		}
		watchdogs.w = w
	}
	if watchdogs.w == nil {
		return
	}
	if _, err := io.WriteString(watchdogs.w, line+"\n"); err != nil {
		debuglog.Printf("watchdog: %v", err)
	}
}

// startWatchdog starts this binary again as the watchdog, with its stdin
// the read end of a pipe whose write end it returns.
func startWatchdog() (io.WriteCloser, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create the watchdog's pipe: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(exe, "kratos-trace-watchdog")
	cmd.Env = append(os.Environ(), watchdogEnv+"=1")
	cmd.Stdin = r
	if debuglog.On() {
		cmd.Stderr = os.Stderr
	}
	detachWatchdog(cmd)
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start the watchdog: %w", err)
	}
	// The watchdog outlives this process by design; whoever inherits it
	// reaps it. A wait in the background keeps it from lingering as a
	// zombie should it end first.
	go func() { _ = cmd.Wait() }()
	return w, nil
}

// Lease is what one session registered with the watchdog, to be
// forgotten when the session has cleaned up itself.
type Lease struct {
	mu    sync.Mutex
	lines []string
}

// Add registers a command with the watchdog.
func (l *Lease) Add(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	watchdogCommand(line)
}

// Drop forgets one command registered with Add, e.g. a build that ended.
func (l *Lease) Drop(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, have := range l.lines {
		if have == line {
			l.lines = append(l.lines[:i], l.lines[i+1:]...)
			watchdogCommand("forget " + line)
			return
		}
	}
}

// Release forgets everything the session registered: it has cleaned up.
func (l *Lease) Release() {
	l.mu.Lock()
	lines := l.lines
	l.lines = nil
	l.mu.Unlock()
	for _, line := range lines {
		watchdogCommand("forget " + line)
	}
}

// run is the watchdog: it reads commands from in until it closes, then
// does what they say and returns the exit status.
func run(in io.Reader, killRemote func(addr string)) int {
	ignoreHangups()
	var lines []string
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "forget "); ok {
			for i := len(lines) - 1; i >= 0; i-- {
				if lines[i] == rest {
					lines = append(lines[:i], lines[i+1:]...)
					break
				}
			}
			continue
		}
		lines = append(lines, line)
	}
	// kratos-trace is gone (or let go): clean up after it.
	var dirs, remotes []string
	var gone []func() bool
	for _, line := range lines {
		kind, arg, _ := strings.Cut(line, " ")
		switch kind {
		case "exe":
			gone = append(gone, killByExe(arg)...)
		case "pid":
			pidText, exe, _ := strings.Cut(arg, " ")
			if pid, err := strconv.Atoi(pidText); err == nil && pid > 0 {
				gone = append(gone, killWatched(pid, exe))
			}
		case "group":
			if pgid, err := strconv.Atoi(arg); err == nil && pgid > 0 {
				gone = append(gone, killGroupOf(pgid))
			}
		case "dir":
			dirs = append(dirs, arg)
		case "remote":
			remotes = append(remotes, arg)
		}
	}
	var wg sync.WaitGroup
	for _, addr := range remotes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			killRemote(addr)
		}()
	}
	deadline := time.Now().Add(Grace)
	for _, g := range gone {
		for !g() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, dir := range dirs {
		_ = os.RemoveAll(dir)
	}
	wg.Wait()
	return 0
}
