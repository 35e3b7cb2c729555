package tracer

import (
	"context"
	"errors"
)

// Rewinder is implemented by a Source that holds the whole trace and can
// move back through it, such as a replay of a recording. A live Source is not
// one: a program cannot run backwards. A consumer checks for it with a type
// assertion and offers "previous" and "jump to phase" only when it is there.
//
// A move makes the Source deliver the stop it moved to on the Events channel,
// as Continue would, and pause there:
//
//   - Moving back delivers only that stop, with its original Seq, which is not
//     greater than the Seq of events the consumer already holds. The consumer
//     drops every event it holds whose Seq is at or after that Seq, then takes
//     the event as usual; it then shows the trace exactly as it was at that
//     stop, and Continue goes on from there.
//   - Moving forward delivers every event in between, with the stops on the way
//     turned into passes (as if their breaks were off), then the stop.
type Rewinder interface {
	// Previous moves to the stop before the current one, or to the last stop
	// when the trace has been played to its end. It returns ErrAtStart at the
	// first stop.
	Previous(ctx context.Context) error
	// JumpTo moves to the first event of phase in the trace, forwards or
	// backwards. It returns an error wrapping ErrNotInTrace when the trace
	// never reached phase.
	JumpTo(ctx context.Context, phase PhaseID) error
}

// Errors a Rewinder's moves return.
var (
	// ErrAtStart: Previous at the first stop; there is nothing before it.
	ErrAtStart = errors.New("already at the first stop")
	// ErrNotInTrace: JumpTo a phase the trace never reached.
	ErrNotInTrace = errors.New("the phase is not in this trace")
)
