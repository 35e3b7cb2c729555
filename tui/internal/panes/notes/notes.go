// Package notes is the Notes pane: what the current phase does and why,
// from the phase catalog, under the notes a lesson made at the stop.
package notes

import (
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Pane teaches the current phase: the note of the phase catalog
// (tracer.NoteFor) in the TUI's language, under the notes a lesson script
// made at this stop, if any.
type Pane struct {
	st   *pane.Styles
	tx   *pane.Text
	lang tracer.Lang
	pane.Base

	phase  tracer.PhaseID
	detail string
	// lesson holds the script's notes shown with the current stop; pending
	// those that arrived since, which belong to the next stop.
	lesson  []string
	pending []string

	lines  []string // the content, wrapped to the width
	offset int
}

// New returns the pane, in the colours of st and the words of tx, the
// catalog's notes in lang.
func New(st *pane.Styles, tx *pane.Text, lang tracer.Lang) Pane {
	return Pane{st: st, tx: tx, lang: lang}
}

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	if w != p.W {
		p.W = w
		p.rebuild()
	}
	p.H = h
	p.Scroll(0)
}

// Reset forgets the trace, for a restart.
func (p *Pane) Reset() {
	p.phase, p.detail, p.lesson, p.pending, p.offset = "", "", nil, nil, 0
	p.rebuild()
}

// SetPhase shows the note of the phase the trace is at. A stop also takes
// the lesson's notes made since the previous stop.
func (p *Pane) SetPhase(ev tracer.Event) {
	changed := ev.Phase != p.phase || ev.Detail != p.detail
	p.phase, p.detail = ev.Phase, pane.Sanitize(ev.Detail)
	if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindExit {
		if len(p.pending) > 0 || changed {
			p.lesson, p.pending = p.pending, nil
			changed = true
		}
	}
	if changed {
		p.offset = 0
		p.rebuild()
	}
}

// AddLessonNote takes a note of a lesson script. A script makes its notes
// after it has looked at a stop and before it goes on, and the Source
// delivers them before that stop (see Noter): they wait for it.
func (p *Pane) AddLessonNote(note string) {
	p.pending = append(p.pending, pane.SanitizeLines(note))
	if p.phase == "" {
		// Before the first stop the notes introduce the lesson: show them
		// now, and with the first stop.
		p.lesson = p.pending
		p.rebuild()
	}
}

// rebuild wraps the notes to the width.
func (p *Pane) rebuild() {
	p.lines = p.lines[:0]
	w := p.W - 2
	if w <= 0 {
		return
	}
	st, tx := p.st, p.tx
	for _, n := range p.lesson {
		// A lesson sends its notes, and the outcome of its checks marked
		// ✓ or ✗, and the values it prints, which may take several lines.
		k, mark := st.Current, "✎ "
		switch {
		case strings.HasPrefix(n, "✓ "):
			k, mark, n = st.OK, "✓ ", n[len("✓ "):]
		case strings.HasPrefix(n, "✗ "):
			k, mark, n = st.ErrBold, "✗ ", n[len("✗ "):]
		}
		for i, l := range pane.WrapText(n, w-2) {
			lead := "  "
			if i == 0 {
				lead = mark
			}
			p.lines = append(p.lines, " "+k.Paint(lead+l))
		}
	}
	note, ok := tracer.NoteFor(p.phase, p.lang)
	if !ok {
		if len(p.lesson) == 0 {
			p.lines = append(p.lines, pane.IndentLines(pane.WrapText(tx.EmptyNotes, w), " ")...)
		}
		return
	}
	if len(p.lesson) > 0 {
		p.lines = append(p.lines, st.Border.Paint(" "+strings.Repeat(pane.BorderH, max(0, w))))
	}
	title := string(p.phase)
	if p.detail != "" {
		title += " " + p.detail
	}
	title += " — " + tracer.TitleOf(p.phase, p.detail, p.lang)
	for _, l := range pane.WrapText(title, w) {
		p.lines = append(p.lines, " "+st.GroupHeader.Paint(l))
	}
	p.lines = append(p.lines, "")
	for _, l := range pane.WrapText(note.Explain, w) {
		p.lines = append(p.lines, " "+st.Text.Paint(l))
	}
	for _, field := range [][2]string{{tx.NotesLookAt, note.LookAt}, {tx.NotesSource, note.Source}} {
		p.lines = append(p.lines, "")
		label := field[0] + " "
		lw := pane.TextWidth(label)
		for i, l := range pane.WrapText(field[1], w-lw) {
			lead := pane.Spaces(lw)
			if i == 0 {
				lead = st.Accent.Paint(label)
			}
			p.lines = append(p.lines, " "+lead+st.Dim.Paint(l))
		}
	}
}

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) {
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.lines)-p.H))
}

// Footer implements pane.Pane.
func (p *Pane) Footer() string {
	if len(p.lines) <= p.H || p.H <= 0 {
		return ""
	}
	below := len(p.lines) - p.offset - p.H
	switch {
	case p.offset > 0 && below > 0:
		return "↑" + strconv.Itoa(p.offset) + " ↓" + strconv.Itoa(below)
	case p.offset > 0:
		return "↑" + strconv.Itoa(p.offset)
	}
	return "↓" + strconv.Itoa(below)
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.W <= 0 || p.H <= 0 {
		return nil
	}
	end := min(len(p.lines), p.offset+p.H)
	return p.lines[p.offset:end]
}

// Move implements pane.Pane: it scrolls, as the pane has no selection.
func (p *Pane) Move(delta int) pane.Request { p.Scroll(delta); return nil }
