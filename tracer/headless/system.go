package headless

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// A system trace (tracer/system) interleaves the events of several
// services, each marked with its service. Each service gets a printer of
// its own, whose every line starts with the service's name, and its own
// Result; the run holds once every service is at app.running (or will
// never be), then signals the system, which shuts the services down in
// reverse start order. The summary has a block per service.

// ServiceResult is how one service of a system trace went.
type ServiceResult struct {
	Name string
	// Planned is the service as the system's plan describes it: how it
	// is reached, and what the shutdown does to it.
	Planned tracer.PlannedService
	*Result
	// NotStarted says why the service never ran, e.g. that a service it
	// comes after exited first.
	NotStarted string
}

// system is the state of a system trace, held by the root printer.
type system struct {
	plan     *tracer.SystemPlan
	printers map[string]*printer
	order    []string
	// atHold holds the services at their hold phase or past the point
	// where they could reach it.
	atHold map[string]bool
}

// startSystem makes a printer per service of plan.
func (p *printer) startSystem(plan *tracer.SystemPlan) {
	width := 0
	for _, s := range plan.Services {
		width = max(width, len(s.Name))
	}
	sys := &system{plan: plan, printers: map[string]*printer{}, atHold: map[string]bool{}}
	for _, s := range plan.Services {
		opts := p.opts
		if !opts.JSON {
			opts.Out = &prefixWriter{w: p.opts.Out, prefix: fmt.Sprintf("%-*s │ ", width, s.Name)}
		}
		q := newPrinter(opts)
		q.service, q.root = s.Name, p
		sys.printers[s.Name] = q
		sys.order = append(sys.order, s.Name)
		p.res.Services = append(p.res.Services, &ServiceResult{Name: s.Name, Planned: s, Result: q.res})
	}
	p.sys = sys
}

// of is the printer of ev's service: p itself but in a system.
func (p *printer) of(ev tracer.Event) *printer {
	if p.sys == nil || ev.Service == "" {
		return p
	}
	if q, ok := p.sys.printers[ev.Service]; ok {
		return q
	}
	return p
}

// noteServiceEnd marks a service that can no longer reach its hold phase:
// it failed, stalled, exited, or was never started.
func (p *printer) noteServiceEnd(ev tracer.Event) bool {
	if p.sys == nil || ev.Service == "" {
		return false
	}
	switch {
	case ev.Kind == tracer.KindStatus && ev.Skipped:
		p.sys.atHold[ev.Service] = true
		for _, r := range p.res.Services {
			if r.Name == ev.Service {
				r.NotStarted = ev.Reason
			}
		}
	case ev.Kind == tracer.KindExit, ev.Kind == tracer.KindError, ev.Kind == tracer.KindStall:
		p.sys.atHold[ev.Service] = true
	default:
		return false
	}
	return true
}

// beginSystemHold starts the hold with no service paused, once the last
// service that could get to app.running ended instead.
func (p *printer) beginSystemHold() {
	hold := p.opts.Hold
	if hold > 0 {
		p.logf("the services run on for %s (--hold), serving; then they get SIGTERM", hold)
	}
	p.hold.timer = time.After(hold)
}

// waitsForOthers reports, at a service's stop at its hold phase, whether
// other services are still to get there: the service then runs on, so
// that the ones that come after it can start.
func (p *printer) waitsForOthers(ev tracer.Event) bool {
	if p.sys == nil {
		return false
	}
	p.sys.atHold[ev.Service] = true
	for _, name := range p.sys.order {
		if !p.sys.atHold[name] {
			return true
		}
	}
	return false
}

// systemSummary prints a summary block per service.
func (p *printer) systemSummary() {
	for _, name := range p.sys.order {
		q := p.sys.printers[name]
		q.out.Break()
		if len(q.res.Phases) == 0 {
			continue
		}
		q.opts.Out = p.opts.Out
		q.summary()
	}
	p.out.Break()
	for _, r := range p.res.Services {
		if r.NotStarted != "" {
			fmt.Fprintf(p.opts.Out, "%s: not started (%s)\n", r.Name, r.NotStarted)
		}
	}
}

// collect sums a service's event up in the system's Result.
func (p *printer) collect(ev tracer.Event) {
	if ev.IsPhase() {
		p.res.Phases = append(p.res.Phases, ev)
	}
	if ev.Kind == tracer.KindError && p.res.Err == nil {
		e := ev
		p.res.Err = &e
	}
	if ev.Kind == tracer.KindStall && p.res.Stalled == nil {
		e := ev
		p.res.Stalled = &e
	}
}

// prefixWriter starts every line that is not empty with prefix.
type prefixWriter struct {
	w      io.Writer
	prefix string
	// mid: the last write ended inside a line.
	mid bool
}

func (pw *prefixWriter) Write(b []byte) (int, error) {
	var out bytes.Buffer
	for _, c := range b {
		if !pw.mid && c != '\n' {
			out.WriteString(pw.prefix)
			pw.mid = true
		}
		out.WriteByte(c)
		if c == '\n' {
			pw.mid = false
		}
	}
	if _, err := pw.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}

// forService reports, at a stop of service in a system, whether spec is to
// be sent from here: it names service, or names none and service serves
// it (or is the last service, which gets what no other took).
func (d *requestDriver) forService(ctx context.Context, p *printer, rq tracer.Requester, spec tracer.RequestSpec, service string) bool {
	if spec.Service != "" {
		return spec.Service == service
	}
	root := p.root
	if root != nil && root.sys != nil && len(root.sys.order) > 0 && root.sys.order[len(root.sys.order)-1] == service {
		return true
	}
	// A system's routes come with the services' it could not read: those
	// of the others still say who serves spec.
	routes, _ := rq.Routes(ctx)
	for _, r := range routes {
		// A system lists every service's routes, each naming its own.
		if r.Example.Service != "" && r.Example.Service != service {
			continue
		}
		if request.Serves(r, spec) {
			return true
		}
	}
	return false
}
