package tui

import (
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
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
func (p *bootstrapPane) originOf(r treeRow) string {
	if !p.showOrigins || r.branch || r.node.Origin == nil {
		return ""
	}
	return sanitize(r.node.Origin.Short())
}

// toggleOrigins shows or hides the origins and the chain.
func (p *bootstrapPane) toggleOrigins() {
	p.showOrigins = !p.showOrigins
	p.scrollToSelected()
}

// leafWidth is the width of a leaf row up to the end of its value.
func leafWidth(r treeRow) int {
	val := sanitize(r.node.Value)
	if val == "" {
		val = `""`
	}
	return 1 + r.depth*2 + 2 + r.keyWidth + 2 + textWidth(val)
}

// originColumn is where the origins of the visible rows start: one column
// for all, after the longest value. When that leaves no room (a narrow
// pane) it is -1 and the tree shows no origins: the values matter more,
// and the selected leaf's chain under the tree still says where it came
// from.
func (p *bootstrapPane) originColumn(first, end int) int {
	col := 0
	for i := first; i < end; i++ {
		if r := p.rows[i]; p.originOf(r) != "" {
			w := leafWidth(r)
			if b := p.baseline[r.path].short; b != "" {
				// The baseline's value follows the value (baseline.go).
				w += 2 + textWidth(b)
			}
			col = max(col, w+3)
		}
	}
	if col == 0 || col+minOriginWidth > p.w {
		return -1
	}
	return col
}

// withOrigin appends a row's origin to its rendered text (plain is the same
// text without colours) at col, cut to the pane's width; nothing when col
// is -1.
func (p *bootstrapPane) withOrigin(text, plain string, r treeRow, col int) (string, string) {
	o := p.originOf(r)
	if o == "" || col < 0 {
		return text, plain
	}
	w := textWidth(plain) + 1 // the mark column
	at := max(col, w+3)
	room := p.w - at
	if room < minOriginWidth {
		return text, plain
	}
	gap := spaces(at - w)
	o = truncate(o, room)
	return text + gap + p.st.dim.paint(o), plain + gap + o
}

// chain returns the lines under the tree for the selected leaf: a rule
// naming it, its value and origin, and each value it overrode.
func (p *bootstrapPane) chain() []string {
	if !p.showOrigins || !p.focused || p.selected >= len(p.rows) || p.h < 8 {
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
		return sanitize(v)
	}
	line := func(mark, value string, o tracer.Origin) string {
		head := " " + mark + " " + value + "  "
		where := sanitize(o.String())
		if room := p.w - textWidth(head); textWidth(where) > room {
			// Base names rather than an origin cut in the middle.
			where = truncate(sanitize(o.Short()), room)
		}
		return st.dim.paint(" "+mark+" ") + st.text.paint(value) + "  " + st.dim.paint(where)
	}
	rule := truncate(" "+sanitize(r.path)+" ", p.w-2)
	out := []string{st.dim.paint("─") + st.accent.paint(rule) + st.dim.paint(strings.Repeat("─", max(0, p.w-1-textWidth(rule))))}
	out = append(out, line("=", truncate(val(r.node.Value), p.w/2), *r.node.Origin))
	over := r.node.Overrides
	// The tree keeps two thirds of the pane; the chain at least its rule,
	// the value and one line more.
	room := max(3, min(maxChainLines, p.h/3)) - len(out)
	if len(over) == 0 {
		return append(out, st.dim.paint(" "+p.tx.noOverrides))
	}
	shown := len(over)
	if shown > room {
		shown = max(room-1, 0)
	}
	for i := len(over) - 1; i >= len(over)-shown; i-- {
		out = append(out, line("↳", truncate(val(over[i].Value), p.w/2), over[i].Origin))
	}
	if shown < len(over) {
		out = append(out, st.dim.paint(truncate(f(" "+p.tx.moreOverrides, len(over)-shown), p.w)))
	}
	return out
}
