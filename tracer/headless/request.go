package headless

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// requestWords are the headings of the request parts of the text output.
type requestWords struct {
	request, reply, failedAt, args, results, took, latency, serverTime string
	summary                                                            string
	cols                                                               [3]string
	// A request crossing services (tracer.Hop): where it came from, where
	// its call went, and how the two were tied.
	followedFrom, followedInto, followingInto, notFollowed, byTrace, byCall string
}

// requestDriver sends Options.Requests one after the other: the first at
// the hold phase, each next one at the previous one's reply. It returns
// false when there is nothing (more) to send, so the run holds and signals
// as it would without requests.
type requestDriver struct {
	specs []tracer.RequestSpec
	next  int
	// warned: the Source cannot send requests, and the log said so.
	warned bool
}

// sendNext sends the next request if ev is where one is due; it reports
// whether it did (the program then runs to the request's stops).
func (d *requestDriver) sendNext(ctx context.Context, p *printer, src tracer.Source, ev tracer.Event) bool {
	if d == nil || d.next >= len(d.specs) {
		return false
	}
	if ev.Phase != p.holdAt && ev.Phase != tracer.PhaseRequestReply {
		return false
	}
	rq, ok := src.(tracer.Requester)
	if !ok {
		if !d.warned {
			p.logf("the requests are not sent: only a live program can be sent requests")
			d.warned = true
		}
		return false
	}
	spec := d.specs[d.next]
	if ev.Service != "" && !d.forService(ctx, p, rq, spec, ev.Service) {
		return false
	}
	d.next++
	info, err := rq.Send(ctx, spec)
	if err != nil {
		if errors.Is(err, tracer.ErrNotServing) {
			d.next = len(d.specs)
		}
		p.logf("cannot send %s: %v", spec, err)
		return false
	}
	p.logf("sending request %s", info.Label())
	return true
}

// printRequest prints what a request phase carries: the request it belongs
// to at its transport, the layer's arguments, and the reply.
func (p *printer) printRequest(ev tracer.Event) {
	if ev.Request == nil {
		return
	}
	w := p.opts.Out
	rw := &wordsFor(p.opts.Lang).requests
	if ev.Phase == tracer.PhaseRequestReply && ev.Request.Reply != nil {
		r := ev.Request.Reply
		fmt.Fprintf(w, "  %s %s: %s\n", rw.reply, ev.Request.Label(), request.StatusLine(r))
		timing := fmt.Sprintf("%s %s", rw.latency, r.Latency)
		if r.ServerTime > 0 {
			timing += fmt.Sprintf(", %s %s", rw.serverTime, r.ServerTime)
		}
		fmt.Fprintf(w, "    %s\n", timing)
		for _, h := range r.Header {
			fmt.Fprintf(w, "    %s\n", h)
		}
		if r.Body != "" {
			fmt.Fprintf(w, "    %s\n", tracer.OneLine(r.Body, 300))
		}
		if r.Error != "" && r.Status != "" {
			fmt.Fprintf(w, "    %s\n", r.Error)
		}
		if r.FailedAt != "" {
			fmt.Fprintf(w, "  %s %s %s: %s\n", rw.failedAt, r.FailedAt, r.FailedDetail, r.FailedWhy)
		}
		return
	}
	if ev.Phase == tracer.PhaseRequestTransport {
		fmt.Fprintf(w, "  %s %s\n", rw.request, ev.Request.Label())
		if h := ev.Request.Hop; h != nil {
			fmt.Fprintf(w, "  %s\n", hopFrom(rw, h))
		}
	}
	printClientCall(w, ev, p.opts.Lang)
	if ev.Phase == tracer.PhaseRequestClient && ev.Call != nil && ev.Call.Hop != nil {
		fmt.Fprintf(w, "  %s\n", hopInto(rw, ev.Call.Hop))
	}
	if ev.Kind == tracer.KindPass && len(ev.Args) > 0 {
		// A stop's arguments are printed with its other values.
		fmt.Fprintf(w, "  %s: %s\n", rw.args, compactNodes(ev.Args))
	}
}

// hopFrom says where a request followed from another service came from.
func hopFrom(rw *requestWords, h *tracer.Hop) string {
	return fmt.Sprintf(rw.followedFrom, h.From, h.Call, correlation(rw, h))
}

// hopInto says where an outgoing call was followed to.
func hopInto(rw *requestWords, h *tracer.Hop) string {
	switch {
	case h.Note != "":
		return fmt.Sprintf(rw.notFollowed, h.To, h.Note)
	case h.By == "":
		// The call's entry: the callee decides how when it arrives.
		return fmt.Sprintf(rw.followingInto, h.To)
	}
	return fmt.Sprintf(rw.followedInto, h.To, correlation(rw, h))
}

// correlation says how a hop was tied to its request.
func correlation(rw *requestWords, h *tracer.Hop) string {
	if h.By == tracer.CorrelateTrace {
		return fmt.Sprintf(rw.byTrace, h.TraceID)
	}
	return rw.byCall
}

// printRequestReturn prints a request layer's return: what it returned and
// how long it ran.
func (p *printer) printRequestReturn(ev tracer.Event) {
	rw := &wordsFor(p.opts.Lang).requests
	fmt.Fprintf(p.opts.Out, "\n↩ %s  %s %s\n", ev.Label(), rw.took, ev.Took)
	if len(ev.Results) > 0 {
		fmt.Fprintf(p.opts.Out, "  %s: %s\n", rw.results, compactNodes(ev.Results))
	}
	printClientCall(p.opts.Out, ev, p.opts.Lang)
	if ev.Call != nil && ev.Call.Hop != nil {
		fmt.Fprintf(p.opts.Out, "  %s\n", hopInto(rw, ev.Call.Hop))
	}
}

// compactNodes renders values on one line, name = value, each as a stop's
// variables are (tracer.Node.Inline), cut at a few hundred characters.
func compactNodes(nodes []*tracer.Node) string {
	parts := make([]string, 0, len(nodes))
	for _, n := range nodes {
		parts = append(parts, n.Name+" = "+n.Inline(compactWidth))
	}
	return tracer.OneLine(strings.Join(parts, ", "), compactWidth)
}

// compactWidth is how long compactNodes' line may be.
const compactWidth = 400

// requestSummary prints, for each request, its reply and the time each
// layer took, nested as the calls were.
func (p *printer) requestSummary() {
	// The requests sent here end at their reply; those followed here
	// from another service's call (a system) at their transport's entry,
	// the caller's reply being the caller's.
	var replies []tracer.Event
	for _, ev := range p.res.Phases {
		reply := ev.Phase == tracer.PhaseRequestReply && ev.Request != nil && ev.Request.Reply != nil
		followed := ev.Phase == tracer.PhaseRequestTransport && ev.Kind != tracer.KindReturn && ev.Request != nil && ev.Request.Hop != nil
		if reply || followed {
			replies = append(replies, ev)
		}
	}
	if len(replies) == 0 {
		return
	}
	w := p.opts.Out
	rw := &wordsFor(p.opts.Lang).requests
	fmt.Fprintln(w, "\n"+rw.summary)
	for _, rev := range replies {
		if r := rev.Request.Reply; r != nil {
			line := fmt.Sprintf("%s  %s  %s %s", rev.Request.Label(), request.StatusLine(r), rw.latency, r.Latency)
			if r.FailedAt != "" {
				line += fmt.Sprintf("  %s %s %s", rw.failedAt, r.FailedAt, r.FailedDetail)
			}
			fmt.Fprintln(w, line)
		} else {
			fmt.Fprintf(w, "%s  %s\n", rev.Request.Label(), hopFrom(rw, rev.Request.Hop))
		}
		rows := [][]string{{"  " + rw.cols[0], rw.cols[1], rw.cols[2]}}
		for _, l := range request.Layers(p.events, rev.Request.ID) {
			took := "-"
			if l.Returned {
				took = l.Took.String()
			}
			rows = append(rows, []string{"  " + strings.Repeat("  ", l.Depth) + string(l.Phase) + " " + l.Detail, took, tracer.OneLine(l.Err, 60)})
		}
		if len(rows) > 1 {
			writeTable(w, rows)
		}
	}
}
