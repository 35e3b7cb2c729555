package tracer

import (
	"context"
	"errors"
	"fmt"
)

// Inspector is implemented by a Source that can answer the user's own
// questions at a stop: the variables of any frame, Go expressions, watches,
// breakpoints of the user's own, and a halt of the running program. A live
// Delve session is one; a replay answers only what it recorded (Eval of an
// expression that was watched) and returns ErrUnsupported, or an error
// wrapping ErrNeedsLive, for the rest. A consumer checks for it with a type
// assertion, as for Rewinder.
//
// Frames are numbered as in Event.Stack: 0 is the innermost frame of the
// stopped goroutine. Every method but Halt needs a paused program and
// returns ErrNotPaused otherwise.
type Inspector interface {
	// Frame returns frame i of the current stop's goroutine (or of the
	// goroutine chosen with Goroutine): its location, arguments, locals
	// and source.
	Frame(ctx context.Context, i int) (FrameDetail, error)
	// Eval evaluates a Go expression, as Delve accepts it, in frame i. The
	// error of an expression that cannot be evaluated is one line, e.g.
	// `could not find symbol "bc" in kratos.(*App).Run`.
	Eval(ctx context.Context, i int, expr string) (*Node, error)
	// Expand reads the level below a node that was left unloaded
	// (Node.Unloaded), by its Node.Expr, in frame i.
	Expand(ctx context.Context, i int, expr string) (*Node, error)

	// Watches lists the watched expressions in the order they were added.
	Watches() []string
	// AddWatch watches expr from now on: it is evaluated at every stop and
	// carried in Event.Watches. Its value in frame i at the current stop is
	// returned. A watch of the frame's own variables remembers the frame's
	// function, and is evaluated in that function's frame wherever it is
	// on the stack of later stops (WatchValue.Function, WatchValue.Frame),
	// and marked not in scope where it is not; any other watch (of package
	// variables) is evaluated in frame 0 of every stop.
	AddWatch(ctx context.Context, i int, expr string) (WatchValue, error)
	// RemoveWatch stops watching expr.
	RemoveWatch(expr string) error

	// Breakpoints lists the user's own breakpoints.
	Breakpoints() []Breakpoint
	// AddBreakpoint sets a breakpoint of the user's own at loc: FILE:LINE
	// (relative to the module root, or absolute) or a function
	// (main.newApp, biz.(*GreeterUsecase).CreateGreeter, or with its full
	// package path). Its hits are stops with phase PhaseBreak and detail loc.
	// A loc that resolves nowhere is an error of one sentence with a
	// suggestion where one is close.
	AddBreakpoint(ctx context.Context, loc string) (Breakpoint, error)
	// RemoveBreakpoint clears the breakpoint set at loc.
	RemoveBreakpoint(ctx context.Context, loc string) error

	// Halt stops the running program wherever it is. The halt arrives as a
	// KindHalt event carrying every goroutine; Continue resumes.
	Halt(ctx context.Context) error
	// Goroutine chooses the goroutine that Frame, Eval and Expand read
	// from, at a halt or any stop; its stack is returned. Goroutine 0 goes
	// back to the goroutine of the stop.
	Goroutine(ctx context.Context, id int64) ([]Frame, error)
}

// FrameDetail is one frame of a stopped goroutine, with its variables.
type FrameDetail struct {
	// Index is the frame's number, 0 the innermost.
	Index  int      `json:"index"`
	Frame  Frame    `json:"frame"`
	Args   []*Node  `json:"args,omitempty"`
	Locals []*Node  `json:"locals,omitempty"`
	Source *Snippet `json:"source,omitempty"`
}

// WatchValue is one watched expression's value at a stop.
type WatchValue struct {
	Expr  string `json:"expr"`
	Value *Node  `json:"value,omitempty"`
	// Error says why the expression has no value at this stop, e.g. that
	// a variable is not in scope.
	Error string `json:"error,omitempty"`
	// Function is the function the watch was added in, when it watches
	// that function's variables; Frame is the frame of the stop's
	// goroutine it was evaluated in (0 when Function is not on the stack).
	Function string `json:"function,omitempty"`
	Frame    int    `json:"frame,omitempty"`
}

// NotInScope is the start of a WatchValue's Error when the function the
// watch was added in is not on the stopped goroutine's stack.
const NotInScope = "not in scope"

// Watched answers expr from the watches recorded at e, as a recording
// answers Eval: the value, or the error, of the watch with the same text.
// Any other expression needs the live program; the error wraps
// ErrNeedsLive.
func (e Event) Watched(expr string) (*Node, error) {
	for _, w := range e.Watches {
		if w.Expr != expr {
			continue
		}
		if w.Error != "" {
			return nil, errors.New(w.Error)
		}
		return w.Value, nil
	}
	return nil, fmt.Errorf("%w: %s was not watched in this recording", ErrNeedsLive, expr)
}

// Breakpoint is a breakpoint of the user's own, as resolved in the program.
type Breakpoint struct {
	// Loc is the location as the user gave it; it is the Detail of the
	// stops at this breakpoint.
	Loc      string `json:"loc"`
	Function string `json:"function,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
}

// Goroutine is one goroutine of a halted or stalled program.
type Goroutine struct {
	ID int64 `json:"id"`
	// User is the innermost frame in the program's own code (not the
	// runtime's nor the standard library's); Current is the innermost
	// frame of all.
	User    Frame `json:"user"`
	Current Frame `json:"current"`
	// WaitReason is the runtime's reason for a blocked goroutine, e.g.
	// "chan receive", "select", "IO wait", "sleep".
	WaitReason string `json:"wait_reason,omitempty"`
	// Waiting is how long it has been blocked, where the runtime knows it.
	Waiting Duration `json:"waiting,omitempty"`
	// Main is set for the main goroutine.
	Main  bool    `json:"main,omitempty"`
	Stack []Frame `json:"stack,omitempty"`
}

// InspectorOf is src's Inspector or, when src is none, one that answers
// every question with err and lists no watches and no breakpoints. A
// Source that wraps another (a recorder, a lesson) passes the user's
// questions on through it.
func InspectorOf(src Source, err error) Inspector {
	if in, ok := src.(Inspector); ok {
		return in
	}
	return noInspector{err}
}

// noInspector answers for a Source that cannot be inspected.
type noInspector struct{ err error }

func (n noInspector) Frame(context.Context, int) (FrameDetail, error)  { return FrameDetail{}, n.err }
func (n noInspector) Eval(context.Context, int, string) (*Node, error) { return nil, n.err }
func (n noInspector) Expand(context.Context, int, string) (*Node, error) {
	return nil, n.err
}
func (n noInspector) Watches() []string { return nil }
func (n noInspector) AddWatch(context.Context, int, string) (WatchValue, error) {
	return WatchValue{}, n.err
}
func (n noInspector) RemoveWatch(string) error  { return n.err }
func (n noInspector) Breakpoints() []Breakpoint { return nil }
func (n noInspector) AddBreakpoint(context.Context, string) (Breakpoint, error) {
	return Breakpoint{}, n.err
}
func (n noInspector) RemoveBreakpoint(context.Context, string) error { return n.err }
func (n noInspector) Halt(context.Context) error                     { return n.err }
func (n noInspector) Goroutine(context.Context, int64) ([]Frame, error) {
	return nil, n.err
}
