package request

import (
	"net/http"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Layer is one call a request made through the program's layers: a stop at
// its entry and, once it returned, how long it ran and the error it
// returned, if any.
type Layer struct {
	Phase  tracer.PhaseID
	Detail string
	// Depth is how many layers of the request enclose this one.
	Depth int
	// Returned is false for a call that never returned (the program was
	// stopped, or it panicked through it).
	Returned bool
	Took     tracer.Duration
	// Err is the error it returned, "" for none.
	Err string
	// Entry is the stop (or pass) where the call began, and ReturnedAt the
	// program time (Event.Elapsed) of its return, once it returned: what a
	// timeline draws it from.
	Entry      tracer.Event
	ReturnedAt tracer.Duration
}

// Layers lists the calls of one request, in the order they were entered,
// from its events (those carrying the request; the others are skipped).
func Layers(events []tracer.Event, id int) []Layer {
	var out []Layer
	var open []int
	for _, ev := range events {
		if ev.Request == nil || ev.Request.ID != id || ev.Phase == tracer.PhaseRequestReply {
			continue
		}
		switch ev.Kind {
		case tracer.KindStop, tracer.KindPass:
			out = append(out, Layer{Phase: ev.Phase, Detail: ev.Detail, Depth: len(open), Entry: ev})
			open = append(open, len(out)-1)
		case tracer.KindReturn:
			// The innermost open call of the same phase and detail returned.
			for j := len(open) - 1; j >= 0; j-- {
				l := &out[open[j]]
				if l.Phase == ev.Phase && l.Detail == ev.Detail {
					l.Returned, l.Took, l.Err, l.ReturnedAt = true, ev.Took, ErrorOf(ev.Results), ev.Elapsed
					open = append(open[:j], open[j+1:]...)
					break
				}
			}
		}
	}
	return out
}

// ErrorOf returns the text of the non-nil error among results, "" if there
// is none: a result of type error ("error", or "error(*T)" with its
// dynamic type) whose value is not nil; its message, or its dynamic type
// when the message could not be read.
func ErrorOf(results []*tracer.Node) string {
	for _, r := range results {
		if r == nil || (r.Type != "error" && !strings.HasPrefix(r.Type, "error(")) {
			continue
		}
		switch r.Value {
		case "nil", "<nil>", tracer.OptimisedAway:
			// An error the optimiser kept nowhere is not known to be one.
			continue
		case "":
			if r.Type == "error" {
				continue
			}
			return strings.TrimSuffix(strings.TrimPrefix(r.Type, "error("), ")")
		}
		return r.Value
	}
	return ""
}

// Attribute fills in where a failed request failed, from the request's
// events: the innermost layer that returned an error (layers return
// innermost first), or, when none did, the last layer the request reached;
// when it reached none, the transport, whose router answered by itself.
func Attribute(r *tracer.Reply, info *tracer.RequestInfo, events []tracer.Event) {
	if r == nil || r.OK || info == nil {
		return
	}
	layers := Layers(events, info.ID)
	var failed *Layer
	for _, ev := range events {
		if ev.Kind != tracer.KindReturn || ev.Request == nil || ev.Request.ID != info.ID {
			continue
		}
		if e := ErrorOf(ev.Results); e != "" {
			failed = &Layer{Phase: ev.Phase, Detail: ev.Detail, Err: e}
			break
		}
	}
	switch {
	case failed != nil:
		r.FailedAt, r.FailedDetail, r.FailedWhy = failed.Phase, failed.Detail, "returned "+tracer.FirstLine(failed.Err)
		if strings.Contains(failed.Err, "context deadline exceeded") {
			r.FailedWhy += " (the server's timeout counts wall time, which ran on while the program sat paused at the stops: raise the timeout in the service's config to follow a request at leisure)"
		}
	case len(layers) > 0:
		last := layers[len(layers)-1]
		r.FailedAt, r.FailedDetail = last.Phase, last.Detail
		if !last.Returned {
			r.FailedWhy = "did not return"
		}
	case r.Error != "":
		// Nothing was sent, or nothing came back: no layer is to blame.
	default:
		r.FailedAt = tracer.PhaseRequestTransport
		r.FailedWhy = "the request reached no handler"
		if info.Transport == "http" && (r.Code == http.StatusNotFound || r.Code == http.StatusMethodNotAllowed) {
			r.FailedWhy = "no route matched " + info.Method + " " + info.Path + ": the router answered before kratos' transport ran"
		}
	}
}
