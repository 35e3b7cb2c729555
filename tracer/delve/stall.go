package delve

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A stall is a boot that stops making progress: a registry or a database
// that never answers, a lock never released, a channel nobody sends on.
// With Config.Stall set, a watchdog halts the program once it has run that
// long without reaching a phase, and the session reports a KindStall event
// (every goroutine and its stack, the main goroutine first) and ends the
// trace, so that CI fails instead of waiting for ever.
//
// The time is the program's: the time it ran under a Continue since the
// last phase event, as the phase times count it, so that a person reading
// a stop in the UI, or kratos-trace reading values, never counts. A program
// blocked in a system call or on the network is running for the debugger,
// so its time counts.
//
// The watchdog rests between app.running and the signal that starts the
// shutdown: a serving program reaches no phase until it is told to stop or
// sent a request, and that is not a stall, nor is the wait after a
// request's reply. After the signal it watches again, counting from the
// signal, so a shutdown that hangs is caught too.

// stallTick is how often the watchdog looks, for a stall time of d.
func stallTick(d time.Duration) time.Duration {
	t := d / 20
	switch {
	case t < 10*time.Millisecond:
		return 10 * time.Millisecond
	case t > 250*time.Millisecond:
		return 250 * time.Millisecond
	}
	return t
}

// watchStall is the stall watchdog; it runs until the trace ends.
func (s *Session) watchStall() {
	tick := time.NewTicker(stallTick(s.cfg.Stall))
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-s.quit:
			return
		case <-tick.C:
		}
		s.mu.Lock()
		if s.stalledLocked() {
			debugf("stall: no phase for %s after %s: halting", s.cfg.Stall, s.halt.lastPhase)
			s.requestHaltLocked(haltStalled)
		}
		s.mu.Unlock()
	}
}

// stalledLocked reports whether the program has run for the stall time
// since the last phase. Callers hold s.mu.
func (s *Session) stalledLocked() bool {
	if s.ended || !s.stepping || s.halt.req != nil || s.launched.IsZero() {
		return false
	}
	if s.halt.serving && !s.halt.signalled {
		return false
	}
	return s.stuckLocked() >= s.cfg.Stall
}

// stuckLocked is how long the program has run without reaching a phase:
// since the last phase, or since the signal that ended its serving.
// Callers hold s.mu.
func (s *Session) stuckLocked() time.Duration {
	since := max(s.ranAtPhase, s.halt.signalledAt)
	return s.runClock.elapsed() - since
}

// reportStall emits the stall event: where every goroutine is, the phase
// the program is stuck after, and for how long (SincePrev, program time).
func (s *Session) reportStall() {
	ev := s.goroutinesEvent(tracer.KindStall)
	s.mu.Lock()
	stuck := s.stuckLocked()
	s.mu.Unlock()
	ev.SincePrev = tracer.Duration(stuck)
	ev.Reason = stallReason(ev, stuck)
	s.catchUpOutput()
	s.emit(ev)
}

// stallReason says in one sentence where the program is stuck, e.g. "no
// phase for 3s after flag.parse: the main goroutine waits in
// main.waitForRegistry (main.go:31), syscall".
func stallReason(ev tracer.Event, stuck time.Duration) string {
	after := "before the first phase"
	if ev.Phase != "" {
		after = "after " + ev.Label()
	}
	msg := fmt.Sprintf("no phase for %s %s", stuck.Round(time.Millisecond), after)
	for _, g := range ev.Goroutines {
		if !g.Main {
			continue
		}
		where := g.User
		if where.Function == "" {
			where = g.Current
		}
		if where.Function != "" {
			verb := "is in"
			if g.WaitReason != "" {
				verb = "waits in"
			}
			msg += fmt.Sprintf(": the main goroutine %s %s (%s:%d)", verb, where.Function, filepath.Base(where.File), where.Line)
			if g.WaitReason != "" {
				msg += ", " + g.WaitReason
			}
		}
		break
	}
	return msg
}
