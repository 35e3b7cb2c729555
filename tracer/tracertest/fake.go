// Package tracertest provides a scripted tracer.Source for tests of the
// consumers of a trace (the TUI, the headless printer, the recorder).
package tracertest

import (
	"context"
	"os"
	"strings"
	"sync"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Fake is a tracer.Source that plays a fixed list of events. It delivers events
// up to and including the next KindStop, then waits for a command, as a live
// Source does. Stops at a phase whose break is off are delivered as KindPass.
type Fake struct {
	mu      sync.Mutex
	events  []tracer.Event
	next    int
	ch      chan tracer.Event
	paused  bool
	closed  bool
	noBreak map[tracer.PhaseID]bool
	// inspect is the Inspector's state (inspect.go); nil until Inspect.
	inspect *inspectState
	// running: the fake has stopped delivering without a stop, as a
	// program that runs (BlockAt, WaitForSignal); Halt or Signal ends it.
	running bool
	blockAt map[tracer.PhaseID]bool
	// waitForSignal (WaitForSignal): continued at the stop at
	// app.running, the fake runs; last is the last event delivered.
	waitForSignal bool
	last          tracer.Event

	// Commands records every command received, e.g. "continue", "signal terminated".
	Commands []string
}

// NewFake returns a Fake that will play events; it delivers the first batch at once.
func NewFake(events []tracer.Event) *Fake {
	f := &Fake{
		events:  events,
		ch:      make(chan tracer.Event, len(events)+1),
		noBreak: map[tracer.PhaseID]bool{},
	}
	f.mu.Lock()
	f.advance()
	f.mu.Unlock()
	return f
}

// advance delivers events until the next stop or the end. Callers hold f.mu.
func (f *Fake) advance() {
	f.paused, f.running = false, false
	for f.next < len(f.events) {
		ev := f.events[f.next]
		f.next++
		if !f.prepareLocked(&ev) {
			continue // a user breakpoint's stop that no breakpoint asks for
		}
		if ev.Kind == tracer.KindStop && f.noBreak[ev.Phase] {
			ev.Kind = tracer.KindPass
		}
		// A return is a pass, as the live Session's: the program goes on.
		pause := ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep
		if pause {
			f.pausedAtLocked(ev)
		}
		f.ch <- ev
		f.last = ev
		if pause {
			f.paused = true
			return
		}
		if f.blocksLocked(ev) {
			f.running = true
			return
		}
	}
	f.closeLocked()
}

func (f *Fake) closeLocked() {
	if !f.closed {
		f.closed = true
		close(f.ch)
	}
}

func (f *Fake) command(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Commands = append(f.Commands, name)
	if f.closed {
		return tracer.ErrEnded
	}
	signal := strings.HasPrefix(name, "signal ")
	if !f.paused && !(f.running && signal) {
		return tracer.ErrNotPaused
	}
	if !signal && f.resumeLocked() {
		return nil
	}
	if f.waitForSignal && !signal && f.paused && f.last.Phase == tracer.PhaseRunning {
		// The program serves, waiting for a signal, as a real one does.
		f.paused, f.running = false, true
		return nil
	}
	f.advance()
	return nil
}

// WaitForSignal makes the fake behave as a real program at app.running:
// continued there, it runs, delivering nothing, until it is signalled.
// Without it a Continue at app.running plays the shutdown at once.
func (f *Fake) WaitForSignal() *Fake {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waitForSignal = true
	return f
}

// Waiting reports whether the fake runs on, delivering nothing, until it
// is signalled (see WaitForSignal and BlockAt).
func (f *Fake) Waiting() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.running && !f.paused
}

// Events returns the event channel.
func (f *Fake) Events() <-chan tracer.Event { return f.ch }

// Continue delivers events up to the next stop.
func (f *Fake) Continue(ctx context.Context) error { return f.commandCtx(ctx, "continue") }

// StepOver behaves as Continue: a fake has no lines to step through.
func (f *Fake) StepOver(ctx context.Context) error { return f.commandCtx(ctx, "step") }

// StepOut behaves as Continue.
func (f *Fake) StepOut(ctx context.Context) error { return f.commandCtx(ctx, "stepout") }

// Signal records the signal and continues.
func (f *Fake) Signal(ctx context.Context, sig os.Signal) error {
	return f.commandCtx(ctx, "signal "+sig.String())
}

// commandCtx runs the command unless ctx has ended, as a live Source does.
func (f *Fake) commandCtx(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.command(name)
}

// SetBreak turns pausing at phase on or off for the events still to come.
func (f *Fake) SetBreak(phase tracer.PhaseID, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noBreak[phase] = !on
	return nil
}

// Close ends the trace.
func (f *Fake) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Commands = append(f.Commands, "close")
	f.closeLocked()
	return nil
}

// Closed reports whether Close was called or the events ran out.
func (f *Fake) Closed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

var _ tracer.Source = (*Fake)(nil)
