// Package source is the Source pane: the code around the stop, the stopped
// line highlighted, the user's breakpoints in the gutter, a cursor line
// for setting them.
package source

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Pane shows the source around the current stop: a gutter with line
// numbers, the user's breakpoints marked, and the stopped line highlighted.
// While it has the focus, a cursor line can be moved to set a breakpoint.
type Pane struct {
	st *pane.Styles
	pane.Base
	keys sourceKeys

	file   string // absolute path of the file shown
	line   int    // the current line, 1-based
	first  int    // the line number of lines[0]
	lines  []string
	offset int    // index into lines of the first visible line
	note   string // shown instead of the code, e.g. why the file cannot be read
	// cursor is the line the focused pane points at (b sets a breakpoint
	// there), 1-based.
	cursor int
	// breaks holds the lines of the user's breakpoints, by file.
	breaks map[string]map[int]bool
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane {
	return Pane{st: st, keys: newSourceKeys(tx)}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.center()
}

// Show sets the code: lines (tabs already expanded) starting at line first
// of file, with line current highlighted.
func (p *Pane) Show(file string, current, first int, lines []string) {
	p.file, p.line, p.first, p.lines, p.note = file, current, first, lines, ""
	p.cursor = current
	p.center()
}

// ShowFile replaces the lines shown by the whole file, when the file holds
// them: a snippet stays if the file on disk differs from what was traced.
func (p *Pane) ShowFile(file []string) {
	if file == nil {
		return
	}
	for i, l := range p.lines {
		if n := p.first - 1 + i; n >= len(file) || file[n] != l {
			return
		}
	}
	p.first, p.lines, p.note = 1, file, ""
	p.center()
}

// Open shows file, which need not be the stop's, with the cursor on line so
// that b sets a breakpoint there; no line is the stopped one. lines may be
// nil until the file is read (ShowFile).
func (p *Pane) Open(file string, line int, lines []string) {
	p.file, p.line, p.first, p.lines, p.note = file, 0, 1, lines, ""
	p.cursor = max(line, 1)
	p.center()
}

// ShowNote replaces the code by a message about file:line.
func (p *Pane) ShowNote(file string, current int, note string) {
	p.file, p.line, p.lines, p.note = file, current, nil, note
}

// Reset implements pane.Pane.
func (p *Pane) Reset() {
	*p = Pane{st: p.st, Base: p.Base, keys: p.keys, breaks: p.breaks}
}

// HasContent reports whether the pane shows a file, or a note about one.
func (p *Pane) HasContent() bool { return p.file != "" }

// center scrolls so that the current line sits in the upper middle.
func (p *Pane) center() {
	if len(p.lines) == 0 || p.H <= 0 {
		p.offset = 0
		return
	}
	at := p.line
	if at == 0 {
		at = p.cursor // a file opened, with no stopped line
	}
	p.offset = p.clampOffset(at - p.first - (p.H-1)/2)
}

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) { p.offset = p.clampOffset(p.offset + delta) }

func (p *Pane) clampOffset(o int) int { return pane.Clamp(o, 0, max(0, len(p.lines)-p.H)) }

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	if len(p.lines) == 0 {
		return ""
	}
	last := p.first + min(len(p.lines), p.offset+p.H) - 1
	return strconv.Itoa(p.first+p.offset) + "–" + strconv.Itoa(last)
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.H <= 0 || p.W <= 0 {
		return nil
	}
	if len(p.lines) == 0 {
		if p.note == "" {
			return nil
		}
		return pane.IndentLines(pane.WrapText(p.note, p.W-2), " ")
	}
	st := p.st
	numWidth := len(strconv.Itoa(p.first + len(p.lines) - 1))
	codeWidth := p.W - numWidth - 4 // "▶123 │ "
	out := make([]string, 0, p.H)
	end := min(len(p.lines), p.offset+p.H)
	cursor := -1
	if p.Focused {
		cursor = p.cursorLine()
	}
	for i := p.offset; i < end; i++ {
		n := p.first + i
		num := pane.PadLeft(strconv.Itoa(n), numWidth)
		code := p.lines[i]
		if n == cursor {
			out = append(out, p.cursorRow(n, num, code))
			continue
		}
		if p.breaks[p.file][n] && n != p.line {
			out = append(out, st.Breakpoint.Paint(MarkBreakpoint)+st.Gutter.Paint(num+" │")+" "+pane.Truncate(code, codeWidth))
			continue
		}
		if n == p.line {
			out = append(out, st.GutterCurrent.Paint("▶"+num+" │")+st.CurrentLine.Paint(pane.Fit(" "+code, p.W-numWidth-3)))
			continue
		}
		out = append(out, " "+st.Gutter.Paint(num+" │")+" "+pane.Truncate(code, codeWidth))
	}
	return out
}

// Prepare expands tabs and removes control characters so that source
// lines measure as they draw.
func Prepare(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = pane.Sanitize(pane.ExpandTabs(strings.TrimRight(l, "\r"), 4))
	}
	return out
}

// MarkBreakpoint marks a line with a breakpoint of the user's own in the
// gutter; the stopped line's ▶ takes its place there.
const MarkBreakpoint = "●"

// cursorRow draws the line under the cursor of the focused pane.
func (p *Pane) cursorRow(n int, num, code string) string {
	mark := " "
	switch {
	case n == p.line:
		mark = "▶"
	case p.breaks[p.file][n]:
		mark = MarkBreakpoint
	}
	return p.st.Selected.Paint(pane.Fit(mark+num+" │ "+code, p.W))
}

// SetBreakpoints marks the lines of bps.
func (p *Pane) SetBreakpoints(bps []tracer.Breakpoint) {
	p.breaks = map[string]map[int]bool{}
	for _, bp := range bps {
		if bp.File == "" || bp.Line <= 0 {
			continue
		}
		if p.breaks[bp.File] == nil {
			p.breaks[bp.File] = map[int]bool{}
		}
		p.breaks[bp.File][bp.Line] = true
	}
}

// moveCursor moves the cursor line, scrolling to keep it in view.
func (p *Pane) moveCursor(delta int) {
	if len(p.lines) == 0 {
		return
	}
	if p.cursor < p.first || p.cursor >= p.first+len(p.lines) {
		p.cursor = p.first + p.offset
	}
	p.cursor = pane.Clamp(p.cursor+delta, p.first, p.first+len(p.lines)-1)
	if i := p.cursor - p.first; i < p.offset {
		p.offset = p.clampOffset(i)
	} else if i >= p.offset+p.H {
		p.offset = p.clampOffset(i - p.H + 1)
	}
}

// clickRow puts the cursor on the line at row y of the pane.
func (p *Pane) clickRow(y int) {
	if i := p.offset + y; i >= 0 && i < len(p.lines) {
		p.cursor = p.first + i
	}
}

// cursorLine returns the line under the cursor, kept in view: after a
// scroll with the wheel it is the nearest visible line.
func (p *Pane) cursorLine() int {
	if len(p.lines) == 0 {
		return 0
	}
	top, bottom := p.first+p.offset, p.first+min(len(p.lines), p.offset+p.H)-1
	return pane.Clamp(p.cursor, top, bottom)
}

// Move implements pane.Pane: it moves the cursor.
func (p *Pane) Move(delta int) pane.Request { p.moveCursor(delta); return nil }

// Click implements pane.Pane.
func (p *Pane) Click(y int) pane.Request { p.clickRow(y); return nil }

// TitleExtra is the file and line shown, as the screen names the file,
// cut on the left to fit room.
func (p *Pane) TitleExtra(room int, short func(string) string) string {
	if p.file == "" {
		return ""
	}
	extra := short(p.file)
	if p.line > 0 {
		extra += ":" + strconv.Itoa(p.line)
	}
	return pane.TruncateLeft(extra, room)
}

// sourceKeys are the keys of the Source pane.
type sourceKeys struct {
	// LineBreak sets or clears a breakpoint on the line under the cursor.
	LineBreak key.Binding
}

func newSourceKeys(tx *pane.Text) sourceKeys {
	return sourceKeys{LineBreak: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.KeyLineBreak))}
}

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding { return []key.Binding{p.keys.LineBreak} }

// ShortHelp offers b while the program can answer.
func (p *Pane) ShortHelp(c pane.Hints) []key.Binding { return pane.LiveHelp(c, p.Keys()...) }

// HandleKey implements pane.Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	if !key.Matches(msg, p.keys.LineBreak) {
		return nil, false
	}
	if line := p.cursorLine(); p.file != "" && line > 0 {
		return pane.LineBreak{File: p.file, Line: line}, true
	}
	return nil, true
}

// File is the absolute path of the file shown, "" before the first stop.
func (p *Pane) File() string { return p.file }

// Line is the current line of the file shown, 1-based.
func (p *Pane) Line() int { return p.line }

// HasCode reports whether the pane shows lines of code, not a note.
func (p *Pane) HasCode() bool { return len(p.lines) > 0 }
