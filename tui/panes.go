package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/bootstrap"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/goroutines"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/notes"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/output"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/servers"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/source"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/stack"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/variables"
)

// paneSet is one program's panes: by name for the model to feed them
// events, and all of them, by paneID, for the loops of focus, layout,
// scrolling, clicks, resets and drawing. A system trace holds one set per
// service (Model.services).
type paneSet struct {
	phases     phases.Pane
	source     source.Pane
	bootstrap  bootstrap.Pane
	variables  variables.Pane
	servers    servers.Pane
	stack      stack.Pane
	goroutines goroutines.Pane
	output     output.Pane
	notes      notes.Pane

	all [paneCount]pane.Pane
}

// newPaneSet makes the panes, in the words and colours of st and tx.
func newPaneSet(st *pane.Styles, tx *pane.Text, opts Options) *paneSet {
	s := &paneSet{
		phases:     phases.New(st, tx),
		source:     source.New(st, tx),
		bootstrap:  bootstrap.New(st, tx),
		variables:  variables.New(st, tx),
		servers:    servers.New(st, tx),
		stack:      stack.New(st, tx),
		goroutines: goroutines.New(st, tx),
		output:     output.New(st, tx, opts.OutputLines),
		notes:      notes.New(st, tx, opts.Lang),
	}
	// The list: one line per pane, in the order of paneID.
	s.all = [paneCount]pane.Pane{
		panePhases:     &s.phases,
		paneSource:     &s.source,
		paneBootstrap:  &s.bootstrap,
		paneVariables:  &s.variables,
		paneServers:    &s.servers,
		paneStack:      &s.stack,
		paneGoroutines: &s.goroutines,
		paneOutput:     &s.output,
		paneNotes:      &s.notes,
	}
	return s
}

// pane returns pane p.
func (s *paneSet) pane(p paneID) pane.Pane { return s.all[p] }

// apply does what a pane asked for.
func (m *Model) apply(r pane.Request) tea.Cmd {
	switch r := r.(type) {
	case pane.PhaseSelected:
		m.syncResults()
	case pane.BreakToggle:
		return m.toggleBreak(r.Phase)
	case pane.BreakpointToggle:
		return m.toggleBreakpointAt(r.Loc)
	case pane.Jump:
		return m.jumpTo(r.Phase)
	case pane.LineBreak:
		return m.toggleLineBreakpoint(r.File, r.Line)
	case pane.ExpandVariables:
		if m.showsOtherService() {
			return nil // its values can be read at its next stop only
		}
		return m.expandCmds(targetVariables, m.variables.Tree())
	case pane.Watch:
		return m.addWatch(r.Expr, false)
	case pane.Unwatch:
		return m.removeWatch(r.Expr, false)
	case pane.Notice:
		m.trace.notice = r.Text
	case pane.GoToFrame:
		if m.showsOtherService() {
			return nil // its frames can be read at its next stop only
		}
		return m.selectFrame(r.Index, false)
	case pane.ToggleSystem:
		m.toggleSystemView()
	case pane.SelectService:
		m.selectFromTimeline(r.Index)
	case pane.BreakAtStop:
		return m.breakAtStop(r.Service, r.Seq)
	case pane.OpenStop:
		return m.openStop(r.Service, r.Seq)
	case pane.GoToGoroutine:
		if m.showsOtherService() {
			return nil
		}
		return m.showGoroutine(r.Index, true)
	}
	return nil
}
