package replay

import (
	"context"
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A recording holds what each stop showed: the variables of frame 0 and the
// watches' values. The replay answers the user's questions from them where
// it can, and says that the live program is needed where it cannot.

// current returns the recorded event the replay is paused at.
func (s *Source) current() (tracer.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed, s.atEnd:
		return tracer.Event{}, tracer.ErrEnded
	case !s.paused || s.at < 0 || s.at >= len(s.rec.Events):
		return tracer.Event{}, tracer.ErrNotPaused
	}
	return s.rec.Events[s.at], nil
}

// Frame answers frame 0 of the stop from its event: its location,
// arguments, locals and source. Other frames were not recorded.
func (s *Source) Frame(_ context.Context, i int) (tracer.FrameDetail, error) {
	ev, err := s.current()
	if err != nil {
		return tracer.FrameDetail{}, err
	}
	if i != 0 {
		return tracer.FrameDetail{}, fmt.Errorf("%w: the variables of frame %d were not recorded, only those of frame 0", tracer.ErrNeedsLive, i)
	}
	return tracer.FrameDetail{
		Frame:  tracer.Frame{Function: ev.Function, File: ev.File, Line: ev.Line},
		Args:   ev.Args,
		Locals: ev.Locals,
		Source: ev.Source,
	}, nil
}

// Eval answers from the watches recorded at this stop: an expression
// watched with the same text has its recorded value (or its recorded
// error). Any other expression needs the live program.
func (s *Source) Eval(_ context.Context, i int, expr string) (*tracer.Node, error) {
	ev, err := s.current()
	if err != nil {
		return nil, err
	}
	expr = strings.TrimSpace(expr)
	if i != 0 {
		return nil, fmt.Errorf("%w: %s was not watched in this recording", tracer.ErrNeedsLive, expr)
	}
	return ev.Watched(expr)
}

// Expand needs the live program: what a stop left unloaded was not read.
func (s *Source) Expand(_ context.Context, _ int, expr string) (*tracer.Node, error) {
	if _, err := s.current(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %s was not read when the recording was made", tracer.ErrNeedsLive, expr)
}

// Watches lists the expressions watched at this stop of the recording.
func (s *Source) Watches() []string {
	ev, err := s.current()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(ev.Watches))
	for _, w := range ev.Watches {
		out = append(out, w.Expr)
	}
	return out
}

// AddWatch is not supported: a recording holds only what was watched.
func (s *Source) AddWatch(context.Context, int, string) (tracer.WatchValue, error) {
	return tracer.WatchValue{}, fmt.Errorf("add a watch: %w (a recording holds only what was watched when it was made)", tracer.ErrUnsupported)
}

// RemoveWatch is not supported.
func (s *Source) RemoveWatch(string) error {
	return fmt.Errorf("remove a watch: %w", tracer.ErrUnsupported)
}

// Breakpoints is empty: a replay stops where the recording did.
func (s *Source) Breakpoints() []tracer.Breakpoint { return nil }

// AddBreakpoint is not supported.
func (s *Source) AddBreakpoint(context.Context, string) (tracer.Breakpoint, error) {
	return tracer.Breakpoint{}, fmt.Errorf("set a breakpoint: %w (a replay stops where the recording stopped)", tracer.ErrUnsupported)
}

// RemoveBreakpoint is not supported.
func (s *Source) RemoveBreakpoint(context.Context, string) error {
	return fmt.Errorf("clear a breakpoint: %w", tracer.ErrUnsupported)
}

// Halt is not supported: a replay is never running anywhere to halt.
func (s *Source) Halt(context.Context) error {
	return fmt.Errorf("halt: %w", tracer.ErrUnsupported)
}

// Goroutine is not supported: only the stopped goroutine was recorded.
func (s *Source) Goroutine(context.Context, int64) ([]tracer.Frame, error) {
	return nil, fmt.Errorf("choose a goroutine: %w", tracer.ErrUnsupported)
}

var _ tracer.Inspector = (*Source)(nil)

// A Recorder passes the user's questions to the Source it records, so that
// recording a live trace takes nothing from it: its embedded inspector is
// that Source's, and a watch added through it is recorded with the stops
// from then on. When that Source is no Inspector, each question answers
// ErrUnsupported.
type inspector = tracer.Inspector

var _ tracer.Inspector = (*Recorder)(nil)
