package headless

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// The hold is what a headless run does once the program has booted: at the
// hold phase (app.running; with LeaveRunning, the last boot phase the plan
// can trace) the program is let run for Options.Hold, so that it serves
// meanwhile and can be tried (curl, grpcurl), then it is sent SIGTERM and
// the shutdown is traced; with LeaveRunning the trace ends there instead and
// the Source decides what becomes of the program. Without a hold time the
// signal follows at once, sent while the program is paused at the phase.
//
// This file is the one place of that logic. Requests (request.go) are sent
// before it: from the hold phase, each next one at the previous one's
// reply; the hold then begins at the last reply. Whatever else is to happen
// while the program serves goes into beginHold, before the program is let
// run and the timer starts.

// holdState is where the hold is.
type holdState struct {
	// timer fires when the hold time is over; nil when no hold is under way.
	timer <-chan time.Time
	// over: the hold has ended, or the program began shutting down without
	// it (something else signalled it), so no SIGTERM is to be sent.
	over bool
}

// beginHold starts the hold at ev, the stop at the hold phase.
func (p *printer) beginHold(ctx context.Context, src tracer.Source, ev tracer.Event) error {
	hold := p.opts.Hold
	if hold <= 0 {
		// No time to serve: signal (or leave) at once, from the stop.
		p.hold.timer = time.After(0)
		return nil
	}
	if err := src.Continue(ctx); err != nil {
		if errors.Is(err, tracer.ErrEnded) {
			return nil
		}
		return fmt.Errorf("let the program run at %s: %w", ev.Phase, err)
	}
	wd := wordsFor(p.opts.Lang)
	then := wd.holdThenSIGTERM
	if p.opts.LeaveRunning {
		then = wd.holdThenLeave
	}
	if !p.opts.JSON {
		p.out.Break()
		fmt.Fprintf(p.opts.Out, "  "+wd.holdRunning+"\n", hold, then)
	}
	if p.opts.LeaveRunning {
		p.logf("the program runs on from %s for %s (--hold); then the trace ends", ev.Phase, hold)
	} else {
		p.logf("the program runs on from %s for %s (--hold), serving; then it gets SIGTERM", ev.Phase, hold)
	}
	p.hold.timer = time.After(hold)
	return nil
}

// noteShutdown ends a hold the program does not wait out: it is shutting
// down already, so it must not be signalled again.
func (p *printer) noteShutdown(ev tracer.Event) {
	if info, ok := tracer.Info(ev.Phase); ok && ev.IsPhase() && info.Group == tracer.GroupShutdown && ev.Phase != tracer.PhaseExit {
		p.hold.over = true
	}
}

// endHold is called when the hold time is over: it sends SIGTERM and
// returns the deadline for the program to exit (nil without a
// StopTimeout), or, with LeaveRunning, closes src.
func (p *printer) endHold(ctx context.Context, src tracer.Source) (<-chan time.Time, error) {
	p.hold.timer = nil
	if p.hold.over {
		return nil, nil
	}
	p.hold.over = true
	if p.opts.LeaveRunning {
		p.logf("ending the trace at %s without signalling the program", p.holdAt)
		p.res.LeftRunning = true
		// The events channel closes once the Source has let go.
		src.Close()
		return nil, nil
	}
	if p.sys != nil {
		p.logf("sending SIGTERM to the services, the last started first")
	} else {
		p.logf("sending SIGTERM to the program")
	}
	if err := src.Signal(ctx, syscall.SIGTERM); err != nil && !errors.Is(err, tracer.ErrEnded) {
		return nil, fmt.Errorf("send SIGTERM: %w", err)
	}
	if p.opts.StopTimeout > 0 {
		return time.After(p.opts.StopTimeout), nil
	}
	return nil, nil
}
