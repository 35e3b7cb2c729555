package delve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// This file is the live side of tracer.Inspector: the variables of a frame,
// Go expressions, watches and the user's own breakpoints, answered by
// Delve while the program is paused. Halt and Goroutine are in halt.go.

// inspection is what a session keeps for the user's own questions.
type inspection struct {
	// op serialises the inspector's requests to Delve with the commands
	// that set the program running (send, Send, Routes): no request is
	// under way when the program runs, so none can block behind a
	// Continue.
	op sync.Mutex

	mu sync.Mutex // guards the fields below
	// watches are the watched expressions, in the order they were added;
	// watchFuncs the function each watch of a frame's own variables was
	// added in (watchframe.go).
	watches    []string
	watchFuncs map[string]string
	// breaks are the user's breakpoints, in the order they were added.
	breaks []*userBreak
	// stopGoroutine is the goroutine of the current stop. goroutine is the
	// one chosen with Goroutine, which Frame, Eval and Expand read from;
	// 0 means the stop's.
	stopGoroutine int64
	goroutine     int64

	// globals resolves the package-level names of watches once
	// (watchfast.go).
	globals globalCache
}

// setWatches sets the watches a session starts with, each once.
func (in *inspection) setWatches(exprs []string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, e := range exprs {
		e = strings.TrimSpace(e)
		if e != "" && !slices.Contains(in.watches, e) {
			in.watches = append(in.watches, e)
		}
	}
}

// inspectGoroutine is the goroutine the inspector reads from.
func (s *Session) inspectGoroutine() int64 {
	s.insp.mu.Lock()
	defer s.insp.mu.Unlock()
	if s.insp.goroutine != 0 {
		return s.insp.goroutine
	}
	return s.insp.stopGoroutine
}

// beginInspect takes the inspector's turn with Delve. It fails unless the
// program is paused; the returned function ends the turn.
func (s *Session) beginInspect(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.insp.op.Lock()
	s.mu.Lock()
	ended, paused := s.ended, s.paused
	s.mu.Unlock()
	switch {
	case ended:
		s.insp.op.Unlock()
		return nil, tracer.ErrEnded
	case !paused:
		s.insp.op.Unlock()
		return nil, tracer.ErrNotPaused
	}
	return s.insp.op.Unlock, nil
}

// Frame returns frame i of the goroutine being inspected, with its
// arguments, locals and source.
func (s *Session) Frame(ctx context.Context, i int) (tracer.FrameDetail, error) {
	release, err := s.beginInspect(ctx)
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	defer release()
	gid := s.inspectGoroutine()
	f, err := s.frameAt(gid, i)
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	d := tracer.FrameDetail{Index: i, Frame: f}
	d.Args, d.Locals = s.frameVars(gid, i)
	d.Source = s.sources.snippet(f.File, f.Line)
	return d, nil
}

// frameAt returns frame i of goroutine gid.
func (s *Session) frameAt(gid int64, i int) (tracer.Frame, error) {
	if i < 0 {
		return tracer.Frame{}, fmt.Errorf("no frame %d: frames are numbered from 0", i)
	}
	frames, err := s.client.Stacktrace(gid, i+1, 0, 0, nil)
	if err != nil {
		return tracer.Frame{}, fmt.Errorf("read the stack of goroutine %d: %s", gid, tracer.OneLine(err.Error(), 0))
	}
	if i >= len(frames) {
		return tracer.Frame{}, fmt.Errorf("no frame %d: goroutine %d has %d", i, gid, len(frames))
	}
	return frameOfLocation(frames[i].Location), nil
}

// stopFetches bounds the further requests a stop makes for one list of
// variables or one watch: durations and times below the first load, and
// levels the first load did not reach. Beyond it values stay Unloaded.
const stopFetches = 6

// frameVars reads the arguments and locals of frame i of goroutine gid, in
// one request each, as a stop shows them. What cannot be read is left out:
// a stop must not fail for it.
func (s *Session) frameVars(gid int64, i int) (args, locals []*tracer.Node) {
	scope := api.EvalScope{GoroutineID: gid, Frame: i}
	r := variableReader(s.client, scope, stopLevels, stopFetches)
	if vars, err := s.client.ListFunctionArgs(scope, stopLoad); err == nil {
		args = r.variables(vars)
	} else {
		debugf("args of goroutine %d frame %d: %v", gid, i, err)
	}
	if vars, err := s.client.ListLocalVariables(scope, stopLoad); err == nil {
		locals = r.variables(vars)
	} else {
		debugf("locals of goroutine %d frame %d: %v", gid, i, err)
	}
	return args, locals
}

// variables turns a frame's variables into nodes, leaving out the unnamed
// results (~r0) and the variables a later one shadows.
func (r *nodeReader) variables(vars []api.Variable) []*tracer.Node {
	var out []*tracer.Node
	for i := range vars {
		v := &vars[i]
		if strings.HasPrefix(v.Name, "~") || v.Flags&api.VariableShadowed != 0 {
			continue
		}
		if v.Flags&api.VariableReturnArgument != 0 && v.Unreadable != "" {
			// A named result at the function's entry: the function has not
			// set it yet, and what its slot holds cannot be read as a value.
			out = append(out, &tracer.Node{Name: v.Name, Type: shortType(v.Type), Value: "(not set yet)", Expr: v.Name})
			continue
		}
		out = append(out, r.variable(v.Name, v.Name, v))
	}
	return out
}

// Eval evaluates a Go expression, as Delve accepts it, in frame i of the
// goroutine being inspected. Its error is one line.
func (s *Session) Eval(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, errors.New("nothing to evaluate: give a Go expression, e.g. len(a.opts.servers)")
	}
	release, err := s.beginInspect(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.evalIn(s.inspectGoroutine(), i, expr)
}

// evalIn evaluates expr in frame i of goroutine gid for the user: a few
// further requests may read what the first one left out.
func (s *Session) evalIn(gid int64, i int, expr string) (*tracer.Node, error) {
	r := variableReader(s.client, api.EvalScope{GoroutineID: gid, Frame: i}, evalLevels, 8)
	n, err := r.eval(expr, expr, evalLoad)
	if err != nil {
		fn := ""
		if f, ferr := s.frameAt(gid, i); ferr == nil {
			fn = f.Function
		}
		return nil, errors.New(evalErrorText(err, fn))
	}
	return n, nil
}

// Expand reads the level below a node left unloaded, by its expression, in
// frame i.
func (s *Session) Expand(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	return s.Eval(ctx, i, expr)
}

// unknownSymbol matches Delve's errors for a name it cannot find: a
// variable, or a package's member.
var unknownSymbol = regexp.MustCompile(`could not find symbol (?:value for )?(\S+)$`)

// evalErrorText is Delve's error for an expression as one line, naming the
// function it was evaluated in when a name was not found:
// could not find symbol "bc" in kratos.(*App).Run.
func evalErrorText(err error, function string) string {
	msg := tracer.OneLine(err.Error(), 0)
	if m := unknownSymbol.FindStringSubmatch(msg); m != nil {
		return symbolNotFound(m[1], function)
	}
	return msg
}

// symbolNotFound says that name was not found in function (when known).
func symbolNotFound(name, function string) string {
	msg := fmt.Sprintf("could not find symbol %q", name)
	if function != "" {
		msg += " in " + shortFunc(function)
	}
	return msg
}

// Watches lists the watched expressions in the order they were added.
func (s *Session) Watches() []string {
	s.insp.mu.Lock()
	defer s.insp.mu.Unlock()
	return append([]string(nil), s.insp.watches...)
}

// CheckWatchExprs checks that every --watch is a Go expression before
// anything is built, as Delve parses it: a typo is said once, at once,
// rather than as the same error at every stop. Whether an expression can
// be evaluated is known only at a stop.
func CheckWatchExprs(exprs []string) error {
	for _, e := range exprs {
		if err := checkExpr(e); err != nil {
			return err
		}
	}
	return nil
}

// checkExpr says in one sentence why expr is not a Go expression.
func checkExpr(expr string) error {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return &UserError{Msg: "nothing to watch", Hint: "give a Go expression, e.g. main.flagconf or len(a.opts.servers)"}
	}
	if pos, msg, ok := tracer.ExprSyntax(expr); !ok {
		if pos.IsValid() {
			msg = fmt.Sprintf("at column %d, %s", pos.Column, msg)
		}
		return &UserError{Msg: fmt.Sprintf("%s is not a Go expression: %s", expr, msg), Hint: "a watch is a Go expression Delve can evaluate, e.g. main.flagconf, len(a.opts.servers), bc.Server.Http.Addr"}
	}
	return nil
}

// AddWatch watches expr from now on and returns its value in frame i at
// this stop. A watch of frame i's own variables keeps to its function
// (watchframe.go).
func (s *Session) AddWatch(ctx context.Context, i int, expr string) (tracer.WatchValue, error) {
	expr = strings.TrimSpace(expr)
	if err := checkExpr(expr); err != nil {
		return tracer.WatchValue{}, err
	}
	release, err := s.beginInspect(ctx)
	if err != nil {
		return tracer.WatchValue{}, err
	}
	defer release()
	gid := s.inspectGoroutine()
	f, err := s.frameAt(gid, i)
	if err != nil {
		return tracer.WatchValue{}, err
	}
	bound := ""
	if s.readsFrameVars(gid, i, expr) {
		bound = f.Function
	}
	s.insp.setWatches([]string{expr})
	s.insp.bindWatch(expr, bound)
	v := s.watchValue(gid, i, f.Function, expr, expr)
	if bound != "" {
		v.Function, v.Frame = bound, i
	}
	return v, nil
}

// RemoveWatch stops watching expr.
func (s *Session) RemoveWatch(expr string) error {
	expr = strings.TrimSpace(expr)
	s.insp.mu.Lock()
	defer s.insp.mu.Unlock()
	for i, w := range s.insp.watches {
		if w == expr {
			s.insp.watches = append(s.insp.watches[:i:i], s.insp.watches[i+1:]...)
			delete(s.insp.watchFuncs, expr)
			return nil
		}
	}
	return fmt.Errorf("%s is not watched", expr)
}

// Breakpoints lists the user's own breakpoints, in the order they were set.
func (s *Session) Breakpoints() []tracer.Breakpoint {
	s.insp.mu.Lock()
	defer s.insp.mu.Unlock()
	out := make([]tracer.Breakpoint, 0, len(s.insp.breaks))
	for _, b := range s.insp.breaks {
		out = append(out, b.bp)
	}
	return out
}

// AddBreakpoint sets a breakpoint of the user's own at loc; its hits are
// stops of phase break with detail loc.
func (s *Session) AddBreakpoint(ctx context.Context, loc string) (tracer.Breakpoint, error) {
	release, err := s.beginInspect(ctx)
	if err != nil {
		return tracer.Breakpoint{}, err
	}
	defer release()
	return s.addUserBreak(loc)
}

// RemoveBreakpoint clears the user's breakpoint at loc.
func (s *Session) RemoveBreakpoint(ctx context.Context, loc string) error {
	release, err := s.beginInspect(ctx)
	if err != nil {
		return err
	}
	defer release()
	return s.removeUserBreak(loc)
}

// addStopValues adds to a stop or step event what the user reads there:
// see addFrameValues, for frame 0.
func (s *Session) addStopValues(ev *tracer.Event) {
	s.addFrameValues(ev, 0)
}

// addFrameValues makes ev's goroutine the inspected one and adds to ev the
// arguments and locals of its frame (nothing when frame is negative) and
// the watches' values there. It runs on the session's goroutine before the
// event is delivered, or in Halt at a stop.
func (s *Session) addFrameValues(ev *tracer.Event, frame int) {
	s.insp.mu.Lock()
	s.insp.stopGoroutine, s.insp.goroutine = ev.Goroutine, 0
	watches := append([]string(nil), s.insp.watches...)
	funcs := maps.Clone(s.insp.watchFuncs)
	s.insp.mu.Unlock()
	if ev.Goroutine == 0 || frame < 0 {
		return
	}
	ev.Args, ev.Locals = s.frameVars(ev.Goroutine, frame)
	if len(watches) == 0 {
		return
	}
	vars := map[string]bool{}
	for _, n := range append(append([]*tracer.Node(nil), ev.Args...), ev.Locals...) {
		vars[n.Name] = true
	}
	for _, w := range watches {
		if fn := funcs[w]; fn != "" {
			ev.Watches = append(ev.Watches, s.boundWatchValue(ev, fn, w))
			continue
		}
		ask, errText := s.watchExpr(ev.Goroutine, frame, ev.Function, vars, w)
		if errText != "" {
			ev.Watches = append(ev.Watches, tracer.WatchValue{Expr: w, Error: errText})
			continue
		}
		ev.Watches = append(ev.Watches, s.watchValue(ev.Goroutine, frame, ev.Function, w, ask))
	}
}

// watchValue evaluates the watch expr, asking Delve for ask (the same
// expression, its package variables read by address), in frame i of
// goroutine gid, whose function is fn; an error is carried in the value,
// not returned.
func (s *Session) watchValue(gid int64, i int, fn, expr, ask string) tracer.WatchValue {
	r := variableReader(s.client, api.EvalScope{GoroutineID: gid, Frame: i}, stopLevels, stopFetches)
	n, err := r.evalAs(expr, expr, ask, stopLoad)
	if err != nil {
		return tracer.WatchValue{Expr: expr, Error: evalErrorText(err, fn)}
	}
	return tracer.WatchValue{Expr: expr, Value: n}
}
