package delve

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// An attach traces a program that is already running, which kratos-trace
// neither built nor started: `kratos-trace attach PID|NAME`. Delve attaches
// to it in the attach helper (attachhelper.go), and the session drives that
// helper's Delve as a connect session drives a remote one, with what only a
// local program allows besides: signals (t walks the shutdown) and its
// goroutines' wait times. The program is paused once, at the attach stop
// (attachstop.go), to show what its App holds; from there the trace is as
// at app.running. Closing the session detaches and leaves the program
// running as it was: breakpoints cleared, the servers' timeouts put back.

// AttachConfig says which running program to trace and how to leave it.
type AttachConfig struct {
	// Pid is the process to attach to.
	Pid int
	// SubstitutePath maps source directories as the program names them to
	// directories here, as in ConnectConfig.
	SubstitutePath [][2]string
	// KillOnExit ends the program when the trace ends, instead of
	// detaching and leaving it running.
	KillOnExit bool
	// NoBreak, Watches, Breaks, Layers, KeepTimeouts and Stall are as in
	// Config.
	NoBreak         []tracer.PhaseID
	Watches, Breaks []string
	Layers          map[tracer.PhaseID][]string
	KeepTimeouts    bool
	Stall           time.Duration
}

// attachTarget is what kratos-trace knows of a running process before it
// attaches: read from /proc and the executable, without stopping it.
type attachTarget struct {
	pid  int
	exe  string // the executable's path, as /proc/PID/exe names it
	comm string
	info *debug.BuildInfo
	// kratos is the Kratos module the program links, nil when none.
	kratos *debug.Module
	// optimized: built without -gcflags=all=-N -l, as a plain go build is.
	optimized bool
}

// buildLine is how to build a program kratos-trace can attach to, for the
// hint of a refusal.
const buildLine = "go build -o server ./cmd/server (without -ldflags=\"-s -w\"; add -gcflags=\"all=-N -l\" to read every variable)"

// Candidate is a running process a NAME given to `kratos-trace attach`
// matches.
type Candidate struct {
	Pid int
	// Exe is the executable's path; Service the Kratos service name the
	// program was built with (main.Name), when it has one.
	Exe, Service string
}

// String describes the candidate on one line, for a list of several.
func (c Candidate) String() string {
	s := fmt.Sprintf("%d  %s", c.Pid, c.Exe)
	if c.Service != "" {
		s += "  (service " + c.Service + ")"
	}
	return s
}

// attachState is what an attach session keeps beyond a remote one.
type attachState struct {
	target *attachTarget
	helper *attachHelper
}

// Attach attaches to the running program cfg.Pid and begins a trace of it
// in the background, like Start; its first stop is the attach stop. A pid
// that cannot be attached to (no such process, not a Go program, a
// stripped binary, traced already, ptrace not permitted) is reported at
// once, as a *UserError, and the program is left as it was.
func Attach(ctx context.Context, cfg AttachConfig) (*Session, error) {
	t, err := inspectAttachTarget(cfg.Pid)
	if err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(ptraceScopeFile); err == nil {
		if err := checkAttachPtrace(string(b), os.Geteuid() == 0); err != nil {
			return nil, err
		}
	}
	h, err := startAttachHelper(ctx, t)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("unix", h.socket(), defaultConnectTimeout)
	if err != nil {
		h.close()
		return nil, fmt.Errorf("connect to the attach helper: %w", err)
	}
	client := rpc2.NewClientFromConn(conn)
	label := fmt.Sprintf("pid %d", t.pid)
	r := &remoteState{
		cfg:      ConnectConfig{Addr: label, SubstitutePath: cfg.SubstitutePath, KillOnExit: cfg.KillOnExit, Timeout: defaultConnectTimeout},
		conn:     conn,
		attached: true,
		attach:   &attachState{target: t, helper: h},
	}
	s := newSession(Config{Target: label, NoBreak: cfg.NoBreak, Watches: cfg.Watches, Breaks: cfg.Breaks,
		Layers: cfg.Layers, Stall: cfg.Stall, KeepTimeouts: cfg.KeepTimeouts})
	s.remote = r
	s.client = client
	s.pid = t.pid
	if cfg.KillOnExit {
		// Should kratos-trace die without its way out, the watchdog ends
		// the program as the way out would have.
		s.lease.Add("pid %d %s", t.pid, t.exe)
	}
	s.sources.paths = pathMap{rules: cfg.SubstitutePath}
	go s.run()
	return s, nil
}

// ResolvePid turns what a user gives attach, PID|NAME, into a pid: a
// number is a pid; a name must match exactly one running Go program (see
// FindProcesses), and several are listed in the error. A system of
// services resolves its `attach: NAME` entries with it, then calls Attach.
func ResolvePid(arg string) (int, error) {
	if pid, err := strconv.Atoi(arg); err == nil {
		return pid, nil
	}
	found, err := FindProcesses(arg)
	if err != nil {
		return 0, err
	}
	switch len(found) {
	case 0:
		return 0, &UserError{Msg: fmt.Sprintf("no running Go program is called %q (by its executable, process name or Kratos service name)", arg), Hint: "give its pid instead; `pgrep -l NAME` lists processes by name"}
	case 1:
		return found[0].Pid, nil
	}
	var lines []string
	for _, c := range found {
		lines = append(lines, c.String())
	}
	return 0, &UserError{
		Msg:    fmt.Sprintf("%d running Go programs are called %q:", len(found), arg),
		Detail: strings.Join(lines, "\n"),
		Hint:   fmt.Sprintf("give the pid of the one to attach to, e.g. kratos-trace attach %d", found[0].Pid),
	}
}

// attaching reports whether the session attached to a running program.
func (s *Session) attaching() bool { return s.remote != nil && s.remote.attach != nil }

// attachLocal reads what the attached program is, resolves the phases that
// can still come (a request's, the shutdown's) and arms them. It runs on
// the session's goroutine, in place of a launch.
func (s *Session) attachLocal() error {
	t := s.remote.attach.target
	s.status("attached to pid %d (%s) through Delve; the program's own output stays where it goes (its terminal or log)", t.pid, t.exe)
	if t.optimized {
		s.status("the program was built with optimisations (a plain go build): values the compiler kept nowhere show as optimised away; build with -gcflags=\"all=-N -l\" to read every variable")
	}
	return s.armFromProgram(attachEntries)
}

// attachEntries keeps, of a boot's plan, the phases an attached program can
// still reach: those after app.running (its shutdown), led by the attach
// stop itself, which has no breakpoint. The boot's phases have passed.
func attachEntries(entries []planEntry) []planEntry {
	out := []planEntry{{PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseAttach}, marker: true}}
	running := tracer.Order(tracer.PhaseRunning)
	for _, e := range entries {
		if tracer.Order(e.Phase) > running && !tracer.IsRequestPhase(e.Phase) {
			out = append(out, e)
		}
	}
	return out
}

// settledState waits a little for a halt Close asked for to take effect,
// and returns the program's state then. Halting a program Delve is halting
// already would leave a second SIGTRAP pending in it (see
// drainHaltSignal).
func settledState(c *rpc2.RPCClient) (*api.DebuggerState, error) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		st, err := c.GetStateNonBlocking()
		if err != nil || !st.Running || time.Now().After(deadline) {
			return st, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// teardownAttached leaves the attached program as the user asked: it clears
// every breakpoint this session set and puts the servers' timeouts back,
// then detaches, so that the program runs on as it was; with KillOnExit it
// kills it instead. It never leaves the program halted or stopped.
func (s *Session) teardownAttached() {
	r, c := s.remote, s.client
	a := r.attach
	pid := a.target.pid
	defer a.helper.close()
	_ = r.conn.SetDeadline(time.Now().Add(r.cfg.Timeout))
	defer c.Disconnect(false)

	st, err := settledState(c)
	exited := err == nil && st.Exited || err != nil && exitedPattern.MatchString(err.Error())
	r.mu.Lock()
	lost := r.lost
	r.mu.Unlock()
	switch {
	case exited:
		r.setNote("pid %d has exited", pid)
		return
	case lost || err != nil:
		// The helper puts things back itself once this side is gone.
		r.setNote("lost the attach helper's Delve (%v); it detaches from pid %d on its own, clearing the breakpoints", err, pid)
		return
	}
	s.clearOwnBreakpoints(st)
	if r.cfg.KillOnExit {
		_ = c.Detach(true)
		r.setNote("killed pid %d (--kill-on-exit)", pid)
		return
	}
	drainHaltSignal(c, pid)
	if err := c.Detach(false); err != nil {
		r.setNote("could not detach from pid %d cleanly (%v); the attach helper detaches on its own", pid, err)
		return
	}
	continueStopped(pid)
	r.setNote("detached from pid %d: it runs on as before, with kratos-trace's breakpoints cleared and the servers' timeouts put back", pid)
}
