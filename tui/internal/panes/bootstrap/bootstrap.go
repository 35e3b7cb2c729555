// Package bootstrap is the Bootstrap pane: the decoded config as a tree
// that folds, the values new or changed since the previous stop marked, and
// where each value came from (origins.go).
package bootstrap

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// treeRow is one visible line of the Bootstrap tree.
type treeRow struct {
	path     string
	name     string
	depth    int
	node     *tracer.Node
	branch   bool
	keyWidth int // the widest leaf name among its siblings, to align values
	change   pane.Change
}

// Pane shows the decoded config (Event.Bootstrap) as a collapsible
// tree, with the values that changed since the previous stop highlighted.
type Pane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base
	keys bootstrapKeys

	root      *tracer.Node
	changes   map[string]pane.Change
	collapsed map[string]bool
	rows      []treeRow
	selected  int
	offset    int
	// showOrigins shows each leaf's origin and the selected leaf's chain
	// (origins.go).
	showOrigins bool
	// baseline holds, by path, how a leaf differs from a baseline
	// (baseline.go).
	baseline map[string]pane.BaselineMark
	// sources are the config sources config.Load merged, in order; the
	// pane's first line lists them.
	sources []tracer.ConfigSource
	// missing says why there is no Bootstrap to show, for a program
	// attached to (tracer.AppInfo.BootstrapFrom).
	missing string
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane {
	return Pane{st: st, tx: tx, keys: newBootstrapKeys(tx), collapsed: map[string]bool{}, changes: map[string]pane.Change{}, showOrigins: true}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.scrollToSelected()
}

// Reset forgets the tree (for a restart) but keeps what the user collapsed.
func (p *Pane) Reset() {
	p.root, p.rows, p.selected, p.offset, p.sources = nil, nil, 0, 0, nil
	p.changes = map[string]pane.Change{}
	p.missing = ""
}

// SetMissing says why there is no Bootstrap to show, in place of the
// pane's usual empty text: for a program attached to, where it could not be
// found (tracer.AppInfo.BootstrapFrom).
func (p *Pane) SetMissing(why string) { p.missing = pane.Sanitize(why) }

// Set shows root; prev holds the leaves at the previous stop (nil when the
// config was not known yet), to mark what changed.
func (p *Pane) Set(root *tracer.Node, prev map[string]string) {
	p.root = root
	p.changes = map[string]pane.Change{}
	for path, v := range root.Leaves() {
		old, ok := prev[path]
		switch {
		case !ok:
			p.changes[path] = pane.Added
		case old != v:
			p.changes[path] = pane.Modified
		}
	}
	p.rebuild()
}

func (p *Pane) rebuild() {
	var selPath string
	if p.selected < len(p.rows) {
		selPath = p.rows[p.selected].path
	}
	p.rows = p.rows[:0]
	if p.root != nil {
		p.addChildren(p.root, "", 0)
	}
	p.selected = 0
	for i, r := range p.rows {
		if r.path == selPath {
			p.selected = i
		}
	}
	p.scrollToSelected()
}

func (p *Pane) addChildren(n *tracer.Node, prefix string, depth int) {
	keyWidth := 0
	for _, c := range n.Children {
		if len(c.Children) == 0 {
			keyWidth = max(keyWidth, pane.TextWidth(c.Name))
		}
	}
	for _, c := range n.Children {
		path := c.Name
		if prefix != "" {
			path = prefix + "." + c.Name
		}
		row := treeRow{path: path, name: pane.Sanitize(c.Name), depth: depth, node: c, branch: len(c.Children) > 0, keyWidth: keyWidth}
		if row.branch {
			row.change = p.subtreeChange(path)
		} else {
			row.change = p.changes[path]
		}
		p.rows = append(p.rows, row)
		if row.branch && !p.collapsed[path] {
			p.addChildren(c, path, depth+1)
		}
	}
}

// subtreeChange reports the strongest change below a branch, so that a
// collapsed branch still shows that something inside it changed.
func (p *Pane) subtreeChange(path string) pane.Change {
	c := pane.Unchanged
	for leaf, ch := range p.changes {
		if strings.HasPrefix(leaf, path+".") && ch > c {
			c = ch
		}
	}
	return c
}

// toggle expands or collapses the selected branch; on a leaf it collapses
// the leaf's parent.
func (p *Pane) toggle() {
	if p.selected >= len(p.rows) {
		return
	}
	r := p.rows[p.selected]
	if !r.branch {
		i := strings.LastIndex(r.path, ".")
		if i < 0 {
			return
		}
		r.path = r.path[:i]
	}
	p.collapsed[r.path] = !p.collapsed[r.path]
	p.rebuild()
	for i, row := range p.rows {
		if row.path == r.path {
			p.selected = i
		}
	}
	p.scrollToSelected()
}

func (p *Pane) move(delta int) {
	if len(p.rows) == 0 {
		return
	}
	p.selected = pane.Clamp(p.selected+delta, 0, len(p.rows)-1)
	p.scrollToSelected()
}

func (p *Pane) clickRow(y int) {
	if i := p.offset + y - len(p.sourcesLine()); i >= 0 && i < len(p.rows) {
		p.selected = i
	}
}

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.rows)-p.treeHeight()))
}

// treeHeight is the pane's height less the selected leaf's chain.
func (p *Pane) treeHeight() int {
	return p.H - len(p.chain()) - len(p.sourcesLine())
}

// SetSources takes the config sources of a stop.
func (p *Pane) SetSources(sources []tracer.ConfigSource) {
	p.sources = sources
	p.scrollToSelected()
}

// sourcesLine is the pane's first line, the config sources in merge order,
// as config.load read them; none when they are not known or the pane is
// too low to spare a line.
func (p *Pane) sourcesLine() []string {
	if len(p.sources) == 0 || p.H < 4 {
		return nil
	}
	text := pane.Format(p.tx.ConfigSources, tracer.SourcesSummary(p.sources))
	return []string{" " + p.st.Dim.Paint(pane.Truncate(pane.Sanitize(text), p.W-2))}
}

func (p *Pane) scrollToSelected() {
	p.offset = pane.KeepInView(p.offset, p.selected, p.treeHeight(), len(p.rows))
}

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	scroll := ""
	if len(p.rows) > p.treeHeight() && p.H > 0 {
		scroll = fmt.Sprintf("%d/%d", p.selected+1, len(p.rows))
	}
	return pane.ChangesFooter(p.tx, p.changes, scroll)
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	head := p.sourcesLine()
	if p.root == nil {
		text := p.tx.EmptyBootstrap
		if p.missing != "" {
			text = p.missing
		}
		return append(head, pane.IndentLines(pane.WrapText(text, p.W-2), " ")...)
	}
	st := p.st
	chain := p.chain()
	out := make([]string, 0, p.H)
	out = append(out, head...)
	end := min(len(p.rows), p.offset+p.treeHeight())
	col := p.originColumn(p.offset, end)
	for i := p.offset; i < end; i++ {
		r := p.rows[i]
		mark := " "
		switch r.change {
		case pane.Added:
			mark = "+"
		case pane.Modified:
			mark = "~"
		}
		indent := pane.Spaces(r.depth * 2)
		var text, plain string
		if r.branch {
			glyph := "▾"
			if p.collapsed[r.path] {
				glyph = "▸"
			}
			plain = indent + glyph + " " + r.name
			text = indent + st.Dim.Paint(glyph) + " " + st.Accent.Paint(r.name)
			if p.baselineBelow(r.path) {
				mark = pane.MarkBaseline
			}
			if t := pane.Sanitize(r.node.Type); t != "" && pane.TextWidth(plain)+len(t)+4 <= p.W {
				plain += "  " + t
				text += "  " + st.Dim.Paint(t)
			}
		} else {
			key := pane.PadRight(r.name, r.keyWidth)
			val := pane.Sanitize(r.node.Value)
			if val == "" {
				val = `""` // an empty string, as opposed to an unset message
			}
			vi := st.Text
			switch {
			case r.change != pane.Unchanged:
				vi = st.Changed
			case val == "<nil>" || val == `""`:
				vi = st.Dim
			}
			room := p.W - 2 - pane.TextWidth(indent) - 4 - r.keyWidth
			base := ""
			if b := p.baseline[r.path].Short; b != "" {
				mark = pane.MarkBaseline
				if left := room - pane.TextWidth(val) - 2; left >= 4 {
					base = "  " + pane.Truncate(b, left)
				}
			}
			plain = indent + "  " + key + "  " + val + base
			text = indent + "  " + st.Dim.Paint(key) + "  " + vi.Paint(pane.Truncate(val, room)) + st.Changed.Paint(base)
			text, plain = p.withOrigin(text, plain, r, col)
		}
		if i == p.selected && p.Focused {
			out = append(out, st.Selected.Paint(pane.Fit(" "+mark+plain, p.W)))
			continue
		}
		mi := st.Changed
		out = append(out, " "+mi.Paint(mark)+text)
	}
	if len(chain) > 0 {
		for len(out) < p.H-len(chain) {
			out = append(out, "")
		}
		out = append(out, chain...)
	}
	return out
}

// baselineBelow reports whether a leaf below the branch at path differs
// from the baseline, so that a folded branch still shows it.
func (p *Pane) baselineBelow(path string) bool {
	for leaf := range p.baseline {
		if strings.HasPrefix(leaf, path+".") {
			return true
		}
	}
	return false
}

// Move implements pane.Pane: it moves the cursor.
func (p *Pane) Move(delta int) pane.Request { p.move(delta); return nil }

// Click implements pane.Pane.
func (p *Pane) Click(y int) pane.Request { p.clickRow(y); return nil }

// bootstrapKeys are the keys of the Bootstrap pane.
type bootstrapKeys struct {
	// Toggle folds or unfolds the selected section.
	Toggle key.Binding
	// Origins shows or hides where each value came from.
	Origins key.Binding
}

func newBootstrapKeys(tx *pane.Text) bootstrapKeys {
	return bootstrapKeys{
		Toggle:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyToggle)),
		Origins: key.NewBinding(key.WithKeys("O"), key.WithHelp("O", tx.KeyOrigins)),
	}
}

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding { return []key.Binding{p.keys.Toggle, p.keys.Origins} }

// ShortHelp implements pane.Pane.
func (p *Pane) ShortHelp(pane.Hints) []key.Binding { return p.Keys() }

// HandleKey implements pane.Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	switch {
	case key.Matches(msg, p.keys.Toggle):
		p.toggle()
		return nil, true
	case key.Matches(msg, p.keys.Origins):
		p.toggleOrigins()
		return nil, true
	}
	return nil, false
}

// SetBaseline marks the values that differ from a baseline, by path; nil
// forgets them.
func (p *Pane) SetBaseline(marks map[string]pane.BaselineMark) { p.baseline = marks }

// SelectedBaseline is the selected value's difference from the baseline.
func (p *Pane) SelectedBaseline() pane.BaselineMark {
	if i := p.selected; i < len(p.rows) {
		return p.baseline[p.rows[i].path]
	}
	return pane.BaselineMark{}
}

// HasConfig reports whether the pane shows a config (from config.scan on).
func (p *Pane) HasConfig() bool { return p.root != nil }

// SelectedPath is the path of the selected value, "" with none.
func (p *Pane) SelectedPath() string {
	if i := p.selected; i >= 0 && i < len(p.rows) {
		return p.rows[i].path
	}
	return ""
}

// UnfoldAll unfolds every branch.
func (p *Pane) UnfoldAll() {
	p.collapsed = map[string]bool{}
	p.rebuild()
}
