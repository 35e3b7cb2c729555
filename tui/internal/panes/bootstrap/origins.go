package bootstrap

import (
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Config provenance in the Bootstrap pane: a short origin beside each leaf
// (zz-override.yaml:4, env KRATOS_X, ${X:1s} default, unset), and, for the
// selected leaf of the focused pane, the whole chain: its value and origin,
// then every value it overrode, latest first. The pane only renders what
// the trace computed (tracer/provenance); O hides or shows the origins,
// for a narrow screen.

// minOriginWidth is the least room an origin is shown in; with less it is
// left out rather than cut to nothing.
const minOriginWidth = 8

// maxChainLines bounds the chain under the tree, so that the tree keeps
// most of the pane.
const maxChainLines = 6

// originOf is the short origin shown beside a row, or "".
func (p *Pane) originOf(r treeRow) string {
	if !p.showOrigins || r.branch || r.node.Origin == nil {
		return ""
	}
	return pane.Sanitize(r.node.Origin.Short())
}

// toggleOrigins shows or hides the origins and the chain.
func (p *Pane) toggleOrigins() {
	p.showOrigins = !p.showOrigins
	p.scrollToSelected()
}

// leafWidth is the width of a leaf row up to the end of its value.
func leafWidth(r treeRow) int {
	val := pane.Sanitize(r.node.Value)
	if val == "" {
		val = `""`
	}
	return 1 + r.depth*2 + 2 + r.keyWidth + 2 + pane.TextWidth(val)
}

// originColumn is where the origins of the visible rows start: one column
// for all, after the longest value. When that leaves no room (a narrow
// pane) it is -1 and the tree shows no origins: the values matter more,
// and the selected leaf's chain under the tree still says where it came
// from.
func (p *Pane) originColumn(first, end int) int {
	col := 0
	for i := first; i < end; i++ {
		if r := p.rows[i]; p.originOf(r) != "" {
			w := leafWidth(r)
			if b := p.baseline[r.path].Short; b != "" {
				// The baseline's value follows the value (baseline.go).
				w += 2 + pane.TextWidth(b)
			}
			col = max(col, w+3)
		}
	}
	if col == 0 || col+minOriginWidth > p.W {
		return -1
	}
	return col
}

// withOrigin appends a row's origin to its rendered text (plain is the same
// text without colours) at col, cut to the pane's width; nothing when col
// is -1.
func (p *Pane) withOrigin(text, plain string, r treeRow, col int) (string, string) {
	o := p.originOf(r)
	if o == "" || col < 0 {
		return text, plain
	}
	w := pane.TextWidth(plain) + 1 // the mark column
	at := max(col, w+3)
	room := p.W - at
	if room < minOriginWidth {
		return text, plain
	}
	gap := pane.Spaces(at - w)
	o = pane.Truncate(o, room)
	return text + gap + p.st.Dim.Paint(o), plain + gap + o
}

// chain returns the lines under the tree for the selected leaf: a rule
// naming it, its value and origin, and each value it overrode.
func (p *Pane) chain() []string {
	if !p.showOrigins || !p.Focused || p.selected >= len(p.rows) || p.H < 8 {
		return nil
	}
	r := p.rows[p.selected]
	if r.branch || r.node.Origin == nil {
		return nil
	}
	st := p.st
	val := func(v string) string {
		if v == "" {
			return `""`
		}
		return pane.Sanitize(v)
	}
	line := func(mark, value string, o tracer.Origin) string {
		head := " " + mark + " " + value + "  "
		where := pane.Sanitize(o.String())
		if room := p.W - pane.TextWidth(head); pane.TextWidth(where) > room {
			// Base names rather than an origin cut in the middle.
			where = pane.Truncate(pane.Sanitize(o.Short()), room)
		}
		return st.Dim.Paint(" "+mark+" ") + st.Text.Paint(value) + "  " + st.Dim.Paint(where)
	}
	rule := pane.Truncate(" "+pane.Sanitize(r.path)+" ", p.W-2)
	out := []string{st.Dim.Paint("─") + st.Accent.Paint(rule) + st.Dim.Paint(strings.Repeat("─", max(0, p.W-1-pane.TextWidth(rule))))}
	out = append(out, line("=", pane.Truncate(val(r.node.Value), p.W/2), *r.node.Origin))
	over := r.node.Overrides
	// The tree keeps two thirds of the pane; the chain at least its rule,
	// the value and one line more.
	room := max(3, min(maxChainLines, p.H/3)) - len(out)
	if len(over) == 0 {
		return append(out, st.Dim.Paint(" "+p.tx.NoOverrides))
	}
	shown := len(over)
	if shown > room {
		shown = max(room-1, 0)
	}
	for i := len(over) - 1; i >= len(over)-shown; i-- {
		out = append(out, line("↳", pane.Truncate(val(over[i].Value), p.W/2), over[i].Origin))
	}
	if shown < len(over) {
		out = append(out, st.Dim.Paint(pane.Truncate(pane.Format(" "+p.tx.MoreOverrides, len(over)-shown), p.W)))
	}
	return out
}
