package delve

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-delve/delve/pkg/proc"
	"github.com/go-delve/delve/service"
	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/debugger"
	"github.com/go-delve/delve/service/rpc2"
	"github.com/go-delve/delve/service/rpccommon"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/debuglog"
	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/gobuild"
	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/watchdog"
	"github.com/kratos-trace/kratos-trace/tracer/provenance"
)

// Config says what to trace and how to run it.
type Config struct {
	// Target is the package as the user typed it, e.g. "./demo".
	Target string
	// Args are passed to the program.
	Args []string
	// WorkingDir is where the program runs; default the main package's
	// directory, so kratos-layout's default -conf ../../configs resolves.
	WorkingDir string
	// NoBreak lists phases that should pass without pausing.
	NoBreak []tracer.PhaseID
	// PlanOnly ends the trace right after the session event: the phases
	// are resolved against the launched program, which never runs.
	PlanOnly bool
	// NoCache builds the program afresh instead of reusing an unchanged
	// debug build from the build cache, and leaves the cache alone.
	NoCache bool
	// Layers names more packages, relative to the module, for the layers a
	// request is followed through (request.service, request.biz,
	// request.data), beside kratos-layout's internal/service, biz and data.
	Layers map[tracer.PhaseID][]string
	// KeepTimeouts leaves the servers' timeouts as they are while requests
	// are followed, instead of lifting them (requesttimeouts.go).
	KeepTimeouts bool
	// Watches are Go expressions evaluated at every stop (Event.Watches).
	Watches []string
	// Breaks are breakpoints of the user's own, set before the program
	// runs: FILE:LINE or a function (see tracer.Inspector.AddBreakpoint).
	Breaks []string
	// NoProvenance leaves the config sources unread and the Bootstrap
	// without origins; for measuring what provenance costs.
	NoProvenance bool
	// Stall, when set, ends a trace whose program runs this long (program
	// time) without reaching a phase, with a KindStall event; see stall.go.
	Stall time.Duration
}

// Session is a live trace of one program under Delve. It implements
// tracer.Source.
type Session struct {
	cfg    Config
	target *gobuild.Target
	// remote is set when the program runs under a Delve server elsewhere
	// (Connect); target is nil then.
	remote *remoteState

	events chan tracer.Event
	cmds   chan command
	quit   chan struct{}
	done   chan struct{}

	// sendMu serialises emits, so sequence numbers follow channel order, and
	// guards eventsClosed.
	sendMu       sync.Mutex
	eventsClosed bool

	mu       sync.Mutex // guards the fields below it
	seq      int
	launched time.Time
	// runClock times the program's running, not its pauses; ranAtPhase is
	// its reading at the last phase event.
	runClock   runClock
	ranAtPhase time.Duration
	paused     bool
	ended      bool
	// stepping is true while a run command (continue, next, step out) is
	// under way in Delve.
	stepping bool
	// panicLine is the first "panic: …" or "fatal error: …" line the
	// program wrote to stderr.
	panicLine string
	noBreak   map[tracer.PhaseID]bool
	pid       int
	closeOnce sync.Once
	// closeErr is what Close returns; Close and the run goroutine's
	// teardown both set it, under mu.
	closeErr error
	// lease is what this trace asked the watchdog to clean up should
	// kratos-trace die without doing it (internal/watchdog).
	lease watchdog.Lease

	// Owned by the run goroutine.
	tmpDir  string
	server  service.Server
	client  *rpc2.RPCClient
	plan    map[int]planEntry
	pending []hit
	// outputPipes are the program's stdout and stderr, read by pumpOutput.
	outputPipes []*outputPipe
	bootstrap   *tracer.Node
	// current is the last phase reported; a panic is blamed on it.
	current tracer.PhaseID
	// fatal is the panic the program is dying of, reported with its message
	// once the program has printed it and exited.
	fatal *tracer.Event
	// failed is the last phase that failed without killing the program
	// (reportFailure); a panic that follows is its consequence.
	failed  *tracer.Event
	servers *serverTracker
	// serversStale: the servers may have changed since they were read.
	serversStale bool
	sources      *sourceCache
	clock        stopClock
	// req follows the requests sent to the App (requests.go).
	req requestState

	// The user's own questions: breakpoints.go, inspect.go, returns.go.
	bps     bpTable
	insp    inspection
	returns returnState

	// configSources are the config sources read inside config.Load, in
	// merge order, with configNotes on what could not be followed and
	// environ, the program's environment, to name env variables; they
	// stay in this process (events carry the redactable descriptions).
	// provenanceTime is what reading and annotating them took.
	configSources   []provenance.Source
	configLoaded    bool
	configDescribed []tracer.ConfigSource
	configNotes     []string
	environ         []string
	provenanceTime  time.Duration
	outputs         sync.WaitGroup

	// halt holds halts and the stall watchdog's view (halt.go); guarded
	// by mu.
	halt haltState
}

type command struct {
	op string // "continue", "next", "stepout"
	// send and routes are request commands (requests.go).
	send   *sendCmd
	routes *routesCmd
}

// hit is one thread stopped at one of the plan's breakpoints.
type hit struct {
	entry  planEntry
	thread *api.Thread
	// ret: the hit is at a return of a request function.
	ret bool
}

// Start resolves the target and begins a trace in the background: the build,
// the launch and the first stop arrive as events. Errors about the target
// itself (a missing path, no main package) are returned at once.
func Start(ctx context.Context, cfg Config) (*Session, error) {
	t, err := gobuild.ResolveTargetWarm(ctx, cfg.Target, cfg.NoCache)
	if err != nil {
		return nil, err
	}
	if err := preflightPtrace(); err != nil {
		return nil, err
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = t.Dir
	}
	if fi, err := os.Stat(cfg.WorkingDir); err != nil || !fi.IsDir() {
		return nil, &UserError{Msg: fmt.Sprintf("working directory %s does not exist", cfg.WorkingDir), Hint: "pass an existing directory to --wd"}
	}
	s := newSession(cfg)
	s.target = t
	go s.run()
	return s, nil
}

// newSession returns a session that has not started yet.
func newSession(cfg Config) *Session {
	s := &Session{
		cfg:     cfg,
		events:  make(chan tracer.Event, 256),
		cmds:    make(chan command, 1),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
		noBreak: map[tracer.PhaseID]bool{},
		servers: newServerTracker(),
		sources: newSourceCache(),
		bps:     newBPTable(),
	}
	for _, p := range cfg.NoBreak {
		s.noBreak[p] = true
	}
	s.insp.setWatches(cfg.Watches)
	return s
}

// Events returns the event channel; it is closed when the trace has ended.
func (s *Session) Events() <-chan tracer.Event { return s.events }

// Continue runs to the next phase whose break is on.
func (s *Session) Continue(ctx context.Context) error { return s.send(ctx, "continue") }

// StepOver runs one source line.
func (s *Session) StepOver(ctx context.Context) error { return s.sendStep(ctx, "next") }

// StepOut runs until the current function returns.
func (s *Session) StepOut(ctx context.Context) error { return s.sendStep(ctx, "stepout") }

// send hands op to the run goroutine. A ctx that ends first leaves the
// program paused, as it was, and returns ctx's error.
func (s *Session) send(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// An inspector request under way finishes before the program runs.
	s.insp.op.Lock()
	defer s.insp.op.Unlock()
	s.mu.Lock()
	switch {
	case s.ended:
		s.mu.Unlock()
		return tracer.ErrEnded
	case !s.paused:
		s.mu.Unlock()
		return tracer.ErrNotPaused
	}
	s.paused = false
	s.mu.Unlock()
	return s.handOver(ctx, command{op: op})
}

// handOver hands c to the run goroutine. The caller holds s.insp.op and has
// marked the paused program running; a ctx that ends first leaves it
// paused, as it was, and returns ctx's error.
func (s *Session) handOver(ctx context.Context, c command) error {
	select {
	case s.cmds <- c:
		return nil
	case <-s.done:
		return tracer.ErrEnded
	case <-ctx.Done():
		s.mu.Lock()
		if !s.ended {
			s.paused = true
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

// Signal sends sig to the program and, if it is paused, lets it run so that
// it can handle the signal.
func (s *Session) Signal(ctx context.Context, sig os.Signal) error {
	if s.remote != nil {
		return errRemoteSignal
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	pid, ended, paused := s.pid, s.ended, s.paused
	s.mu.Unlock()
	if ended || pid == 0 {
		return tracer.ErrEnded
	}
	if err := signalProcess(pid, sig); err != nil {
		return fmt.Errorf("send %v to pid %d: %w", sig, pid, err)
	}
	s.noteSignalled()
	s.stopServing()
	if paused {
		return s.Continue(ctx)
	}
	return nil
}

// SetBreak turns pausing at phase on or off.
func (s *Session) SetBreak(phase tracer.PhaseID, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noBreak[phase] = !on
	return nil
}

// Close kills the program if it still runs, stops Delve and removes the
// temporary build directory. It waits for all of that to finish. A program
// under a remote Delve server is left running instead, or killed with
// ConnectConfig.KillOnExit; see DetachNote.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		if s.remote != nil {
			s.interruptRemote()
			<-s.done
			return
		}
		s.mu.Lock()
		pid, ended := s.pid, s.ended
		s.mu.Unlock()
		if pid != 0 && !ended {
			// Killing the program ends a Continue in progress; the run
			// goroutine then tears Delve down.
			killProcess(pid)
		}
		if !waitFor(s.done, closeTimeout) {
			// Delve did not come back: do its part of the cleanup here, so
			// that kratos-trace can still exit leaving nothing behind.
			debugf("close: the debugger did not stop within %s", closeTimeout)
			s.mu.Lock()
			pid, dir := s.pid, s.tmpDir
			s.mu.Unlock()
			if pid != 0 {
				killProcess(pid)
			}
			if dir != "" {
				_ = os.RemoveAll(dir)
			}
			s.lease.Release()
			s.setCloseErr(fmt.Errorf("the debugger did not stop within %s; the program was killed", closeTimeout))
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeErr
}

// setCloseErr keeps the first error of the way out, for Close to return.
func (s *Session) setCloseErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closeErr == nil {
		s.closeErr = err
	}
}

// closeTimeout bounds how long Close waits for the debugger to wind down.
const closeTimeout = 10 * time.Second

// waitFor waits until ch is closed or d has passed; it reports which.
func waitFor(ch <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

// runWithin runs fn and waits for it at most d; it reports whether fn
// returned in time (if not, fn goes on in the background).
func runWithin(d time.Duration, fn func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	return waitFor(done, d)
}

// debugf logs internals to stderr when KRATOS_TRACE_DEBUG is set; it is
// for diagnosing kratos-trace itself, never part of a trace.
func debugf(format string, args ...any) { debuglog.Printf(format, args...) }

// emit sends an event with the next sequence number and timestamps.
func (s *Session) emit(ev tracer.Event) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if s.eventsClosed {
		return
	}
	s.mu.Lock()
	s.seq++
	ev.Seq = s.seq
	ev.Time = time.Now()
	if !s.launched.IsZero() {
		ran := s.runClock.elapsed()
		ev.Elapsed = tracer.Duration(ran)
		if ev.IsPhase() {
			ev.SincePrev = tracer.Duration(ran - s.ranAtPhase)
			s.ranAtPhase = ran
		}
	}
	s.noteEmitLocked(ev)
	s.mu.Unlock()
	select {
	case s.events <- ev:
	case <-s.quit:
	}
}

func (s *Session) status(format string, args ...any) {
	s.emit(tracer.Event{Kind: tracer.KindStatus, Status: fmt.Sprintf(format, args...)})
}

// buildProgress reports how far the build got, as a status event.
func (s *Session) buildProgress(p tracer.BuildProgress) {
	s.emit(tracer.Event{Kind: tracer.KindStatus, Status: p.String(), Progress: &p})
}

// run is the session's goroutine: it owns Delve from launch to teardown.
func (s *Session) run() {
	defer close(s.done)
	defer s.closeEvents()
	defer s.teardown()
	if err := s.launch(); err != nil {
		s.emit(errorEvent(err))
		return
	}
	if s.cfg.PlanOnly {
		return
	}
	if s.cfg.Stall > 0 {
		go s.watchStall()
	}
	s.resume("continue")
	for {
		s.mu.Lock()
		ended := s.ended
		s.mu.Unlock()
		if ended {
			return
		}
		select {
		case <-s.quit:
			return
		case c := <-s.cmds:
			if s.requestCommand(c) {
				continue
			}
			s.resume(c.op)
		}
	}
}

// closeEvents closes the event channel once no emit can be under way.
func (s *Session) closeEvents() {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.eventsClosed = true
	close(s.events)
}

// errorEvent turns err into a KindError event, keeping a UserError's hint
// and detail.
func errorEvent(err error) tracer.Event {
	ev := tracer.Event{Kind: tracer.KindError, Error: err.Error()}
	var ue *UserError
	if errors.As(err, &ue) {
		if ue.Detail != "" {
			ev.Error += "\n" + ue.Detail
		}
		ev.Reason = ue.Hint
	}
	return ev
}

// launch builds the program, starts it under Delve and sets the breakpoints;
// for a remote session it reads the program through its Delve server instead.
func (s *Session) launch() error {
	if s.remote != nil {
		return s.attachRemote()
	}
	dir, err := os.MkdirTemp("", "kratos-trace-")
	if err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	s.mu.Lock()
	s.tmpDir = dir
	s.mu.Unlock()
	s.lease.Add("dir %s", dir)
	built, err := gobuild.Build(s.target, dir, gobuild.Options{NoCache: s.cfg.NoCache, Status: s.status, Progress: s.buildProgress, Cancel: s.quit, Lease: &s.lease})
	if err != nil {
		return err
	}
	bin := built.Bin
	select {
	case <-s.quit:
		return errors.New("cancelled")
	default:
	}
	kratosVersion, kratosDir, goVersion := kratosOf(bin)

	s.status("launching %s under Delve", s.target.ImportPath)
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("create output pipe: %w", err)
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		stdoutR.Close()
		stdoutW.Close()
		return fmt.Errorf("create output pipe: %w", err)
	}
	// Until its pid is known, the program is found by its executable.
	s.lease.Add("exe %s", bin)
	listener, conn := service.ListenerPipe()
	s.server = rpccommon.NewServer(&service.Config{
		Listener:    listener,
		ProcessArgs: append([]string{bin}, s.cfg.Args...),
		APIVersion:  2,
		Debugger: debugger.Config{
			WorkingDir:     s.cfg.WorkingDir,
			Backend:        "default",
			CheckGoVersion: true,
			Stdout:         proc.OutputRedirect{File: stdoutW},
			Stderr:         proc.OutputRedirect{File: stderrW},
		},
	})
	runErr := s.server.Run()
	// The program holds its own copies of the write ends now.
	stdoutW.Close()
	stderrW.Close()
	s.outputs.Add(2)
	s.outputPipes = []*outputPipe{newOutputPipe(stdoutR), newOutputPipe(stderrR)}
	go s.pumpOutput("stdout", s.outputPipes[0])
	go s.pumpOutput("stderr", s.outputPipes[1])
	if runErr != nil {
		s.server = nil
		return launchError(runErr)
	}
	s.client = rpc2.NewClientFromConn(conn)
	s.mu.Lock()
	s.pid = s.client.ProcessPid()
	s.launched = time.Now()
	s.mu.Unlock()
	s.lease.Add("pid %d %s", s.pid, bin)

	entries, notes := planPhases(s.target.Dir, kratosDir)
	s.arm(entries, notes, tracer.Session{
		Target:        s.cfg.Target,
		Package:       s.target.ImportPath,
		Dir:           s.target.Dir,
		Args:          s.cfg.Args,
		WorkingDir:    s.cfg.WorkingDir,
		KratosVersion: kratosVersion,
		GoVersion:     goVersion,
	})
	return s.armUserBreaks(s.cfg.Breaks)
}

// arm sets a breakpoint for every available phase of the plan, then sends
// the session event, with the plan as resolved, and the plan's notes. File
// breakpoints are set at the program's own path of the file, which differs
// from the local one when the program was built elsewhere.
func (s *Session) arm(entries []planEntry, notes []string, info tracer.Session) {
	s.plan = map[int]planEntry{}
	var planned []tracer.PlannedPhase
	for i, e := range entries {
		if e.configSource && s.cfg.NoProvenance {
			continue
		}
		if e.Unavailable == "" {
			bp := &api.Breakpoint{FunctionName: e.Function, File: s.sources.paths.toRemote(e.File), Line: e.Line}
			if e.Function != "" {
				bp.File, bp.Line = "", 0
			}
			if s.remote != nil {
				// Named, so that a later session can find and clear them.
				bp.Name = fmt.Sprintf("%s%d", remoteBreakpointPrefix, i+1)
			}
			got, err := s.client.CreateBreakpoint(bp)
			switch {
			case err != nil && strings.Contains(err.Error(), "Breakpoint exists") && s.armShared(&e):
				// Another phase stops here already; the hit means both.
			case err != nil:
				e.Unavailable = unavailableReason(e, err)
			default:
				debugf("breakpoint %d %s %s at %s:%d (%d addrs)", got.ID, e.Phase, got.FunctionName, got.File, got.Line, len(got.Addrs))
				e.File, e.Line = got.File, got.Line
				if e.Function == "" {
					e.Function = e.inFunc
				}
				s.plan[got.ID] = e
				s.bps.record(got.ID, got.Addrs)
			}
		}
		if e.ret == nil && !e.failure && !e.configSource {
			// A provider's return is part of its phase, a failure's
			// breakpoint of the phase that failed, and a config source's
			// of config.load: not phases of their own.
			planned = append(planned, e.PlannedPhase)
		}
	}
	info.Plan = planned
	s.emit(tracer.Event{Kind: tracer.KindSession, Session: &info})
	for _, n := range notes {
		s.status("%s", n)
	}
}

// unavailableReason says in one line why a phase's breakpoint could not be set.
func unavailableReason(e planEntry, err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if strings.Contains(msg, "could not find function") || strings.Contains(msg, "location not found") {
		if e.Function != "" {
			return e.Function + " is not linked into this program"
		}
		return fmt.Sprintf("no code at %s:%d in this program", filepath.Base(e.File), e.Line)
	}
	return msg
}

// launchError explains a failed launch; ptrace refusals get a hint.
func launchError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "operation not permitted") || strings.Contains(msg, "permission denied") {
		hint := ptraceHint
		if runtime.GOOS == "darwin" {
			hint = "allow debugging: run `sudo DevToolsSecurity -enable` and accept the developer-tools prompt"
		}
		return &UserError{Msg: "the debugger may not trace the program: ptrace is not permitted here", Hint: hint, Err: err}
	}
	return &UserError{Msg: "could not start the program under Delve: " + msg, Err: err}
}

// kratosOf reads the binary's build info: the Kratos version it links and
// the directory of that version's source, and the Go version.
func kratosOf(bin string) (version, dir, goVersion string) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "", "", ""
	}
	goVersion = info.GoVersion
	for _, dep := range info.Deps {
		if dep.Path != KratosModule {
			continue
		}
		m := dep
		if dep.Replace != nil {
			m = dep.Replace
		}
		version = m.Version
		if filepath.IsAbs(m.Path) || strings.HasPrefix(m.Path, ".") {
			return version, m.Path, goVersion
		}
		return version, filepath.Join(modCache(), escapeModulePath(m.Path)+"@"+m.Version), goVersion
	}
	return "", "", goVersion
}

// pumpOutput turns the program's output into events, one a line (a very
// long line in chunks, see readOutputLines). It reads until the program
// closes its end, whatever the program writes.
func (s *Session) pumpOutput(stream string, r io.ReadCloser) {
	defer s.outputs.Done()
	defer r.Close()
	lineStart := true
	err := readOutputLines(r, maxOutputChunk, func(text string, continued bool) {
		if lineStart && stream == "stderr" && (strings.HasPrefix(text, "panic: ") || strings.HasPrefix(text, "fatal error: ")) {
			s.mu.Lock()
			if s.panicLine == "" {
				s.panicLine = text
			}
			s.mu.Unlock()
		}
		lineStart = !continued
		s.emit(tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: stream, Text: text, Continued: continued}})
	})
	if err != nil {
		debugf("read the program's %s: %v", stream, err)
	}
}

// resume runs the program with op, then reports what it stopped at. Phase
// hits whose break is off become pass events and the program runs on.
func (s *Session) resume(op string) {
	s.clock.halt()
	// A step (stepover.go) goes on through the plan's breakpoints that do
	// not pause; interrupted is the state such a breakpoint stopped it in.
	step := s.beginStep(op)
	var interrupted *api.DebuggerState
	for {
		if (op == "continue" || interrupted != nil) && len(s.pending) > 0 {
			h := s.pending[0]
			s.pending = s.pending[1:]
			if s.report(h) {
				s.cancelStep(interrupted)
				return
			}
			continue
		}
		s.pending = nil
		if interrupted != nil {
			op = s.carryOn(step, interrupted.NextInProgress)
			interrupted = nil
			if op == "" {
				s.stepDone(step)
				return
			}
		}
		if op == "continue" && s.replyDue() {
			if s.reportReply() {
				return
			}
		}
		if s.takeHalt() {
			return
		}
		state, err := s.step(op)
		s.clock.halt()
		if s.remote != nil && s.closing() {
			// Close halted the program to leave; teardown takes it from here.
			return
		}
		if code, ok := exitStatusOf(err); ok {
			s.reportExit(code)
			return
		}
		if err != nil {
			if s.finishIfExited() {
				return
			}
			s.emit(s.debuggerFailed(err))
			s.end()
			return
		}
		if state.Exited {
			s.reportExit(state.ExitStatus)
			return
		}
		for _, th := range state.Threads {
			if th.Breakpoint != nil {
				debugf("stop: thread %d goroutine %d at %s:%d bp %d %s", th.ID, th.GoroutineID, th.File, th.Line, th.Breakpoint.ID, th.Breakpoint.Name)
			}
		}
		hits, fatal := s.hitsOf(state)
		if fatal != nil {
			s.reportFatal(fatal)
			op, step = "continue", nil
			continue
		}
		if len(hits) == 0 {
			if s.takeHalt() {
				return
			}
			if op != "continue" && state.CurrentThread != nil {
				s.reportStep(state.CurrentThread)
				return
			}
			op = "continue"
			continue
		}
		s.pending = hits
		if step != nil {
			interrupted = state
		}
		op = "continue"
	}
}

// exitedPattern matches Delve's error for a program that exited during a
// command.
var exitedPattern = regexp.MustCompile(`has exited with status (-?\d+)`)

// exitStatusOf returns the exit status if err says the program exited.
func exitStatusOf(err error) (int, bool) {
	if err == nil {
		return 0, false
	}
	var pe proc.ErrProcessExited
	if errors.As(err, &pe) {
		return pe.Status, true
	}
	m := exitedPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, false
	}
	code, convErr := strconv.Atoi(m[1])
	return code, convErr == nil
}

// step performs one Delve run command and returns the state it stopped in.
func (s *Session) step(op string) (*api.DebuggerState, error) {
	s.mu.Lock()
	s.stepping = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.stepping = false
		s.mu.Unlock()
	}()
	if s.closing() {
		return nil, errors.New("the trace is closing")
	}
	s.runClock.resume()
	defer s.runClock.pause()
	switch op {
	case "next":
		return s.client.Next()
	case "stepout":
		return s.client.StepOut()
	}
	var last *api.DebuggerState
	for st := range s.client.Continue() {
		last = st
		if st.Err != nil {
			return st, st.Err
		}
	}
	if last == nil {
		return nil, errors.New("no state after continue")
	}
	if last.NextInProgress && op != opFinishStep {
		_ = s.client.CancelNext()
	}
	return last, nil
}

// hitsOf lists the threads stopped at plan breakpoints, in boot order then
// goroutine order, and the thread stopped at a fatal panic, if any.
func (s *Session) hitsOf(state *api.DebuggerState) ([]hit, *api.Thread) {
	var hits []hit
	for _, th := range state.Threads {
		if th.Breakpoint == nil {
			continue
		}
		if th.Breakpoint.Name == proc.UnrecoveredPanic || th.Breakpoint.Name == proc.FatalThrow {
			return nil, th
		}
		meanings := s.meanings(th.Breakpoint.ID)
		for _, e := range meanings {
			if th.Function != nil && !e.accepts(th.Function.Name()) {
				continue
			}
			hits = append(hits, hit{entry: e, thread: th})
		}
		if len(meanings) == 0 {
			if h, ok := s.requestHit(th); ok {
				hits = append(hits, h)
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		oi, oj := tracer.Order(hits[i].entry.Phase), tracer.Order(hits[j].entry.Phase)
		if oi != oj {
			return oi < oj
		}
		return hits[i].thread.GoroutineID < hits[j].thread.GoroutineID
	})
	return hits, nil
}

// report emits the event for one hit; it returns true when the program stays
// paused there.
func (s *Session) report(h hit) bool {
	if h.entry.ret != nil {
		return s.reportReturn(h)
	}
	if h.entry.failure {
		s.reportFailure(h)
		return false
	}
	if tracer.IsRequestPhase(h.entry.Phase) {
		return s.reportRequestHit(h)
	}
	s.noteRequestPhase(h.entry.Phase)
	if h.entry.Phase == tracer.PhaseRunning {
		// Armed while the program is stopped here, so that a request can
		// also be sent once it runs on (requests.go).
		s.armRequests()
	}
	s.providerEntered(h.entry)
	th := h.thread
	if h.entry.configSource {
		s.current = tracer.PhaseConfigLoad
		s.readConfigSource(th, h.entry)
		return false
	}
	ev := threadEvent(tracer.KindPass, th)
	ev.Phase, ev.Detail = h.entry.Phase, h.entry.Detail
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	switch h.entry.Phase {
	case tracer.PhaseConfigLoad:
		s.atConfigLoad(scope)
	case tracer.PhaseConfigScan:
		if loc, ok := s.scanConfig(th); ok {
			ev.File, ev.Line, ev.Function = loc.File, loc.Line, loc.Function
		}
	case tracer.PhaseServerStart, tracer.PhaseServerStop:
		if srv, key, err := readServerVar(s.client, scope, h.entry.serverVar); err == nil {
			ev.Detail = srv.Kind + " " + srv.Address
			if h.entry.Phase == tracer.PhaseServerStart {
				s.servers.setState(key, tracer.ServerStarting)
			} else {
				s.servers.setState(key, tracer.ServerStopped)
			}
		}
	case tracer.PhaseRegister, tracer.PhaseDeregister:
		s.addRegistration(&ev, scope, h.entry)
	case tracer.PhaseAppNew:
		if kind, err := readRegistrar(s.client, scope, h.entry.opts()+".registrar"); err == nil {
			ev.Registrar = kind
		}
	}
	s.refreshServers(scope, h.entry)
	if h.entry.Phase == tracer.PhaseRunning || h.entry.Phase == tracer.PhaseRegister || h.entry.Phase == tracer.PhaseAfterStart {
		s.servers.markListening()
	}
	s.addState(&ev)

	s.mu.Lock()
	pause := !s.noBreak[h.entry.Phase] && !ev.Skipped
	s.mu.Unlock()
	if h.entry.Phase != tracer.PhaseBreak {
		// A panic is blamed on the last lifecycle phase, not on a
		// breakpoint of the user's.
		s.current = h.entry.Phase
	}
	if pause {
		ev.Kind = tracer.KindStop
		s.addStopValues(&ev)
	}
	s.deliver(ev, pause)
	return pause
}

// threadEvent starts an event of kind at the place th stopped.
func threadEvent(kind tracer.Kind, th *api.Thread) tracer.Event {
	ev := tracer.Event{Kind: kind, File: th.File, Line: th.Line, Goroutine: th.GoroutineID}
	if th.Function != nil {
		ev.Function = th.Function.Name()
	}
	return ev
}

// addState adds to ev what the panes show at a stop: the Bootstrap, the
// servers, the goroutine's stack (unless ev has one) and the source around
// ev's location.
func (s *Session) addState(ev *tracer.Event) {
	ev.Bootstrap = s.bootstrap
	ev.ConfigSources = s.configDescribed
	ev.Servers = s.servers.snapshot()
	if ev.Stack == nil {
		ev.Stack = s.stack(ev.Goroutine)
	}
	s.attachSource(ev)
}

// deliver emits a stop, step or pass event once the output written before
// it is in, and marks the program paused when it stays there.
func (s *Session) deliver(ev tracer.Event, paused bool) {
	if paused {
		s.mu.Lock()
		s.paused = true
		s.mu.Unlock()
	}
	s.catchUpOutput()
	s.emit(ev)
	s.clock.delivered(ev)
}

// scanConfig runs a config.Scan to its end, so the stop shows the decoded
// value in the caller, and reads that value through the expression the
// caller passed to Scan. It returns the caller's location, or false if the
// value could not be had.
func (s *Session) scanConfig(th *api.Thread) (tracer.Frame, bool) {
	frames, err := s.client.Stacktrace(th.GoroutineID, 2, 0, 0, nil)
	if err != nil || len(frames) < 2 {
		return tracer.Frame{}, false
	}
	expr, ok := scanTarget(s.sources.paths.toLocal(frames[1].File), frames[1].Line)
	if !ok {
		// Without the caller's source (a program built elsewhere), read
		// what Scan was given instead.
		expr, ok = scanArgument(s.client, th.GoroutineID)
	}
	if !ok {
		debugf("config.scan: no Scan call at %s:%d", frames[1].File, frames[1].Line)
		return tracer.Frame{}, false
	}
	if _, err := s.client.SwitchGoroutine(th.GoroutineID); err != nil {
		return tracer.Frame{}, false
	}
	state, err := s.client.StepOut()
	if err != nil || state.Exited || state.CurrentThread == nil {
		debugf("config.scan: step out: %v", err)
		return tracer.Frame{}, false
	}
	if state.NextInProgress {
		_ = s.client.CancelNext()
	}
	ct := state.CurrentThread
	scope := api.EvalScope{GoroutineID: ct.GoroutineID}
	v, err := s.client.EvalVariable(scope, expr, shallowLoad)
	if err == nil {
		root, err := readTree(s.client, scope, expr, v.Type)
		if err == nil && (s.bootstrap == nil || strings.HasSuffix(v.Type, ".Bootstrap")) {
			s.annotateOrigins(root, !isProtoMessage(v))
			s.bootstrap = root
		}
	} else {
		debugf("config.scan: read %s: %v", expr, err)
	}
	loc := tracer.Frame{File: ct.File, Line: ct.Line}
	if ct.Function != nil {
		loc.Function = ct.Function.Name()
	}
	return loc, true
}

// stack returns the goroutine's frames, innermost first.
func (s *Session) stack(gid int64) []tracer.Frame {
	frames, err := s.client.Stacktrace(gid, 24, 0, 0, nil)
	if err != nil {
		return nil
	}
	return framesOf(frames)
}

// reportStep emits the stop after a step inside a phase.
func (s *Session) reportStep(th *api.Thread) {
	ev := threadEvent(tracer.KindStep, th)
	s.addState(&ev)
	s.addStopValues(&ev)
	s.deliver(ev, true)
}

// reportFatal notes the panic the program is dying of. It is reported, with
// the message the program prints, once the program has exited.
func (s *Session) reportFatal(th *api.Thread) {
	if s.fatal != nil {
		return
	}
	if s.returns.failure != nil {
		// The program dies of the error a provider returned: that is the
		// failure (see failureAtExit), not the panic in main.
		s.fatal = s.returns.failure
		return
	}
	ev := threadEvent(tracer.KindError, th)
	ev.Phase = s.current
	ev.Stack = s.stack(th.GoroutineID)
	where := ""
	for _, f := range ev.Stack {
		if !strings.HasPrefix(f.Function, "runtime.") {
			where = fmt.Sprintf(" in %s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
			ev.File, ev.Line, ev.Function = f.File, f.Line, f.Function
			break
		}
	}
	ev.Error = "the program panicked" + where
	switch {
	case s.failed != nil:
		ev.Phase = s.failed.Phase
		ev.Error = fmt.Sprintf("%s; then the program panicked%s", s.failed.Error, where)
	case s.current != "":
		ev.Error = fmt.Sprintf("%s failed: the program panicked%s", s.current, where)
	}
	s.addState(&ev)
	s.fatal = &ev
}

// reportExit emits the exit event and marks the trace ended.
func (s *Session) reportExit(code int) {
	// Output still in flight belongs before the exit event.
	s.outputs.Wait()
	s.mu.Lock()
	panicLine := s.panicLine
	s.mu.Unlock()
	switch f := s.failureAtExit(code, panicLine); {
	case f != nil:
		s.emit(*f)
	case s.fatal != nil:
		s.fatal.Reason = panicLine
		s.emit(*s.fatal)
	}
	c := code
	s.emit(tracer.Event{
		Kind:          tracer.KindExit,
		Phase:         tracer.PhaseExit,
		Function:      "main.main",
		ExitCode:      &c,
		Signal:        exitSignal(code),
		Bootstrap:     s.bootstrap,
		ConfigSources: s.configDescribed,
		Servers:       s.servers.snapshot(),
	})
	s.end()
}

// finishIfExited reports an exit when the program is gone after a failed
// command; it returns false when the program still exists.
func (s *Session) finishIfExited() bool {
	st, err := s.client.GetStateNonBlocking()
	if err == nil && st.Exited {
		s.reportExit(st.ExitStatus)
		return true
	}
	select {
	case <-s.quit:
		s.end()
		return true
	default:
	}
	return false
}

// closing reports whether Close has been called.
func (s *Session) closing() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}

func (s *Session) end() {
	s.mu.Lock()
	s.ended = true
	s.paused = false
	s.mu.Unlock()
}

// teardown kills the program if it still runs, stops Delve and removes the
// temporary directory. It runs on every exit path of run.
func (s *Session) teardown() {
	s.end()
	if s.remote != nil {
		s.teardownRemote()
		s.lease.Release()
		return
	}
	if s.client != nil {
		// Detach with kill ends the program; an exited one returns an error
		// that says so, which is fine. Delve gets a bounded time for it.
		if !runWithin(5*time.Second, func() { _ = s.client.Detach(true) }) {
			debugf("teardown: Delve's detach did not return")
		}
	}
	if s.server != nil {
		if !runWithin(5*time.Second, func() { _ = s.server.Stop() }) {
			debugf("teardown: Delve's server did not stop")
		}
	}
	s.mu.Lock()
	pid := s.pid
	s.mu.Unlock()
	if pid != 0 {
		// Belt and braces: the program must never outlive the trace.
		killProcess(pid)
	}
	waitOutputs := make(chan struct{})
	go func() { s.outputs.Wait(); close(waitOutputs) }()
	select {
	case <-waitOutputs:
	case <-time.After(2 * time.Second):
	}
	s.mu.Lock()
	dir := s.tmpDir
	s.mu.Unlock()
	if dir != "" {
		if err := os.RemoveAll(dir); err != nil {
			s.setCloseErr(fmt.Errorf("remove %s: %w", dir, err))
		}
	}
	s.lease.Release()
}

var (
	_ tracer.Source    = (*Session)(nil)
	_ tracer.Inspector = (*Session)(nil)
	_ tracer.Requester = (*Session)(nil)
)
