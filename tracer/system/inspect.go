package system

import (
	"context"
	"errors"
	"fmt"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// The user's questions (tracer.Inspector) go to the paused service: its
// frames, expressions and goroutines. A watch is every service's, so that
// each stop carries it; a breakpoint goes to every service whose program
// has the location; Halt halts every service that runs, and their halts
// come one after the other, as every pause does.

// inspector is the Inspector of m, or one that answers with why.
func inspector(m *member) tracer.Inspector {
	return tracer.InspectorOf(m.src, fmt.Errorf("%s: %w", m.svc.Name, tracer.ErrUnsupported))
}

// pausedInspector is the Inspector of the paused service.
func (s *System) pausedInspector() (tracer.Inspector, error) {
	m, err := s.pausedMember(false)
	if err != nil {
		return nil, err
	}
	return inspector(m), nil
}

// Frame reads frame i of the paused service.
func (s *System) Frame(ctx context.Context, i int) (tracer.FrameDetail, error) {
	in, err := s.pausedInspector()
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	return in.Frame(ctx, i)
}

// Eval evaluates expr in frame i of the paused service.
func (s *System) Eval(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	in, err := s.pausedInspector()
	if err != nil {
		return nil, err
	}
	return in.Eval(ctx, i, expr)
}

// Expand reads the level below expr in the paused service.
func (s *System) Expand(ctx context.Context, i int, expr string) (*tracer.Node, error) {
	in, err := s.pausedInspector()
	if err != nil {
		return nil, err
	}
	return in.Expand(ctx, i, expr)
}

// Goroutine chooses the goroutine the paused service is read from.
func (s *System) Goroutine(ctx context.Context, id int64) ([]tracer.Frame, error) {
	in, err := s.pausedInspector()
	if err != nil {
		return nil, err
	}
	return in.Goroutine(ctx, id)
}

// Watches are the first service's watches, which every service shares.
func (s *System) Watches() []string {
	return inspector(s.members[0]).Watches()
}

// AddWatch watches expr in every service; the value returned is the
// paused service's, or the first's. Frame i is the paused service's frame;
// the others watch from their frame 0.
func (s *System) AddWatch(ctx context.Context, i int, expr string) (tracer.WatchValue, error) {
	paused, _ := s.pausedMember(false)
	var value tracer.WatchValue
	var errs []error
	for _, m := range s.members {
		frame := 0
		if m == paused {
			frame = i
		}
		v, err := inspector(m).AddWatch(ctx, frame, expr)
		switch {
		case err != nil && !errors.Is(err, tracer.ErrNotPaused) && !errors.Is(err, tracer.ErrEnded):
			errs = append(errs, fmt.Errorf("%s: %w", m.svc.Name, err))
		case m == paused || (paused == nil && m == s.members[0]):
			value = v
		}
	}
	return value, errors.Join(errs...)
}

// RemoveWatch stops watching expr in every service.
func (s *System) RemoveWatch(expr string) error {
	var errs []error
	for _, m := range s.members {
		if err := inspector(m).RemoveWatch(expr); err != nil && !errors.Is(err, tracer.ErrEnded) {
			errs = append(errs, fmt.Errorf("%s: %w", m.svc.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Breakpoints lists the user's breakpoints of every service, each once.
func (s *System) Breakpoints() []tracer.Breakpoint {
	var out []tracer.Breakpoint
	seen := map[string]bool{}
	for _, m := range s.members {
		for _, bp := range inspector(m).Breakpoints() {
			if !seen[bp.Loc] {
				seen[bp.Loc] = true
				out = append(out, bp)
			}
		}
	}
	return out
}

// AddBreakpoint sets a breakpoint at loc in every service whose program
// has it; it fails when none has.
func (s *System) AddBreakpoint(ctx context.Context, loc string) (tracer.Breakpoint, error) {
	var set *tracer.Breakpoint
	var first error
	for _, m := range s.members {
		bp, err := inspector(m).AddBreakpoint(ctx, loc)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%s: %w", m.svc.Name, err)
			}
			continue
		}
		if set == nil {
			set = &bp
		}
	}
	if set == nil {
		return tracer.Breakpoint{}, first
	}
	return *set, nil
}

// RemoveBreakpoint clears the breakpoint at loc wherever it is set.
func (s *System) RemoveBreakpoint(ctx context.Context, loc string) error {
	removed := false
	var first error
	for _, m := range s.members {
		if err := inspector(m).RemoveBreakpoint(ctx, loc); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		removed = true
	}
	if removed {
		return nil
	}
	return first
}

// Halt halts every service that runs.
func (s *System) Halt(ctx context.Context) error {
	halted := false
	var first error
	for _, m := range s.members {
		if err := inspector(m).Halt(ctx); err != nil {
			if first == nil && !errors.Is(err, tracer.ErrEnded) {
				first = fmt.Errorf("%s: %w", m.svc.Name, err)
			}
			continue
		}
		halted = true
	}
	if halted {
		return nil
	}
	return first
}

var _ tracer.Inspector = (*System)(nil)
