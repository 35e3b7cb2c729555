// Package pane is what a pane of the TUI is made of: the Pane interface
// the root model drives every pane through, Base with its defaults, the
// Requests a pane makes of the root, and the kit every pane draws with —
// the Styles and their Inks, the words of each language (Text), and text
// fitted to terminal cells (cells.go). A pane is one package under
// tui/internal/panes, or a file of package tui, built from these.
package pane

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Pane is what the root model asks of every pane: it sizes, draws,
// scrolls, moves, clicks, focuses and resets them all through it, in loops
// over its list, never by naming one.
//
// Move, Click and HandleKey return a Request for the root model, or nil:
// what the pane cannot do alone, because it reaches the Source or another
// pane. The root carries it out at once, before the next key.
type Pane interface {
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
	// scrolls); ±MoveAll goes to the first or last row.
	Move(delta int) Request
	// Click selects the row at y inside the box.
	Click(y int) Request
	// SetFocused tells the pane whether it has the focus.
	SetFocused(focused bool)
	// Reset forgets what the trace delivered, keeping what the user chose
	// (folds, breaks) and the size.
	Reset()

	// HandleKey handles a key of the pane's own while it has the focus;
	// ok is false for a key it leaves to the root model.
	HandleKey(msg tea.KeyPressMsg) (req Request, ok bool)
	// ShortHelp returns the pane's keys worth a hint now, and Keys all of
	// them, for the full help.
	ShortHelp(c Hints) []key.Binding
	Keys() []key.Binding
}

// MoveAll is a move past any list's end: to the first row (-MoveAll) or
// the last.
const MoveAll = 1 << 20

// Base holds what every pane has: its size and whether it has the focus,
// with the defaults of the Pane interface for a pane without footer,
// title, rows to click or keys. A pane embeds it.
type Base struct {
	W, H    int
	Focused bool
}

// SetFocused implements Pane.
func (b *Base) SetFocused(focused bool) { b.Focused = focused }

// Footer implements Pane: none.
func (b *Base) Footer() string { return "" }

// TitleExtra implements Pane: nothing after the name.
func (b *Base) TitleExtra(int, func(string) string) string { return "" }

// Click implements Pane: no rows to select.
func (b *Base) Click(int) Request { return nil }

// HandleKey implements Pane: no keys of its own.
func (b *Base) HandleKey(tea.KeyPressMsg) (Request, bool) { return nil, false }

// ShortHelp implements Pane: no keys of its own.
func (b *Base) ShortHelp(Hints) []key.Binding { return nil }

// Keys implements Pane: no keys of its own.
func (b *Base) Keys() []key.Binding { return nil }

// Hints is what the short help depends on: the root's hints and the
// focused pane's (Pane.ShortHelp).
type Hints struct {
	Running   bool // it is at or past app.running and still up: SIGTERM helps
	Ended     bool
	Launching bool
	// Rewind: the trace can go back. Stepping then only goes to the next
	// stop, as n does, and its hints make room for p and the jump.
	Rewind bool
	// Inspect: the Source answers the user's questions (an Inspector);
	// Paused: the program waits for a command.
	Inspect, Paused bool
}

// Live reports whether the program can answer a question now: the keys
// that ask one are worth a hint.
func (h Hints) Live() bool { return h.Inspect && !h.Ended && !h.Launching }

// Request is what a pane asks of the root model: one of the types below.
type Request any

// The requests of the panes.
type (
	// PhaseSelected: the row selected in Phases changed; Variables shows
	// the results of a provider selected there.
	PhaseSelected struct{}
	// BreakToggle turns Phase's break off or on (b in Phases).
	BreakToggle struct{ Phase tracer.PhaseID }
	// BreakpointToggle clears the user's breakpoint at Loc, or sets it
	// again (b on its row in Phases).
	BreakpointToggle struct{ Loc string }
	// Jump moves a trace that can go back to Phase (enter in Phases).
	Jump struct{ Phase tracer.PhaseID }
	// LineBreak sets or clears a breakpoint on File:Line (b in Source).
	LineBreak struct {
		File string
		Line int
	}
	// ExpandVariables reads the levels Variables unfolded and has not
	// loaded.
	ExpandVariables struct{}
	// Watch watches Expr, Unwatch stops (w and x in Variables).
	Watch   struct{ Expr string }
	Unwatch struct{ Expr string }
	// Notice says what a key did, or why it did nothing, in the status
	// bar.
	Notice struct{ Text string }
	// GoToFrame shows frame Index of the goroutine shown (enter in
	// Stack); GoToGoroutine shows goroutine Index of the halt's list
	// (enter in Goroutines).
	GoToFrame     struct{ Index int }
	GoToGoroutine struct{ Index int }
	// SelectService shows service Index's panes (a row of another
	// service selected in the system's timeline).
	SelectService struct{ Index int }
	// ToggleSystem switches Phases between the service's timeline and
	// the whole system's (m in Phases).
	ToggleSystem struct{}
	// BreakAtStop does what b does on the row of the stop numbered Seq
	// (its Event.Seq) in service Service's Phases (b on a row of the
	// system's timeline); OpenStop shows that row there (enter).
	BreakAtStop struct{ Service, Seq int }
	OpenStop    struct{ Service, Seq int }
)
