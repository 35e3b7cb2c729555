// Package servers is the Servers pane: the App's servers as a table, then
// the registry section (the registrar, the instance, how far registration
// got) and the clients (clients.go), then what each server serves.
package servers

import (
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// Pane shows the App's servers (Event.Servers) as a table.
type Pane struct {
	st *pane.Styles
	tx *pane.Text
	pane.Base

	servers  []tracer.Server
	registry registrySection
	clients  clientsSection
	offset   int
	// atRegistry scrolls the pane to the registry section while the trace
	// is at app.register or app.deregister; registryAt is the section's
	// first line in contentLines.
	atRegistry bool
	registryAt int
}

// NoteRegistry updates the registry section from ev and, at the registry
// phases, brings it into view: in a short pane it is below the servers.
func (p *Pane) NoteRegistry(ev tracer.Event) {
	p.registry.note(ev)
	p.clients.note(ev)
	switch {
	case ev.Phase == tracer.PhaseRegister || ev.Phase == tracer.PhaseDeregister,
		ev.Phase == tracer.PhaseDiscoveryDial || ev.Phase == tracer.PhaseDiscoveryUpdate:
		// The registry section, with the clients below it.
		p.atRegistry = !ev.Skipped
	case ev.IsPhase() && p.atRegistry:
		p.atRegistry, p.offset = false, 0
	}
}

// New returns the pane, in the colours of st and the words of tx.
func New(st *pane.Styles, tx *pane.Text) Pane { return Pane{st: st, tx: tx} }

// SetSize implements pane.Pane.
func (p *Pane) SetSize(w, h int) {
	p.W, p.H = w, h
	p.Scroll(0)
}

// Set shows servers, made safe to draw.
func (p *Pane) Set(servers []tracer.Server) {
	p.servers = make([]tracer.Server, len(servers))
	for i, s := range servers {
		s.Kind, s.Network, s.Address = pane.Sanitize(s.Kind), pane.Sanitize(s.Network), pane.Sanitize(s.Address)
		s.Timeout, s.Endpoint, s.State = pane.Sanitize(s.Timeout), pane.Sanitize(s.Endpoint), tracer.ServerState(pane.Sanitize(string(s.State)))
		p.servers[i] = s
	}
}

// Reset implements pane.Pane.
func (p *Pane) Reset() {
	p.servers, p.registry, p.clients, p.offset, p.atRegistry = nil, registrySection{}, clientsSection{}, 0, false
}

// serverColumn is one column of the table; its title is in
// text.serverColumns, at the same index.
type serverColumn struct {
	value func(tracer.Server) string
}

// The columns, by index in serverColumns.
const (
	colKind = iota
	colNetwork
	colAddress
	colTimeout
	colEndpoint
	colState
)

var serverColumns = []serverColumn{
	colKind:     {func(s tracer.Server) string { return s.Kind }},
	colNetwork:  {func(s tracer.Server) string { return s.Network }},
	colAddress:  {func(s tracer.Server) string { return s.ShownAddress() }},
	colTimeout:  {func(s tracer.Server) string { return s.Timeout }},
	colEndpoint: {func(s tracer.Server) string { return displayEndpoint(s.Endpoint) }},
	colState:    {func(s tracer.Server) string { return string(s.State) }},
}

// displayEndpoint drops the "?isSecure=false" Kratos puts on every plain
// endpoint; a secure one keeps its mark.
func displayEndpoint(e string) string {
	return strings.TrimSuffix(e, "?isSecure=false")
}

// tableFit is one way to fit the table: the columns hidden and the gap.
type tableFit struct {
	hide []int
	gap  int
}

// tableFits are tried in order until one fits: all columns, then tighter
// gaps, then without the columns that say least (network, then endpoint,
// which repeats the address, then timeout).
var tableFits = []tableFit{
	{nil, 2}, {nil, 1},
	{[]int{colNetwork}, 2}, {[]int{colNetwork}, 1},
	{[]int{colEndpoint}, 2}, {[]int{colEndpoint}, 1},
	{[]int{colEndpoint, colNetwork}, 1},
	{[]int{colEndpoint, colNetwork, colTimeout}, 1},
}

// columnWidths returns the width of each column (0 hides it) and the gap
// between columns for a table in w cells. When nothing fits, the address is
// cut.
func (p *Pane) columnWidths(w int) ([]int, int) {
	natural := make([]int, len(serverColumns))
	for i, c := range serverColumns {
		natural[i] = pane.TextWidth(p.tx.ServerColumns[i])
		for _, s := range p.servers {
			natural[i] = max(natural[i], pane.TextWidth(c.value(s)))
		}
	}
	var widths []int
	var gap, total int
	for _, f := range tableFits {
		widths = append(widths[:0], natural...)
		for _, i := range f.hide {
			widths[i] = 0
		}
		gap, total = f.gap, 0
		n := 0
		for _, cw := range widths {
			if cw > 0 {
				total += cw
				n++
			}
		}
		total += gap * (n - 1)
		if total <= w {
			return widths, gap
		}
	}
	widths[colAddress] = max(4, widths[colAddress]-(total-w))
	return widths, gap
}

// Scroll implements pane.Pane.
func (p *Pane) Scroll(delta int) {
	if p.atRegistry {
		// The user scrolls from where the pane shows.
		lines := p.contentLines()
		p.offset, p.atRegistry = min(p.registryAt, max(0, len(lines)-p.H)), false
	}
	p.offset = pane.Clamp(p.offset+delta, 0, max(0, len(p.contentLines())-p.H))
}

func (p *Pane) contentLines() []string {
	if p.W <= 0 {
		return nil
	}
	st := p.st
	registry := p.registry.lines(st, p.tx, p.W-1)
	if clients := p.clients.lines(st, p.tx, p.W-1); len(clients) > 0 {
		if len(registry) > 0 {
			registry = append(registry, "")
		}
		registry = append(registry, clients...)
	}
	p.registryAt = 0
	if len(p.servers) == 0 {
		return append(pane.IndentLines(pane.WrapText(p.tx.EmptyServers, p.W-2), " "), registry...)
	}
	widths, gap := p.columnWidths(p.W - 2)
	var head strings.Builder
	head.WriteString(" ")
	first := true
	for i := range serverColumns {
		if widths[i] == 0 {
			continue
		}
		if !first {
			head.WriteString(pane.Spaces(gap))
		}
		first = false
		head.WriteString(pane.PadRight(p.tx.ServerColumns[i], widths[i]))
	}
	out := []string{st.Dim.Paint(head.String())}
	for _, s := range p.servers {
		var b strings.Builder
		b.WriteString(" ")
		first := true
		for i, c := range serverColumns {
			if widths[i] == 0 {
				continue
			}
			if !first {
				b.WriteString(pane.Spaces(gap))
			}
			first = false
			v := c.value(s)
			cell := pane.PadRight(pane.Truncate(v, widths[i]), widths[i])
			switch {
			case i == colState:
				cell = p.stateInk(s.State).Paint(cell)
			case i == colKind:
				cell = st.Accent.Paint(cell)
			case v == "":
				cell = st.Dim.Paint(pane.PadRight("-", widths[i]))
			}
			b.WriteString(cell)
		}
		out = append(out, b.String())
	}
	if len(registry) > 0 {
		out = append(out, "")
		p.registryAt = len(out)
		out = append(out, registry...)
	}
	// What each server serves, one service or route a line.
	first = true
	for _, s := range p.servers {
		for i, svc := range s.Services {
			if first {
				out = append(out, "")
				first = false
			}
			kind := pane.Spaces(widths[colKind])
			if i == 0 {
				kind = st.Accent.Paint(pane.PadRight(s.Kind, widths[colKind]))
			}
			out = append(out, " "+kind+pane.Spaces(gap)+st.Dim.Paint(pane.Truncate(pane.Sanitize(svc), p.W-3-widths[colKind]-gap)))
		}
	}
	return out
}

func (p *Pane) stateInk(s tracer.ServerState) pane.Ink {
	switch s {
	case tracer.ServerStarting:
		return p.st.StateStarting
	case tracer.ServerListening:
		return p.st.StateListening
	case tracer.ServerStopped:
		return p.st.StateStopped
	}
	return p.st.StateCreated
}

// View implements pane.Pane.
func (p *Pane) View() []string {
	if p.H <= 0 {
		return nil
	}
	lines := p.contentLines()
	offset := p.offset
	if p.atRegistry {
		offset = min(p.registryAt, max(0, len(lines)-p.H))
	}
	if offset > 0 && offset < len(lines) {
		lines = lines[offset:]
	}
	if len(lines) > p.H {
		lines = lines[:p.H]
	}
	return lines
}

// Move implements pane.Pane: it scrolls, as the pane has no selection.
func (p *Pane) Move(delta int) pane.Request { p.Scroll(delta); return nil }
