package delve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	_ "unsafe" // for go:linkname nanotime

	"github.com/go-delve/delve/pkg/goversion"
	"github.com/go-delve/delve/pkg/proc"
	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A halt stops the running program wherever it is, between phases: on the
// user's request (Halt, a key in the TUI) or because no phase was reached
// for the stall time (Config.Stall, see stall.go). Delve's Halt interrupts
// the Continue the run goroutine is waiting in; the run goroutine then takes
// the request up (takeHalt), lists every goroutine and emits a KindHalt
// event, after which the program waits for Continue like at a stop, or a
// KindStall event, after which the trace ends.

// haltState is what halts and the stall watchdog keep in a Session. It is
// guarded by Session.mu. (The goroutine chosen for inspection is the
// inspector's: Session.insp.)
type haltState struct {
	// req is a halt asked for and not yet taken up by the run goroutine.
	req *haltRequest
	// lastPhase and lastDetail are the last phase event emitted: a stall
	// is stuck after it.
	lastPhase  tracer.PhaseID
	lastDetail string
	// serving: app.running was reached; the program serves (and answers
	// requests) until it is signalled.
	serving bool
	// signalled: Signal was called, so the program is on its way out of
	// app.running and the stall watchdog watches again, counting from
	// signalledAt (run clock) rather than from app.running: the time it
	// served is no stall.
	signalled   bool
	signalledAt time.Duration

	// own is what the program says about itself, read at the first halt
	// (owned by the run goroutine, or by Halt while paused).
	own *programFacts
}

// haltReason says who asked for a halt.
type haltReason int

const (
	haltAsked   haltReason = iota // Inspector.Halt
	haltStalled                   // the stall watchdog
)

// haltRequest is one halt on its way. taken is closed once the run
// goroutine has taken it up, or once it became void (a stall whose program
// reached a phase after all); the goroutine that interrupts Delve stops
// then.
type haltRequest struct {
	reason haltReason
	taken  chan struct{}
}

// haltRetry is how often Delve is asked again to halt until the halt has
// done its work (the run goroutine took the request up, a reply was
// reported, the routes were read). A halt that reaches Delve before its
// Continue has begun is dropped by Delve (Continue clears a pending manual
// stop), so one request is not enough; one that arrives after the halt was
// taken is harmless: its stop has no breakpoint and the run loop goes on.
const haltRetry = 50 * time.Millisecond

// goroutineDepth is how many frames of each goroutine a halt reads.
const goroutineDepth = 32

// Halt stops the running program wherever it is: the halt arrives as a
// KindHalt event listing every goroutine, and the program then waits for
// Continue. At a stop, where the program is already still, the event is
// sent at once for the place it is paused at, and Continue goes on from the
// stop. Halt returns as soon as the request is made.
func (s *Session) Halt(ctx context.Context) error {
	for {
		release, err := s.beginInspect(ctx)
		if err == nil {
			s.emit(s.goroutinesEvent(tracer.KindHalt))
			release()
			return nil
		}
		if !errors.Is(err, tracer.ErrNotPaused) {
			return err
		}
		s.mu.Lock()
		if !s.paused {
			// Running: the run goroutine takes the request up once Delve
			// has interrupted it.
			s.requestHaltLocked(haltAsked)
			s.mu.Unlock()
			return nil
		}
		// It stopped in between: at a stop after all.
		s.mu.Unlock()
	}
}

// requestHaltLocked asks the run goroutine to halt the program, unless a
// halt is already on its way. Callers hold s.mu.
func (s *Session) requestHaltLocked(reason haltReason) {
	if s.halt.req != nil {
		return
	}
	req := &haltRequest{reason: reason, taken: make(chan struct{})}
	s.halt.req = req
	// Only a run command under way needs interrupting: otherwise the run
	// goroutine sees the request before it lets the program run again.
	go s.haltUntil(req.taken)
}

// haltUntil halts the program in Delve, again every haltRetry while a run
// command is under way, until stop is closed or the trace is closing.
func (s *Session) haltUntil(stop <-chan struct{}) {
	tick := time.NewTicker(haltRetry)
	defer tick.Stop()
	for {
		s.mu.Lock()
		running := s.stepping
		s.mu.Unlock()
		if running {
			if _, err := s.client.Halt(); err != nil {
				debugf("halt: %v", err)
			}
		}
		select {
		case <-stop:
			return
		case <-s.quit:
			return
		case <-s.done:
			return
		case <-tick.C:
		}
	}
}

// takeHalt reports a halt that was asked for, if any, and returns true:
// the program then waits for Continue (Halt), or the trace is over
// (a stall). It runs on the run goroutine, where the program is still.
func (s *Session) takeHalt() bool {
	s.mu.Lock()
	req := s.halt.req
	s.halt.req = nil
	s.mu.Unlock()
	if req == nil {
		return false
	}
	close(req.taken)
	// A step the halt interrupted would otherwise go on at the next
	// Continue.
	_ = s.client.CancelNext()
	if req.reason == haltStalled {
		s.reportStall()
		s.end()
		return true
	}
	ev := s.goroutinesEvent(tracer.KindHalt)
	s.deliver(ev, true)
	return true
}

// noteEmitLocked keeps what halts and stalls need to know of each event as
// it is emitted. Callers hold s.mu.
func (s *Session) noteEmitLocked(ev tracer.Event) {
	if ev.IsPhase() {
		s.halt.lastPhase, s.halt.lastDetail = ev.Phase, ev.Detail
		s.halt.serving = s.halt.serving || tracer.IsServing(ev.Phase)
		if req := s.halt.req; req != nil && req.reason == haltStalled {
			// The program reached a phase after all: it is not stuck.
			close(req.taken)
			s.halt.req = nil
		}
	}
}

// noteSignalled records that the program was sent a signal.
func (s *Session) noteSignalled() {
	s.mu.Lock()
	s.halt.signalled, s.halt.signalledAt = true, s.runClock.elapsed()
	s.mu.Unlock()
}

// Goroutine chooses the goroutine that Frame, Eval and Expand read from
// (see inspectGoroutine) and returns its stack, innermost frame first.
// Goroutine 0 goes back to the goroutine of the stop. The program must be
// paused: at a stop, a step or a halt.
func (s *Session) Goroutine(ctx context.Context, id int64) ([]tracer.Frame, error) {
	release, err := s.beginInspect(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	gid := id
	if gid == 0 {
		s.insp.mu.Lock()
		gid = s.insp.stopGoroutine
		s.insp.mu.Unlock()
	}
	frames, err := s.client.Stacktrace(gid, goroutineDepth, 0, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("goroutine %d: %s", gid, tracer.OneLine(err.Error(), 0))
	}
	s.insp.mu.Lock()
	s.insp.goroutine = id
	s.insp.mu.Unlock()
	return framesOf(frames), nil
}

// goroutinesEvent builds a halt or stall event: every goroutine, the main
// one first, and the event's place is the main goroutine's innermost frame
// in the program's own code, whose variables and the watches it carries.
// Phase and Detail are the last phase reached, the one the program is
// after. The main goroutine becomes the one the inspector reads from.
func (s *Session) goroutinesEvent(kind tracer.Kind) tracer.Event {
	ev := tracer.Event{Kind: kind, Goroutines: s.readGoroutines()}
	s.mu.Lock()
	ev.Phase, ev.Detail = s.halt.lastPhase, s.halt.lastDetail
	s.mu.Unlock()
	if len(ev.Goroutines) > 0 {
		g := ev.Goroutines[0]
		ev.Goroutine = g.ID
		ev.File, ev.Line, ev.Function = g.User.File, g.User.Line, g.User.Function
		ev.Stack = g.Stack
	}
	s.addState(&ev)
	s.addHaltValues(&ev)
	return ev
}

// addHaltValues adds to a halt or stall event what a stop carries (see
// addFrameValues) for the frame it names: the main goroutine's own, not
// the runtime's frame 0.
func (s *Session) addHaltValues(ev *tracer.Event) {
	frame := slices.IndexFunc(ev.Stack, func(f tracer.Frame) bool {
		return f.Function == ev.Function && f.Line == ev.Line
	})
	s.addFrameValues(ev, frame)
}

// programFacts is what a halt needs to know of the program: its main
// module, to tell its own code from its dependencies', and its Go version,
// which numbers the runtime's wait reasons.
type programFacts struct {
	module    string
	goVersion *goversion.GoVersion
}

// facts reads the program's main module (from runtime.modinfo, as
// debug.ReadBuildInfo does) and Go version once.
func (s *Session) facts() *programFacts {
	if s.halt.own != nil {
		return s.halt.own
	}
	f := &programFacts{}
	if v, err := s.client.EvalVariable(api.EvalScope{GoroutineID: -1}, "runtime.modinfo", api.LoadConfig{MaxStringLen: 1 << 20}); err == nil {
		if info, ok := parseModinfo(v.Value); ok {
			f.module = info.Main.Path
		}
	}
	if ver := s.client.GetVersion(); ver != nil && ver.TargetGoVersion != "" {
		gv := goversion.ParseProducer(ver.TargetGoVersion)
		if gv.Major > 0 {
			f.goVersion = &gv
		}
	}
	s.halt.own = f
	return f
}

// readGoroutines lists every goroutine with its stack, the main goroutine
// first, then by ID.
func (s *Session) readGoroutines() []tracer.Goroutine {
	gs, _, err := s.client.ListGoroutines(0, 0)
	if err != nil {
		debugf("list goroutines: %v", err)
		return nil
	}
	facts := s.facts()
	// The program runs on this machine, so its monotonic clock is ours; a
	// program under a Delve server elsewhere may not share it.
	now, sameClock := nanotime(), s.remote == nil || s.attaching()
	out := make([]tracer.Goroutine, 0, len(gs))
	for _, g := range gs {
		if g == nil || !liveGoroutine(g.Status) || g.Unreadable != "" && g.CurrentLoc.PC == 0 {
			continue
		}
		tg := tracer.Goroutine{
			ID:         g.ID,
			Main:       g.ID == 1,
			Current:    frameOfLocation(g.CurrentLoc),
			WaitReason: waitReason(g, facts.goVersion),
		}
		if frames, err := s.client.Stacktrace(g.ID, goroutineDepth, 0, 0, nil); err == nil {
			tg.Stack = framesOf(frames)
		}
		tg.User = userFrame(tg.Stack, facts.module)
		if tg.User.Function == "" {
			// A goroutine of the runtime's own (the GC's helpers, the
			// signal handler's) is best named by the function it runs.
			tg.User = frameOfLocation(g.StartLoc)
		}
		if sameClock && g.WaitSince > 0 && now > g.WaitSince {
			tg.Waiting = tracer.Duration(now - g.WaitSince)
		}
		out = append(out, tg)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Main != out[j].Main {
			return out[i].Main
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// liveGoroutine reports whether a goroutine of this status is one of the
// program's: running, ready to, or blocked. A goroutine that has ended and
// waits to be reused, or one the runtime keeps for threads created outside
// Go (a status newer than Delve's list), has nothing to show.
func liveGoroutine(status uint64) bool {
	switch status {
	case proc.Grunnable, proc.Grunning, proc.Gsyscall, proc.Gwaiting, proc.Gcopystack, gPreempted:
		return true
	}
	return false
}

// gPreempted is the runtime's _Gpreempted, a goroutine stopped by an
// asynchronous preemption; Delve's list of statuses ends before it.
const gPreempted = 9

// waitReason is the runtime's reason for a goroutine that is blocked
// ("chan receive", "select", "IO wait", "sleep"…), "syscall" for one in a
// system call, and "" for one that runs or could.
func waitReason(g *api.Goroutine, gv *goversion.GoVersion) string {
	switch {
	case g.Status == api.GoroutineSyscall:
		// The runtime leaves the last wait reason in place when a
		// goroutine enters a system call; its own tracebacks say
		// "syscall" then, and so does this.
		return "syscall"
	case g.Status != api.GoroutineWaiting || g.WaitReason == 0:
		return ""
	case gv == nil:
		return fmt.Sprintf("wait reason %d", g.WaitReason)
	}
	r := api.WaitReasonString(gv, g.WaitReason)
	if strings.HasPrefix(r, "unknown wait reason") {
		return fmt.Sprintf("wait reason %d", g.WaitReason)
	}
	return r
}

// userFrame is the innermost frame of stack in the program's own code:
// package main or a package of its main module; failing that, the
// innermost frame outside the standard library (a dependency's), then
// outside the runtime (database/sql's, os/signal's). It is zero when every
// frame is the runtime's.
func userFrame(stack []tracer.Frame, module string) tracer.Frame {
	for _, f := range stack {
		pkg := funcPackage(f.Function)
		if pkg == "main" || module != "" && (pkg == module || strings.HasPrefix(pkg, module+"/")) {
			return f
		}
	}
	for _, f := range stack {
		if pkg := funcPackage(f.Function); pkg != "" && !isStdPackage(pkg) {
			return f
		}
	}
	for _, f := range stack {
		if pkg := funcPackage(f.Function); pkg != "" && !isRuntimePackage(pkg) {
			return f
		}
	}
	return tracer.Frame{}
}

// isRuntimePackage reports whether pkg is the runtime or one of its
// internal packages.
func isRuntimePackage(pkg string) bool {
	return pkg == "runtime" || strings.HasPrefix(pkg, "runtime/internal/") || strings.HasPrefix(pkg, "internal/runtime/")
}

// isStdPackage reports whether pkg is in the standard library (or the
// runtime): the first element of its path has no dot. Package main is the
// program's own.
func isStdPackage(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return pkg != "main" && !strings.Contains(first, ".")
}

// framesOf converts Delve's frames.
func framesOf(frames []api.Stackframe) []tracer.Frame {
	out := make([]tracer.Frame, 0, len(frames))
	for _, f := range frames {
		out = append(out, frameOfLocation(f.Location))
	}
	return out
}

// frameOfLocation converts one Delve location.
func frameOfLocation(l api.Location) tracer.Frame {
	fr := tracer.Frame{File: l.File, Line: l.Line}
	if l.Function != nil {
		fr.Function = l.Function.Name()
	}
	return fr
}

// nanotime is the Go runtime's monotonic clock, the one a program stamps a
// blocked goroutine's g.waitsince with; on one machine every Go process
// reads the same clock, so a halt can say how long a goroutine has waited.
// The runtime keeps the symbol reachable for go:linkname on purpose.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
