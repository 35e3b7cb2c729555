// Package variables is the Variables pane: at a stop, the watches, the
// results of a provider that returned, and the arguments and locals of the
// selected frame, as value trees that fold, the changes since the previous
// stop marked.
package variables

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/valuetree"
)

// The ids of the Variables pane's sections; they key the folds from stop
// to stop.
const (
	SectionWatches = "watches"
	sectionResults = "results"
	sectionArgs    = "args"
	sectionLocals  = "locals"
)

// Pane shows, at a stop, the watches, the results of the provider
// that returned (or is selected in Phases), and the arguments and locals of
// the selected frame, as value trees. Values that changed since the
// previous stop are marked: the watches always, the variables while the
// program stays in the same function.
type Pane struct {
	st   *pane.Styles
	tree valuetree.Tree
	tx   *pane.Text

	// paneBase.focused is copied to tree.focused when the pane is drawn.
	pane.Base
	keys variablesKeys

	watches []tracer.WatchValue
	// watchNodes are the watches' values named by their expressions,
	// made once per stop so that a level read later stays in place.
	watchNodes   []*tracer.Node
	results      *pane.ProviderResults
	args, locals []*tracer.Node
	// frame is what args and locals belong to, for the title.
	frame     tracer.Frame
	index     int   // the frame's number
	goroutine int64 // the goroutine chosen at a halt, 0 for the stop's
	hasStop   bool

	// prev holds the values of the previous stop by path; diffFrame says
	// whether its arguments and locals compare (same function and
	// goroutine).
	prev      map[string]string
	diffFrame bool
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane {
	return Pane{st: st, tree: valuetree.New(st, tx), tx: tx, keys: newVariablesKeys(tx)}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.sizeTree()
}

// sizeTree gives the tree the pane's lines but the one that names the
// frame, when it is not the stop's own.
func (p *Pane) sizeTree() {
	h := p.H
	if p.title() != "" {
		h = max(0, h-1)
	}
	p.tree.SetSize(p.W, h)
}

// Reset implements pane.Pane.
func (p *Pane) Reset() {
	p.tree.Reset()
	p.watches, p.watchNodes, p.results, p.args, p.locals = nil, nil, nil, nil, nil
	p.frame, p.index, p.goroutine, p.hasStop = tracer.Frame{}, 0, 0, false
	p.prev, p.diffFrame = nil, false
}

// SetStop shows the variables a stop or a step carries, marking
// what changed since the previous one.
func (p *Pane) SetStop(ev tracer.Event) {
	prev := map[string]string{}
	for _, s := range p.sections() {
		if s.ID == SectionWatches || p.index == 0 && p.goroutine == 0 && (s.ID == sectionArgs || s.ID == sectionLocals) {
			valuetree.SectionLeaves(s, prev)
		}
	}
	p.diffFrame = p.hasStop && p.index == 0 && p.goroutine == 0 && p.frame.Function == ev.Function && p.frame.File == ev.File
	if p.hasStop {
		p.prev = prev
	}
	p.hasStop = true
	p.tree.Forget()
	p.setWatches(ev.Watches)
	p.args, p.locals = ev.Args, ev.Locals
	p.frame = tracer.Frame{Function: ev.Function, File: ev.File, Line: ev.Line}
	p.index, p.goroutine = 0, 0
	p.build()
}

// SetFrame shows the variables of another frame (Inspector.Frame).
func (p *Pane) SetFrame(goroutine int64, d tracer.FrameDetail) {
	p.hasStop = true
	p.tree.Forget()
	p.args, p.locals = d.Args, d.Locals
	p.frame, p.index, p.goroutine = d.Frame, d.Index, goroutine
	p.diffFrame = false
	p.build()
}

// SetHalt empties the variables for a halt: the goroutine chosen fills
// them.
func (p *Pane) SetHalt(watches []tracer.WatchValue) {
	p.hasStop = true
	p.tree.Forget()
	p.setWatches(watches)
	p.args, p.locals, p.results = nil, nil, nil
	p.frame, p.index, p.goroutine, p.diffFrame = tracer.Frame{}, 0, 0, false
	p.build()
}

// ShowResults shows a provider's results, or none with nil. It reports
// whether that changed what the pane shows.
func (p *Pane) ShowResults(r *pane.ProviderResults) bool {
	if p.results == r || p.results != nil && r != nil && p.results.Label == r.Label && len(p.results.Results) == len(r.Results) {
		return false
	}
	p.results = r
	p.build()
	return true
}

// setWatches takes the watches of a stop.
func (p *Pane) setWatches(watches []tracer.WatchValue) {
	p.watches = watches
	p.watchNodes = make([]*tracer.Node, len(watches))
	for i, w := range watches {
		p.watchNodes[i] = p.watchNode(w)
	}
}

// watchNode is a watch's value named by its expression, whatever the
// value's own name; a watch kept to a function says, beside its type, the
// frame its value comes from.
func (p *Pane) watchNode(w tracer.WatchValue) *tracer.Node {
	n := tracer.Node{}
	if w.Value != nil {
		n = *w.Value
	}
	n.Name = w.Expr
	if w.Function != "" && w.Value != nil {
		where := pane.Format(p.tx.WatchFrame, w.Frame, pane.ShortFunction(w.Function))
		n.Type = strings.TrimSpace(n.Type + "  " + where)
	}
	return &n
}

// AddWatch shows a watch just added, or its new value.
func (p *Pane) AddWatch(w tracer.WatchValue) {
	watches := append(p.watches[:0:0], p.watches...)
	nodes := append(p.watchNodes[:0:0], p.watchNodes...)
	i := 0
	for i < len(watches) && watches[i].Expr != w.Expr {
		i++
	}
	if i == len(watches) {
		watches, nodes = append(watches, w), append(nodes, nil)
	}
	watches[i], nodes[i] = w, p.watchNode(w)
	p.watches, p.watchNodes = watches, nodes
	p.build()
}

// RemoveWatch drops a watch.
func (p *Pane) RemoveWatch(expr string) {
	var watches []tracer.WatchValue
	var nodes []*tracer.Node
	for i, w := range p.watches {
		if w.Expr != expr {
			watches, nodes = append(watches, w), append(nodes, p.watchNodes[i])
		}
	}
	p.watches, p.watchNodes = watches, nodes
	p.build()
}

// selectedWatch returns the expression of the watch the selection is in.
func (p *Pane) selectedWatch() (string, bool) {
	r, ok := p.tree.SelectedRow()
	if !ok || r.Kind == valuetree.RowSection || p.tree.Sections[r.Section].ID != SectionWatches {
		return "", false
	}
	// The watch is the value at the top of the section that holds the row.
	for i := p.tree.Selected; i >= 0; i-- {
		if row := p.tree.Rows[i]; row.Kind == valuetree.RowValue && row.Level == 0 {
			return p.watches[row.Index].Expr, true
		}
	}
	return "", false
}

// selectedExpr returns the Go expression of the selected value, to watch it.
func (p *Pane) selectedExpr() (string, bool) {
	r, ok := p.tree.SelectedRow()
	if !ok || r.Kind != valuetree.RowValue || r.Node == nil || r.Node.Expr == "" {
		return "", false
	}
	return r.Node.Expr, true
}

// sections returns what the pane shows, in order.
func (p *Pane) sections() []valuetree.Section {
	tx := p.tx
	var out []valuetree.Section
	if len(p.watches) > 0 {
		s := valuetree.Section{ID: SectionWatches, Title: tx.SectionWatches, Nodes: p.watchNodes, Errs: map[int]string{}}
		for i, w := range p.watches {
			if w.Error != "" {
				s.Errs[i] = w.Error
			}
		}
		out = append(out, s)
	}
	if r := p.results; r != nil && len(r.Results) > 0 {
		extra := r.Label
		if r.Took > 0 {
			extra = pane.Format(tx.ResultsTook, r.Label, pane.FormatDuration(time.Duration(r.Took)))
		}
		out = append(out, valuetree.Section{ID: sectionResults, Title: tx.SectionResults, Extra: extra, Nodes: r.Results})
	}
	if len(p.args) > 0 {
		out = append(out, valuetree.Section{ID: sectionArgs, Title: tx.SectionArgs, Nodes: p.args})
	}
	if len(p.locals) > 0 {
		out = append(out, valuetree.Section{ID: sectionLocals, Title: tx.SectionLocals, Nodes: p.locals})
	}
	return out
}

// build lays the sections out, marking what changed since the previous
// stop.
func (p *Pane) build() {
	sections := p.sections()
	var changes map[string]pane.Change
	if p.prev != nil {
		cur := map[string]string{}
		for _, s := range sections {
			if s.ID == SectionWatches || p.diffFrame && (s.ID == sectionArgs || s.ID == sectionLocals) {
				valuetree.SectionLeaves(s, cur)
			}
		}
		changes = valuetree.DiffLeaves(p.prev, cur)
	}
	p.tree.Set(sections, changes)
	p.sizeTree()
}

// Loaded puts a level read by Expand in place and marks what changed in it.
func (p *Pane) Loaded(path string, n *tracer.Node) {
	if p.tree.Loaded(path, n) {
		p.build()
	}
}

// title names the frame the values belong to, when it is not the stop's
// own; it heads the pane.
func (p *Pane) title() string {
	if p.goroutine == 0 && p.index == 0 {
		return ""
	}
	return p.frameText()
}

// FrameName names the frame the values belong to, always: the prompt
// evaluates there.
func (p *Pane) FrameName() string {
	if p.frame.Function == "" {
		return ""
	}
	return p.frameText()
}

// frameText is "frame N · function", with the goroutine's ID before it
// when the frame is one of a goroutine chosen at a halt.
func (p *Pane) frameText() string {
	fn := pane.Sanitize(pane.ShortFunction(p.frame.Function))
	if p.goroutine != 0 {
		return pane.Format(p.tx.GoroutineFrame, p.goroutine, p.index, fn)
	}
	return pane.Format(p.tx.FrameTitle, p.index, fn)
}

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	scroll := ""
	if len(p.tree.Rows) > p.tree.H && p.tree.H > 0 {
		scroll = pane.Format("%d/%d", p.tree.Selected+1, len(p.tree.Rows))
	}
	return pane.ChangesFooter(p.tx, p.tree.Changes, scroll)
}

func (p *Pane) move(delta int) { p.tree.Move(delta) }

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) { p.tree.Scroll(delta) }
func (p *Pane) clickRow(y int) {
	if p.title() != "" {
		y--
	}
	p.tree.ClickRow(y)
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	t := &p.tree
	t.Focused = p.Focused
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	var out []string
	if title := p.title(); title != "" {
		out = append(out, " "+p.st.Accent.Paint(pane.Truncate(title, p.W-2)))
	}
	if len(t.Rows) == 0 {
		text := p.tx.EmptyVariables
		if p.hasStop {
			text = p.tx.NoVariables
		}
		return append(out, pane.IndentLines(pane.WrapText(text, p.W-2), " ")...)
	}
	return append(out, t.Lines(t.H)...)
}

// Move implements pane.Pane: it moves the cursor.
func (p *Pane) Move(delta int) pane.Request { p.move(delta); return nil }

// Click implements pane.Pane.
func (p *Pane) Click(y int) pane.Request { p.clickRow(y); return nil }

// variablesKeys are the keys of the Variables pane.
type variablesKeys struct {
	// Toggle folds or unfolds the selected value.
	Toggle key.Binding
	// Watch watches the selected value's expression, Unwatch stops the
	// selected watch.
	Watch   key.Binding
	Unwatch key.Binding
}

func newVariablesKeys(tx *pane.Text) variablesKeys {
	return variablesKeys{
		Toggle:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyToggle)),
		Watch:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", tx.KeyWatch)),
		Unwatch: key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", tx.KeyUnwatch)),
	}
}

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding {
	return []key.Binding{p.keys.Toggle, p.keys.Watch, p.keys.Unwatch}
}

// ShortHelp offers the keys while the program can answer.
func (p *Pane) ShortHelp(c pane.Hints) []key.Binding { return pane.LiveHelp(c, p.Keys()...) }

// HandleKey implements pane.Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	switch {
	case key.Matches(msg, p.keys.Toggle):
		p.tree.Toggle()
		return pane.ExpandVariables{}, true
	case key.Matches(msg, p.keys.Watch):
		expr, ok := p.selectedExpr()
		if !ok {
			return pane.Notice{Text: p.tx.NoExprHere}, true
		}
		return pane.Watch{Expr: expr}, true
	case key.Matches(msg, p.keys.Unwatch):
		expr, ok := p.selectedWatch()
		if !ok {
			return pane.Notice{Text: p.tx.NoWatchHere}, true
		}
		return pane.Unwatch{Expr: expr}, true
	}
	return nil, false
}

// HasStop reports whether the pane shows a stop's values (else it waits
// for the first).
func (p *Pane) HasStop() bool { return p.hasStop }

// Tree is the pane's value tree, for the levels it wants read.
func (p *Pane) Tree() *valuetree.Tree { return &p.tree }

// Watches are the watches shown, with their values at the stop.
func (p *Pane) Watches() []tracer.WatchValue { return p.watches }
