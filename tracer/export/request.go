package export

import (
	"fmt"
	"sort"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// tidFirstRequest is the thread of request #1; request #n is on
// tidFirstRequest+n-1.
const tidFirstRequest = 100

// requests writes a thread per request: a slice per layer call, from its
// stop to its return, nested as the calls were, inside a slice for the
// whole request from its first stop to its reply; the reply is an instant
// carrying the status.
func (b *builder) requests(events []tracer.Event, end float64) {
	byID := map[int][]tracer.Event{}
	for _, ev := range events {
		if ev.Request != nil && (ev.IsPhase() || ev.Kind == tracer.KindReturn) {
			byID[ev.Request.ID] = append(byID[ev.Request.ID], ev)
		}
	}
	ids := make([]int, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		evs := byID[id]
		tid := tidFirstRequest + id - 1
		info := evs[0].Request
		b.meta("thread_name", tid, map[string]any{"name": "request " + info.Label()})
		b.meta("thread_sort_index", tid, map[string]any{"sort_index": tid})
		from, to := micros(evs[0].Elapsed), end
		var reply *tracer.Event
		for i, ev := range evs {
			if ev.Phase == tracer.PhaseRequestReply {
				reply, to = &evs[i], micros(ev.Elapsed)
			}
		}
		args := map[string]any{"transport": info.Transport, "path": info.Path}
		if info.Method != "" {
			args["method"] = info.Method
		}
		b.slice(info.Label(), "request", tid, from, to, args)
		// Each call runs from its stop to its return; one that never
		// returned runs to the reply.
		for _, l := range request.Layers(evs, id) {
			args, until := phaseArgs(l.Entry), to
			if l.Returned {
				until = micros(l.ReturnedAt)
				args["took"] = l.Took.String()
				if l.Err != "" {
					args["error"] = l.Err
				}
			}
			b.slice(l.Entry.Label(), "layer", tid, micros(l.Entry.Elapsed), until, args)
		}
		if reply == nil {
			continue
		}
		rargs := map[string]any{}
		if r := reply.Request.Reply; r != nil {
			rargs["status"] = request.StatusLine(r)
			rargs["latency"] = r.Latency.String()
			if r.FailedAt != "" {
				rargs["failed_at"] = fmt.Sprintf("%s %s", r.FailedAt, r.FailedDetail)
			}
		}
		b.instant(reply.Label(), "reply", tid, micros(reply.Elapsed), rargs)
	}
}
