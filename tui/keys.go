package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every key binding of the TUI. The help at the bottom of the
// screen is generated from these bindings: change a key here and the hints
// follow.
type keyMap struct {
	Next    key.Binding
	Step    key.Binding
	StepOut key.Binding
	Term    key.Binding
	// Request opens the request picker (picker.go); enabled for a Source
	// that can send requests.
	Request key.Binding
	// Previous and Jump move back and forth through a trace that holds
	// every stop (a tracer.Rewinder, such as a replay); they are disabled,
	// so neither matched nor shown, for a live trace.
	Previous key.Binding
	Jump     key.Binding

	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Toggle   key.Binding
	Break    key.Binding
	// Origins shows or hides where each Bootstrap value came from.
	Origins key.Binding

	FocusNext key.Binding
	FocusPrev key.Binding
	Restart   key.Binding
	Notes     key.Binding
	Help      key.Binding
	Quit      key.Binding

	// Inspection (inspect.go): the prompt, halt, watches, breakpoints on
	// a line, going to a frame or a goroutine.
	Prompt    key.Binding
	Halt      key.Binding
	Watch     key.Binding
	Unwatch   key.Binding
	LineBreak key.Binding
	GoTo      key.Binding

	// The keys of the open prompt; every other key types.
	PromptRun    key.Binding
	PromptWatch  key.Binding
	PromptOlder  key.Binding
	PromptNewer  key.Binding
	PromptResult key.Binding
	PromptClose  key.Binding
}

// newKeyMap returns the bindings with their help in the words of tx.
func newKeyMap(tx *text) keyMap {
	return keyMap{
		Next:    key.NewBinding(key.WithKeys("n", "space"), key.WithHelp("n", tx.keyNext)),
		Step:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", tx.keyStep)),
		StepOut: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", tx.keyStepOut)),
		Term:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", tx.keyTerm)),
		Request: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", tx.keyRequest), key.WithDisabled()),
		// enter is also Toggle: Jump applies in the Phases pane, Toggle in
		// Bootstrap.
		Previous: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tx.keyPrevious), key.WithDisabled()),
		Jump:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.keyJump), key.WithDisabled()),

		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tx.keyUp)),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tx.keyDown)),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", tx.keyPageUp)),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", tx.keyPageDown)),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", tx.keyTop)),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", tx.keyBottom)),
		Toggle:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.keyToggle)),
		Break:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.keyBreak)),
		Origins:  key.NewBinding(key.WithKeys("O"), key.WithHelp("O", tx.keyOrigins)),

		FocusNext: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tx.keyFocusNext)),
		FocusPrev: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", tx.keyFocusPrev)),
		Restart:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", tx.keyRestart)),
		Notes:     key.NewBinding(key.WithKeys("N"), key.WithHelp("N", tx.keyNotes)),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tx.keyHelp)),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", tx.keyQuit)),

		Prompt:    key.NewBinding(key.WithKeys(":"), key.WithHelp(":", tx.keyPrompt)),
		Halt:      key.NewBinding(key.WithKeys("h"), key.WithHelp("h", tx.keyHalt)),
		Watch:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", tx.keyWatch)),
		Unwatch:   key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", tx.keyUnwatch)),
		LineBreak: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tx.keyLineBreak)),
		GoTo:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.keyGoTo)),

		PromptRun:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tx.keyPromptRun)),
		PromptWatch:  key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", tx.keyPromptWatch)),
		PromptOlder:  key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", tx.keyPromptOlder)),
		PromptNewer:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", tx.keyPromptNewer)),
		PromptResult: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tx.keyPromptResult)),
		PromptClose:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tx.keyPromptClose)),
	}
}

// setRewind enables or disables the keys that move back and forth through
// the trace, for a Source that is or is not a tracer.Rewinder.
func (k *keyMap) setRewind(on bool) {
	k.Previous.SetEnabled(on)
	k.Jump.SetEnabled(on)
}

// FullHelp returns the bindings in columns for the `?` help: running the
// program, moving in a pane, and the rest. The help leaves disabled
// bindings out.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Previous, k.Jump, k.Step, k.StepOut, k.Term, k.Request},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Toggle, k.Origins, k.Break, k.FocusNext, k.FocusPrev},
		{k.Prompt, k.Halt, k.LineBreak, k.GoTo, k.Watch, k.Unwatch},
		{k.Restart, k.Notes, k.Help, k.Quit},
	}
}

// promptHelp returns the keys of the open prompt.
func (k keyMap) promptHelp(hasValue bool) []key.Binding {
	b := []key.Binding{k.PromptRun, k.PromptWatch, k.PromptOlder}
	if hasValue {
		b = append(b, k.PromptResult)
	}
	return append(b, k.PromptClose)
}

// hintContext is what the short help depends on.
type hintContext struct {
	focus     paneID
	running   bool // it is at or past app.running and still up: SIGTERM helps
	ended     bool
	launching bool
	// rewind: the trace can go back. Stepping then only goes to the next
	// stop, as n does, and its hints make room for p and the jump.
	rewind bool
	// inspect: the Source answers the user's questions (an Inspector);
	// paused: the program waits for a command.
	inspect, paused bool
}

// shortHelp returns the bindings worth a hint right now, most useful first;
// the help bubble drops those that do not fit the width.
func (k keyMap) shortHelp(c hintContext) []key.Binding {
	var b []key.Binding
	// Previous and Jump are disabled, so left out, unless the trace can go
	// back.
	switch {
	case c.ended:
		b = append(b, k.Previous, k.Restart, k.Quit)
	case c.launching:
		b = append(b, k.Quit, k.Restart)
	default:
		if c.running {
			b = append(b, k.Term, k.Request)
		}
		b = append(b, k.Next, k.Previous)
		if !c.rewind {
			b = append(b, k.Step, k.StepOut)
		}
	}
	switch c.focus {
	case panePhases:
		b = append(b, k.Break)
		if !c.launching {
			b = append(b, k.Jump)
		}
	case paneBootstrap:
		b = append(b, k.Toggle, k.Origins)
	}
	if c.inspect && !c.ended && !c.launching {
		switch c.focus {
		case paneSource:
			b = append(b, k.LineBreak)
		case paneStack, paneGoroutines:
			b = append(b, k.GoTo)
		case paneVariables:
			b = append(b, k.Toggle, k.Watch, k.Unwatch)
		}
		if !c.paused {
			b = append(b, k.Halt)
		}
		b = append(b, k.Prompt)
	}
	b = append(b, k.FocusNext)
	if !c.ended && !c.launching {
		b = append(b, k.Restart, k.Quit)
	}
	return append(b, k.Help, k.Notes)
}
