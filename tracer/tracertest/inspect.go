package tracertest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Inspection is what a Fake answers as a tracer.Inspector, given by the
// test. Every function gets the stop the fake is paused at. A nil function
// answers as described on each field.
type Inspection struct {
	// Frame returns frame i of the stopped goroutine (or of the goroutine
	// chosen with Goroutine, 0 for the stop's own). Nil: the frame of the
	// stop's Stack, with frame 0's Args and Locals from the event and no
	// variables for the others.
	Frame func(ev tracer.Event, goroutine int64, i int) (tracer.FrameDetail, error)
	// Eval evaluates expr in frame i; it also answers the watches (in
	// frame 0) and, when Expand is nil, Expand. Nil: every expression is
	// unknown, with Delve's message.
	Eval   func(ev tracer.Event, i int, expr string) (*tracer.Node, error)
	Expand func(ev tracer.Event, i int, expr string) (*tracer.Node, error)
	// Resolve resolves a breakpoint's location. Nil: FILE:LINE resolves
	// as given and anything else is not found.
	Resolve func(loc string) (tracer.Breakpoint, error)
	// Goroutines are what a halt finds; Halt delivers them in a KindHalt
	// event and Goroutine answers with their stacks.
	Goroutines []tracer.Goroutine
}

// inspectState is a Fake's Inspector state; the Fake's mutex guards it.
type inspectState struct {
	in          Inspection
	last        tracer.Event // the last stop, step, return or halt delivered
	goroutine   int64
	watches     []string
	breakpoints []tracer.Breakpoint
	// resume: the fake was running (BlockAt) when it was halted, and goes
	// back to running on Continue.
	resume bool
}

// Inspect makes the fake answer as a tracer.Inspector with in. Until it
// is called, every Inspector method returns tracer.ErrUnsupported, as a
// Source that cannot inspect would. Breakpoints and watches given here
// are set before the first event is delivered, as --break and --watch
// are: call Inspect before the first command.
func (f *Fake) Inspect(in Inspection) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inspect = &inspectState{in: in}
}

// BlockAt makes the fake behave as a program that runs on after a pass
// event of phase (e.g. app.running with its break off): it delivers
// nothing more until Signal, or until Halt pauses it.
func (f *Fake) BlockAt(phase tracer.PhaseID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.blockAt == nil {
		f.blockAt = map[tracer.PhaseID]bool{}
	}
	f.blockAt[phase] = true
}

// blocksLocked reports whether the fake runs on, delivering nothing, after
// ev. Callers hold f.mu.
func (f *Fake) blocksLocked(ev tracer.Event) bool {
	return ev.Kind == tracer.KindPass && f.blockAt[ev.Phase]
}

// prepareLocked fills an event in as a live Source would before it is
// delivered, once Inspect was called: a user breakpoint's stop is kept
// only when a breakpoint asks for it, with the location as given for
// Detail, and every stop carries the watches. It reports whether to
// deliver ev. Callers hold f.mu.
func (f *Fake) prepareLocked(ev *tracer.Event) bool {
	in := f.inspect
	if in == nil {
		return true // a fake without Inspect plays its events as they are
	}
	if ev.Phase == tracer.PhaseBreak && ev.Kind != tracer.KindExit {
		bp, ok := in.matching(*ev)
		if !ok {
			return false
		}
		ev.Detail = bp.Loc
	}
	switch ev.Kind {
	case tracer.KindStop, tracer.KindStep, tracer.KindReturn, tracer.KindPass:
		if len(in.watches) > 0 {
			ev.Watches = in.evalWatches(*ev)
		}
	}
	return true
}

// pausedAtLocked remembers the stop the fake pauses at, which Frame, Eval
// and Expand read. Callers hold f.mu.
func (f *Fake) pausedAtLocked(ev tracer.Event) {
	if f.inspect != nil {
		f.inspect.last, f.inspect.goroutine = ev, 0
	}
}

// matching finds the breakpoint that a user breakpoint's stop ev is for.
func (s *inspectState) matching(ev tracer.Event) (tracer.Breakpoint, bool) {
	for _, bp := range s.breakpoints {
		if bp.File != "" && bp.File == ev.File && bp.Line == ev.Line {
			return bp, true
		}
		if bp.Function != "" && bp.Function == ev.Function {
			return bp, true
		}
	}
	return tracer.Breakpoint{}, false
}

func (s *inspectState) evalWatches(ev tracer.Event) []tracer.WatchValue {
	out := make([]tracer.WatchValue, 0, len(s.watches))
	for _, expr := range s.watches {
		out = append(out, s.watchValue(ev, expr))
	}
	return out
}

func (s *inspectState) watchValue(ev tracer.Event, expr string) tracer.WatchValue {
	n, err := s.eval(ev, 0, expr)
	if err != nil {
		return tracer.WatchValue{Expr: expr, Error: err.Error()}
	}
	return tracer.WatchValue{Expr: expr, Value: n}
}

func (s *inspectState) eval(ev tracer.Event, i int, expr string) (*tracer.Node, error) {
	if s.in.Eval == nil {
		return nil, fmt.Errorf("could not find symbol %q in %s", expr, ev.Function)
	}
	return s.in.Eval(ev, i, expr)
}

// resumeLocked goes back to running after a halt of a running fake, and
// reports whether it did. Callers hold f.mu.
func (f *Fake) resumeLocked() bool {
	if f.inspect == nil || !f.inspect.resume || !f.paused {
		return false
	}
	f.inspect.resume = false
	f.paused, f.running = false, true
	return true
}

// pausedInspector returns the inspector state of a paused fake, or the error an
// Inspector returns otherwise. Callers hold f.mu.
func (f *Fake) pausedInspector() (*inspectState, error) {
	switch {
	case f.inspect == nil:
		return nil, tracer.ErrUnsupported
	case f.closed:
		return nil, tracer.ErrEnded
	case !f.paused:
		return nil, tracer.ErrNotPaused
	}
	return f.inspect, nil
}

func (f *Fake) log(cmd string) { f.Commands = append(f.Commands, cmd) }

// Frame answers with Inspection.Frame.
func (f *Fake) Frame(_ context.Context, i int) (tracer.FrameDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("frame " + strconv.Itoa(i))
	in, err := f.pausedInspector()
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	if in.in.Frame != nil {
		return in.in.Frame(in.last, in.goroutine, i)
	}
	stack := in.last.Stack
	if in.goroutine != 0 {
		stack = in.stackOf(in.goroutine)
	}
	if i < 0 || i >= len(stack) {
		return tracer.FrameDetail{}, fmt.Errorf("frame %d does not exist: the stack has %d", i, len(stack))
	}
	d := tracer.FrameDetail{Index: i, Frame: stack[i]}
	if i == 0 && in.goroutine == 0 {
		d.Args, d.Locals, d.Source = in.last.Args, in.last.Locals, in.last.Source
	}
	return d, nil
}

func (s *inspectState) stackOf(id int64) []tracer.Frame {
	for _, g := range s.in.Goroutines {
		if g.ID == id {
			return g.Stack
		}
	}
	return nil
}

// Eval answers with Inspection.Eval.
func (f *Fake) Eval(_ context.Context, i int, expr string) (*tracer.Node, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("eval " + expr)
	in, err := f.pausedInspector()
	if err != nil {
		return nil, err
	}
	return in.eval(in.last, i, expr)
}

// Expand answers with Inspection.Expand, or Eval.
func (f *Fake) Expand(_ context.Context, i int, expr string) (*tracer.Node, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("expand " + expr)
	in, err := f.pausedInspector()
	if err != nil {
		return nil, err
	}
	if in.in.Expand != nil {
		return in.in.Expand(in.last, i, expr)
	}
	return in.eval(in.last, i, expr)
}

// Watches lists the watched expressions.
func (f *Fake) Watches() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inspect == nil {
		return nil
	}
	return slices.Clone(f.inspect.watches)
}

// AddWatch watches expr from the next stop on and returns its value now.
func (f *Fake) AddWatch(_ context.Context, _ int, expr string) (tracer.WatchValue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("watch " + expr)
	if f.inspect == nil {
		return tracer.WatchValue{}, tracer.ErrUnsupported
	}
	in := f.inspect
	if !slices.Contains(in.watches, expr) {
		in.watches = append(in.watches, expr)
	}
	if !f.paused {
		return tracer.WatchValue{Expr: expr}, nil
	}
	return in.watchValue(in.last, expr), nil
}

// RemoveWatch stops watching expr.
func (f *Fake) RemoveWatch(expr string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("unwatch " + expr)
	if f.inspect == nil {
		return tracer.ErrUnsupported
	}
	i := slices.Index(f.inspect.watches, expr)
	if i < 0 {
		return fmt.Errorf("%s is not watched", expr)
	}
	f.inspect.watches = slices.Delete(f.inspect.watches, i, i+1)
	return nil
}

// Breakpoints lists the user's breakpoints.
func (f *Fake) Breakpoints() []tracer.Breakpoint {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inspect == nil {
		return nil
	}
	return slices.Clone(f.inspect.breakpoints)
}

// AddBreakpoint resolves loc with Inspection.Resolve; a scripted event of
// phase tracer.PhaseBreak at its file and line (or in its function) is
// delivered from now on.
func (f *Fake) AddBreakpoint(_ context.Context, loc string) (tracer.Breakpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("break " + loc)
	if f.inspect == nil {
		return tracer.Breakpoint{}, tracer.ErrUnsupported
	}
	in := f.inspect
	for _, bp := range in.breakpoints {
		if bp.Loc == loc {
			return tracer.Breakpoint{}, fmt.Errorf("a breakpoint is already set at %s", loc)
		}
	}
	var bp tracer.Breakpoint
	var err error
	if in.in.Resolve != nil {
		bp, err = in.in.Resolve(loc)
	} else {
		bp, err = resolveFileLine(loc)
	}
	if err != nil {
		return tracer.Breakpoint{}, err
	}
	bp.Loc = loc
	in.breakpoints = append(in.breakpoints, bp)
	return bp, nil
}

func resolveFileLine(loc string) (tracer.Breakpoint, error) {
	i := strings.LastIndexByte(loc, ':')
	if i <= 0 {
		return tracer.Breakpoint{}, fmt.Errorf("no function %s", loc)
	}
	line, err := strconv.Atoi(loc[i+1:])
	if err != nil || line <= 0 {
		return tracer.Breakpoint{}, fmt.Errorf("%s: the line is not a number", loc)
	}
	return tracer.Breakpoint{File: loc[:i], Line: line}, nil
}

// RemoveBreakpoint clears the breakpoint set at loc.
func (f *Fake) RemoveBreakpoint(_ context.Context, loc string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("clear " + loc)
	if f.inspect == nil {
		return tracer.ErrUnsupported
	}
	in := f.inspect
	i := slices.IndexFunc(in.breakpoints, func(bp tracer.Breakpoint) bool { return bp.Loc == loc })
	if i < 0 {
		return fmt.Errorf("no breakpoint at %s", loc)
	}
	in.breakpoints = slices.Delete(in.breakpoints, i, i+1)
	return nil
}

// Halt delivers a KindHalt event with Inspection.Goroutines and pauses. A
// fake that was running (BlockAt) goes back to running on Continue.
func (f *Fake) Halt(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("halt")
	switch {
	case f.inspect == nil:
		return tracer.ErrUnsupported
	case f.closed:
		return tracer.ErrEnded
	case f.paused:
		return nil // already paused: nothing to do, as Delve
	}
	ev := tracer.Event{Kind: tracer.KindHalt, Goroutines: f.inspect.in.Goroutines}
	if f.next > 0 {
		prev := f.events[f.next-1]
		ev.Seq, ev.Elapsed, ev.Time = prev.Seq, prev.Elapsed, prev.Time
	}
	f.inspect.last, f.inspect.goroutine, f.inspect.resume = ev, 0, f.running
	f.running, f.paused = false, true
	f.ch <- ev
	return nil
}

// Goroutine chooses goroutine id for Frame, Eval and Expand and returns
// its stack from Inspection.Goroutines; 0 goes back to the stop's own.
func (f *Fake) Goroutine(_ context.Context, id int64) ([]tracer.Frame, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("goroutine " + strconv.FormatInt(id, 10))
	in, err := f.pausedInspector()
	if err != nil {
		return nil, err
	}
	if id == 0 {
		in.goroutine = 0
		return in.last.Stack, nil
	}
	stack := in.stackOf(id)
	if stack == nil {
		return nil, fmt.Errorf("no goroutine %d", id)
	}
	in.goroutine = id
	return stack, nil
}

var _ tracer.Inspector = (*Fake)(nil)
