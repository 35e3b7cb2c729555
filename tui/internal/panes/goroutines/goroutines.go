// Package goroutines is the Goroutines pane: every goroutine of a halted
// or stalled program, where it is in the program's code and why it waits.
package goroutines

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Pane lists every goroutine of a halted (or stalled) program:
// where it is in the program's own code, where in the runtime, why it
// waits and for how long. enter shows one goroutine's stack, source and
// variables.
type Pane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base
	goTo key.Binding

	list   []goroutineRow
	cursor int
	// active is the goroutine shown in Stack, Source and Variables.
	active int
	offset int
}

// goroutineRow is a goroutine ready to draw.
type goroutineRow struct {
	g        tracer.Goroutine
	id       string
	user     string // the innermost function of the program's own code
	at       string // its file:line, short
	runtime  string // the innermost function of all, when it differs
	waiting  string // the wait reason and for how long
	ownFrame bool   // the goroutine has a frame in the program's own code
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane {
	return Pane{st: st, tx: tx, goTo: pane.GoToKey(tx)}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.scrollToCursor()
}

// Has reports whether there are goroutines to show (a halt or a stall).
func (p *Pane) Has() bool { return p.list != nil }

// Reset implements pane.Pane.
func (p *Pane) Reset() {
	p.list, p.cursor, p.active, p.offset = nil, 0, 0, 0
}

// Set shows gs, the main goroutine first and selected, then those with a
// frame in the program's own code, then the rest, each by ID.
func (p *Pane) Set(gs []tracer.Goroutine, shorten func(string) string) {
	p.list = make([]goroutineRow, 0, len(gs))
	for _, g := range gs {
		r := goroutineRow{g: g, id: strconv.FormatInt(g.ID, 10), ownFrame: g.User.Function != ""}
		where := g.User
		if !r.ownFrame {
			where = g.Current
		}
		r.user = pane.Sanitize(pane.ShortFunction(where.Function))
		if where.File != "" {
			r.at = pane.Sanitize(shorten(where.File)) + ":" + strconv.Itoa(where.Line)
		}
		if g.Current.Function != "" && g.Current != where {
			r.runtime = pane.Sanitize(pane.ShortFunction(g.Current.Function))
		}
		r.waiting = pane.Sanitize(g.WaitReason)
		if g.Waiting > 0 {
			r.waiting += " " + pane.FormatDuration(time.Duration(g.Waiting))
		}
		p.list = append(p.list, r)
	}
	rank := func(r goroutineRow) int {
		switch {
		case r.g.Main:
			return 0
		case r.ownFrame:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(p.list, func(a, b goroutineRow) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.g.ID, b.g.ID)
	})
	p.cursor, p.active, p.offset = 0, 0, 0
}

// at returns the goroutine of row i.
func (p *Pane) at(i int) (tracer.Goroutine, bool) {
	if i < 0 || i >= len(p.list) {
		return tracer.Goroutine{}, false
	}
	return p.list[i].g, true
}

func (p *Pane) move(delta int) {
	if len(p.list) == 0 {
		return
	}
	p.cursor = pane.Clamp(p.cursor+delta, 0, len(p.list)-1)
	p.scrollToCursor()
}

// wide reports whether a goroutine fits on one line, as a table: from the
// 80 columns the pane has at 120x40, where two lines a goroutine would
// show three of them in its height.
func (p *Pane) wide() bool { return p.W >= 72 }

// rowLines is the number of lines a goroutine takes, and the header's.
func (p *Pane) rowLines() (int, int) {
	if p.wide() {
		return 1, 1
	}
	return 2, 0
}

func (p *Pane) clickRow(y int) {
	per, head := p.rowLines()
	if i := (p.offset*per + y - head) / per; y >= head && i >= 0 && i < len(p.list) {
		p.cursor = i
	}
}

// Scroll moves the view by delta goroutines.
func (p *Pane) Scroll(delta int) {
	per, head := p.rowLines()
	fitRows := max(1, (p.H-head)/per)
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.list)-fitRows))
}

func (p *Pane) scrollToCursor() {
	per, head := p.rowLines()
	p.offset = pane.KeepInView(p.offset, p.cursor, max(1, (p.H-head)/per), len(p.list))
}

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	if len(p.list) == 0 {
		return ""
	}
	return pane.Format(p.tx.GoroutineCount, len(p.list))
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	if len(p.list) == 0 {
		return pane.IndentLines(pane.WrapText(p.tx.EmptyGoroutines, p.W-2), " ")
	}
	if p.wide() {
		return p.table()
	}
	st := p.st
	out := make([]string, 0, p.H)
	idw := p.idWidth()
	for i := p.offset; i < len(p.list) && len(out) < p.H; i++ {
		r := p.list[i]
		mark, name := p.marks(i)
		line1 := mark + pane.PadLeft(r.id, idw) + " " + r.user
		wait := ""
		if r.waiting != "" {
			wait = "  " + r.waiting
		}
		line2 := pane.Spaces(idw+2) + r.at
		if r.runtime != "" {
			line2 += " · " + r.runtime
		}
		if i == p.cursor && p.Focused {
			out = append(out, st.Selected.Paint(pane.Fit(line1+wait, p.W)), st.Selected.Paint(pane.Fit(line2, p.W)))
			continue
		}
		room := p.W - pane.TextWidth(mark) - idw - 1
		u := pane.Truncate(r.user, max(1, room-pane.TextWidth(wait)))
		out = append(out, st.Current.Paint(mark)+st.Dim.Paint(pane.PadLeft(r.id, idw))+" "+name.Paint(u)+st.Changed.Paint(pane.Truncate(wait, max(0, room-pane.TextWidth(u)))))
		if len(out) < p.H {
			out = append(out, st.Dim.Paint(pane.TruncateLeft(line2, p.W)))
		}
	}
	return out
}

// table draws one goroutine a line under a header.
func (p *Pane) table() []string {
	st := p.st
	cols := p.tx.GoroutineColumns
	idw := max(p.idWidth(), pane.TextWidth(cols[0]))
	uw, aw, ww := pane.TextWidth(cols[1]), pane.TextWidth(cols[2]), pane.TextWidth(cols[3])
	for _, r := range p.list {
		uw, aw, ww = max(uw, pane.TextWidth(r.user)), max(aw, pane.TextWidth(r.at)), max(ww, pane.TextWidth(r.waiting))
	}
	// The columns share what is left; the function and the place give way first.
	room := p.W - 2 - idw - 2 - 2 - 2 - 12
	uw, aw = min(uw, max(12, room*40/100)), min(aw, max(12, room*35/100))
	ww = min(ww, 20)
	row := func(mark, id, user, at, wait, rt string) string {
		return mark + pane.PadLeft(id, idw) + "  " + pane.PadRight(pane.Truncate(user, uw), uw) + "  " +
			pane.PadRight(pane.TruncateLeft(at, aw), aw) + "  " + pane.PadRight(pane.Truncate(wait, ww), ww) + "  " + rt
	}
	out := []string{st.Dim.Paint(pane.Fit(row("  ", cols[0], cols[1], cols[2], cols[3], cols[4]), p.W))}
	for i := p.offset; i < len(p.list) && len(out) < p.H; i++ {
		r := p.list[i]
		mark, name := p.marks(i)
		if i == p.cursor && p.Focused {
			out = append(out, st.Selected.Paint(pane.Fit(row(mark, r.id, r.user, r.at, r.waiting, r.runtime), p.W)))
			continue
		}
		line := st.Current.Paint(mark) + st.Dim.Paint(pane.PadLeft(r.id, idw)) + "  " +
			name.Paint(pane.PadRight(pane.Truncate(r.user, uw), uw)) + "  " + st.Dim.Paint(pane.PadRight(pane.TruncateLeft(r.at, aw), aw)) + "  " +
			st.Changed.Paint(pane.PadRight(pane.Truncate(r.waiting, ww), ww)) + "  " + st.Dim.Paint(r.runtime)
		out = append(out, pane.Fit(line, p.W))
	}
	return out
}

// marks returns the row's marker (▶ for the goroutine shown) and the ink
// of its function: the program's own code stands out.
func (p *Pane) marks(i int) (string, pane.Ink) {
	mark := "  "
	if i == p.active {
		mark = "▶ "
	}
	name := p.st.Dim
	if p.list[i].ownFrame {
		name = p.st.Text
	}
	if p.list[i].g.Main {
		name = p.st.Accent
	}
	return mark, name
}

func (p *Pane) idWidth() int {
	w := 1
	for _, r := range p.list {
		w = max(w, len(r.id))
	}
	return w
}

// Move implements pane.Pane: it moves the cursor.
func (p *Pane) Move(delta int) pane.Request { p.move(delta); return nil }

// Click implements pane.Pane.
func (p *Pane) Click(y int) pane.Request { p.clickRow(y); return nil }

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding { return []key.Binding{p.goTo} }

// ShortHelp implements pane.Pane.
func (p *Pane) ShortHelp(c pane.Hints) []key.Binding { return pane.LiveHelp(c, p.goTo) }

// HandleKey implements pane.Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	if key.Matches(msg, p.goTo) {
		return pane.GoToGoroutine{Index: p.cursor}, true
	}
	return nil, false
}

// Show makes goroutine i of the list the one shown in Stack, Source and
// Variables, and returns it.
func (p *Pane) Show(i int) (tracer.Goroutine, bool) {
	g, ok := p.at(i)
	if ok {
		p.active = i
	}
	return g, ok
}

// Cursor is the goroutine under the cursor.
func (p *Pane) Cursor() int { return p.cursor }
