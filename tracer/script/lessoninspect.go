package script

import (
	"context"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A Lesson passes the user's own questions (tracer.Inspector) on to the
// Source it plays, so that the UI can read variables, evaluate
// expressions and keep watches at the stops the script pauses at, as
// without a script. Halt is the one exception while the script runs: the
// script decides where the program stops; once it is over, a halt passes
// too.

// inspector is the played Source's Inspector, or an error saying it has
// none.
func (l *Lesson) inspector() (tracer.Inspector, error) {
	in, ok := l.src.(tracer.Inspector)
	if !ok {
		return nil, fmt.Errorf("%w: this trace cannot be inspected", tracer.ErrUnsupported)
	}
	return in, nil
}

// Frame asks the played Source.
func (l *Lesson) Frame(ctx context.Context, i int) (tracer.FrameDetail, error) {
	in, err := l.inspector()
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	return in.Frame(ctx, i)
}

// Eval asks the played Source.
func (l *Lesson) Eval(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	in, err := l.inspector()
	if err != nil {
		return nil, err
	}
	return in.Eval(ctx, i, expr)
}

// Expand asks the played Source.
func (l *Lesson) Expand(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	in, err := l.inspector()
	if err != nil {
		return nil, err
	}
	return in.Expand(ctx, i, expr)
}

// Watches asks the played Source.
func (l *Lesson) Watches() []string {
	in, err := l.inspector()
	if err != nil {
		return nil
	}
	return in.Watches()
}

// AddWatch asks the played Source.
func (l *Lesson) AddWatch(ctx context.Context, expr string) (tracer.WatchValue, error) {
	in, err := l.inspector()
	if err != nil {
		return tracer.WatchValue{}, err
	}
	return in.AddWatch(ctx, expr)
}

// RemoveWatch asks the played Source.
func (l *Lesson) RemoveWatch(expr string) error {
	in, err := l.inspector()
	if err != nil {
		return err
	}
	return in.RemoveWatch(expr)
}

// Breakpoints asks the played Source.
func (l *Lesson) Breakpoints() []tracer.Breakpoint {
	in, err := l.inspector()
	if err != nil {
		return nil
	}
	return in.Breakpoints()
}

// AddBreakpoint asks the played Source. While the script runs, its stops
// are passed unless the script breaks there too.
func (l *Lesson) AddBreakpoint(ctx context.Context, loc string) (tracer.Breakpoint, error) {
	in, err := l.inspector()
	if err != nil {
		return tracer.Breakpoint{}, err
	}
	return in.AddBreakpoint(ctx, loc)
}

// RemoveBreakpoint asks the played Source.
func (l *Lesson) RemoveBreakpoint(ctx context.Context, loc string) error {
	in, err := l.inspector()
	if err != nil {
		return err
	}
	return in.RemoveBreakpoint(ctx, loc)
}

// Halt halts the played Source once the script is over; while it runs,
// the script decides where the program stops.
func (l *Lesson) Halt(ctx context.Context) error {
	l.mu.Lock()
	scripted := l.scripted
	l.mu.Unlock()
	if scripted {
		return fmt.Errorf("%w while the script runs: it decides where the program stops", tracer.ErrUnsupported)
	}
	in, err := l.inspector()
	if err != nil {
		return err
	}
	return in.Halt(ctx)
}

// Goroutine asks the played Source.
func (l *Lesson) Goroutine(ctx context.Context, id int64) ([]tracer.Frame, error) {
	in, err := l.inspector()
	if err != nil {
		return nil, err
	}
	return in.Goroutine(ctx, id)
}

var _ tracer.Inspector = (*Lesson)(nil)
