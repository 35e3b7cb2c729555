package tui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// requestPicker lists the App's routes, read from the program, and lets the
// user edit one (or type any request) and send it. It is drawn in place of
// the Source pane while open.
type requestPicker struct {
	keys    pickerKeys
	open    bool
	loading bool
	editing bool
	routes  []tracer.Route
	// failed says, a line for each, the services of a system whose
	// routes could not be read, and why.
	failed []string
	sel    int
	input  textinput.Model
	err    string
	note   string
}

// pickerKeys are the keys of the open picker; while a request is edited,
// every other key edits it.
type pickerKeys struct {
	Up, Down key.Binding
	// Pick edits the route selected; Send sends the request edited.
	Pick, Send key.Binding
	// Back leaves the edit for the list, or closes the picker.
	Back key.Binding
}

func newPickerKeys() pickerKeys {
	return pickerKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k")),
		Down: key.NewBinding(key.WithKeys("down", "j")),
		Pick: key.NewBinding(key.WithKeys("enter")),
		Send: key.NewBinding(key.WithKeys("enter")),
		Back: key.NewBinding(key.WithKeys("esc")),
	}
}

// routesMsg carries the routes Requester.Routes read.
type routesMsg struct {
	gen    int
	routes []tracer.Route
	err    error
}

// atRequestPoint reports whether the trace is where a request can be sent:
// anywhere the App serves (canRequest).
func (m *Model) atRequestPoint() bool {
	// Paused anywhere past app.running, or running on: the Source sends
	// either way.
	return m.trace.canRequest()
}

// canRequest reports whether the App serves and the trace goes on: from
// app.running (or an attach to a serving program), through the user's breakpoints, steps, halts and replies,
// until a signal or app.stop.
func (t *traceState) canRequest() bool {
	return !t.ended && !t.signalled && t.serving
}

// noteServing follows whether the App serves, from the phase of each event.
func (t *traceState) noteServing(id tracer.PhaseID) {
	// A user's breakpoint (break) and a step (no phase) say nothing of it.
	switch o := tracer.Order(id); {
	case tracer.IsServing(id):
		t.serving = true
	case o >= tracer.Order(tracer.PhaseStop) && o <= tracer.Order(tracer.PhaseExit):
		t.serving = false
	}
}

// openPicker opens the picker and asks the Source for the routes.
func (m *Model) openPicker() tea.Cmd {
	rq, ok := m.trace.src.(tracer.Requester)
	if !ok {
		return nil
	}
	if !m.atRequestPoint() {
		m.trace.flash = m.tx.RequestNotHere
		return nil
	}
	in := textinput.New()
	in.Prompt = "› "
	m.picker = requestPicker{keys: newPickerKeys(), open: true, loading: true, input: in}
	gen, ctx := m.trace.gen, m.run.ctx
	return func() tea.Msg {
		routes, err := rq.Routes(ctx)
		return routesMsg{gen: gen, routes: routes, err: err}
	}
}

// takeRoutes fills the picker with the routes read.
func (m *Model) takeRoutes(msg routesMsg) tea.Cmd {
	if msg.gen != m.trace.gen || !m.picker.open {
		return nil
	}
	p := &m.picker
	p.loading = false
	p.routes = msg.routes
	if failed := tracer.ServiceRoutesErrors(msg.err); len(failed) > 0 {
		for _, f := range failed {
			p.failed = append(p.failed, pane.Sanitize(pane.Format(m.tx.PickerNoRoutes, f.Service, tracer.FirstLine(f.Err.Error()))))
		}
	} else if msg.err != nil {
		p.err = pane.Sanitize(msg.err.Error())
	}
	if len(p.routes) == 0 {
		// Nothing to pick: type a request.
		return p.edit("")
	}
	return nil
}

// edit starts editing text.
func (p *requestPicker) edit(text string) tea.Cmd {
	p.editing = true
	p.input.SetValue(text)
	p.input.CursorEnd()
	return p.input.Focus()
}

// paste types pasted text into the request being edited, a body copied
// from elsewhere say; the terminal sends a paste as one message, not as
// keys.
func (p *requestPicker) paste(msg tea.PasteMsg) tea.Cmd {
	if !p.editing {
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.err = ""
	return cmd
}

// pickerKey handles a key while the picker is open.
func (m *Model) pickerKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	p := &m.picker
	k := p.keys
	switch {
	case key.Matches(msg, k.Back):
		if p.editing && len(p.routes) > 0 {
			p.editing, p.err = false, ""
			p.input.Blur()
			return *m, nil
		}
		m.picker = requestPicker{}
		return *m, nil
	case key.Matches(msg, m.keys.Interrupt):
		m.picker = requestPicker{}
		return m.handleKey(msg)
	}
	if p.loading {
		return *m, nil
	}
	if !p.editing {
		switch {
		case key.Matches(msg, k.Up):
			p.sel = max(0, p.sel-1)
		case key.Matches(msg, k.Down):
			p.sel = min(len(p.routes)-1, p.sel+1)
		case key.Matches(msg, k.Pick):
			r := p.routes[p.sel]
			text := r.Example.String()
			if r.Example.Service != "" {
				// A system's: the request goes to that service, as
				// --request 'SERVICE: GET /path' does.
				text = r.Example.Service + ": " + text
			}
			return *m, p.edit(text)
		}
		return *m, nil
	}
	if key.Matches(msg, k.Send) {
		service, text := request.SplitService(p.input.Value())
		spec, err := request.Parse(text, nil)
		if err != nil {
			var se *request.SpecError
			if errors.As(err, &se) {
				p.err = se.Msg + " — " + se.Hint
			} else {
				p.err = err.Error()
			}
			return *m, nil
		}
		spec.Service = service
		m.picker = requestPicker{}
		m.trace.notice = pane.Format(m.tx.RequestSent, spec.String())
		return *m, m.command(m.tx.CmdRequest, func(ctx context.Context, s tracer.Source) error {
			rq, ok := s.(tracer.Requester)
			if !ok {
				return tracer.ErrUnsupported
			}
			_, err := rq.Send(ctx, spec)
			return err
		})
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.err = ""
	return *m, cmd
}

// pickerLines draws the picker in w x h cells: the routes, as many as the
// rows left by the other lines hold, with how many more are out of sight;
// a red line for each service whose routes could not be read; the request
// being edited, what went wrong, and the keys.
func (m Model) pickerLines(w, h int) []string {
	p := m.picker
	st := m.st
	tx := m.tx
	var out []string
	add := func(s string) { out = append(out, s) }
	if p.loading {
		add(" " + st.Dim.Paint(pane.Truncate(tx.PickerLoading, w-1)))
		return out
	}
	if len(p.routes) == 0 && len(p.failed) == 0 {
		add(" " + st.Dim.Paint(pane.Truncate(tx.PickerEmpty, w-1)))
	}
	// In a system the routes are every service's: each names its own.
	serviceWidth := 0
	for _, r := range p.routes {
		serviceWidth = max(serviceWidth, pane.TextWidth(r.Example.Service))
	}
	// The list takes the rows the other lines leave: the failures, a
	// blank, the request edited, the error and the keys.
	fixed := len(out) + len(p.failed) + 2
	if p.editing {
		fixed++
	}
	if p.err != "" {
		fixed++
	}
	listRoom := max(1, h-fixed)
	if len(p.routes) > listRoom {
		listRoom = max(1, listRoom-1) // a line says how many more
	}
	first := max(0, min(p.sel-listRoom/2, len(p.routes)-listRoom))
	last := min(len(p.routes), first+listRoom)
	for i := first; i < last; i++ {
		add(m.routeLine(p.routes[i], i, serviceWidth, w))
	}
	if first > 0 || last < len(p.routes) {
		var more []string
		if first > 0 {
			more = append(more, pane.Format(tx.PickerAbove, first))
		}
		if last < len(p.routes) {
			more = append(more, pane.Format(tx.PickerBelow, len(p.routes)-last))
		}
		add(" " + st.Dim.Paint(pane.Truncate(strings.Join(more, " · "), w-1)))
	}
	for _, f := range p.failed {
		add(" " + st.Err.Paint(pane.Truncate(f, w-1)))
	}
	add("")
	if p.editing {
		p.input.SetWidth(max(4, w-4))
		add(" " + p.input.View())
	}
	if p.err != "" {
		add(" " + st.Err.Paint(pane.Truncate(p.err, w-1)))
	}
	help := tx.PickerHelp
	if p.editing {
		help = tx.PickerEditHelp
	}
	add(" " + st.Dim.Paint(pane.Truncate(help, w-1)))
	return out
}

// routeLine draws route r, the i-th of the picker, in w cells; in a
// system its service's name comes first, in a column serviceWidth wide.
func (m Model) routeLine(r tracer.Route, i, serviceWidth, w int) string {
	p, st := m.picker, m.st
	what := r.Method + " " + r.Path
	if r.Transport == "grpc" {
		what = "grpc " + r.Path
	}
	line := " " + pane.PadRight(r.Transport, 5) + " " + what
	if serviceWidth > 0 {
		line = " " + pane.PadRight(r.Example.Service, serviceWidth) + line
	}
	if r.Note != "" {
		line += "  " + tracer.FirstLine(r.Note)
	}
	line = pane.Truncate(pane.Sanitize(line), w)
	switch {
	case i == p.sel && !p.editing:
		return st.Selected.Paint(pane.Fit(line, w))
	case i == p.sel:
		return st.SelectedDim.Paint(pane.Fit(line, w))
	}
	return line
}

// pickerFooter is the footer of the picker's box: the route selected, of
// how many.
func (m Model) pickerFooter() string {
	p := m.picker
	if p.loading || len(p.routes) == 0 {
		return ""
	}
	return strconv.Itoa(p.sel+1) + "/" + strconv.Itoa(len(p.routes))
}
