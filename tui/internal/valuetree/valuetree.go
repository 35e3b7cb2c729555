// Package valuetree draws values as a tree that folds: the sections of
// the Variables pane and the prompt's answer, read from the program a level
// at a time as the user unfolds them.
package valuetree

import (
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Section is a group of values in a Tree, such as a frame's
// arguments or the watches.
type Section struct {
	// id is stable from stop to stop ("watches", "args"), so that what
	// the user unfolded stays unfolded at the next stop.
	ID string
	// title heads the section; "" draws its values at the top level,
	// without a header (the prompt's result).
	Title, Extra string
	Nodes        []*tracer.Node
	// errs holds, by index in nodes, why a value is missing (a watch
	// that cannot be evaluated here); the node then shows the error.
	Errs map[int]string
	// openDepth: values above this depth start unfolded.
	OpenDepth int
}

// RowKind is what a row of a Tree draws.
type RowKind byte

const (
	RowSection RowKind = iota // a section's header
	RowValue                  // a value, a leaf or a branch
	RowMore                   // what a cap left out: "… 12 more"
)

// Row is one visible line of a Tree.
type Row struct {
	Kind     RowKind
	Path     string
	Depth    int
	Level    int // the depth below the section's header
	Section  int
	Node     *tracer.Node // rowValue
	Index    int          // rowValue at depth 0: the index in its section
	Err      string       // rowValue: why the value is missing
	More     int          // rowMore
	keyWidth int          // the widest leaf name among its siblings
	Change   pane.Change
}

func (r Row) branch() bool {
	return r.Kind == RowSection || r.Kind == RowValue && r.Node != nil && (len(r.Node.Children) > 0 || r.Node.Unloaded)
}

// Expand asks the Inspector for the level below an unloaded value.
type Expand struct {
	Path, Expr string
}

// Tree draws tracer.Node values as rows that fold and unfold, reading
// a level left unloaded only when it is unfolded. The Variables pane and
// the prompt's result are Trees, so every value looks the same.
type Tree struct {
	st      *pane.Styles
	tx      *pane.Text
	w, H    int
	Focused bool

	Sections []Section
	// open holds what the user folded (false) or unfolded (true), by path.
	open map[string]bool
	// loading holds the paths whose level below is being read.
	loading map[string]bool
	// changes marks the values that changed since the previous stop.
	Changes map[string]pane.Change

	Rows     []Row
	Selected int
	offset   int
	// want lists the unfolded values whose level below is not read yet;
	// the owner asks the Inspector for them (takeRequests).
	want []Expand
}

// New returns an empty tree, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Tree {
	return Tree{st: st, tx: tx, open: map[string]bool{}, loading: map[string]bool{}, Changes: map[string]pane.Change{}}
}

// SetSize gives the tree w x h cells.
func (t *Tree) SetSize(w, h int) {
	t.w, t.H = w, h
	t.scrollToSelected()
}

// Set shows sections, keeping the folds, the selection by path and the
// levels being read.
func (t *Tree) Set(sections []Section, changes map[string]pane.Change) {
	t.Sections = sections
	t.Changes = changes
	if t.Changes == nil {
		t.Changes = map[string]pane.Change{}
	}
	t.rebuild()
}

// Forget drops the levels being read: they belong to a stop or a frame
// that is gone, and their answers will be dropped.
func (t *Tree) Forget() { t.loading = map[string]bool{} }

// Reset forgets the values, keeping the folds.
func (t *Tree) Reset() {
	t.Sections, t.Rows, t.want = nil, nil, nil
	t.Selected, t.offset = 0, 0
	t.Changes = map[string]pane.Change{}
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

func (t *Tree) isOpen(path string, level, openDepth int) bool {
	if o, ok := t.open[path]; ok {
		return o
	}
	return level < openDepth
}

// rowOpen reports whether a branch row is unfolded.
func (t *Tree) rowOpen(r Row) bool {
	if r.Kind == RowSection {
		return t.isOpen(r.Path, 0, 1)
	}
	return t.isOpen(r.Path, r.Level, t.Sections[r.Section].OpenDepth)
}

func (t *Tree) rebuild() {
	var selPath string
	if t.Selected < len(t.Rows) {
		selPath = t.Rows[t.Selected].Path
	}
	// A branch shows the strongest change below it, so that a folded
	// value still says that something inside it changed.
	below := map[string]pane.Change{}
	for path, c := range t.Changes {
		for i := strings.LastIndexByte(path, '\x1f'); i > 0; i = strings.LastIndexByte(path[:i], '\x1f') {
			if below[path[:i]] < c {
				below[path[:i]] = c
			}
		}
	}
	t.Rows = t.Rows[:0]
	t.want = t.want[:0]
	for si, sec := range t.Sections {
		depth := 0
		if sec.Title != "" {
			t.Rows = append(t.Rows, Row{Kind: RowSection, Path: sec.ID, Section: si, Change: below[sec.ID]})
			if !t.isOpen(sec.ID, 0, 1) {
				continue
			}
			depth = 1
		}
		t.addNodes(si, sec, sec.Nodes, sec.ID, depth, 0, below)
	}
	t.Selected = 0
	for i, r := range t.Rows {
		if r.Path == selPath {
			t.Selected = i
		}
	}
	t.scrollToSelected()
}

// addNodes adds the rows of nodes, level is the depth below the section.
func (t *Tree) addNodes(si int, sec Section, nodes []*tracer.Node, parent string, depth, level int, below map[string]pane.Change) {
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
		row := Row{Kind: RowValue, Path: path, Depth: depth, Level: level, Section: si, Node: n, Index: i, keyWidth: keyWidth}
		if level == 0 {
			row.Err = sec.Errs[i]
		}
		row.Change = t.Changes[path]
		if c := below[path]; c > row.Change {
			row.Change = c
		}
		t.Rows = append(t.Rows, row)
		if !row.branch() || !t.rowOpen(row) {
			continue
		}
		if n.Unloaded {
			if !t.loading[path] && n.Expr != "" {
				t.want = append(t.want, Expand{Path: path, Expr: n.Expr})
			}
			continue
		}
		t.addNodes(si, sec, n.Children, path, depth+1, level+1, below)
		if n.More > 0 && len(n.Children) > 0 {
			t.Rows = append(t.Rows, Row{Kind: RowMore, Path: path + "\x1f…", Depth: depth + 1, Section: si, More: n.More})
		}
	}
}

// TakeRequests returns the unfolded values whose level below must be read,
// marking them loading.
func (t *Tree) TakeRequests() []Expand {
	out := make([]Expand, 0, len(t.want))
	for _, r := range t.want {
		if !t.loading[r.Path] {
			t.loading[r.Path] = true
			out = append(out, r)
		}
	}
	t.want = t.want[:0]
	return out
}

// Loaded puts the level read for path under its value. It reports
// whether the value is still shown.
func (t *Tree) Loaded(path string, n *tracer.Node) bool {
	delete(t.loading, path)
	for _, r := range t.Rows {
		if r.Path == path && r.Kind == RowValue && r.Node != nil {
			r.Node.Children, r.Node.More, r.Node.Unloaded = n.Children, n.More, false
			if r.Node.Value == "" {
				r.Node.Value = n.Value
			}
			t.rebuild()
			return true
		}
	}
	return false
}

// LoadFailed shows why path's level below could not be read.
func (t *Tree) LoadFailed(path, why string) {
	delete(t.loading, path)
	for _, r := range t.Rows {
		if r.Path == path && r.Node != nil {
			r.Node.Unloaded = false
			r.Node.Children = []*tracer.Node{{Name: "✗", Value: why}}
			t.rebuild()
			return
		}
	}
}

// Toggle folds or unfolds the selected branch; on a leaf it folds the
// leaf's parent.
func (t *Tree) Toggle() {
	if t.Selected >= len(t.Rows) {
		return
	}
	r := t.Rows[t.Selected]
	if !r.branch() {
		// A leaf or a "more" row folds its parent.
		parent, ok := t.parentRow(t.Selected)
		if !ok {
			return
		}
		r = parent
	}
	path := r.Path
	t.open[path] = !t.rowOpen(r)
	t.rebuild()
	for i, row := range t.Rows {
		if row.Path == path {
			t.Selected = i
		}
	}
	t.scrollToSelected()
}

// parentRow returns the row of the branch that holds row i.
func (t *Tree) parentRow(i int) (Row, bool) {
	r := t.Rows[i]
	j := strings.LastIndexByte(r.Path, '\x1f')
	if j < 0 {
		return Row{}, false
	}
	for k := i - 1; k >= 0; k-- {
		if t.Rows[k].Path == r.Path[:j] {
			return t.Rows[k], true
		}
	}
	return Row{}, false
}

// SelectedRow returns the selected row.
func (t *Tree) SelectedRow() (Row, bool) {
	if t.Selected < 0 || t.Selected >= len(t.Rows) {
		return Row{}, false
	}
	return t.Rows[t.Selected], true
}

// Move moves the selection by delta rows.
func (t *Tree) Move(delta int) {
	if len(t.Rows) == 0 {
		return
	}
	t.Selected = pane.Clamp(t.Selected+delta, 0, len(t.Rows)-1)
	t.scrollToSelected()
}

// ClickRow selects the row drawn at y.
func (t *Tree) ClickRow(y int) {
	if i := t.offset + y; i >= 0 && i < len(t.Rows) {
		t.Selected = i
	}
}

// Scroll moves the view by delta rows.
func (t *Tree) Scroll(delta int) {
	t.offset = pane.Clamp(t.offset+delta, 0, max(0, len(t.Rows)-t.H))
}

func (t *Tree) scrollToSelected() {
	t.offset = pane.KeepInView(t.offset, t.Selected, t.H, len(t.Rows))
}

// Lines draws the rows that fit in h lines, from the scroll offset.
func (t *Tree) Lines(h int) []string {
	out := make([]string, 0, h)
	end := min(len(t.Rows), t.offset+h)
	for i := t.offset; i < end; i++ {
		out = append(out, t.renderRow(t.Rows[i], i == t.Selected && t.Focused))
	}
	return out
}

func (t *Tree) renderRow(r Row, selected bool) string {
	st := t.st
	w := t.w
	mark := " "
	switch r.Change {
	case pane.Added:
		mark = "+"
	case pane.Modified:
		mark = "~"
	}
	indent := pane.Spaces(r.Depth * 2)
	var text, plain string
	switch r.Kind {
	case RowSection:
		sec := t.Sections[r.Section]
		glyph := "▾"
		if !t.rowOpen(r) {
			glyph = "▸"
		}
		plain = glyph + " " + sec.Title
		text = st.Dim.Paint(glyph) + " " + st.GroupHeader.Paint(sec.Title)
		if sec.Extra != "" && pane.TextWidth(plain)+2 < w-1 {
			e := pane.Truncate(sec.Extra, w-2-pane.TextWidth(plain)-2)
			plain += "  " + e
			text += "  " + st.Dim.Paint(e)
		}
	case RowMore:
		more := pane.Format(t.tx.MoreValues, r.More)
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
func (t *Tree) renderValue(r Row, indent string) (text, plain string) {
	st := t.st
	n := r.Node
	name := pane.Sanitize(n.Name)
	typ := pane.Sanitize(n.Type)
	val := pane.Sanitize(n.Value)
	room := t.w - 2 - pane.TextWidth(indent)
	if r.Err != "" {
		e := "✗ " + pane.Sanitize(r.Err)
		plain = indent + "  " + name + "  " + e
		text = indent + "  " + st.Accent.Paint(name) + "  " + st.Err.Paint(pane.Truncate(e, room-4-pane.TextWidth(name)))
		return text, plain
	}
	if r.branch() {
		glyph := "▸"
		switch {
		case t.loading[r.Path]:
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
			if r.Change != pane.Unchanged {
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
	case r.Change != pane.Unchanged:
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

// DiffLeaves compares the values of two stops, by path: what is new and
// what changed. Values whose parent was not there before are not marked
// (a watch added since, a variable that came into scope).
func DiffLeaves(prev, cur map[string]string) map[string]pane.Change {
	out := map[string]pane.Change{}
	if prev == nil {
		return out
	}
	for path, v := range cur {
		old, ok := prev[path]
		switch {
		case ok && old != v:
			out[path] = pane.Modified
		case !ok:
			if i := strings.LastIndexByte(path, '\x1f'); i > 0 {
				if _, had := prev[path[:i]]; had {
					out[path] = pane.Added
				}
			}
		}
	}
	return out
}

// SectionLeaves lists every value of sec by path, with its value; branches
// too (with their own value), so that DiffLeaves knows which parents were
// there.
func SectionLeaves(sec Section, into map[string]string) {
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
	walk(sec.Nodes, sec.ID)
}
