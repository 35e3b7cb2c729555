package tui

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Breakpoints of the user's own, in the TUI: b on a line of Source sets
// or clears one there; `break LOC` and `clear LOC` in the prompt take a
// function or FILE:LINE; b on a breakpoint's row in Phases clears it or
// sets it again. Their stops sit in the timeline in time order.

// toggleLineBreakpoint sets or clears a breakpoint on file:line (b on a
// line of Source).
func (m *Model) toggleLineBreakpoint(file string, line int) tea.Cmd {
	for _, bp := range m.insp.breakpoints {
		if bp.File == file && bp.Line == line {
			return m.removeBreakpoint(bp.Loc, false)
		}
	}
	return m.addBreakpoint(file+":"+strconv.Itoa(line), false)
}

// toggleBreakpointAt clears the breakpoint set at loc, or sets it again.
func (m *Model) toggleBreakpointAt(loc string) tea.Cmd {
	for _, bp := range m.insp.breakpoints {
		if bp.Loc == loc {
			return m.removeBreakpoint(loc, false)
		}
	}
	return m.addBreakpoint(loc, false)
}

// syncBreakMarks marks the breakpoints in the Source gutter and the
// timeline.
func (m *Model) syncBreakMarks() {
	m.source.SetBreakpoints(m.insp.breakpoints)
	set := map[string]bool{}
	for _, bp := range m.insp.breakpoints {
		set[bp.Loc] = true
	}
	m.phases.SetBreakpoints(set)
}

// breakpointPlace says where a breakpoint is, as a person reads it:
// "main.newApp (main.go:42)" or "greeter.go:21".
func (m *Model) breakpointPlace(bp tracer.Breakpoint) string {
	place := ""
	if bp.File != "" && bp.Line > 0 {
		place = filepath.Base(bp.File) + ":" + strconv.Itoa(bp.Line)
	}
	switch {
	case bp.Function != "" && place != "":
		return pane.ShortFunction(bp.Function) + " (" + place + ")"
	case place != "":
		return place
	}
	return m.shortLoc(bp.Loc)
}

// shortLoc shows a breakpoint's location as given, with a file's path made
// short as elsewhere on the screen: FILE:LINE relative to where
// kratos-trace runs, a function as it is.
func (m *Model) shortLoc(loc string) string {
	if file, line, ok := pane.SplitFileLoc(loc); ok {
		return m.shortPath(file) + line
	}
	return loc
}

// addBreakpoint sets a breakpoint of the user's own at loc.
func (m *Model) addBreakpoint(loc string, fromPrompt bool) tea.Cmd {
	if fromPrompt {
		m.prompt.await()
	}
	return m.call(m.tx.CmdBreakpoint, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		bp, err := in.AddBreakpoint(ctx, loc)
		return breakpointMsg{loc: loc, bp: bp, prompt: fromPrompt, err: err}
	})
}

// removeBreakpoint clears the breakpoint set at loc.
func (m *Model) removeBreakpoint(loc string, fromPrompt bool) tea.Cmd {
	if fromPrompt {
		m.prompt.await()
	}
	return m.call(m.tx.CmdClear, func(ctx context.Context, in tracer.Inspector) tea.Msg {
		return breakpointMsg{loc: loc, removed: true, prompt: fromPrompt, err: in.RemoveBreakpoint(ctx, loc)}
	})
}

// applyBreakpoint records a breakpoint set or cleared.
func (m *Model) applyBreakpoint(msg breakpointMsg) {
	name := m.tx.CmdBreakpoint
	if msg.removed {
		name = m.tx.CmdClear
	}
	if msg.err != nil {
		m.failed(msg.prompt, m.inspectError(name, msg.err))
		return
	}
	bps := slices.DeleteFunc(slices.Clone(m.insp.breakpoints), func(bp tracer.Breakpoint) bool { return bp.Loc == msg.loc })
	if msg.removed {
		m.trace.notice = pane.Format(m.tx.BreakpointCleared, msg.loc)
	} else {
		bp := msg.bp
		if bp.Loc == "" {
			bp.Loc = msg.loc
		}
		bps = append(bps, bp)
		m.trace.notice = pane.Format(m.tx.BreakpointSet, m.breakpointPlace(bp))
	}
	m.insp.breakpoints = bps
	if msg.prompt {
		m.prompt.showNote(m.trace.notice)
	}
	m.syncBreakMarks()
}
