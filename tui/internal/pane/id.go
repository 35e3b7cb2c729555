package pane

import "github.com/kratos-trace/kratos-trace/tracer"

// ID names a pane of the root model's list; the order is the focus order
// of tab, and the words of Text name the panes by it.
type ID int

// The panes, in the order of tab.
const (
	Phases ID = iota
	Source
	Bootstrap
	// Variables shows the watches, the selected frame's arguments and
	// locals, and a provider's results.
	Variables
	Servers
	Stack
	// Goroutines is shown only while the program is halted (the h key), or
	// at a stall in a recording.
	Goroutines
	Output
	// Notes is shown only while the notes are on (the N key).
	Notes
	// Count is the number of panes.
	Count
)

// String is the pane's English name, for tests and messages; the screen
// takes its names from the TUI's language (Text.PaneNames).
func (id ID) String() string { return Texts[tracer.English].PaneNames[id] }
