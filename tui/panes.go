package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// pane is what the root model asks of every pane: it sizes, draws, scrolls,
// moves, clicks, focuses and resets them all through it, in loops over a
// paneSet, never by naming one.
//
// Move and Click return a paneRequest for the root model, or nil: what
// the pane cannot do alone, because it reaches the Source or another pane.
// The root applies it at once (Model.apply), before the next key.
type pane interface {
	// SetSize gives the pane the cells inside its box.
	SetSize(w, h int)
	// View returns the pane's lines, without its box.
	View() []string
	// Footer is drawn in the bottom border of the box (a position, a
	// count), or "".
	Footer() string
	// TitleExtra is drawn after the pane's name in its box's title, in at
	// most room cells; short shortens a file path as the screen does.
	TitleExtra(room int, short func(string) string) string
	// Scroll moves the view by delta lines, leaving the selection.
	Scroll(delta int)
	// Move moves the selection by delta rows (a pane without one
	// scrolls); ±moveAll goes to the first or last row.
	Move(delta int) paneRequest
	// Click selects the row at y inside the box.
	Click(y int) paneRequest
	// SetFocused tells the pane whether it has the focus.
	SetFocused(focused bool)
	// Reset forgets what the trace delivered, keeping what the user chose
	// (folds, breaks) and the size.
	Reset()

	// HandleKey handles a key of the pane's own while it has the focus;
	// ok is false for a key it leaves to the root model.
	HandleKey(msg tea.KeyPressMsg) (req paneRequest, ok bool)
	// ShortHelp returns the pane's keys worth a hint now, and Keys all of
	// them, for the full help.
	ShortHelp(c hintContext) []key.Binding
	Keys() []key.Binding
}

// moveAll is a move past any list's end: to the first row (-moveAll) or
// the last.
const moveAll = 1 << 20

// paneBase holds what every pane has: its size and whether it has the
// focus, with the defaults of the pane interface for a pane without
// footer, title, rows to click or keys.
type paneBase struct {
	w, h    int
	focused bool
}

func (b *paneBase) SetFocused(focused bool)                       { b.focused = focused }
func (b *paneBase) Footer() string                                { return "" }
func (b *paneBase) TitleExtra(int, func(string) string) string    { return "" }
func (b *paneBase) Click(int) paneRequest                         { return nil }
func (b *paneBase) HandleKey(tea.KeyPressMsg) (paneRequest, bool) { return nil, false }
func (b *paneBase) ShortHelp(hintContext) []key.Binding           { return nil }
func (b *paneBase) Keys() []key.Binding                           { return nil }

// paneSet is one program's panes: by name for the model to feed them
// events, and all of them, by paneID, for the loops of focus, layout,
// scrolling, clicks, resets and drawing. A system trace holds one set per
// service (Model.services).
type paneSet struct {
	phases     phasesPane
	source     sourcePane
	bootstrap  bootstrapPane
	variables  variablesPane
	servers    serversPane
	stack      stackPane
	goroutines goroutinesPane
	output     outputPane
	notes      notesPane

	all [paneCount]pane
}

// newPaneSet makes the panes, in the words and colours of st and tx.
func newPaneSet(st *styles, tx *text, opts Options) *paneSet {
	s := &paneSet{
		phases:     newPhasesPane(st, tx),
		source:     newSourcePane(st, tx),
		bootstrap:  newBootstrapPane(st, tx),
		variables:  newVariablesPane(st, tx),
		servers:    newServersPane(st, tx),
		stack:      newStackPane(st, tx),
		goroutines: newGoroutinesPane(st, tx),
		output:     newOutputPane(st, tx, opts.OutputLines),
		notes:      newNotesPane(st, tx, opts.Lang),
	}
	// The list: one line per pane, in the order of paneID.
	s.all = [paneCount]pane{
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
func (s *paneSet) pane(p paneID) pane { return s.all[p] }

// paneRequest is what a pane asks of the root model: one of the
// …Request types, applied by Model.apply.
type paneRequest any

// The requests of the panes.
type (
	// phaseSelectedRequest: the row selected in Phases changed; Variables
	// shows the results of a provider selected there.
	phaseSelectedRequest struct{}
	// breakToggleRequest turns phase's break off or on (b in Phases).
	breakToggleRequest struct{ phase tracer.PhaseID }
	// breakpointToggleRequest clears the user's breakpoint at loc, or sets
	// it again (b on its row in Phases).
	breakpointToggleRequest struct{ loc string }
	// jumpRequest moves a trace that can go back to phase (enter in Phases).
	jumpRequest struct{ phase tracer.PhaseID }
	// lineBreakRequest sets or clears a breakpoint on file:line (b in
	// Source).
	lineBreakRequest struct {
		file string
		line int
	}
	// expandVariablesRequest reads the levels Variables unfolded and has
	// not loaded.
	expandVariablesRequest struct{}
	// watchRequest watches expr, unwatchRequest stops (w and x in
	// Variables).
	watchRequest   struct{ expr string }
	unwatchRequest struct{ expr string }
	// noticeRequest says what a key did, or why it did nothing, in the
	// status bar.
	noticeRequest struct{ text string }
	// frameRequest shows frame index of the goroutine shown (enter in
	// Stack); goroutineRequest shows goroutine index of the halt's list
	// (enter in Goroutines).
	frameRequest     struct{ index int }
	goroutineRequest struct{ index int }
)

// apply does what a pane asked for.
func (m *Model) apply(r paneRequest) tea.Cmd {
	switch r := r.(type) {
	case phaseSelectedRequest:
		m.syncResults()
	case breakToggleRequest:
		return m.toggleBreak(r.phase)
	case breakpointToggleRequest:
		return m.toggleBreakpointAt(r.loc)
	case jumpRequest:
		return m.jumpTo(r.phase)
	case lineBreakRequest:
		return m.toggleLineBreakpoint(r.file, r.line)
	case expandVariablesRequest:
		return m.expandCmds(targetVariables, &m.variables.tree)
	case watchRequest:
		return m.addWatch(r.expr, false)
	case unwatchRequest:
		return m.removeWatch(r.expr, false)
	case noticeRequest:
		m.trace.notice = r.text
	case frameRequest:
		return m.selectFrame(r.index, false)
	case goroutineRequest:
		return m.showGoroutine(r.index, true)
	}
	return nil
}
