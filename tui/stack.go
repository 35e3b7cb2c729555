package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// stackPane shows the stopped goroutine and its frames, innermost first.
// While it has the focus, ↑/↓ move a cursor over the frames and enter
// makes the frame under it the one Source, Variables and the prompt use.
type stackPane struct {
	st *styles
	tx *text
	paneBase
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

func newStackPane(st *styles, tx *text) stackPane {
	return stackPane{st: st, tx: tx, keys: newGoToKeys(tx)}
}

func (p *stackPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.Scroll(0)
}

// set shows a stack; shorten makes file paths readable.
func (p *stackPane) set(goroutine int64, frames []tracer.Frame, shorten func(string) string) {
	p.goroutine, p.offset, p.cursor, p.active = goroutine, 0, 0, 0
	p.frames = make([]stackFrame, len(frames))
	for i, f := range frames {
		p.frames[i] = stackFrame{
			function: sanitize(shortFunction(f.Function)),
			location: sanitize(shorten(f.File)) + ":" + strconv.Itoa(f.Line),
		}
	}
}

func (p *stackPane) Reset() { p.goroutine, p.frames, p.offset, p.cursor, p.active = 0, nil, 0, 0, 0 }

// showFrame makes frame i the one shown, with the cursor on it, in view.
func (p *stackPane) showFrame(i int) {
	p.active, p.cursor = 0, 0
	if len(p.frames) > 0 {
		p.active, p.cursor = clamp(i, 0, len(p.frames)-1), clamp(i, 0, len(p.frames)-1)
	}
	p.moveCursor(0)
}

// moveCursor moves the cursor by delta frames, scrolling to keep it in view.
func (p *stackPane) moveCursor(delta int) {
	if len(p.frames) == 0 {
		return
	}
	p.cursor = clamp(p.cursor+delta, 0, len(p.frames)-1)
	if 2*p.cursor < p.offset {
		p.offset = 2 * p.cursor
	}
	if 2*p.cursor+2 > p.offset+p.h {
		p.offset = 2*p.cursor + 2 - p.h
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
		return f(p.tx.goroutine, p.goroutine)
	}
	return ""
}

func (p *stackPane) lineCount() int { return 2 * len(p.frames) }

func (p *stackPane) Scroll(delta int) {
	p.offset = clamp(p.offset+delta, 0, max(0, p.lineCount()-p.h))
}

func (p *stackPane) Footer() string {
	if len(p.frames) == 0 {
		return ""
	}
	return f(p.tx.frames, len(p.frames))
}

func (p *stackPane) View() []string {
	if p.w <= 0 || p.h <= 0 {
		return nil
	}
	if len(p.frames) == 0 {
		return indentLines(wrapText(p.tx.emptyStack, p.w-2), " ")
	}
	st := p.st
	numWidth := len(strconv.Itoa(len(p.frames) - 1))
	out := make([]string, 0, p.h)
	for i := p.offset; i < p.lineCount() && len(out) < p.h; i++ {
		n := i / 2
		f := p.frames[n]
		mark := " "
		if n == p.active {
			mark = "▶"
		}
		if p.focused && n == p.cursor {
			text := mark + padLeft(strconv.Itoa(n), numWidth) + " " + f.function
			if i%2 == 1 {
				text = spaces(numWidth+2) + truncateLeft(f.location, p.w-numWidth-3)
			}
			out = append(out, st.selected.paint(fit(text, p.w)))
			continue
		}
		if i%2 == 0 {
			fn := truncate(f.function, p.w-numWidth-3)
			nameInk := st.text
			if n == p.active {
				nameInk = st.current
			}
			out = append(out, st.current.paint(mark)+st.dim.paint(padLeft(strconv.Itoa(n), numWidth))+" "+nameInk.paint(fn))
			continue
		}
		out = append(out, spaces(numWidth+2)+st.dim.paint(truncateLeft(f.location, p.w-numWidth-3)))
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
func (p *stackPane) Move(delta int) paneRequest { p.moveCursor(delta); return nil }
func (p *stackPane) Click(y int) paneRequest    { p.clickRow(y); return nil }

// goToKeys are the keys of Stack and Goroutines: enter shows the frame
// or goroutine under the cursor.
type goToKeys struct{ GoTo key.Binding }

func newGoToKeys(tx *text) goToKeys {
	return goToKeys{GoTo: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.keyGoTo))}
}

// help offers GoTo while the program can answer.
func (k goToKeys) help(c hintContext) []key.Binding {
	if !c.inspect || c.ended || c.launching {
		return nil
	}
	return []key.Binding{k.GoTo}
}

func (p *stackPane) Keys() []key.Binding                   { return []key.Binding{p.keys.GoTo} }
func (p *stackPane) ShortHelp(c hintContext) []key.Binding { return p.keys.help(c) }

func (p *stackPane) HandleKey(msg tea.KeyPressMsg) (paneRequest, bool) {
	if key.Matches(msg, p.keys.GoTo) {
		return frameRequest{index: p.cursor}, true
	}
	return nil, false
}
