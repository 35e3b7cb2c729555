package replay

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Options control a replay Source.
type Options struct {
	// StayOpen keeps the Events channel open after the last event, until
	// Close, so that a consumer that rewinds (the TUI) can still go back
	// from the end. Without it the channel is closed after the last event,
	// as a live Source's is after the exit, which a consumer that only reads
	// forward (the headless printer, a script) waits for.
	StayOpen bool
}

// Source plays a recording as a tracer.Source: no program, no debugger. It
// delivers the recorded events in order, up to and including the next
// recorded stop, then waits for a command, exactly as the live Source did
// when the recording was made; played with Continue at every stop it
// delivers the recording's events unchanged.
//
// The commands differ from a live Source's where a recording cannot do more:
//   - StepOver, StepOut and Signal behave as Continue: the recording holds
//     nothing between its events, and what the program did after a signal is
//     already in it.
//   - A recorded halt (tracer.KindHalt) pauses as the halted program did,
//     whatever the breaks, with the goroutines it recorded; Continue goes
//     on, and Previous can go back to it.
//   - SetBreak(phase, false) turns the phase's recorded stops into passes;
//     SetBreak(phase, true) also turns the phase's recorded passes into stops
//     (not the skipped ones), so a replay can pause where the recorded run
//     went through.
//
// Source is a tracer.Rewinder: Previous and JumpTo move back and forth
// through the recording.
type Source struct {
	rec  *Recording
	opts Options

	ch   chan tracer.Event
	wake chan struct{}
	quit chan struct{}
	done chan struct{}

	mu sync.Mutex // guards the fields below
	// cursor is the index of the next recorded event to deliver.
	cursor int
	// running: the pump delivers from cursor until the next pause.
	running bool
	// until, when >= 0, makes the pump deliver the events before it without
	// pausing and pause at it (a forward JumpTo); len(events) means play to
	// the end.
	until int
	// inject is an event to deliver before anything else (the stop a move
	// back lands on).
	inject *tracer.Event
	// paused: the last event handed to the pump paused the replay; at is its
	// index.
	paused bool
	at     int
	// atEnd: every event was delivered.
	atEnd     bool
	closed    bool
	breaks    map[tracer.PhaseID]bool
	closeOnce sync.Once
}

// Open reads the recording at path and returns a Source that plays it. The
// errors are Read's.
func Open(path string, opts Options) (*Source, error) {
	rec, err := Read(path)
	if err != nil {
		return nil, err
	}
	return NewSource(rec, opts), nil
}

// NewSource returns a Source that plays rec; the first events, up to the
// first stop, are delivered at once.
func NewSource(rec *Recording, opts Options) *Source {
	s := &Source{
		rec:     rec,
		opts:    opts,
		ch:      make(chan tracer.Event),
		wake:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
		running: true,
		until:   -1,
		at:      -1,
		breaks:  map[tracer.PhaseID]bool{},
	}
	go s.pump()
	return s
}

// Recording returns what the Source plays.
func (s *Source) Recording() *Recording { return s.rec }

// pump delivers events one at a time. Whether a recorded stop pauses is
// decided just before the event is sent, so a SetBreak made before the
// consumer reads an event applies to it.
func (s *Source) pump() {
	defer close(s.done)
	defer close(s.ch)
	for {
		ev, send, end := s.take()
		switch {
		case end:
			return
		case send:
			select {
			case s.ch <- ev:
			case <-s.quit:
				return
			}
		default:
			select {
			case <-s.wake:
			case <-s.quit:
				return
			}
		}
	}
}

// take decides the next event to send. It returns send=false when there is
// nothing to send until a command, and end=true when the channel should be
// closed.
func (s *Source) take() (ev tracer.Event, send, end bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ev, false, true
	}
	if s.inject != nil {
		ev, s.inject = *s.inject, nil
		s.paused = true
		return ev, true, false
	}
	if s.atEnd {
		return ev, false, !s.opts.StayOpen
	}
	if !s.running {
		return ev, false, false
	}
	events := s.rec.Events
	if s.cursor >= len(events) {
		s.running, s.atEnd, s.paused = false, true, false
		return ev, false, !s.opts.StayOpen
	}
	i := s.cursor
	ev = events[i]
	s.cursor++
	switch {
	case s.until >= 0 && i < s.until:
		ev.Kind = passKind(ev.Kind)
	case s.until >= 0:
		s.until = -1
		ev.Kind = tracer.KindStop
		s.pauseAt(i)
	case s.pausesAt(ev):
		if ev.Kind == tracer.KindPass {
			ev.Kind = tracer.KindStop
		}
		s.pauseAt(i)
	default:
		ev.Kind = passKind(ev.Kind)
	}
	if s.cursor >= len(events) && !s.paused {
		// Decided now rather than at the next take, so that a command sent
		// after the consumer received the last event is refused for sure.
		s.running, s.atEnd = false, true
	}
	return ev, true, false
}

// passKind is the kind a recorded event is delivered as when it must not
// pause.
func passKind(k tracer.Kind) tracer.Kind {
	if k == tracer.KindStop {
		return tracer.KindPass
	}
	return k
}

func (s *Source) pauseAt(i int) {
	s.running, s.paused, s.at = false, true, i
}

// pausesAt reports whether the replay pauses at a recorded event, given the
// breaks set so far. Callers hold s.mu.
func (s *Source) pausesAt(ev tracer.Event) bool {
	on, set := s.breaks[ev.Phase]
	switch ev.Kind {
	case tracer.KindStep, tracer.KindHalt:
		return true
	case tracer.KindStop:
		return !set || on
	case tracer.KindPass:
		return set && on && !ev.Skipped
	}
	return false
}

// Events returns the event channel.
func (s *Source) Events() <-chan tracer.Event { return s.ch }

// Continue delivers the recorded events up to the next stop. An ended ctx
// refuses it, as every command here: nothing moves.
func (s *Source) Continue(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkPausedLocked(); err != nil {
		return err
	}
	s.paused, s.running = false, true
	s.poke()
	return nil
}

func (s *Source) checkPausedLocked() error {
	switch {
	case s.closed, s.atEnd:
		return tracer.ErrEnded
	case !s.paused:
		return tracer.ErrNotPaused
	}
	return nil
}

// poke wakes the pump.
func (s *Source) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// StepOver behaves as Continue: a recording holds nothing between its stops.
func (s *Source) StepOver(ctx context.Context) error { return s.Continue(ctx) }

// StepOut behaves as Continue.
func (s *Source) StepOut(ctx context.Context) error { return s.Continue(ctx) }

// Signal behaves as Continue when the replay is paused: the recording already
// holds what the program did after the signal it was sent. While events are
// being delivered it does nothing.
func (s *Source) Signal(ctx context.Context, _ os.Signal) error {
	err := s.Continue(ctx)
	if errors.Is(err, tracer.ErrNotPaused) {
		return nil
	}
	return err
}

// SetBreak turns pausing at phase on or off for the events still to come;
// see Source for what it does to recorded stops and passes.
func (s *Source) SetBreak(phase tracer.PhaseID, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.breaks[phase] = on
	return nil
}

// Previous moves back to the stop before the current one, or from the end to
// the last stop.
func (s *Source) Previous(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from, err := s.positionLocked()
	if err != nil {
		return err
	}
	for i := from - 1; i >= 0; i-- {
		if ev := s.rec.Events[i]; s.pausesAt(ev) {
			s.moveBackLocked(i)
			return nil
		}
	}
	return tracer.ErrAtStart
}

// JumpTo moves to the first recorded event of phase, forwards or backwards.
// Jumping to the exit plays the rest of the recording without pausing.
func (s *Source) JumpTo(ctx context.Context, phase tracer.PhaseID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from, err := s.positionLocked()
	if err != nil {
		return err
	}
	target := -1
	for i, ev := range s.rec.Events {
		if ev.IsPhase() && ev.Phase == phase && !ev.Skipped {
			target = i
			break
		}
	}
	switch {
	case target < 0:
		return fmt.Errorf("jump to %s: %w", phase, tracer.ErrNotInTrace)
	case target == from:
		return nil
	case target < from:
		s.moveBackLocked(target)
	case s.rec.Events[target].Kind == tracer.KindExit:
		s.until = len(s.rec.Events)
		s.paused, s.running = false, true
		s.poke()
	default:
		s.until = target
		s.paused, s.running = false, true
		s.poke()
	}
	return nil
}

// positionLocked returns the index of the event the replay is paused at, or
// len(events) at the end; it fails while events are being delivered.
func (s *Source) positionLocked() (int, error) {
	switch {
	case s.closed:
		return 0, tracer.ErrEnded
	case s.atEnd && !s.opts.StayOpen:
		return 0, tracer.ErrEnded
	case s.atEnd:
		return len(s.rec.Events), nil
	case !s.paused:
		return 0, tracer.ErrNotPaused
	}
	return s.at, nil
}

// moveBackLocked makes the pump deliver event i as a stop and pause there.
func (s *Source) moveBackLocked(i int) {
	ev := s.rec.Events[i]
	if ev.Kind != tracer.KindStep && ev.Kind != tracer.KindHalt {
		ev.Kind = tracer.KindStop
	}
	s.inject = &ev
	s.cursor, s.at = i+1, i
	s.paused, s.running, s.atEnd, s.until = false, false, false, -1
	s.poke()
}

// Close ends the replay and closes the event channel. It is safe to call more
// than once.
func (s *Source) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.quit)
		<-s.done
	})
	return nil
}

var (
	_ tracer.Source   = (*Source)(nil)
	_ tracer.Rewinder = (*Source)(nil)
)
