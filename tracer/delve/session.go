package delve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-delve/delve/service"
	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

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
	// Env are KEY=VALUE variables added to the program's environment.
	Env []string
	// Launch, when set, holds the built program back until it is closed
	// (launchgate.go).
	Launch <-chan struct{}
	// BreaksWhereFound sets each of Breaks where the program has it and
	// only says so where it has not, instead of failing: in a system a
	// location is usually one service's.
	BreaksWhereFound bool
	// Isolated runs the session's Delve server in a process of its own,
	// so that several sessions can trace programs side by side
	// (serverproc.go).
	Isolated bool
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
	// held keeps the events of a program launched ahead of its
	// Config.Launch, while holding, until the launch is let go
	// (launchgate.go); guarded by sendMu.
	held    []tracer.Event
	holding bool

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
	failed *tracer.Event
	// stopping: App.Stop has run (app.stop was reached), so an error
	// Run's wait returns came during the shutdown.
	stopping bool
	servers  *serverTracker
	// clients are the clients the program built (discovery.go).
	clients clientTracker
	// registry is the lease the App's instance is registered under
	// (lease.go).
	registry registryLease
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
	// app is where an attached program's App was found (attachstop.go).
	app *appRef
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
	// lift names the client timeout an outgoing call is about to apply,
	// at the line that checks it (clientcalls.go).
	lift string
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
	if s.remote != nil && !s.attaching() {
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
	if s.holding {
		s.held = append(s.held, ev)
		return
	}
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
		s.releaseHeld()
		if !errors.Is(err, errNotLaunched) {
			s.emit(ErrorEvent(err))
		}
		return
	}
	if err := s.waitLaunch(); err != nil {
		return
	}
	if s.cfg.PlanOnly {
		return
	}
	if s.cfg.Stall > 0 {
		go s.watchStall()
	}
	if s.attaching() {
		s.reportAttach()
	} else {
		s.resume("continue")
	}
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
		if s.attaching() {
			s.teardownAttached()
		} else {
			s.teardownRemote()
		}
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
