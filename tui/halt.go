package tui

// Halt and look: h stops the running program wherever it is
// (Inspector.Halt); the halt event opens the Goroutines pane, and a
// goroutine chosen there shows its stack, source and variables
// (Inspector.Goroutine, then Frame). n resumes.

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// halt stops the running program wherever it is.
func (m *Model) halt() tea.Cmd {
	t := &m.trace
	switch {
	case t.src == nil || t.launching && t.session == nil:
		t.flash = m.tx.NotRunningYet
		return nil
	case t.ended:
		t.flash = m.endedText()
		return nil
	case t.paused:
		t.notice = m.tx.AlreadyPaused
		return nil
	}
	t.notice = m.tx.Halting
	return m.call(m.tx.CmdHalt, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		if err := in.Halt(ctx); err != nil {
			return haltFailedMsg{err: err}
		}
		return haltedMsg{}
	})
}

// haltFailedMsg: Halt returned an error; haltedMsg: it halted the program
// (every service that ran, in a system).
type (
	haltFailedMsg struct{ err error }
	haltedMsg     struct{}
)

// showGoroutine shows goroutine i of the halt: its stack and source at
// once from the halt's event, then, from a live program, its variables.
func (m *Model) showGoroutine(i int, live bool) tea.Cmd {
	g, ok := m.goroutines.Show(i)
	if !ok {
		return nil
	}
	m.stack.Set(g.ID, g.Stack, m.shortPath)
	user := userFrameIndex(g)
	m.stack.ShowFrame(user)
	var source tea.Cmd // reads the frame's file when it is not read yet
	if fr, ok := frameOf(g, user); ok {
		source = m.showFrameSource(fr, nil)
	}
	if !live || m.insp.halt == nil || m.insp.halt.Kind != tracer.KindHalt || m.inspector() == nil {
		return source
	}
	at, id, want := m.insp.at, g.ID, g.User
	return tea.Batch(source, m.call(m.tx.CmdGoroutine, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		frames, err := in.Goroutine(ctx, id)
		if err != nil {
			return goroutineMsg{at: at, id: id, err: err}
		}
		// The frame shown is the goroutine's innermost in the program's
		// own code, as the halt's event names it.
		d, err := in.Frame(ctx, userFrameIndex(tracer.Goroutine{Stack: frames, User: want}))
		return goroutineMsg{at: at, id: id, frames: frames, detail: d, err: err}
	}))
}

// userFrameIndex is the index in g's stack of its innermost frame in the
// program's own code, or 0.
func userFrameIndex(g tracer.Goroutine) int {
	for i, fr := range g.Stack {
		if fr == g.User {
			return i
		}
	}
	return 0
}

func frameOf(g tracer.Goroutine, i int) (tracer.Frame, bool) {
	if i < len(g.Stack) {
		return g.Stack[i], true
	}
	if g.User.File != "" {
		return g.User, true
	}
	return g.Current, g.Current.File != ""
}

// leaveHalt hides the goroutines of a halt once the program has gone on,
// and drops the answers still to come about the stop it left.
func (m *Model) leaveHalt() {
	m.insp.at++
	if m.insp.halt == nil {
		return
	}
	m.insp.halt = nil
	m.goroutines.Reset()
	m.relayout()
}
