package export

import (
	"slices"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// buildSystem writes a system's trace: a process per service, named by the
// service (pid 2, 3… in the system's start order, then any other in the
// order they first appear), each with the
// tracks of a single service's export, on one clock: a service's times are
// moved by how long after the first service it was launched. The events of
// the system itself, if any show, are in process 1, named name. A
// request's hops are flow arrows from the caller's request.client slice to
// the called service's first phase of the same request.
func buildSystem(events []tracer.Event, name string, opts Options) *File {
	var order []string
	byService := map[string][]tracer.Event{}
	for _, ev := range events {
		if ev.System != nil && order == nil {
			order = ev.System.ServiceNames()
		}
	}
	for _, ev := range events {
		if ev.Service != "" && !slices.Contains(order, ev.Service) {
			order = append(order, ev.Service)
		}
		byService[ev.Service] = append(byService[ev.Service], ev)
	}
	shifts := launchShifts(byService)
	var out []TraceEvent
	if own := byService[""]; len(own) > 0 {
		b := &builder{pid: pid}
		b.process(own, name)
		if hasTracks(b.out) {
			out = append(out, b.out...)
		}
	}
	pids := map[string]int{}
	for i, svc := range order {
		if len(byService[svc]) == 0 {
			continue // planned, never started
		}
		b := &builder{pid: pid + 1 + i, shift: shifts[svc]}
		pids[svc] = b.pid
		b.process(byService[svc], svc)
		b.meta("process_sort_index", tidLifecycle, map[string]any{"sort_index": b.pid})
		out = append(out, b.out...)
	}
	out = append(out, flows(events, pids, shifts)...)
	return &File{TraceEvents: out, DisplayTimeUnit: "ms", OtherData: opts.Metadata}
}

// hasTracks reports whether out holds more than the process's metadata.
func hasTracks(out []TraceEvent) bool {
	for _, te := range out {
		if te.Ph != "M" {
			return true
		}
	}
	return false
}

// launchShifts returns, for each service, how many µs after the first
// service's launch it was launched, from the wall clock and program time of
// its first phase event; 0 for a service without one.
func launchShifts(byService map[string][]tracer.Event) map[string]float64 {
	launches := map[string]time.Time{}
	var first time.Time
	for svc, evs := range byService {
		if svc == "" {
			continue
		}
		for _, ev := range evs {
			if ev.IsPhase() && !ev.Time.IsZero() {
				at := ev.Time.Add(-time.Duration(ev.Elapsed))
				launches[svc] = at
				if first.IsZero() || at.Before(first) {
					first = at
				}
				break
			}
		}
	}
	shifts := map[string]float64{}
	for svc, at := range launches {
		shifts[svc] = micros(tracer.Duration(at.Sub(first)))
	}
	return shifts
}

// flows writes an arrow for each hop of a request between services: from
// the caller's request.client stop to the first phase of the same request
// in another service that came while the call was out (between the stop and
// its return), preferring the service the call's target names. A call whose callee has no phase of that request (the called
// service's phases are not tied to the caller's request, or it is not
// traced) gets no arrow.
func flows(events []tracer.Event, pids map[string]int, shifts map[string]float64) []TraceEvent {
	var out []TraceEvent
	for i, call := range events {
		if call.Kind != tracer.KindStop && call.Kind != tracer.KindPass || call.Phase != tracer.PhaseRequestClient || call.Request == nil || call.Service == "" {
			continue
		}
		id := call.Request.ID
		target := ""
		if call.Call != nil {
			target = call.Call.Target
		}
		callee := -1
		for j := i + 1; j < len(events); j++ {
			ev := events[j]
			if ev.Service == call.Service && ev.Kind == tracer.KindReturn && ev.Phase == tracer.PhaseRequestClient && ev.Request != nil && ev.Request.ID == id && ev.Detail == call.Detail {
				break
			}
			if ev.Service == "" || ev.Service == call.Service || !ev.IsPhase() || ev.Request == nil || ev.Request.ID != id {
				continue
			}
			if callee >= 0 && events[callee].Service == ev.Service {
				continue // not this service's first phase of the call
			}
			// The service the call's target names is the callee when it
			// has a phase of the request; else the first that does.
			if callee < 0 || (targetNames(target, ev.Service) && !targetNames(target, events[callee].Service)) {
				callee = j
			}
		}
		if callee < 0 {
			continue
		}
		to := events[callee]
		fid := len(out)/2 + 1
		args := map[string]any{"from": call.Service, "to": to.Service}
		if target != "" {
			args["target"] = target
		}
		tid := tidFirstRequest + id - 1
		out = append(out,
			TraceEvent{Name: "call " + to.Service, Cat: "hop", Ph: "s", ID: fid, Ts: micros(call.Elapsed) + shifts[call.Service], Pid: pids[call.Service], Tid: tid, Args: args},
			TraceEvent{Name: "call " + to.Service, Cat: "hop", Ph: "f", Bp: "e", ID: fid, Ts: micros(to.Elapsed) + shifts[to.Service], Pid: pids[to.Service], Tid: tid, Args: args},
		)
	}
	return out
}

// targetNames reports whether a client's target ("discovery:///inventory")
// names service.
func targetNames(target, service string) bool {
	if i := strings.LastIndex(target, "/"); i >= 0 {
		target = target[i+1:]
	}
	return target != "" && target == service
}
