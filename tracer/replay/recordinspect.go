package replay

import (
	"context"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A Recorder passes the user's own questions on to the Source it records,
// so that a live trace recorded with --record answers them as it would
// unrecorded: the TUI's prompt, a script's eval, a halt. What they cause (a
// halt event, a stop at a new breakpoint, the watches a stop carries)
// arrives as events and is recorded like any other.

// inspector is the recorded Source's tracer.Inspector, or an error saying
// it has none.
func (r *Recorder) inspector() (tracer.Inspector, error) {
	in, ok := r.src.(tracer.Inspector)
	if !ok {
		return nil, fmt.Errorf("%w: this trace cannot be inspected", tracer.ErrUnsupported)
	}
	return in, nil
}

// Frame asks the recorded Source.
func (r *Recorder) Frame(ctx context.Context, i int) (tracer.FrameDetail, error) {
	in, err := r.inspector()
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	return in.Frame(ctx, i)
}

// Eval asks the recorded Source.
func (r *Recorder) Eval(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	in, err := r.inspector()
	if err != nil {
		return nil, err
	}
	return in.Eval(ctx, i, expr)
}

// Expand asks the recorded Source.
func (r *Recorder) Expand(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	in, err := r.inspector()
	if err != nil {
		return nil, err
	}
	return in.Expand(ctx, i, expr)
}

// Watches asks the recorded Source.
func (r *Recorder) Watches() []string {
	in, err := r.inspector()
	if err != nil {
		return nil
	}
	return in.Watches()
}

// AddWatch asks the recorded Source.
func (r *Recorder) AddWatch(ctx context.Context, expr string) (tracer.WatchValue, error) {
	in, err := r.inspector()
	if err != nil {
		return tracer.WatchValue{}, err
	}
	return in.AddWatch(ctx, expr)
}

// RemoveWatch asks the recorded Source.
func (r *Recorder) RemoveWatch(expr string) error {
	in, err := r.inspector()
	if err != nil {
		return err
	}
	return in.RemoveWatch(expr)
}

// Breakpoints asks the recorded Source.
func (r *Recorder) Breakpoints() []tracer.Breakpoint {
	in, err := r.inspector()
	if err != nil {
		return nil
	}
	return in.Breakpoints()
}

// AddBreakpoint asks the recorded Source.
func (r *Recorder) AddBreakpoint(ctx context.Context, loc string) (tracer.Breakpoint, error) {
	in, err := r.inspector()
	if err != nil {
		return tracer.Breakpoint{}, err
	}
	return in.AddBreakpoint(ctx, loc)
}

// RemoveBreakpoint asks the recorded Source.
func (r *Recorder) RemoveBreakpoint(ctx context.Context, loc string) error {
	in, err := r.inspector()
	if err != nil {
		return err
	}
	return in.RemoveBreakpoint(ctx, loc)
}

// Halt asks the recorded Source.
func (r *Recorder) Halt(ctx context.Context) error {
	in, err := r.inspector()
	if err != nil {
		return err
	}
	return in.Halt(ctx)
}

// Goroutine asks the recorded Source.
func (r *Recorder) Goroutine(ctx context.Context, id int64) ([]tracer.Frame, error) {
	in, err := r.inspector()
	if err != nil {
		return nil, err
	}
	return in.Goroutine(ctx, id)
}

var _ tracer.Inspector = (*Recorder)(nil)
