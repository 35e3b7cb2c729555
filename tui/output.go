package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// maxOutputLines bounds the memory a chatty program can take.
const maxOutputLines = 5000

// outputLine is one line the program wrote, made safe to draw.
type outputLine struct {
	stderr bool
	text   string
}

// outputPane shows the program's own stdout and stderr, wrapped to the
// pane's width, following the end unless the user scrolled up.
type outputPane struct {
	st      *styles
	tx      *text
	w, h    int
	focused bool

	lines   []outputLine
	wrapped []outputLine // lines wrapped to the width, rebuilt on resize
	offset  int          // first visible wrapped line
	follow  bool
}

func newOutputPane(st *styles, tx *text) outputPane {
	return outputPane{st: st, tx: tx, follow: true}
}

func (p *outputPane) SetSize(w, h int) {
	if w != p.w {
		p.w = w
		p.rewrap()
	}
	p.h = h
	p.clampOffset()
}

func (p *outputPane) reset() {
	p.lines, p.wrapped, p.offset, p.follow = nil, nil, 0, true
}

func (p *outputPane) add(l tracer.OutputLine) {
	line := outputLine{stderr: l.Stream == "stderr", text: sanitize(l.Text)}
	p.lines = append(p.lines, line)
	if len(p.lines) > maxOutputLines {
		p.lines = append(p.lines[:0], p.lines[len(p.lines)-maxOutputLines:]...)
		p.rewrap()
	} else {
		p.wrapped = append(p.wrapped, p.wrap(line)...)
	}
	p.clampOffset()
}

func (p *outputPane) rewrap() {
	p.wrapped = p.wrapped[:0]
	for _, l := range p.lines {
		p.wrapped = append(p.wrapped, p.wrap(l)...)
	}
}

// wrap breaks a line at word boundaries to the pane width; continuation
// lines are indented by two cells.
func (p *outputPane) wrap(l outputLine) []outputLine {
	w := p.w - 1
	if w < 8 || textWidth(l.text) <= w {
		return []outputLine{l}
	}
	first := strings.SplitN(ansi.Wrap(l.text, w, ""), "\n", 2)[0]
	rest := ""
	if strings.HasPrefix(l.text, first) {
		rest = strings.TrimLeft(l.text[len(first):], " ")
	} else {
		first = ansi.Cut(l.text, 0, w)
		rest = ansi.Cut(l.text, w, textWidth(l.text))
	}
	out := []outputLine{{stderr: l.stderr, text: first}}
	for _, s := range strings.Split(ansi.Wrap(rest, w-2, ""), "\n") {
		out = append(out, outputLine{stderr: l.stderr, text: "  " + s})
	}
	return out
}

func (p *outputPane) maxOffset() int { return max(0, len(p.wrapped)-p.h) }

func (p *outputPane) clampOffset() {
	if p.follow {
		p.offset = p.maxOffset()
		return
	}
	p.offset = clamp(p.offset, 0, p.maxOffset())
}

func (p *outputPane) scroll(delta int) {
	p.offset = clamp(p.offset+delta, 0, p.maxOffset())
	p.follow = p.offset == p.maxOffset()
}

func (p *outputPane) footer() string {
	if len(p.lines) == 0 {
		return ""
	}
	s := f(p.tx.lines, len(p.lines))
	if len(p.lines) == 1 {
		s = p.tx.oneLine
	}
	if !p.follow {
		s += " · " + p.tx.scrolled
	}
	return s
}

func (p *outputPane) View() []string {
	if p.w <= 0 || p.h <= 0 {
		return nil
	}
	if len(p.lines) == 0 {
		return indentLines(wrapText(p.tx.emptyOutput, p.w-2), " ")
	}
	out := make([]string, 0, p.h)
	end := min(len(p.wrapped), p.offset+p.h)
	for i := p.offset; i < end; i++ {
		l := p.wrapped[i]
		text := truncate(l.text, p.w-1)
		if l.stderr {
			text = p.st.err.paint(text)
		}
		out = append(out, " "+text)
	}
	return out
}
