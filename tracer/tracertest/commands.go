package tracertest

import "slices"

// CommandLog returns a copy of the commands received so far, like Commands,
// but safe to call while another goroutine sends commands (as a TUI under
// test does from its tea.Cmds).
func (f *Fake) CommandLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.Commands)
}

// Paused reports whether the fake waits for a command after a stop.
func (f *Fake) Paused() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paused && !f.closed
}
