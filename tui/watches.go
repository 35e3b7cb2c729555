package tui

// Watches in the TUI: ctrl+w in the prompt or w in Variables adds one
// (Inspector.AddWatch), x removes one; their values come with every stop
// (Event.Watches) and show at the top of Variables, marked when they
// changed since the previous stop.

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// addWatch watches expr from now on.
func (m *Model) addWatch(expr string, fromPrompt bool) tea.Cmd {
	if fromPrompt {
		m.prompt.await()
	}
	frame := m.insp.frame
	return m.call(m.tx.CmdWatch, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		v, err := in.AddWatch(ctx, frame, expr)
		return watchMsg{expr: expr, value: v, prompt: fromPrompt, err: err}
	})
}

// removeWatch stops watching expr.
func (m *Model) removeWatch(expr string, fromPrompt bool) tea.Cmd {
	if fromPrompt {
		m.prompt.await()
	}
	return m.call(m.tx.CmdUnwatch, func(_ context.Context, in tracer.Inspector) tea.Msg {
		return watchMsg{expr: expr, removed: true, prompt: fromPrompt, err: in.RemoveWatch(expr)}
	})
}

// applyWatch shows a watch added or removed.
func (m *Model) applyWatch(msg watchMsg) tea.Cmd {
	name := m.tx.CmdWatch
	if msg.removed {
		name = m.tx.CmdUnwatch
	}
	if msg.err != nil {
		m.failed(msg.prompt, m.inspectError(name, msg.err))
		return nil
	}
	if msg.removed {
		m.insp.watches = slices.DeleteFunc(m.insp.watches, func(e string) bool { return e == msg.expr })
		m.variables.RemoveWatch(msg.expr)
		m.trace.notice = pane.Format(m.tx.Unwatched, msg.expr)
		if msg.prompt {
			m.prompt.showNote(m.trace.notice)
		}
		return nil
	}
	m.variables.AddWatch(msg.value)
	m.noteWatches([]tracer.WatchValue{msg.value})
	m.trace.notice = pane.Format(m.tx.Watching, msg.expr)
	if msg.value.Function != "" {
		m.trace.notice = pane.Format(m.tx.WatchingIn, msg.expr, pane.ShortFunction(msg.value.Function))
	}
	if msg.prompt {
		if msg.value.Error != "" {
			m.prompt.showError(msg.value.Error)
		} else {
			m.prompt.showValue(msg.expr, msg.value.Value)
		}
	}
	m.suggest(paneVariables)
	return nil
}

// noteWatches remembers the expressions a stop was watched with.
func (m *Model) noteWatches(ws []tracer.WatchValue) {
	for _, w := range ws {
		if !slices.Contains(m.insp.watches, w.Expr) {
			m.insp.watches = append(m.insp.watches, w.Expr)
		}
	}
}
