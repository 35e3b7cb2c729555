package phases

import (
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// requestRows are the timeline's rows of the requests sent to the App:
// under a header per request, a row per stop in the order they came,
// indented by how many of the request's calls enclose it, timed by how long
// the call took once it returned.
type requestRows struct {
	order []int
	byID  map[int]*requestTimeline
}

// requestTimeline is one request's rows.
type requestTimeline struct {
	label string
	rows  []requestRow
	// open are the rows of calls that have not returned, innermost last.
	open []int
}

type requestRow struct {
	key   RowKey
	label string
	depth int
}

// add records a request event and returns the key of its row: a stop or
// pass opens a row, a return times the row it closes, the reply closes the
// request.
func (r *requestRows) add(ev tracer.Event) RowKey {
	if r.byID == nil {
		r.byID = map[int]*requestTimeline{}
	}
	id := ev.Request.ID
	t := r.byID[id]
	if t == nil {
		t = &requestTimeline{label: pane.Sanitize(ev.Request.Label())}
		r.byID[id] = t
		r.order = append(r.order, id)
	}
	if ev.Kind == tracer.KindReturn {
		for j := len(t.open) - 1; j >= 0; j-- {
			row := t.rows[t.open[j]]
			if row.key.Phase == ev.Phase && row.key.Detail == ev.Detail {
				t.open = append(t.open[:j], t.open[j+1:]...)
				return row.key
			}
		}
		return RowKey{Phase: ev.Phase, Detail: ev.Detail, req: id, at: -1}
	}
	k := RowKey{Phase: ev.Phase, Detail: ev.Detail, req: id, at: len(t.rows)}
	depth := len(t.open)
	if ev.Phase == tracer.PhaseRequestReply {
		depth, t.open = 0, nil
	}
	t.rows = append(t.rows, requestRow{key: k, label: requestRowLabel(ev), depth: depth})
	if ev.Phase != tracer.PhaseRequestReply {
		t.open = append(t.open, len(t.rows)-1)
	}
	return k
}

// requestRowLabel is a request stop's row: the layer and what it is,
// "middleware recovery", "biz GreeterUsecase.CreateGreeter", "reply 200 OK".
func requestRowLabel(ev tracer.Event) string {
	layer := strings.TrimPrefix(string(ev.Phase), "request.")
	detail := ev.Detail
	switch ev.Phase {
	case tracer.PhaseRequestTransport:
		detail, _, _ = strings.Cut(detail, " ")
	case tracer.PhaseRequestService, tracer.PhaseRequestBiz, tracer.PhaseRequestData:
		// The package is the layer's name already: service.X.M → X.M.
		if _, rest, ok := strings.Cut(detail, "."); ok {
			detail = rest
		}
	case tracer.PhaseRequestReply:
		if ev.Request != nil && ev.Request.Reply != nil {
			detail = request.StatusLine(ev.Request.Reply)
		}
	}
	return pane.Sanitize(strings.TrimSpace(layer + " " + detail))
}

// ApplyReturn times the row of the call that returned: the time column of
// a request's row is how long the call ran.
func (p *Pane) ApplyReturn(ev tracer.Event) {
	if ev.Request == nil {
		return
	}
	ev.Detail = pane.Sanitize(ev.Detail)
	k := p.requests.add(ev)
	if rec := p.records[k]; rec != nil && k.at >= 0 {
		rec.since, rec.timed = ev.Took, true
		if e := request.ErrorOf(ev.Results); e != "" {
			rec.note = "✗ " + pane.Sanitize(tracer.FirstLine(e))
		}
		p.rebuild()
	}
}

// appendRequestRows adds each request's header and rows.
func (p *Pane) appendRequestRows(rows []timelineRow) []timelineRow {
	for _, id := range p.requests.order {
		t := p.requests.byID[id]
		head := timelineRow{header: true, group: tracer.GroupRequest, title: t.label}
		rows = append(rows, head)
		for _, r := range t.rows {
			row := timelineRow{key: r.key, label: r.label, depth: r.depth + 1}
			if rec := p.records[r.key]; rec != nil {
				row.rec = *rec
			}
			rows = append(rows, row)
			// A stop at a breakpoint of the user's own hit in this call.
			rows = p.appendExtras(rows, r.key, true)
		}
	}
	return rows
}
