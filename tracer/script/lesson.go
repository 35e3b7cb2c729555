package script

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Lesson plays a script for a UI, such as the TUI: it is a tracer.Source
// that the UI reads and commands like any other, in front of the Source the
// script drives.
//
// The script decides where the trace pauses, the user when it goes on: the
// trace runs to the stop the script's next continue (or sigterm) reaches;
// the script then looks at it, and its notes, printed values and expect
// outcomes are sent on the Notes channel; then the stop is delivered and the
// lesson waits until the user sends any of Continue, StepOver, StepOut or
// Signal, which runs the script's next command that lets the program go on
// — whatever it is. Stops the script does not pause at are delivered as
// passes. sleep does nothing: the user sets the pace. Breaks set by the UI
// take effect when the script is over; from then on the UI drives the Source
// directly, as if there were no script.
//
// The UI must read Notes as well as Events: a stop's notes are sent, each
// waiting to be received, before the stop, so one reader of both channels
// gets them in that order. Both channels are closed when the trace ends.
type Lesson struct {
	src tracer.Source
	// inspector answers the user's questions (lessoninspect.go).
	inspector
	r      *runner
	events chan tracer.Event
	notes  chan string
	goOn   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu sync.Mutex // guards the fields below
	// scripted: the script still runs; waiting: it holds the stop the UI
	// shows and waits for the user to go on.
	scripted  bool
	waiting   bool
	closed    bool
	uiBreaks  map[tracer.PhaseID]bool
	closeOnce sync.Once
	closeErr  error
}

// NewLesson starts playing s against src; the Lesson owns src from now on.
func NewLesson(src tracer.Source, s *Script) *Lesson {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Lesson{
		src:       src,
		inspector: tracer.InspectorOf(src, fmt.Errorf("%w: this trace cannot be inspected", tracer.ErrUnsupported)),
		events:    make(chan tracer.Event),
		notes:     make(chan string),
		goOn:      make(chan struct{}, 1),
		ctx:       ctx,
		cancel:    cancel,
		done:      make(chan struct{}),
		scripted:  true,
		uiBreaks:  map[tracer.PhaseID]bool{},
	}
	l.r = newRunner(src, s, Options{})
	l.r.ui = &lessonUI{l: l}
	go l.play()
	return l
}

// play runs the script, then hands the Source over to the UI.
func (l *Lesson) play() {
	defer close(l.done)
	defer close(l.events)
	defer close(l.notes)
	if err := l.r.run(l.ctx); err != nil {
		return
	}
	l.mu.Lock()
	l.scripted, l.waiting = false, false
	breaks := l.uiBreaks
	l.mu.Unlock()
	for ph, on := range breaks {
		_ = l.src.SetBreak(ph, on)
	}
	l.r.tell("The script is over: the trace is yours.")
	if err := l.r.ui.deliverHeld(l.ctx, false); err != nil || l.r.ended {
		return
	}
	for {
		select {
		case <-l.ctx.Done():
			return
		case ev, ok := <-l.r.events:
			if !ok {
				return
			}
			select {
			case l.events <- ev:
			case <-l.ctx.Done():
				return
			}
		}
	}
}

// Result returns what the script found; read it once the Events channel is
// closed or Close has returned.
func (l *Lesson) Result() *Result { return l.r.res }

// Events returns the events to show.
func (l *Lesson) Events() <-chan tracer.Event { return l.events }

// Notes returns the script's notes, printed values and expect outcomes, each
// sent before the stop it belongs to.
func (l *Lesson) Notes() <-chan string { return l.notes }

// proceed lets the script go on when it waits for the user, or runs
// passThrough once the script is over.
func (l *Lesson) proceed(passThrough func() error) error {
	l.mu.Lock()
	switch {
	case l.closed:
		l.mu.Unlock()
		return tracer.ErrEnded
	case !l.scripted:
		l.mu.Unlock()
		return passThrough()
	case !l.waiting:
		l.mu.Unlock()
		return tracer.ErrNotPaused
	}
	l.waiting = false
	l.mu.Unlock()
	select {
	case l.goOn <- struct{}{}:
	default:
	}
	return nil
}

// Continue lets the script go on to its next stop.
func (l *Lesson) Continue(ctx context.Context) error {
	return l.proceed(func() error { return l.src.Continue(ctx) })
}

// StepOver lets the script go on while it runs, and steps once it is over.
func (l *Lesson) StepOver(ctx context.Context) error {
	return l.proceed(func() error { return l.src.StepOver(ctx) })
}

// StepOut lets the script go on while it runs, and steps out once it is over.
func (l *Lesson) StepOut(ctx context.Context) error {
	return l.proceed(func() error { return l.src.StepOut(ctx) })
}

// Signal lets the script go on while it runs (its sigterm sends the signal),
// and sends sig once it is over.
func (l *Lesson) Signal(ctx context.Context, sig os.Signal) error {
	return l.proceed(func() error { return l.src.Signal(ctx, sig) })
}

// SetBreak is remembered while the script runs, and applied when it is over.
func (l *Lesson) SetBreak(phase tracer.PhaseID, on bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.scripted {
		l.uiBreaks[phase] = on
		return nil
	}
	return l.src.SetBreak(phase, on)
}

// Close ends the lesson and closes the Source it drives.
func (l *Lesson) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()
		l.cancel()
		l.closeErr = l.src.Close()
		<-l.done
	})
	return l.closeErr
}

var _ tracer.Source = (*Lesson)(nil)

// lessonUI is the runner's side of a Lesson.
type lessonUI struct {
	l *Lesson
	// held is the stop the script pauses at, delivered at the next gate.
	held *tracer.Event
}

// note sends a line to the UI's notes.
func (u *lessonUI) note(text string) {
	select {
	case u.l.notes <- text:
	case <-u.l.ctx.Done():
	}
}

// pass hands an event the runner read to the UI. The stop the script pauses
// at, and the exit, are held until the notes the script makes about them are
// sent; other stops are shown as passes, since the runner has already let
// them go on.
func (u *lessonUI) pass(ctx context.Context, ev tracer.Event, wanted bool) error {
	if wanted || ev.Kind == tracer.KindExit {
		u.held = &ev
		return nil
	}
	if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep {
		ev.Kind = tracer.KindPass
	}
	select {
	case u.l.events <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deliverHeld shows the held stop, if any; with wait it then waits until
// the user goes on.
func (u *lessonUI) deliverHeld(ctx context.Context, wait bool) error {
	if u.held == nil {
		return nil
	}
	ev := *u.held
	u.held = nil
	if ev.Kind == tracer.KindExit {
		// Nothing goes on after the exit.
		wait = false
	}
	if wait {
		u.l.mu.Lock()
		u.l.waiting = true
		u.l.mu.Unlock()
	}
	select {
	case u.l.events <- ev:
	case <-ctx.Done():
		return ctx.Err()
	}
	if !wait {
		return nil
	}
	select {
	case <-u.l.goOn:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
