package pane

import "charm.land/bubbles/v2/key"

// GoToKey is enter in Stack and Goroutines: show the frame or goroutine
// under the cursor.
func GoToKey(tx *Text) key.Binding {
	return key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.KeyGoTo))
}

// LiveHelp returns the bindings of keys that ask the program a question,
// or none while it cannot answer (Hints.Live).
func LiveHelp(h Hints, b ...key.Binding) []key.Binding {
	if !h.Live() {
		return nil
	}
	return b
}
