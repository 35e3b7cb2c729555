package tui

import (
	"context"
	"errors"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/valuetree"
)

// inspectState is what the model knows about the user's own questions to
// the program: where they look (the goroutine and frame chosen), the
// breakpoints set, and whether the program is halted.
type inspectState struct {
	// at counts the stops; an answer asked for at an earlier stop is
	// dropped, as the values it read are gone.
	at int
	// goroutine is the goroutine chosen at a halt (0: the stop's own) and
	// frame the frame selected in Stack.
	goroutine int64
	frame     int
	// breakpoints are the user's own, as the Inspector resolved them.
	breakpoints []tracer.Breakpoint
	// halt is the halt or stall the program is at, nil when it is not.
	halt *tracer.Event
	// watches are the expressions watched in this trace.
	watches []string
	// carry holds the breakpoints and watches of the trace before a
	// restart, set again at the new trace's first stop, as the breaks
	// turned off stay off.
	carryBreaks, carryWatches []string
}

// carryInspect keeps the user's breakpoints and watches for the trace a
// restart starts.
func (m *Model) carryInspect() {
	var locs []string
	for _, bp := range m.insp.breakpoints {
		locs = append(locs, bp.Loc)
	}
	m.insp = inspectState{carryBreaks: locs, carryWatches: m.insp.watches}
}

// carryOver sets again, at the first stop of a restarted trace, the
// breakpoints and watches of the trace before, those the new one does
// not have already (--break and --watch).
func (m *Model) carryOver() tea.Cmd {
	locs, exprs := m.insp.carryBreaks, m.insp.carryWatches
	m.insp.carryBreaks, m.insp.carryWatches = nil, nil
	if len(locs) == 0 && len(exprs) == 0 || m.inspector() == nil {
		return nil
	}
	return m.call(m.tx.CmdBreakpoint, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		have := map[string]bool{}
		for _, bp := range in.Breakpoints() {
			have[bp.Loc] = true
		}
		for _, loc := range locs {
			if !have[loc] {
				_, _ = in.AddBreakpoint(ctx, loc) // gone from the code: nothing to set
			}
		}
		watched := in.Watches()
		var added []tracer.WatchValue
		for _, expr := range exprs {
			if !slices.Contains(watched, expr) {
				if v, err := in.AddWatch(ctx, 0, expr); err == nil {
					added = append(added, v)
				}
			}
		}
		return carriedMsg{breakpoints: in.Breakpoints(), watches: added}
	})
}

// carriedMsg: the breakpoints and watches set again after a restart.
type carriedMsg struct {
	breakpoints []tracer.Breakpoint
	watches     []tracer.WatchValue
}

// The answers of an Inspector, as messages (commandDoneMsg.result).
type (
	frameMsg struct {
		at        int
		goroutine int64
		detail    tracer.FrameDetail
		prompt    bool
		err       error
	}
	evalMsg struct {
		at   int
		expr string
		node *tracer.Node
		err  error
	}
	expandMsg struct {
		at     int
		target expandTarget
		path   string
		node   *tracer.Node
		err    error
	}
	watchMsg struct {
		expr    string
		value   tracer.WatchValue
		removed bool
		prompt  bool
		err     error
	}
	breakpointMsg struct {
		loc     string
		bp      tracer.Breakpoint
		removed bool
		prompt  bool
		err     error
	}
	breakpointsMsg struct{ list []tracer.Breakpoint }
	goroutineMsg   struct {
		at     int
		id     int64
		frames []tracer.Frame
		// detail is the frame shown, the goroutine's innermost in the
		// program's own code, read in the same call so that no other
		// call comes between.
		detail tracer.FrameDetail
		err    error
	}
)

// expandTarget says which tree an Expand answer goes to.
type expandTarget byte

const (
	targetVariables expandTarget = iota
	targetPrompt
)

// inspector returns the Source as an Inspector, or nil.
func (m *Model) inspector() tracer.Inspector {
	if m.trace.src == nil {
		return nil
	}
	in, _ := m.trace.src.(tracer.Inspector)
	return in
}

// call queues an Inspector call, in order with the other commands, so that
// a breakpoint set before n is there when the program continues. What it
// read comes back to applyResult.
func (m *Model) call(name string, fn func(context.Context, tracer.Inspector) tea.Msg) tea.Cmd {
	in := m.inspector()
	if in == nil {
		m.trace.flash = m.cannotInspect(name)
		return nil
	}
	ctx := m.run.ctx
	m.trace.queue = append(m.trace.queue, queuedCommand{name: name, call: func() (tea.Msg, error) {
		return fn(ctx, in), nil
	}})
	return m.nextCommand()
}

// cannotInspect says that the Source cannot do name at all.
func (m *Model) cannotInspect(name string) string {
	if m.trace.src == nil {
		return m.tx.NotRunningYet
	}
	return pane.Format(m.tx.NeedsLive, name)
}

// inspectError says why an Inspector call failed, in one line.
func (m *Model) inspectError(name string, err error) string {
	switch {
	case errors.Is(err, tracer.ErrUnsupported):
		return pane.Format(m.tx.NeedsLive, name)
	case errors.Is(err, tracer.ErrNotPaused):
		return m.tx.NotPausedInspect
	case errors.Is(err, tracer.ErrEnded):
		return m.endedText()
	}
	return tracer.FirstLine(err.Error())
}

// inspectStarted looks at what the new Source can answer: the breakpoints
// set before the screen (--break).
func (m *Model) inspectStarted() tea.Cmd {
	in := m.inspector()
	if in == nil {
		return nil
	}
	// The list is the Inspector's own, read without the program: no need
	// to wait in the queue of commands.
	gen := m.trace.gen
	return func() tea.Msg {
		return inspectMsg{gen: gen, result: breakpointsMsg{list: in.Breakpoints()}}
	}
}

// inspectMsg carries an Inspector's answer that did not go through the
// queue of commands.
type inspectMsg struct {
	gen    int
	result tea.Msg
}

// inspectStop shows what a stop or a step carries: the
// variables of frame 0, the watches; the frame and goroutine go back to
// the stop's own (Stack has been set to the stop's, frame 0 shown).
func (m *Model) inspectStop(ev tracer.Event) tea.Cmd {
	m.insp.at++
	m.insp.frame, m.insp.goroutine = 0, 0
	if ev.Phase == tracer.PhaseBreak {
		m.trace.phaseLabel = string(tracer.PhaseBreak) + " " + pane.Sanitize(m.shortLoc(ev.Detail))
	}
	m.variables.SetStop(ev)
	m.noteWatches(ev.Watches)
	m.syncResults()
	m.syncBreakMarks()
	if m.variables.HasStop() && (len(ev.Args) > 0 || len(ev.Locals) > 0 || len(ev.Watches) > 0) {
		// Where the user's own code is stopped (a breakpoint, a step, a
		// request's layer), its variables are what to look at.
		if ev.Phase == tracer.PhaseBreak || ev.Kind == tracer.KindStep || ev.Request != nil || !m.bootstrap.HasConfig() {
			m.suggest(paneVariables)
		}
	}
	return tea.Batch(m.expandCmds(targetVariables, m.variables.Tree()), m.carryOver())
}

// applyInspectEvent applies the events of inspection: a provider's
// return, a halt, a stall.
func (m *Model) applyInspectEvent(ev tracer.Event) tea.Cmd {
	t := &m.trace
	t.launching = false
	switch ev.Kind {
	case tracer.KindReturn:
		// A return is a pass: the program goes on to the next stop. Its
		// results stay on the provider's row, for Variables to show while
		// the row is selected.
		if ev.Request != nil {
			m.phases.ApplyReturn(ev) // a request layer's (requests.go)
			return nil
		}
		m.phases.ApplyProviderReturn(ev)
		m.syncResults()
		return nil
	case tracer.KindHalt, tracer.KindStall:
		t.flash, t.notice = "", ""
		evCopy := ev
		t.last = &evCopy
		m.insp.at++
		m.insp.halt = &evCopy
		m.insp.frame, m.insp.goroutine = 0, 0
		m.phases.ApplyHalt(ev)
		if ev.Kind == tracer.KindHalt {
			t.paused = true
			t.stops++
		} else {
			t.paused = false
		}
		m.variables.SetHalt(ev.Watches)
		m.goroutines.Set(ev.Goroutines, m.shortPath)
		m.relayout()
		m.setFocus(paneGoroutines)
		return m.showGoroutine(m.goroutines.Cursor(), ev.Kind == tracer.KindHalt)
	}
	return nil
}

// resetInspect forgets what the trace delivered (a restart, a move back),
// keeping the breakpoints and watches (a move back stays in the same
// trace; a restart carries them over), the folds and the prompt's history.
// The panes are reset before (resetPanes).
func (m *Model) resetInspect() {
	m.insp = inspectState{
		breakpoints: m.insp.breakpoints, watches: m.insp.watches,
		carryBreaks: m.insp.carryBreaks, carryWatches: m.insp.carryWatches,
	}
	if m.width > 0 {
		m.relayout()
	}
}

// optionalPanes says which optional panes have a place now.
func (m *Model) optionalPanes() optional {
	h := m.height - m.statusHeight()
	return optional{notes: m.notesOn, goroutines: m.goroutines.Has(), prompt: m.prompt.height(h)}
}

// syncResults shows in Variables the results of the provider selected in
// Phases, if it returned.
func (m *Model) syncResults() {
	r, _ := m.phases.SelectedReturn()
	m.variables.ShowResults(r)
}

// openPrompt opens the expression prompt.
func (m *Model) openPrompt() tea.Cmd {
	if m.inspector() == nil {
		m.trace.flash = m.cannotInspect(m.tx.CmdEval)
		return nil
	}
	m.prompt.show()
	m.relayout()
	return nil
}

// eval evaluates expr in the selected frame, for the prompt.
func (m *Model) eval(expr string) tea.Cmd {
	m.prompt.await()
	at, frame := m.insp.at, m.insp.frame
	return m.call(m.tx.CmdEval, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		n, err := in.Eval(ctx, frame, expr)
		return evalMsg{at: at, expr: expr, node: n, err: err}
	})
}

// expandCmds asks the Inspector for the levels a tree needs, unfolded
// values that were left unloaded.
func (m *Model) expandCmds(target expandTarget, t *valuetree.Tree) tea.Cmd {
	reqs := t.TakeRequests()
	if len(reqs) == 0 {
		return nil
	}
	at, frame := m.insp.at, m.insp.frame
	var cmds []tea.Cmd
	for _, r := range reqs {
		cmds = append(cmds, m.call(m.tx.CmdExpand, func(ctx context.Context, in tracer.Inspector) tea.Msg {
			n, err := in.Expand(ctx, frame, r.Expr)
			return expandMsg{at: at, target: target, path: r.Path, node: n, err: err}
		}))
	}
	return tea.Batch(cmds...)
}

// selectFrame moves Source and Variables to frame i of the goroutine shown.
func (m *Model) selectFrame(i int, fromPrompt bool) tea.Cmd {
	at, g := m.insp.at, m.insp.goroutine
	return m.call(pane.Format(m.tx.CmdFrame, i), func(ctx context.Context, in tracer.Inspector) tea.Msg {
		d, err := in.Frame(ctx, i)
		return frameMsg{at: at, goroutine: g, detail: d, prompt: fromPrompt, err: err}
	})
}

// showFrameDetail makes d, a frame of goroutine g (0: the stop's), the one
// Stack, Variables and Source show.
func (m *Model) showFrameDetail(g int64, d tracer.FrameDetail) tea.Cmd {
	m.insp.frame = d.Index
	m.stack.ShowFrame(d.Index)
	m.variables.SetFrame(g, d)
	m.suggest(paneVariables)
	return tea.Batch(m.showFrameSource(d.Frame, d.Source), m.expandCmds(targetVariables, m.variables.Tree()))
}

// showFrameSource shows the code of a frame other than the stop's.
func (m *Model) showFrameSource(fr tracer.Frame, snippet *tracer.Snippet) tea.Cmd {
	return m.showSource(tracer.Event{File: fr.File, Line: fr.Line, Function: fr.Function, Source: snippet})
}

// applyResult applies an Inspector's answer.
func (m *Model) applyResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case breakpointsMsg:
		m.insp.breakpoints = msg.list
		m.syncBreakMarks()
	case carriedMsg:
		m.insp.breakpoints = msg.breakpoints
		m.syncBreakMarks()
		for _, w := range msg.watches {
			m.variables.AddWatch(w)
		}
		m.noteWatches(msg.watches)
	case evalMsg:
		if msg.at != m.insp.at {
			return nil
		}
		if msg.err != nil {
			m.prompt.showError(m.inspectError(m.tx.CmdEval, msg.err))
			return nil
		}
		m.prompt.showValue(msg.expr, msg.node)
		return m.expandCmds(targetPrompt, &m.prompt.result)
	case expandMsg:
		if msg.at != m.insp.at {
			return nil
		}
		tree := m.variables.Tree()
		if msg.target == targetPrompt {
			tree = &m.prompt.result
		}
		if msg.err != nil {
			tree.LoadFailed(msg.path, m.inspectError(m.tx.CmdExpand, msg.err))
			return nil
		}
		if msg.target == targetPrompt {
			tree.Loaded(msg.path, msg.node)
		} else {
			m.variables.Loaded(msg.path, msg.node)
		}
		return m.expandCmds(msg.target, tree)
	case frameMsg:
		if msg.at != m.insp.at {
			return nil
		}
		if msg.err != nil {
			m.failed(msg.prompt, m.inspectError(pane.Format(m.tx.CmdFrame, msg.detail.Index), msg.err))
			return nil
		}
		cmd := m.showFrameDetail(msg.goroutine, msg.detail)
		if msg.prompt {
			m.prompt.showNote(m.variables.FrameName())
		}
		return cmd
	case goroutineMsg:
		if msg.at != m.insp.at {
			return nil
		}
		if msg.err != nil {
			m.trace.flash = m.inspectError(m.tx.CmdGoroutine, msg.err)
			return nil
		}
		m.insp.goroutine = msg.id
		m.stack.Set(msg.id, msg.frames, m.shortPath)
		return m.showFrameDetail(msg.id, msg.detail)
	case watchMsg:
		return m.applyWatch(msg)
	case breakpointMsg:
		m.applyBreakpoint(msg)
	case haltFailedMsg:
		m.trace.notice = ""
		m.trace.flash = m.inspectError(m.tx.CmdHalt, msg.err)
	case haltedMsg:
		m.noteSystemHalt()
	}
	return nil
}

// failed shows why a call failed: in the prompt when it came from there,
// else as the flash of the status bar.
func (m *Model) failed(fromPrompt bool, why string) {
	if fromPrompt {
		m.prompt.showError(why)
		return
	}
	m.trace.flash = why
}
