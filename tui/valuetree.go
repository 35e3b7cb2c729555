package tui

import (
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// valueSection is a group of values in a valueTree, such as a frame's
// arguments or the watches.
type valueSection struct {
	// id is stable from stop to stop ("watches", "args"), so that what
	// the user unfolded stays unfolded at the next stop.
	id string
	// title heads the section; "" draws its values at the top level,
	// without a header (the prompt's result).
	title, extra string
	nodes        []*tracer.Node
	// errs holds, by index in nodes, why a value is missing (a watch
	// that cannot be evaluated here); the node then shows the error.
	errs map[int]string
	// openDepth: values above this depth start unfolded.
	openDepth int
}

// valueRowKind is what a row of a valueTree draws.
type valueRowKind byte

const (
	rowSection valueRowKind = iota // a section's header
	rowValue                       // a value, a leaf or a branch
	rowMore                        // what a cap left out: "… 12 more"
)

// valueRow is one visible line of a valueTree.
type valueRow struct {
	kind     valueRowKind
	path     string
	depth    int
	level    int // the depth below the section's header
	section  int
	node     *tracer.Node // rowValue
	index    int          // rowValue at depth 0: the index in its section
	err      string       // rowValue: why the value is missing
	more     int          // rowMore
	keyWidth int          // the widest leaf name among its siblings
	change   change
}

func (r valueRow) branch() bool {
	return r.kind == rowSection || r.kind == rowValue && r.node != nil && (len(r.node.Children) > 0 || r.node.Unloaded)
}

// expandRequest asks the Inspector for the level below an unloaded value.
type expandRequest struct {
	path, expr string
}

// valueTree draws tracer.Node values as rows that fold and unfold, reading
// a level left unloaded only when it is unfolded. The Variables pane and
// the prompt's result are valueTrees, so every value looks the same.
type valueTree struct {
	st      *pane.Styles
	tx      *pane.Text
	w, h    int
	focused bool

	sections []valueSection
	// open holds what the user folded (false) or unfolded (true), by path.
	open map[string]bool
	// loading holds the paths whose level below is being read.
	loading map[string]bool
	// changes marks the values that changed since the previous stop.
	changes map[string]change

	rows     []valueRow
	selected int
	offset   int
	// want lists the unfolded values whose level below is not read yet;
	// the owner asks the Inspector for them (takeRequests).
	want []expandRequest
}

func newValueTree(st *pane.Styles, tx *pane.Text) valueTree {
	return valueTree{st: st, tx: tx, open: map[string]bool{}, loading: map[string]bool{}, changes: map[string]change{}}
}

func (t *valueTree) SetSize(w, h int) {
	t.w, t.h = w, h
	t.scrollToSelected()
}

// set shows sections, keeping the folds, the selection by path and the
// levels being read.
func (t *valueTree) set(sections []valueSection, changes map[string]change) {
	t.sections = sections
	t.changes = changes
	if t.changes == nil {
		t.changes = map[string]change{}
	}
	t.rebuild()
}

// forget drops the levels being read: they belong to a stop or a frame
// that is gone, and their answers will be dropped.
func (t *valueTree) forget() { t.loading = map[string]bool{} }

// reset forgets the values, keeping the folds.
func (t *valueTree) reset() {
	t.sections, t.rows, t.want = nil, nil, nil
	t.selected, t.offset = 0, 0
	t.changes = map[string]change{}
	t.loading = map[string]bool{}
}

// childPath is the path of a child named name; dup counts the siblings of
// the same name before it (shadowed variables share a name).
func childPath(parent, name string, dup int) string {
	if dup > 0 {
		name += "#" + strconv.Itoa(dup+1)
	}
	return parent + "\x1f" + name
}

func (t *valueTree) isOpen(path string, level, openDepth int) bool {
	if o, ok := t.open[path]; ok {
		return o
	}
	return level < openDepth
}

// rowOpen reports whether a branch row is unfolded.
func (t *valueTree) rowOpen(r valueRow) bool {
	if r.kind == rowSection {
		return t.isOpen(r.path, 0, 1)
	}
	return t.isOpen(r.path, r.level, t.sections[r.section].openDepth)
}

func (t *valueTree) rebuild() {
	var selPath string
	if t.selected < len(t.rows) {
		selPath = t.rows[t.selected].path
	}
	// A branch shows the strongest change below it, so that a folded
	// value still says that something inside it changed.
	below := map[string]change{}
	for path, c := range t.changes {
		for i := strings.LastIndexByte(path, '\x1f'); i > 0; i = strings.LastIndexByte(path[:i], '\x1f') {
			if below[path[:i]] < c {
				below[path[:i]] = c
			}
		}
	}
	t.rows = t.rows[:0]
	t.want = t.want[:0]
	for si, sec := range t.sections {
		depth := 0
		if sec.title != "" {
			t.rows = append(t.rows, valueRow{kind: rowSection, path: sec.id, section: si, change: below[sec.id]})
			if !t.isOpen(sec.id, 0, 1) {
				continue
			}
			depth = 1
		}
		t.addNodes(si, sec, sec.nodes, sec.id, depth, 0, below)
	}
	t.selected = 0
	for i, r := range t.rows {
		if r.path == selPath {
			t.selected = i
		}
	}
	t.scrollToSelected()
}

// addNodes adds the rows of nodes, level is the depth below the section.
func (t *valueTree) addNodes(si int, sec valueSection, nodes []*tracer.Node, parent string, depth, level int, below map[string]change) {
	keyWidth := 0
	for _, n := range nodes {
		if len(n.Children) == 0 && !n.Unloaded {
			keyWidth = max(keyWidth, pane.TextWidth(pane.Sanitize(n.Name)))
		}
	}
	keyWidth = min(keyWidth, 24)
	seen := map[string]int{}
	for i, n := range nodes {
		path := childPath(parent, n.Name, seen[n.Name])
		seen[n.Name]++
		row := valueRow{kind: rowValue, path: path, depth: depth, level: level, section: si, node: n, index: i, keyWidth: keyWidth}
		if level == 0 {
			row.err = sec.errs[i]
		}
		row.change = t.changes[path]
		if c := below[path]; c > row.change {
			row.change = c
		}
		t.rows = append(t.rows, row)
		if !row.branch() || !t.rowOpen(row) {
			continue
		}
		if n.Unloaded {
			if !t.loading[path] && n.Expr != "" {
				t.want = append(t.want, expandRequest{path: path, expr: n.Expr})
			}
			continue
		}
		t.addNodes(si, sec, n.Children, path, depth+1, level+1, below)
		if n.More > 0 && len(n.Children) > 0 {
			t.rows = append(t.rows, valueRow{kind: rowMore, path: path + "\x1f…", depth: depth + 1, section: si, more: n.More})
		}
	}
}

// takeRequests returns the unfolded values whose level below must be read,
// marking them loading.
func (t *valueTree) takeRequests() []expandRequest {
	out := make([]expandRequest, 0, len(t.want))
	for _, r := range t.want {
		if !t.loading[r.path] {
			t.loading[r.path] = true
			out = append(out, r)
		}
	}
	t.want = t.want[:0]
	return out
}

// loaded puts the level read for path under its value. It reports
// whether the value is still shown.
func (t *valueTree) loaded(path string, n *tracer.Node) bool {
	delete(t.loading, path)
	for _, r := range t.rows {
		if r.path == path && r.kind == rowValue && r.node != nil {
			r.node.Children, r.node.More, r.node.Unloaded = n.Children, n.More, false
			if r.node.Value == "" {
				r.node.Value = n.Value
			}
			t.rebuild()
			return true
		}
	}
	return false
}

// loadFailed shows why path's level below could not be read.
func (t *valueTree) loadFailed(path, why string) {
	delete(t.loading, path)
	for _, r := range t.rows {
		if r.path == path && r.node != nil {
			r.node.Unloaded = false
			r.node.Children = []*tracer.Node{{Name: "✗", Value: why}}
			t.rebuild()
			return
		}
	}
}

// toggle folds or unfolds the selected branch; on a leaf it folds the
// leaf's parent.
func (t *valueTree) toggle() {
	if t.selected >= len(t.rows) {
		return
	}
	r := t.rows[t.selected]
	if !r.branch() {
		// A leaf or a "more" row folds its parent.
		parent, ok := t.parentRow(t.selected)
		if !ok {
			return
		}
		r = parent
	}
	path := r.path
	t.open[path] = !t.rowOpen(r)
	t.rebuild()
	for i, row := range t.rows {
		if row.path == path {
			t.selected = i
		}
	}
	t.scrollToSelected()
}

// parentRow returns the row of the branch that holds row i.
func (t *valueTree) parentRow(i int) (valueRow, bool) {
	r := t.rows[i]
	j := strings.LastIndexByte(r.path, '\x1f')
	if j < 0 {
		return valueRow{}, false
	}
	for k := i - 1; k >= 0; k-- {
		if t.rows[k].path == r.path[:j] {
			return t.rows[k], true
		}
	}
	return valueRow{}, false
}

// selectedRow returns the selected row.
func (t *valueTree) selectedRow() (valueRow, bool) {
	if t.selected < 0 || t.selected >= len(t.rows) {
		return valueRow{}, false
	}
	return t.rows[t.selected], true
}

func (t *valueTree) move(delta int) {
	if len(t.rows) == 0 {
		return
	}
	t.selected = pane.Clamp(t.selected+delta, 0, len(t.rows)-1)
	t.scrollToSelected()
}

func (t *valueTree) clickRow(y int) {
	if i := t.offset + y; i >= 0 && i < len(t.rows) {
		t.selected = i
	}
}

func (t *valueTree) scroll(delta int) {
	t.offset = pane.Clamp(t.offset+delta, 0, max(0, len(t.rows)-t.h))
}

func (t *valueTree) scrollToSelected() {
	t.offset = pane.KeepInView(t.offset, t.selected, t.h, len(t.rows))
}

// lines draws the rows that fit in h lines, from the scroll offset.
func (t *valueTree) lines(h int) []string {
	out := make([]string, 0, h)
	end := min(len(t.rows), t.offset+h)
	for i := t.offset; i < end; i++ {
		out = append(out, t.renderRow(t.rows[i], i == t.selected && t.focused))
	}
	return out
}

func (t *valueTree) renderRow(r valueRow, selected bool) string {
	st := t.st
	w := t.w
	mark := " "
	switch r.change {
	case added:
		mark = "+"
	case modified:
		mark = "~"
	}
	indent := pane.Spaces(r.depth * 2)
	var text, plain string
	switch r.kind {
	case rowSection:
		sec := t.sections[r.section]
		glyph := "▾"
		if !t.rowOpen(r) {
			glyph = "▸"
		}
		plain = glyph + " " + sec.title
		text = st.Dim.Paint(glyph) + " " + st.GroupHeader.Paint(sec.title)
		if sec.extra != "" && pane.TextWidth(plain)+2 < w-1 {
			e := pane.Truncate(sec.extra, w-2-pane.TextWidth(plain)-2)
			plain += "  " + e
			text += "  " + st.Dim.Paint(e)
		}
	case rowMore:
		more := pane.Format(t.tx.MoreValues, r.more)
		plain = indent + "  " + more
		text = indent + "  " + st.Dim.Paint(more)
	default:
		plain, text = t.renderValue(r, indent)
	}
	if selected {
		return st.Selected.Paint(pane.Fit(" "+mark+plain, w))
	}
	return " " + st.Changed.Paint(mark) + text
}

// renderValue draws a value's row: a branch with its fold glyph, name,
// value and type; a leaf with its name aligned, value and type.
func (t *valueTree) renderValue(r valueRow, indent string) (text, plain string) {
	st := t.st
	n := r.node
	name := pane.Sanitize(n.Name)
	typ := pane.Sanitize(n.Type)
	val := pane.Sanitize(n.Value)
	room := t.w - 2 - pane.TextWidth(indent)
	if r.err != "" {
		e := "✗ " + pane.Sanitize(r.err)
		plain = indent + "  " + name + "  " + e
		text = indent + "  " + st.Accent.Paint(name) + "  " + st.Err.Paint(pane.Truncate(e, room-4-pane.TextWidth(name)))
		return text, plain
	}
	if r.branch() {
		glyph := "▸"
		switch {
		case t.loading[r.path]:
			glyph = "…"
		case !n.Unloaded && t.rowOpen(r):
			glyph = "▾"
		}
		plain = indent + glyph + " " + name
		text = indent + st.Dim.Paint(glyph) + " " + st.Accent.Paint(name)
		if val != "" && pane.TextWidth(plain)+4 < t.w {
			v := pane.Truncate(val, t.w-2-pane.TextWidth(plain)-2)
			plain += "  " + v
			vi := st.Text
			if r.change != unchanged {
				vi = st.Changed
			}
			text += "  " + vi.Paint(v)
		}
		if typ != "" && pane.TextWidth(plain)+pane.TextWidth(typ)+4 <= t.w {
			plain += "  " + typ
			text += "  " + st.Dim.Paint(typ)
		}
		return text, plain
	}
	key := pane.PadRight(name, r.keyWidth)
	if val == "" {
		val = `""` // an empty string, as opposed to a nil value
	}
	more := ""
	if n.More > 0 {
		more = " " + pane.Format(t.tx.MoreValues, n.More)
	}
	plain = indent + "  " + key + "  " + val + more
	vi := st.Text
	switch {
	case r.change != unchanged:
		vi = st.Changed
	case val == "nil" || val == "<nil>" || val == `""`:
		vi = st.Dim
	}
	valRoom := room - 4 - pane.TextWidth(key) - pane.TextWidth(more)
	text = indent + "  " + st.Dim.Paint(key) + "  " + vi.Paint(pane.Truncate(val, max(1, valRoom))) + st.Dim.Paint(more)
	if typ != "" && pane.TextWidth(plain)+pane.TextWidth(typ)+4 <= t.w {
		plain += "  " + typ
		text += "  " + st.Dim.Paint(typ)
	}
	return text, plain
}

// diffLeaves compares the values of two stops, by path: what is new and
// what changed. Values whose parent was not there before are not marked
// (a watch added since, a variable that came into scope).
func diffLeaves(prev, cur map[string]string) map[string]change {
	out := map[string]change{}
	if prev == nil {
		return out
	}
	for path, v := range cur {
		old, ok := prev[path]
		switch {
		case ok && old != v:
			out[path] = modified
		case !ok:
			if i := strings.LastIndexByte(path, '\x1f'); i > 0 {
				if _, had := prev[path[:i]]; had {
					out[path] = added
				}
			}
		}
	}
	return out
}

// sectionLeaves lists every value of sec by path, with its value; branches
// too (with their own value), so that diffLeaves knows which parents were
// there.
func sectionLeaves(sec valueSection, into map[string]string) {
	var walk func(nodes []*tracer.Node, parent string)
	walk = func(nodes []*tracer.Node, parent string) {
		seen := map[string]int{}
		for _, n := range nodes {
			path := childPath(parent, n.Name, seen[n.Name])
			seen[n.Name]++
			into[path] = n.Value
			walk(n.Children, path)
		}
	}
	walk(sec.nodes, sec.id)
}
