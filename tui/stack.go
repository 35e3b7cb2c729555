package tui

import (
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// stackPane shows the stopped goroutine and its frames, innermost first.
type stackPane struct {
	st      *styles
	tx      *text
	w, h    int
	focused bool

	goroutine int64
	frames    []stackFrame
	offset    int
}

// stackFrame is a frame ready to draw.
type stackFrame struct {
	function string // without the import path
	location string // short file:line
}

func newStackPane(st *styles, tx *text) stackPane { return stackPane{st: st, tx: tx} }

func (p *stackPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.scroll(0)
}

// set shows a stack; shorten makes file paths readable.
func (p *stackPane) set(goroutine int64, frames []tracer.Frame, shorten func(string) string) {
	p.goroutine, p.offset = goroutine, 0
	p.frames = make([]stackFrame, len(frames))
	for i, f := range frames {
		p.frames[i] = stackFrame{
			function: sanitize(shortFunction(f.Function)),
			location: sanitize(shorten(f.File)) + ":" + strconv.Itoa(f.Line),
		}
	}
}

func (p *stackPane) reset() { p.goroutine, p.frames, p.offset = 0, nil, 0 }

func (p *stackPane) title() string {
	if p.goroutine > 0 {
		return f(p.tx.goroutine, p.goroutine)
	}
	return ""
}

func (p *stackPane) lineCount() int { return 2 * len(p.frames) }

func (p *stackPane) scroll(delta int) {
	p.offset = clamp(p.offset+delta, 0, max(0, p.lineCount()-p.h))
}

func (p *stackPane) footer() string {
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
		f := p.frames[i/2]
		if i%2 == 0 {
			fn := truncate(f.function, p.w-numWidth-3)
			nameInk := st.text
			if i == 0 {
				nameInk = st.current
			}
			out = append(out, " "+st.dim.paint(padLeft(strconv.Itoa(i/2), numWidth))+" "+nameInk.paint(fn))
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
