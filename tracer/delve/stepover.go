package delve

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// opFinishStep runs the program on to finish a step that a breakpoint of
// the plan interrupted on another goroutine: Delve keeps the step's own
// breakpoints then, and a plain continue would cancel them.
const opFinishStep = "finish-step"

// stepStackDepth bounds the frames read to tell how deep a step is.
const stepStackDepth = 256

// stepRun is a step under way (StepOver, StepOut): the goroutine it steps
// and where that goroutine was when it began. Delve drops a step when one
// of the plan's breakpoints (a request's layer, a provider's return) is hit
// on the stepped goroutine; a breakpoint that does not pause is no stop of
// the user's, so resume carries the step on from where the goroutine is, as
// dlv's next goes on from a breakpoint it is told to skip.
type stepRun struct {
	op    string // "next" or "stepout"
	gid   int64
	depth int
	fn    string
	line  int
}

// errNothingToStep is the sentence of a step refused where the stop is no
// goroutine of the program's own code.
var errNothingToStep = tracer.ErrNothingToStep

// stepRefusal says why a step cannot be taken at the current stop, or
// returns nil: a step needs a goroutine of the stop whose innermost frame is
// not the runtime's. A request's reply is no goroutine of the program's (the
// client has its answer), and a halt stops goroutines parked in the
// runtime; stepping there would land in runtime assembly.
func (s *Session) stepRefusal() error {
	s.insp.op.Lock()
	defer s.insp.op.Unlock()
	s.mu.Lock()
	paused, ended := s.paused, s.ended
	s.mu.Unlock()
	if !paused || ended {
		return nil // send says so
	}
	s.insp.mu.Lock()
	gid := s.insp.stopGoroutine
	s.insp.mu.Unlock()
	if gid == 0 {
		return fmt.Errorf("%w: a reply is no goroutine's stop; n runs on, R sends a request", errNothingToStep)
	}
	frames, err := s.client.Stacktrace(gid, 1, 0, 0, nil)
	if err != nil || len(frames) == 0 {
		return nil
	}
	if fn := frames[0].Function; fn != nil && isRuntimeFunction(fn.Name()) {
		return fmt.Errorf("%w: goroutine %d waits in %s; n runs on, R sends a request", errNothingToStep, gid, fn.Name())
	}
	return nil
}

// isRuntimeFunction reports whether fn is the Go runtime's own.
func isRuntimeFunction(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/")
}

// sendStep refuses a step where there is nothing of the program's to step,
// else hands op to the run goroutine.
func (s *Session) sendStep(ctx context.Context, op string) error {
	if err := s.stepRefusal(); err != nil {
		return err
	}
	return s.send(ctx, op)
}

// beginStep makes the goroutine of the stop the one Delve steps (the
// inspector may have chosen another) and notes where it is. It returns nil
// when that cannot be read: the step is then Delve's alone.
func (s *Session) beginStep(op string) *stepRun {
	if op != "next" && op != "stepout" {
		return nil
	}
	s.insp.mu.Lock()
	gid := s.insp.stopGoroutine
	s.insp.mu.Unlock()
	if gid == 0 {
		return nil
	}
	if _, err := s.client.SwitchGoroutine(gid); err != nil {
		debugf("step: switch to goroutine %d: %v", gid, err)
		return nil
	}
	frames, err := s.client.Stacktrace(gid, stepStackDepth, 0, 0, nil)
	if err != nil || len(frames) == 0 {
		return nil
	}
	run := &stepRun{op: op, gid: gid, depth: len(frames), line: frames[0].Line}
	if frames[0].Function != nil {
		run.fn = frames[0].Function.Name()
	}
	return run
}

// carryOn says how to go on with a step after the program stopped at
// breakpoints of the plan that did not pause, or "" when the step is done
// where the goroutine is now. nextInProgress is Delve's word that it kept
// the step's breakpoints (the hit was on another goroutine).
func (s *Session) carryOn(run *stepRun, nextInProgress bool) string {
	if nextInProgress {
		return opFinishStep
	}
	frames, err := s.client.Stacktrace(run.gid, stepStackDepth, 0, 0, nil)
	if err != nil || len(frames) == 0 {
		return ""
	}
	depth, fn := len(frames), ""
	if frames[0].Function != nil {
		fn = frames[0].Function.Name()
	}
	switch {
	case depth > run.depth:
		// In a function the stepped line calls: back out to the line.
		return "stepout"
	case depth < run.depth:
		// In the caller already: a step over a return ends there.
		return ""
	case run.op == "stepout":
		return "stepout"
	case fn == run.fn && frames[0].Line == run.line:
		// Still on the line the step began on.
		return "next"
	}
	return ""
}

// stepDone reports the end of a step at the stepped goroutine's place.
func (s *Session) stepDone(run *stepRun) {
	state, err := s.client.GetState()
	if err != nil {
		debugf("step: state: %v", err)
		return
	}
	th := state.CurrentThread
	for _, t := range state.Threads {
		if t.GoroutineID == run.gid {
			th = t
			break
		}
	}
	if th == nil {
		return
	}
	s.reportStep(th)
}

// cancelStep drops what is left of a step when a stop of the plan pauses
// in the middle of it, as dlv's next does when told to stop there.
func (s *Session) cancelStep(state *api.DebuggerState) {
	if state != nil && state.NextInProgress {
		_ = s.client.CancelNext()
	}
}
