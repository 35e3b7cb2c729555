package pane

import "github.com/kratos-trace/kratos-trace/tracer"

// What the panes mark on values and rows: a change since the previous
// stop, a difference from a baseline, a provider's results.

// Change says how a value differs from the previous stop.
type Change byte

// The changes, least first: a branch takes the greatest of its leaves'.
const (
	Unchanged Change = iota
	Added            // the value was not there at the previous stop
	Modified         // the value differs from the previous stop
)

// ChangesFooter is the footer of a pane of values: how many changed since
// the previous stop, then scroll, the selected row's place when the rows
// do not all fit.
func ChangesFooter(tx *Text, changes map[string]Change, scroll string) string {
	n := 0
	for _, c := range changes {
		if c != Unchanged {
			n++
		}
	}
	switch {
	case n > 0 && scroll != "":
		return Format(tx.Changed, n) + " · " + scroll
	case n > 0:
		return Format(tx.Changed, n)
	}
	return scroll
}

// MarkBaseline marks a phase or a config value that differs from the
// baseline (Options.Baseline).
const MarkBaseline = "≠"

// BaselineMark is how one row differs from the baseline: a few words for
// the row, and the whole of it for the status line when the row is
// selected.
type BaselineMark struct {
	Short, Full string
}

// ProviderResults are what a provider returned (a KindReturn event):
// Phases keeps them on the provider's row, Variables shows them.
type ProviderResults struct {
	Label   string
	Took    tracer.Duration
	Results []*tracer.Node
}

// FocusMark starts the title of the focused pane.
const FocusMark = "»"
