package tui

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
}

// moveAll is a move past any list's end: to the first row (-moveAll) or
// the last.
const moveAll = 1 << 20

// paneBase holds what every pane has: its size and whether it has the
// focus, with the defaults of the pane interface for a pane without
// footer, title or rows to click.
type paneBase struct {
	w, h    int
	focused bool
}

func (b *paneBase) SetFocused(focused bool)                    { b.focused = focused }
func (b *paneBase) Footer() string                             { return "" }
func (b *paneBase) TitleExtra(int, func(string) string) string { return "" }
func (b *paneBase) Click(int) paneRequest                      { return nil }

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
		source:     newSourcePane(st),
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

// phaseSelectedRequest: the row selected in Phases changed; Variables
// shows the results of a provider selected there.
type phaseSelectedRequest struct{}

// apply does what a pane asked for.
func (m *Model) apply(r paneRequest) {
	switch r.(type) {
	case phaseSelectedRequest:
		m.syncResults()
	}
}
