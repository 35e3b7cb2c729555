// Package system is the Phases pane's view of a whole system of services:
// every stop of every service in the order it came, each row with its
// service's name, and a request followed across services as one tree (the
// callee's layers under the caller's request.client row).
package system

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// nameWidth caps the service column: longer names are cut.
const nameWidth = 10

// row is one row of the timeline: a stop of a service, or a request's
// heading (svc -1).
type row struct {
	svc   int
	label string
	depth int
	// req is the request of a request row or heading, or 0.
	req int
	// took is how long the call ran, once it returned.
	took  string
	stops bool // a stop where the service waited (not a pass)
	// seq is the event's Seq: its row in the service's own Phases.
	seq int
}

// reqTree is a request's rows, across services.
type reqTree struct {
	// at is the index of its heading in rows; end the index after its
	// last row.
	at, end int
	// open are the rows of calls that have not returned, innermost last.
	open []int
	// base is the depth a service's rows start at in this request: the
	// caller's at 1, a callee's under the open request.client row.
	base map[int]int
}

// Pane is the system timeline. The root model feeds it every event of
// every service (Apply) and tells it which service is paused.
type Pane struct {
	pane.Base
	st    *pane.Styles
	names []string
	// back is m, to the service's own Phases; brk (b) and open (enter)
	// act on the selected row in its service's Phases.
	back, brk, open key.Binding
	// heading says why b and enter do nothing on a request's heading.
	heading string
	title   string
	rows    []row
	reqs    map[int]*reqTree

	selected, offset int
	// paused is the service paused, or -1; last[i] is service i's last
	// row, where it is.
	paused int
	last   map[int]int
}

// New returns an empty timeline of the services named names.
func New(st *pane.Styles, tx *pane.Text, names []string) Pane {
	return Pane{
		st: st, names: names, paused: -1, reqs: map[int]*reqTree{}, last: map[int]int{},
		back:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", tx.KeyServiceView)),
		brk:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.KeyBreak)),
		open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyOpenRow)),
		heading: tx.TimelineHeading,
	}
}

// Reset implements pane.Pane.
func (p *Pane) Reset() {
	p.rows, p.reqs, p.last = nil, map[int]*reqTree{}, map[int]int{}
	p.selected, p.offset, p.paused = 0, 0, -1
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.keepInView()
}

// SetPaused marks service svc as the one paused (-1: none).
func (p *Pane) SetPaused(svc int) { p.paused = svc }

// Apply adds service svc's event: a stop or pass is a row, a return
// times the row of its call.
func (p *Pane) Apply(svc int, ev tracer.Event) {
	switch ev.Kind {
	case tracer.KindStop, tracer.KindStep, tracer.KindPass:
	case tracer.KindReturn:
		p.applyReturn(svc, ev)
		return
	default:
		return
	}
	follow := p.selected >= len(p.rows)-1
	r := row{svc: svc, label: label(ev), stops: ev.Kind != tracer.KindPass, seq: ev.Seq}
	if ev.Request == nil {
		p.insert(len(p.rows), r)
	} else {
		p.addRequestRow(svc, ev, r)
	}
	if follow {
		p.selected = len(p.rows) - 1
		p.keepInView()
	}
}

// addRequestRow puts a request's row under its heading, after the rows
// of the request so far, nested under the calls open.
func (p *Pane) addRequestRow(svc int, ev tracer.Event, r row) {
	id := ev.Request.ID
	q := p.reqs[id]
	if q == nil {
		head := row{svc: -1, label: pane.Sanitize(ev.Request.Label()), req: id}
		p.insert(len(p.rows), head)
		q = &reqTree{at: len(p.rows) - 1, end: len(p.rows), base: map[int]int{}}
		p.reqs[id] = q
	}
	base, seen := q.base[svc]
	if !seen {
		base = 1
		if n := len(q.open); n > 0 {
			base = p.rows[q.open[n-1]].depth + 1
		}
		q.base[svc] = base
	}
	r.req = id
	r.depth = base
	for _, j := range q.open {
		if p.rows[j].svc == svc {
			r.depth = max(r.depth, p.rows[j].depth+1)
		}
	}
	if ev.Phase == tracer.PhaseRequestReply {
		// The reply closes this service's calls.
		r.depth = base
		q.open = p.closeService(q.open, svc)
	}
	at := q.end
	p.insert(at, r)
	if ev.Phase != tracer.PhaseRequestReply {
		q.open = append(q.open, at)
	}
}

// closeService drops service svc's rows from open.
func (p *Pane) closeService(open []int, svc int) []int {
	kept := open[:0]
	for _, j := range open {
		if p.rows[j].svc != svc {
			kept = append(kept, j)
		}
	}
	return kept
}

// insert puts r at index at, moving the indexes of the rows after it.
func (p *Pane) insert(at int, r row) {
	p.rows = append(p.rows, row{})
	copy(p.rows[at+1:], p.rows[at:])
	p.rows[at] = r
	for _, q := range p.reqs {
		if q.at >= at {
			q.at++
		}
		if q.end >= at {
			q.end++
		}
		for k, j := range q.open {
			if j >= at {
				q.open[k] = j + 1
			}
		}
	}
	for s, j := range p.last {
		if j >= at {
			p.last[s] = j + 1
		}
	}
	if r.svc >= 0 {
		p.last[r.svc] = at
	}
}

// applyReturn times the innermost open row of the call that returned.
func (p *Pane) applyReturn(svc int, ev tracer.Event) {
	if ev.Request == nil {
		return
	}
	q := p.reqs[ev.Request.ID]
	if q == nil {
		return
	}
	label := label(ev)
	for k := len(q.open) - 1; k >= 0; k-- {
		j := q.open[k]
		if p.rows[j].svc == svc && p.rows[j].label == label {
			p.rows[j].took = pane.FormatDuration(time.Duration(ev.Took))
			q.open = append(q.open[:k], q.open[k+1:]...)
			return
		}
	}
}

// label is a row's text: the phase's label, a request's layer without
// "request." and its reply's status line.
func label(ev tracer.Event) string {
	if ev.Request == nil {
		return pane.Sanitize(ev.Label())
	}
	layer := strings.TrimPrefix(string(ev.Phase), "request.")
	detail := ev.Detail
	if ev.Phase == tracer.PhaseRequestReply && ev.Request.Reply != nil {
		detail = request.StatusLine(ev.Request.Reply)
	}
	return pane.Sanitize(strings.TrimSpace(layer + " " + detail))
}

// Service is the service of the selected row, or -1 for a heading.
func (p *Pane) Service() int {
	if p.selected < 0 || p.selected >= len(p.rows) {
		return -1
	}
	return p.rows[p.selected].svc
}

// Selected is the index of the selected row, in Lines.
func (p *Pane) Selected() int { return p.selected }

// Lines are the rows as text, for tests: each service's name, the row,
// nested by spaces.
func (p *Pane) Lines() []string {
	out := make([]string, len(p.rows))
	for i, r := range p.rows {
		if r.svc < 0 {
			out[i] = r.label
			continue
		}
		out[i] = p.names[r.svc] + " " + strings.Repeat(" ", r.depth) + r.label
	}
	return out
}

// colWidth is the service column's width: the longest name, capped.
func (p *Pane) colWidth() int {
	w := 0
	for _, n := range p.names {
		w = max(w, pane.TextWidth(n))
	}
	return min(w, nameWidth)
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	out := make([]string, 0, p.H)
	for i := p.offset; i < min(len(p.rows), p.offset+p.H); i++ {
		out = append(out, p.renderRow(i))
	}
	return out
}

func (p *Pane) renderRow(i int) string {
	st, r, w := p.st, p.rows[i], p.W
	col := p.colWidth()
	var line string
	if r.svc < 0 {
		line = pane.Spaces(col+3) + st.GroupHeader.Paint(r.label)
	} else {
		name := pane.PadRight(pane.Truncate(p.names[r.svc], col), col)
		marker, ink := " ", st.Passed
		if r.stops {
			marker, ink = "●", st.OK
		}
		if i == p.last[r.svc] && r.svc == p.paused {
			marker, ink = "⏸", st.Current
		}
		text := strings.Repeat(" ", r.depth) + r.label
		room := w - col - 4
		if r.took != "" && room > pane.TextWidth(text)+len(r.took)+1 {
			text = pane.PadRight(text, room-len(r.took)) + st.Dim.Paint(r.took)
		}
		line = " " + st.Dim.Paint(name) + " " + ink.Paint(marker) + " " + text
	}
	if i == p.selected {
		sel := st.SelectedDim
		if p.Focused {
			sel = st.Selected
		}
		return sel.Paint(pane.Fit(pane.Truncate(line, w), w))
	}
	return pane.Fit(pane.Truncate(line, w), w)
}

// Footer implements pane.Pane: the selected row of how many.
func (p *Pane) Footer() string {
	if len(p.rows) == 0 {
		return ""
	}
	return strconv.Itoa(p.selected+1) + "/" + strconv.Itoa(len(p.rows))
}

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.rows)-p.H))
}

// Move implements pane.Pane: selecting a service's row selects that
// service.
func (p *Pane) Move(delta int) pane.Request {
	if len(p.rows) == 0 {
		return nil
	}
	p.selected = pane.Clamp(p.selected+delta, 0, len(p.rows)-1)
	p.keepInView()
	return p.selectedService()
}

// Click implements pane.Pane.
func (p *Pane) Click(y int) pane.Request {
	if i := p.offset + y; i >= 0 && i < len(p.rows) {
		p.selected = i
		return p.selectedService()
	}
	return nil
}

func (p *Pane) selectedService() pane.Request {
	if s := p.Service(); s >= 0 {
		return pane.SelectService{Index: s}
	}
	return nil
}

func (p *Pane) keepInView() {
	if p.H > 0 {
		p.offset = pane.KeepInView(p.offset, p.selected, p.H, len(p.rows))
	}
}

// HandleKey implements pane.Pane: m brings the service's Phases back; b
// and enter act on the selected row in its own service's Phases, whatever
// service is shown (on a request's heading they say so instead).
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	switch {
	case key.Matches(msg, p.back):
		return pane.ToggleSystem{}, true
	case key.Matches(msg, p.brk), key.Matches(msg, p.open):
		if p.selected < 0 || p.selected >= len(p.rows) {
			return nil, true
		}
		r := p.rows[p.selected]
		if r.svc < 0 {
			return pane.Notice{Text: p.heading}, true
		}
		if key.Matches(msg, p.brk) {
			return pane.BreakAtStop{Service: r.svc, Seq: r.seq}, true
		}
		return pane.OpenStop{Service: r.svc, Seq: r.seq}, true
	}
	return nil, false
}

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding { return []key.Binding{p.back, p.brk, p.open} }

// ShortHelp implements pane.Pane: b is in the full help, as the hints
// have room for few keys beside the service's.
func (p *Pane) ShortHelp(pane.Hints) []key.Binding { return []key.Binding{p.back, p.open} }

// TitleExtra implements pane.Pane: the view is the system's.
func (p *Pane) TitleExtra(room int, _ func(string) string) string {
	return pane.Truncate(p.title, room)
}

// SetTitle names the view in the box's title ("system").
func (p *Pane) SetTitle(t string) { p.title = t }
