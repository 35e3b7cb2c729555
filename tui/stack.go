package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// stackPane shows the stopped goroutine and its frames, innermost first.
// While it has the focus, ↑/↓ move a cursor over the frames and enter
// makes the frame under it the one Source, Variables and the prompt use.
type stackPane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base
	keys goToKeys

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

func newStackPane(st *pane.Styles, tx *pane.Text) stackPane {
	return stackPane{st: st, tx: tx, keys: newGoToKeys(tx)}
}

func (p *stackPane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.Scroll(0)
}

// set shows a stack; shorten makes file paths readable.
func (p *stackPane) set(goroutine int64, frames []tracer.Frame, shorten func(string) string) {
	p.goroutine, p.offset, p.cursor, p.active = goroutine, 0, 0, 0
	p.frames = make([]stackFrame, len(frames))
	for i, f := range frames {
		p.frames[i] = stackFrame{
			function: pane.Sanitize(shortFunction(f.Function)),
			location: pane.Sanitize(shorten(f.File)) + ":" + strconv.Itoa(f.Line),
		}
	}
}

func (p *stackPane) Reset() { p.goroutine, p.frames, p.offset, p.cursor, p.active = 0, nil, 0, 0, 0 }

// showFrame makes frame i the one shown, with the cursor on it, in view.
func (p *stackPane) showFrame(i int) {
	p.active, p.cursor = 0, 0
	if len(p.frames) > 0 {
		p.active, p.cursor = pane.Clamp(i, 0, len(p.frames)-1), pane.Clamp(i, 0, len(p.frames)-1)
	}
	p.moveCursor(0)
}

// moveCursor moves the cursor by delta frames, scrolling to keep it in view.
func (p *stackPane) moveCursor(delta int) {
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
func (p *stackPane) clickRow(y int) {
	if i := (p.offset + y) / 2; i >= 0 && i < len(p.frames) {
		p.cursor = i
	}
}

// TitleExtra names the goroutine shown, when it is not the stop's own.
func (p *stackPane) TitleExtra(int, func(string) string) string {
	if p.goroutine > 0 {
		return pane.Format(p.tx.Goroutine, p.goroutine)
	}
	return ""
}

func (p *stackPane) lineCount() int { return 2 * len(p.frames) }

func (p *stackPane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, p.lineCount()-p.H))
}

func (p *stackPane) Footer() string {
	if len(p.frames) == 0 {
		return ""
	}
	return pane.Format(p.tx.Frames, len(p.frames))
}

func (p *stackPane) View() []string {
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

// shortFunction drops the import path of a function's package, keeping the
// package name: "github.com/go-kratos/kratos/v2.(*App).Run" becomes
// "kratos.(*App).Run", "golang.org/x/sync/errgroup.(*Group).Go.func1"
// becomes "errgroup.(*Group).Go.func1".
func shortFunction(fn string) string {
	slash := strings.LastIndex(fn, "/")
	if slash < 0 {
		return fn
	}
	rest := fn[slash+1:]
	// A major version suffix is not the package name: use the element before.
	if len(rest) > 1 && rest[0] == 'v' {
		if dot := strings.IndexByte(rest, '.'); dot > 1 && isDigits(rest[1:dot]) {
			prev := fn[:slash]
			if j := strings.LastIndex(prev, "/"); j >= 0 {
				prev = prev[j+1:]
			}
			return prev + rest[dot:]
		}
	}
	return rest
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Move and Click: the pane interface (panes.go).
func (p *stackPane) Move(delta int) pane.Request { p.moveCursor(delta); return nil }
func (p *stackPane) Click(y int) pane.Request    { p.clickRow(y); return nil }

// goToKeys are the keys of Stack and Goroutines: enter shows the frame
// or goroutine under the cursor.
type goToKeys struct{ GoTo key.Binding }

func newGoToKeys(tx *pane.Text) goToKeys {
	return goToKeys{GoTo: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyGoTo))}
}

// help offers GoTo while the program can answer.
func (k goToKeys) help(c pane.Hints) []key.Binding {
	if !c.Inspect || c.Ended || c.Launching {
		return nil
	}
	return []key.Binding{k.GoTo}
}

func (p *stackPane) Keys() []key.Binding                  { return []key.Binding{p.keys.GoTo} }
func (p *stackPane) ShortHelp(c pane.Hints) []key.Binding { return p.keys.help(c) }

func (p *stackPane) HandleKey(msg tea.KeyPressMsg) (pane.Request, bool) {
	if key.Matches(msg, p.keys.GoTo) {
		return pane.GoToFrame{Index: p.cursor}, true
	}
	return nil, false
}
