package servers

import (
	"fmt"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// SetClients shows the clients the program built (Event.Clients).
func (p *Pane) SetClients(clients []tracer.Client) { p.clients.set(clients) }

// clientsSection is what the Servers pane shows below the registry: the
// clients the program built (Event.Clients), each with its target, its
// registry and the endpoints it sees now.
type clientsSection struct {
	clients []tracer.Client
	// received is, by client label, the instance list its resolver
	// received last; changes, what that list changed against the one
	// before it.
	received map[string][]tracer.ServiceInstance
	changes  map[string]instanceChange
}

// instanceChange is what a client's last instance list changed: the ids of
// the instances that left the registry and of those that joined it.
type instanceChange struct{ left, joined []string }

// note keeps the instance list of a discovery.update and what it changed
// against the client's previous one. The first list of a client changes
// nothing: there is nothing to compare it with.
func (c *clientsSection) note(ev tracer.Event) {
	d := ev.Discovery
	if ev.Phase != tracer.PhaseDiscoveryUpdate || !ev.IsPhase() || d == nil {
		return
	}
	if c.received == nil {
		c.received, c.changes = map[string][]tracer.ServiceInstance{}, map[string]instanceChange{}
	}
	label := pane.Sanitize(d.Client.Transport) + " " + pane.Sanitize(d.Client.Target)
	var ch instanceChange
	if prev, ok := c.received[label]; ok {
		ch.left, ch.joined = tracer.InstanceChanges(prev, d.Instances)
	}
	c.received[label], c.changes[label] = d.Instances, ch
}

// set shows clients, made safe to draw.
func (c *clientsSection) set(clients []tracer.Client) {
	c.clients = make([]tracer.Client, len(clients))
	for i, cl := range clients {
		cl.Transport, cl.Target, cl.Registry, cl.Timeout = pane.Sanitize(cl.Transport), pane.Sanitize(cl.Target), pane.Sanitize(cl.Registry), pane.Sanitize(cl.Timeout)
		cl.Refused = pane.Sanitize(cl.Refused)
		eps := make([]string, len(cl.Endpoints))
		for j, e := range cl.Endpoints {
			eps[j] = displayEndpoint(pane.Sanitize(e))
		}
		cl.Endpoints = eps
		c.clients[i] = cl
	}
}

// lines renders the section in w cells: a title, then per client its kind
// and target with the registry, and below it the endpoints it calls (or
// the refused list's reason); nothing before a client is built.
func (c *clientsSection) lines(st *pane.Styles, tx *pane.Text, w int) []string {
	if len(c.clients) == 0 {
		return nil
	}
	out := []string{" " + st.Dim.Paint(tx.ClientsTitle)}
	for _, cl := range c.clients {
		head := cl.Target
		if cl.Registry != "" {
			head += "  " + cl.Registry
		}
		kind := pane.PadRight(cl.Transport, 4)
		out = append(out, " "+st.Accent.Paint(kind)+" "+pane.Truncate(head, max(4, w-6)))
		eps, ink := strings.Join(cl.Endpoints, " "), st.StateListening
		if eps == "" {
			eps, ink = tx.ClientNoEndpoint, st.Dim
		}
		for _, l := range pane.WrapText("→ "+eps, max(8, w-7)) {
			out = append(out, "      "+ink.Paint(l))
		}
		ch := c.changes[cl.Label()]
		for _, mark := range []struct {
			ids    []string
			format string
			ink    pane.Ink
		}{{ch.left, tx.ClientLeft, st.StateStopped}, {ch.joined, tx.ClientJoined, st.StateListening}} {
			if len(mark.ids) == 0 {
				continue
			}
			for _, l := range pane.WrapText(fmt.Sprintf(mark.format, pane.Sanitize(strings.Join(mark.ids, ", "))), max(8, w-7)) {
				out = append(out, "      "+mark.ink.Paint(l))
			}
		}
		if cl.Refused != "" {
			for _, l := range pane.WrapText(fmt.Sprintf(tx.ClientRefused, cl.Refused), max(8, w-7)) {
				out = append(out, "      "+st.StateStopped.Paint(l))
			}
		}
	}
	return out
}
