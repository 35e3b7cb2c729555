package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// keyMap holds the root model's key bindings: running the program,
// moving in the focused pane, focus, the prompt, halt, help and quit. Each
// pane holds its own keys (a phasesKeys, a variablesKeys…) and handles
// them while it has the focus; the prompt and the picker hold theirs. The
// help at the bottom of the screen is generated from the bindings: change
// a key and the hints follow.
type keyMap struct {
	Next    key.Binding
	Step    key.Binding
	StepOut key.Binding
	Term    key.Binding
	// Request opens the request picker (picker.go); enabled for a Source
	// that can send requests.
	Request key.Binding
	// Previous moves back through a trace that holds every stop (a
	// tracer.Rewinder, such as a replay); it is disabled, so neither
	// matched nor shown, for a live trace. Phases' Jump goes with it.
	Previous key.Binding

	// The moves in the focused pane (pane.Move).
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	FocusNext key.Binding
	FocusPrev key.Binding
	Restart   key.Binding
	Notes     key.Binding
	Help      key.Binding
	Quit      key.Binding
	// Interrupt is ctrl+c alone: it quits from the prompt and the picker,
	// where q types.
	Interrupt key.Binding

	// Inspection (inspect.go): the prompt and halt.
	Prompt key.Binding
	Halt   key.Binding

	// ServiceNext and ServicePrev select the next and the previous service
	// of a system (services.go); enabled in a system of several services.
	ServiceNext key.Binding
	ServicePrev key.Binding
}

// newKeyMap returns the bindings with their help in the words of tx.
func newKeyMap(tx *pane.Text) keyMap {
	return keyMap{
		Next:     key.NewBinding(key.WithKeys("n", "space"), key.WithHelp("n", tx.KeyNext)),
		Step:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", tx.KeyStep)),
		StepOut:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", tx.KeyStepOut)),
		Term:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", tx.KeyTerm)),
		Request:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", tx.KeyRequest), key.WithDisabled()),
		Previous: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tx.KeyPrevious), key.WithDisabled()),

		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tx.KeyUp)),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tx.KeyDown)),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", tx.KeyPageUp)),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", tx.KeyPageDown)),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", tx.KeyTop)),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", tx.KeyBottom)),

		FocusNext: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tx.KeyFocusNext)),
		FocusPrev: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", tx.KeyFocusPrev)),
		Restart:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", tx.KeyRestart)),
		Notes:     key.NewBinding(key.WithKeys("N"), key.WithHelp("N", tx.KeyNotes)),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tx.KeyHelp)),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", tx.KeyQuit)),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c")),

		Prompt: key.NewBinding(key.WithKeys(":"), key.WithHelp(":", tx.KeyPrompt)),
		Halt:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", tx.KeyHalt)),

		ServiceNext: key.NewBinding(key.WithKeys("]"), key.WithHelp("[/]", sysWordsEN.keyService), key.WithDisabled()),
		ServicePrev: key.NewBinding(key.WithKeys("["), key.WithDisabled()),
	}
}

// fullHelp returns the bindings in columns for the `?` help: running the
// program, moving in a pane, the panes' own keys (in two columns), and the
// rest. The help leaves disabled bindings out, so they are left out here
// too, where they would take a row.
func (m Model) fullHelp() [][]key.Binding {
	k := m.keys
	var panes []key.Binding
	for _, b := range m.paneBindings() {
		if b.Enabled() {
			panes = append(panes, b)
		}
	}
	cut := min(6, len(panes))
	rest := append(slices.Clone(panes[cut:]), k.FocusNext, k.FocusPrev, k.Prompt, k.Halt)
	return [][]key.Binding{
		{k.Next, k.Previous, k.Step, k.StepOut, k.Term, k.Request},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		panes[:cut],
		rest,
		{k.ServiceNext, k.Restart, k.Notes, k.Help, k.Quit},
	}
}

// paneBindings returns the keys of every pane, each key once, in the
// order of the panes: a key that several panes bind to the same action is
// one binding (Stack and Goroutines share enter, Bootstrap and Variables
// too), and one they bind to different actions (b in Phases and in
// Source, enter in the system's timeline and in Stack) is one binding
// whose help names each action. Disabled bindings stay apart, so that the
// help, which leaves them out, does not name what they would do.
func (m Model) paneBindings() []key.Binding {
	var out []key.Binding
	seen := map[string]bool{}
	at := map[string]int{} // an enabled key's binding in out
	for _, p := range m.all {
		for _, b := range p.Keys() {
			keys := strings.Join(b.Keys(), ",")
			id := keys + " " + b.Help().Desc
			if seen[id] {
				continue
			}
			seen[id] = true
			if i, ok := at[keys]; ok && b.Enabled() {
				h := out[i].Help()
				out[i].SetHelp(h.Key, h.Desc+" · "+b.Help().Desc)
				continue
			}
			if b.Enabled() {
				at[keys] = len(out)
			}
			out = append(out, b)
		}
	}
	return out
}

// shortHelp returns the bindings worth a hint right now, most useful first;
// the help bubble drops those that do not fit the width.
func (m Model) shortHelp() []key.Binding {
	c := m.hints()
	k := m.keys
	var b []key.Binding
	// Previous is disabled, so left out, unless the trace can go back.
	switch {
	case c.Ended:
		b = append(b, k.Previous, k.Restart, k.Quit)
	case c.Launching:
		b = append(b, k.Quit, k.Restart)
	default:
		if c.Running {
			b = append(b, k.Term, k.Request)
		}
		b = append(b, k.Next, k.Previous)
		if !c.Rewind {
			b = append(b, k.Step, k.StepOut)
		}
	}
	b = append(b, m.pane(m.focus).ShortHelp(c)...)
	if c.Inspect && !c.Ended && !c.Launching {
		if !c.Paused {
			b = append(b, k.Halt)
		}
		b = append(b, k.Prompt)
	}
	b = append(b, k.ServiceNext, k.FocusNext)
	if !c.Ended && !c.Launching {
		b = append(b, k.Restart, k.Quit)
	}
	return append(b, k.Help, k.Notes)
}
