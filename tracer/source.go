package tracer

import (
	"context"
	"errors"
	"os"
)

// Source produces the events of one trace and takes the user's commands.
//
// Events arrive on the channel from Events, which is closed once the trace has
// ended (the program exited, or Close was called). After a KindStop or KindStep
// event the program stays paused until Continue, StepOver, StepOut or Signal
// is called. Commands return as soon as they are accepted; what they cause
// arrives as events.
type Source interface {
	// Events returns the channel of events; every call returns the same channel.
	Events() <-chan Event
	// Continue runs the program to the next phase whose break is on.
	Continue(ctx context.Context) error
	// StepOver runs one source line inside the current phase.
	StepOver(ctx context.Context) error
	// StepOut runs until the current function returns.
	StepOut(ctx context.Context) error
	// Signal sends sig to the program (SIGTERM at app.running walks the
	// shutdown phases) and lets it run.
	Signal(ctx context.Context, sig os.Signal) error
	// SetBreak turns pausing at a phase on or off. A phase whose break is off
	// still produces a KindPass event, so a timeline stays complete.
	SetBreak(phase PhaseID, on bool) error
	// Close ends the trace: it kills the program if it still runs and removes
	// every temporary file. It is safe to call more than once.
	Close() error
}

// Errors a Source's commands return.
var (
	// ErrNotPaused: the command needs a paused program, and it is running.
	ErrNotPaused = errors.New("the program is not paused")
	// ErrNothingToStep: StepOver or StepOut where no goroutine of the
	// program's own code is stopped (a request's reply, a goroutine parked
	// in the runtime); the program stays paused where it was.
	ErrNothingToStep = errors.New("nothing to step here")
	// ErrEnded: the trace has ended; the program is gone.
	ErrEnded = errors.New("the trace has ended")
	// ErrUnsupported: this Source cannot do that, e.g. stepping in a replay.
	ErrUnsupported = errors.New("not supported by this source")
	// ErrNeedsLive: the question needs the running program, e.g. an
	// expression that a recording did not watch. Errors wrap it with what
	// was asked: "needs a live program: EXPR was not watched in this
	// recording".
	ErrNeedsLive = errors.New("needs a live program")
)
