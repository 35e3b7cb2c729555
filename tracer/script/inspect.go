package script

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A script asks the program its own questions through the parts of
// tracer.Inspector it needs. A live trace answers them; a recording cannot
// run code, so it answers eval only from the watches it recorded at the
// same stop, with the same expression text, and a break on a location
// pauses at the stops the recorded run made there.

// breakpointSetter sets the user's own breakpoints (tracer.Inspector).
type breakpointSetter interface {
	Breakpoints() []tracer.Breakpoint
	AddBreakpoint(ctx context.Context, loc string) (tracer.Breakpoint, error)
}

// evaluator evaluates Go expressions (tracer.Inspector).
type evaluator interface {
	Eval(ctx context.Context, frame int, expr string) (*tracer.Node, error)
}

// watcher keeps watched expressions (tracer.Inspector).
type watcher interface {
	Watches() []string
	AddWatch(ctx context.Context, i int, expr string) (tracer.WatchValue, error)
}

// inspectState is what the runner keeps of the script's own questions.
type inspectState struct {
	// locBreaks are the locations the script pauses at, by their text as
	// written: a stop at a user breakpoint carries it as its Detail.
	locBreaks map[string]bool
	// watches are the expressions the script watches, in order.
	watches []string
	// pendingBreaks and pendingWatches could not be set yet because the
	// program had not stopped anywhere; they are set at the next stop.
	pendingBreaks, pendingWatches []string
	// recording: the Source said it cannot set a watch or a breakpoint,
	// as a recording does; its watches are what was recorded.
	recording bool
}

// unsupported reports whether err says the Source cannot do that at all
// (a recording), as opposed to failing to.
func unsupported(err error) bool {
	return errors.Is(err, tracer.ErrUnsupported) || errors.Is(err, tracer.ErrNeedsLive)
}

// breakAt makes the script pause at a location from now on, setting the
// breakpoint in the program if it is not set yet. The caller then calls
// syncBreakPhase, once for all the locations of its line.
func (r *runner) breakAt(ctx context.Context, loc string) {
	r.insp.locBreaks[loc] = true
	r.setBreakpoint(ctx, loc)
}

// clearAt stops the script pausing at a location. The breakpoint stays in
// the program: its stops are passed, as any stop the script does not
// pause at. The caller then calls syncBreakPhase, as after breakAt.
func (r *runner) clearAt(loc string) {
	delete(r.insp.locBreaks, loc)
}

// syncBreakPhase tells the Source to pause at user breakpoints while the
// script pauses at any.
func (r *runner) syncBreakPhase() {
	on := r.breaks[tracer.PhaseBreak] || len(r.insp.locBreaks) > 0
	_ = r.src.SetBreak(tracer.PhaseBreak, on)
}

// setBreakpoint sets loc in the program unless it is there already (a
// live run's command line may have set every location of the script before
// the program started).
func (r *runner) setBreakpoint(ctx context.Context, loc string) {
	bs, ok := r.src.(breakpointSetter)
	if !ok || r.insp.recording {
		return
	}
	if slices.ContainsFunc(bs.Breakpoints(), func(b tracer.Breakpoint) bool { return b.Loc == loc }) {
		return
	}
	_, err := bs.AddBreakpoint(ctx, loc)
	switch {
	case err == nil:
	case errors.Is(err, tracer.ErrNotPaused):
		r.insp.pendingBreaks = append(r.insp.pendingBreaks, loc)
	case unsupported(err):
		r.insp.recording = true
	default:
		r.fail("%v", err)
	}
}

// watch watches expr from now on: its value is printed at every stop the
// script pauses at.
func (r *runner) watch(ctx context.Context, expr string) {
	if !slices.Contains(r.insp.watches, expr) {
		r.insp.watches = append(r.insp.watches, expr)
	}
	r.setWatch(ctx, expr)
}

// setWatch adds expr to the Source's watches unless it is there already.
func (r *runner) setWatch(ctx context.Context, expr string) {
	w, ok := r.src.(watcher)
	if !ok || r.insp.recording {
		return
	}
	if slices.Contains(w.Watches(), expr) {
		return
	}
	_, err := w.AddWatch(ctx, 0, expr)
	switch {
	case err == nil:
	case errors.Is(err, tracer.ErrNotPaused):
		r.insp.pendingWatches = append(r.insp.pendingWatches, expr)
	case unsupported(err):
		r.insp.recording = true
	default:
		r.fail("%v", err)
	}
}

// setPending sets the breakpoints and watches that waited for a stop.
func (r *runner) setPending(ctx context.Context) {
	breaks, watches := r.insp.pendingBreaks, r.insp.pendingWatches
	r.insp.pendingBreaks, r.insp.pendingWatches = nil, nil
	for _, loc := range breaks {
		r.setBreakpoint(ctx, loc)
	}
	for _, expr := range watches {
		r.setWatch(ctx, expr)
	}
}

// eval evaluates expr at the current stop: live in the program (frame 0
// of the stopped goroutine), or on a recording from the watches recorded
// at this stop.
func (r *runner) eval(ctx context.Context, expr string) (*tracer.Node, error) {
	if !r.st.atStop {
		return nil, fmt.Errorf("eval(%s): the trace has not stopped anywhere yet; continue first", expr)
	}
	if ev, ok := r.src.(evaluator); ok && !r.insp.recording {
		n, err := ev.Eval(ctx, 0, expr)
		switch {
		case err == nil:
			return n, nil
		case errors.Is(err, tracer.ErrEnded) || r.st.current.Kind == tracer.KindExit:
			return nil, fmt.Errorf("eval(%s): the program has exited", expr)
		case !unsupported(err):
			return nil, err
		}
	}
	return r.st.current.Watched(expr)
}

// printWatches prints the script's watches at a stop it pauses at, from
// the values the stop carries.
func (r *runner) printWatches(ev tracer.Event) {
	for _, expr := range r.insp.watches {
		n, err := ev.Watched(expr)
		if err != nil {
			r.printf("watch %s: %v\n", expr, err)
			r.tell("watch %s: %v", expr, err)
			continue
		}
		r.printValue("watch "+expr, nodeText(n))
	}
}

// printValue prints name = value, a value of several lines below its name.
func (r *runner) printValue(name, v string) {
	if strings.Contains(v, "\n") {
		r.printf("%s =\n%s\n", name, indent(v, "  "))
		r.tell("%s =\n%s", name, indent(v, "  "))
		return
	}
	r.printf("%s = %s\n", name, v)
	r.tell("%s = %s", name, v)
}

// nodeText is a value as print shows it and expect compares it: a leaf's
// value, a string without its quotes, or a tree over several lines.
func nodeText(n *tracer.Node) string {
	if n == nil {
		return "<nil>"
	}
	if len(n.Children) == 0 {
		v := n.Value
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			if u, err := strconv.Unquote(v); err == nil {
				v = u
			}
		}
		if n.More > 0 {
			v += fmt.Sprintf(" … (%d more)", n.More)
		}
		return v
	}
	return strings.TrimRight(n.Format(), "\n")
}

// Locations lists every location the script's break lines name, once
// each, in order: a live trace can set them before the program starts,
// as `run --break` does, so that the first continue can reach them.
func (s *Script) Locations() []string {
	var out []string
	for _, c := range s.Commands {
		if c.Op != OpBreak {
			continue
		}
		for _, loc := range c.Locations {
			if !slices.Contains(out, loc) {
				out = append(out, loc)
			}
		}
	}
	return out
}

// Watches lists every expression the script's watch lines name, once
// each, in order: a live trace can watch them from the start, as
// `run --watch` does.
func (s *Script) Watches() []string {
	var out []string
	for _, c := range s.Commands {
		if c.Op == OpWatch && !slices.Contains(out, c.Expr) {
			out = append(out, c.Expr)
		}
	}
	return out
}
