package delve

import (
	"fmt"
	"slices"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A watch added at a frame of the stop that reads that frame's own
// variables (bc.Server.Http.Addr, added at main.main's frame 1 while
// flag.Parse is frame 0) means that function's variables: at every later
// stop it is evaluated in the frame of that function, wherever it is on the
// stopped goroutine's stack, and marked not in scope where it is not on it.
// A watch of package variables alone (main.flagconf) has a value anywhere,
// and is evaluated in frame 0 of every stop, as a --watch is.

// bindWatch notes the function the watch expr keeps to, or that it keeps
// to none when fn is "".
func (in *inspection) bindWatch(expr, fn string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if fn == "" {
		delete(in.watchFuncs, expr)
		return
	}
	if in.watchFuncs == nil {
		in.watchFuncs = map[string]string{}
	}
	in.watchFuncs[expr] = fn
}

// readsFrameVars reports whether expr reads an argument or a local of frame
// i of goroutine gid. An expression whose names cannot be told apart is
// taken to read them.
func (s *Session) readsFrameVars(gid int64, i int, expr string) bool {
	roots, ok := operandRoots(expr)
	if !ok {
		return true
	}
	args, locals := s.frameVars(gid, i)
	vars := append(args, locals...)
	for _, r := range roots {
		// r.name is pkg in pkg.V: a package, unless a variable has its name.
		if slices.ContainsFunc(vars, func(n *tracer.Node) bool { return n.Name == r.name }) {
			return true
		}
	}
	return false
}

// boundWatchValue evaluates the watch expr, which keeps to function fn, in
// the innermost frame of fn on the stack of ev's goroutine.
func (s *Session) boundWatchValue(ev *tracer.Event, fn, expr string) tracer.WatchValue {
	stack := ev.Stack
	if stack == nil {
		stack = s.stack(ev.Goroutine)
	}
	i := slices.IndexFunc(stack, func(f tracer.Frame) bool { return f.Function == fn })
	if i < 0 {
		return tracer.WatchValue{Expr: expr, Function: fn,
			Error: fmt.Sprintf("%s: %s, where it was added, is not on goroutine %d's stack", tracer.NotInScope, shortFunc(fn), ev.Goroutine)}
	}
	v := s.watchValue(ev.Goroutine, i, fn, expr, expr)
	v.Function, v.Frame = fn, i
	return v
}
