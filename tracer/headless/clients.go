package headless

import (
	"fmt"
	"io"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// clientWords are the words of the client side's lines: discovery and
// outgoing calls (in lang.go's table).
type clientWords struct {
	clients string
	cols    [5]string
	// dial describes a client built: transport and target, registry,
	// timeout.
	dial string
	// received heads an instance list; left and joined say which
	// instances changed against the client's previous list; refused says
	// Kratos refused it and what the client keeps.
	received, left, joined, refused, keeps string
	// call, metadata, picked and lifted describe an outgoing call.
	call, metadata, picked, lifted, failed string
}

func clientWordsFor(lang tracer.Lang) *clientWords {
	return &wordsFor(lang).clients
}

// printDiscovery prints what a discovery phase saw: the client built, or
// the instance list its resolver received, which instances left or joined
// the registry since the client's previous list, and whether it was
// refused.
func (p *printer) printDiscovery(w io.Writer, ev tracer.Event) {
	d := ev.Discovery
	if d == nil {
		return
	}
	cw := clientWordsFor(p.opts.Lang)
	c := d.Client
	if ev.Phase == tracer.PhaseDiscoveryDial {
		fmt.Fprintf(w, "  "+cw.dial+"\n", c.Label(), dash(c.Registry), dash(c.Timeout))
		return
	}
	fmt.Fprintf(w, "  "+cw.received+"\n", len(d.Instances))
	for _, in := range d.Instances {
		fmt.Fprintf(w, "    %s  %s  %s\n", in.ID, dash(in.Version), strings.Join(in.Endpoints, " "))
	}
	if prev, ok := p.lastInstances[c.Label()]; ok {
		left, joined := tracer.InstanceChanges(prev, d.Instances)
		if len(left) > 0 {
			fmt.Fprintf(w, "  "+cw.left+"\n", strings.Join(left, ", "))
		}
		if len(joined) > 0 {
			fmt.Fprintf(w, "  "+cw.joined+"\n", strings.Join(joined, ", "))
		}
	}
	if p.lastInstances == nil {
		p.lastInstances = map[string][]tracer.ServiceInstance{}
	}
	p.lastInstances[c.Label()] = d.Instances
	if d.Refused != "" {
		fmt.Fprintf(w, "  "+cw.refused+"\n", d.Refused)
		if len(c.Endpoints) > 0 {
			fmt.Fprintf(w, "  "+cw.keeps+"\n", strings.Join(c.Endpoints, " "))
		}
	}
}

// formatClients renders the clients as a table.
func formatClients(clients []tracer.Client, cw *clientWords) string {
	rows := [][]string{cw.cols[:]}
	for _, c := range clients {
		eps := strings.Join(c.Endpoints, " ")
		if c.Refused != "" {
			eps += " (" + fmt.Sprintf(cw.refused, c.Refused) + ")"
		}
		rows = append(rows, []string{c.Transport, c.Target, dash(c.Registry), dash(c.Timeout), dash(strings.TrimSpace(eps))})
	}
	var b strings.Builder
	writeTable(&b, rows)
	return b.String()
}

// FormatClients renders clients as an aligned table with English titles.
func FormatClients(clients []tracer.Client) string {
	return formatClients(clients, clientWordsFor(tracer.English))
}

// printClients prints the Clients section when it changed since the last
// one printed, as the Servers section is.
func (p *printer) printClients(ev tracer.Event) {
	if len(ev.Clients) == 0 {
		return
	}
	cw := clientWordsFor(p.opts.Lang)
	table := formatClients(ev.Clients, cw)
	if table == p.lastClients {
		return
	}
	p.lastClients = table
	fmt.Fprintln(p.opts.Out, "  "+cw.clients)
	for _, line := range strings.Split(strings.TrimRight(table, "\n"), "\n") {
		fmt.Fprintf(p.opts.Out, "    %s\n", line)
	}
}

// printClientCall prints an outgoing call: at its stop what is called,
// through which target, with which metadata; at its return the endpoint
// picked, the timeout lifted and the error.
func printClientCall(w io.Writer, ev tracer.Event, lang tracer.Lang) {
	c := ev.Call
	if c == nil {
		return
	}
	cw := clientWordsFor(lang)
	if ev.Kind != tracer.KindReturn {
		fmt.Fprintf(w, "  "+cw.call+"\n", c.Transport+" "+c.Operation, c.Target)
		if len(c.Metadata) > 0 {
			fmt.Fprintf(w, "  %s: %s\n", cw.metadata, strings.Join(c.Metadata, ", "))
		}
		return
	}
	if c.Endpoint != "" {
		fmt.Fprintf(w, "  "+cw.picked+"\n", c.Endpoint)
	}
	if c.TimeoutLifted != "" {
		fmt.Fprintf(w, "  "+cw.lifted+"\n", c.TimeoutLifted)
	}
	if c.Error != "" {
		fmt.Fprintf(w, "  "+cw.failed+"\n", tracer.OneLine(c.Error, 300))
	}
}
