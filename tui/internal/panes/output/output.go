// Package output is the Output pane: the program's own stdout and stderr,
// wrapped to the pane, the last lines of it kept.
package output

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// DefaultLines is how many lines of the program's output the pane keeps
// when New is given no limit: enough to scroll back through a chatty boot,
// bounded so that a program that writes without end cannot take the
// memory. A recording keeps every line.
const DefaultLines = 10000

// maxOutputLineBytes bounds what the pane keeps of one line: a line of
// megabytes (it arrives in pieces, see tracer.OutputLine.Continued) shows
// its beginning and how much more there was.
const maxOutputLineBytes = 16 << 10

// outputLine is one line the program wrote, made safe to draw.
type outputLine struct {
	stderr bool
	text   string
	// open: more of this line is to come (its last piece was Continued).
	open bool
	// hidden counts the bytes beyond maxOutputLineBytes not kept.
	hidden int
	// rows is how many wrapped rows the line has at the pane's width.
	rows int
}

// outputRow is one row of a wrapped line.
type outputRow struct {
	stderr bool
	text   string
}

// Pane shows the program's own stdout and stderr, wrapped to the
// pane's width, following the end unless the user scrolled up. It keeps the
// last limit lines and counts those that scrolled out.
type Pane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base

	limit   int
	lines   []outputLine
	wrapped []outputRow // the lines wrapped to the width, rebuilt on resize
	offset  int         // first visible wrapped row
	follow  bool
	// dropped counts the lines that went out of the pane to keep it
	// within limit.
	dropped int
}

// New returns the pane, keeping the last limit lines (DefaultLines with 0).
func New(st *pane.Styles, tx *pane.Text, limit int) Pane {
	if limit <= 0 {
		limit = DefaultLines
	}
	return Pane{st: st, tx: tx, follow: true, limit: limit}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	if w != p.W {
		p.W = w
		p.rewrap()
	}
	p.H = h
	p.clampOffset()
}

// Reset implements pane.Pane.
func (p *Pane) Reset() {
	p.lines, p.wrapped, p.offset, p.follow, p.dropped = nil, nil, 0, true, 0
}

// Add takes one output event: a line, or a piece of one that goes on the
// line its previous piece began.
func (p *Pane) Add(l tracer.OutputLine) {
	stderr := l.Stream == "stderr"
	text := pane.Sanitize(l.Text)
	if n := len(p.lines); n > 0 && p.lines[n-1].open && p.lines[n-1].stderr == stderr {
		last := &p.lines[n-1]
		p.wrapped = p.wrapped[:len(p.wrapped)-last.rows]
		last.append(text)
		last.open = l.Continued
		p.wrapLine(last)
		p.clampOffset()
		return
	}
	line := outputLine{stderr: stderr, open: l.Continued}
	if n := len(p.lines); n > 0 && p.lines[n-1].open {
		// The other stream wrote in the middle of a long line; that line
		// stays cut where it is.
		p.lines[n-1].open = false
	}
	line.append(text)
	p.lines = append(p.lines, line)
	p.wrapLine(&p.lines[len(p.lines)-1])
	if excess := len(p.lines) - p.limit; excess > 0 {
		rows := 0
		for _, dl := range p.lines[:excess] {
			rows += dl.rows
		}
		// Reslicing drops the front without copying; append moves the
		// rest to a new array when it outgrows this one.
		p.lines = p.lines[excess:]
		p.wrapped = p.wrapped[rows:]
		p.dropped += excess
		if !p.follow {
			p.offset -= rows
		}
	}
	p.clampOffset()
}

// append adds a piece of text to the line, keeping at most
// maxOutputLineBytes of it.
func (l *outputLine) append(text string) {
	room := maxOutputLineBytes - len(l.text)
	if room >= len(text) {
		l.text += text
		return
	}
	if room > 0 {
		cut := room
		for cut > 0 && !isRuneStart(text[cut]) {
			cut--
		}
		l.text += text[:cut]
		text = text[cut:]
	}
	l.hidden += len(text)
}

func isRuneStart(b byte) bool { return b&0xc0 != 0x80 }

// shown is the line as the pane draws it: its text, and how much more of
// it there was.
func (l *outputLine) shown(tx *pane.Text) string {
	if l.hidden == 0 {
		return l.text
	}
	return l.text + " " + pane.Format(tx.OutputMore, formatBytes(l.hidden))
}

// wrapLine appends the rows of l, which is the last line, to wrapped.
func (p *Pane) wrapLine(l *outputLine) {
	rows := p.wrap(outputRow{stderr: l.stderr, text: l.shown(p.tx)})
	l.rows = len(rows)
	p.wrapped = append(p.wrapped, rows...)
}

func (p *Pane) rewrap() {
	p.wrapped = p.wrapped[:0]
	for i := range p.lines {
		p.wrapLine(&p.lines[i])
	}
}

// wrap breaks a line at word boundaries to the pane width; continuation
// lines are indented by two cells.
func (p *Pane) wrap(l outputRow) []outputRow {
	w := p.W - 1
	if w < 8 || pane.TextWidth(l.text) <= w {
		return []outputRow{l}
	}
	first := strings.SplitN(ansi.Wrap(l.text, w, ""), "\n", 2)[0]
	rest := ""
	if strings.HasPrefix(l.text, first) {
		rest = strings.TrimLeft(l.text[len(first):], " ")
	} else {
		first = ansi.Cut(l.text, 0, w)
		rest = ansi.Cut(l.text, w, pane.TextWidth(l.text))
	}
	out := []outputRow{{stderr: l.stderr, text: first}}
	for _, s := range strings.Split(ansi.Wrap(rest, w-2, ""), "\n") {
		out = append(out, outputRow{stderr: l.stderr, text: "  " + s})
	}
	return out
}

// Held is the number of lines the pane holds.
func (p *Pane) Held() int { return len(p.lines) }

func (p *Pane) maxOffset() int { return max(0, len(p.wrapped)-p.H) }

func (p *Pane) clampOffset() {
	if p.follow {
		p.offset = p.maxOffset()
		return
	}
	p.offset = pane.Clamp(p.offset, 0, p.maxOffset())
}

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, p.maxOffset())
	p.follow = p.offset == p.maxOffset()
}

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	if len(p.lines) == 0 {
		return ""
	}
	s := pane.Format(p.tx.Lines, len(p.lines))
	if len(p.lines) == 1 {
		s = p.tx.OneLine
	}
	if p.dropped > 0 {
		s += " · " + pane.Format(p.tx.ScrolledOut, p.dropped)
	}
	if !p.follow {
		s += " · " + p.tx.Scrolled
	}
	return s
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	if len(p.lines) == 0 {
		return pane.IndentLines(pane.WrapText(p.tx.EmptyOutput, p.W-2), " ")
	}
	out := make([]string, 0, p.H)
	end := min(len(p.wrapped), p.offset+p.H)
	for i := p.offset; i < end; i++ {
		l := p.wrapped[i]
		text := pane.Truncate(l.text, p.W-1)
		if l.stderr {
			text = p.st.Err.Paint(text)
		}
		out = append(out, " "+text)
	}
	return out
}

// formatBytes shows a byte count in B, KiB or MiB.
func formatBytes(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Move implements pane.Pane: it scrolls, as the pane has no selection.
func (p *Pane) Move(delta int) pane.Request { p.Scroll(delta); return nil }
