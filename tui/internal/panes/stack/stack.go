// Package stack is the Stack pane: the stopped goroutine and its
// frames, innermost first, the frame shown marked.
package stack

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"strconv"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Pane shows the stopped goroutine and its frames, innermost first.
// While it has the focus, ↑/↓ move a cursor over the frames and enter
// makes the frame under it the one Source, Variables and the prompt use.
type Pane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base
	goTo key.Binding

	goroutine int64
	frames    []stackFrame
	offset    int
	// cursor is the frame under the cursor and active the frame shown
	// (0, the innermost, at each stop).
	cursor, active int
}

// stackFrame is a frame ready to draw.
type stackFrame struct {
	function string // without the import path
	location string // short file:line
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane {
	return Pane{st: st, tx: tx, goTo: pane.GoToKey(tx)}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.Scroll(0)
}

// Set shows a stack; shorten makes file paths readable.
func (p *Pane) Set(goroutine int64, frames []tracer.Frame, shorten func(string) string) {
	p.goroutine, p.offset, p.cursor, p.active = goroutine, 0, 0, 0
	p.frames = make([]stackFrame, len(frames))
	for i, f := range frames {
		p.frames[i] = stackFrame{
			function: pane.Sanitize(pane.ShortFunction(f.Function)),
			location: pane.Sanitize(shorten(f.File)) + ":" + strconv.Itoa(f.Line),
		}
	}
}

// Reset implements pane.Pane.
func (p *Pane) Reset() { p.goroutine, p.frames, p.offset, p.cursor, p.active = 0, nil, 0, 0, 0 }

// ShowFrame makes frame i the one shown, with the cursor on it, in view.
func (p *Pane) ShowFrame(i int) {
	p.active, p.cursor = 0, 0
	if len(p.frames) > 0 {
		p.active, p.cursor = pane.Clamp(i, 0, len(p.frames)-1), pane.Clamp(i, 0, len(p.frames)-1)
	}
	p.moveCursor(0)
}

// moveCursor moves the cursor by delta frames, scrolling to keep it in view.
func (p *Pane) moveCursor(delta int) {
	if len(p.frames) == 0 {
		return
	}
	p.cursor = pane.Clamp(p.cursor+delta, 0, len(p.frames)-1)
	if 2*p.cursor < p.offset {
		p.offset = 2 * p.cursor
	}
	if 2*p.cursor+2 > p.offset+p.H {
		p.offset = 2*p.cursor + 2 - p.H
	}
	p.Scroll(0)
}

// clickRow puts the cursor on the frame drawn at row y.
func (p *Pane) clickRow(y int) {
	if i := (p.offset + y) / 2; i >= 0 && i < len(p.frames) {
		p.cursor = i
	}
}

// TitleExtra names the goroutine shown, when it is not the stop's own.
func (p *Pane) TitleExtra(int, func(string) string) string {
	if p.goroutine > 0 {
		return pane.Format(p.tx.Goroutine, p.goroutine)
	}
	return ""
}

func (p *Pane) lineCount() int { return 2 * len(p.frames) }

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, p.lineCount()-p.H))
}

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	if len(p.frames) == 0 {
		return ""
	}
	return pane.Format(p.tx.Frames, len(p.frames))
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	if len(p.frames) == 0 {
		return pane.IndentLines(pane.WrapText(p.tx.EmptyStack, p.W-2), " ")
	}
	st := p.st
	numWidth := len(strconv.Itoa(len(p.frames) - 1))
	out := make([]string, 0, p.H)
	for i := p.offset; i < p.lineCount() && len(out) < p.H; i++ {
		n := i / 2
		f := p.frames[n]
		mark := " "
		if n == p.active {
			mark = "▶"
		}
		if p.Focused && n == p.cursor {
			text := mark + pane.PadLeft(strconv.Itoa(n), numWidth) + " " + f.function
			if i%2 == 1 {
				text = pane.Spaces(numWidth+2) + pane.TruncateLeft(f.location, p.W-numWidth-3)
			}
			out = append(out, st.Selected.Paint(pane.Fit(text, p.W)))
			continue
		}
		if i%2 == 0 {
			fn := pane.Truncate(f.function, p.W-numWidth-3)
			nameInk := st.Text
			if n == p.active {
				nameInk = st.Current
			}
			out = append(out, st.Current.Paint(mark)+st.Dim.Paint(pane.PadLeft(strconv.Itoa(n), numWidth))+" "+nameInk.Paint(fn))
			continue
		}
		out = append(out, pane.Spaces(numWidth+2)+st.Dim.Paint(pane.TruncateLeft(f.location, p.W-numWidth-3)))
	}
	return out
}

// Move implements pane.Pane: it moves the cursor.
func (p *Pane) Move(delta int) pane.Request { p.moveCursor(delta); return nil }

// Click implements pane.Pane.
func (p *Pane) Click(y int) pane.Request { p.clickRow(y); return nil }

// Keys implements pane.Pane.
func (p *Pane) Keys() []key.Binding { return []key.Binding{p.goTo} }

// ShortHelp implements pane.Pane.
func (p *Pane) ShortHelp(c pane.Hints) []key.Binding { return pane.LiveHelp(c, p.goTo) }

// HandleKey implements pane.Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	if key.Matches(msg, p.goTo) {
		return pane.GoToFrame{Index: p.cursor}, true
	}
	return nil, false
}

// Active is the frame shown, 0 the innermost.
func (p *Pane) Active() int { return p.active }
