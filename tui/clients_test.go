package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// clientDemo is the demo trace with a client's side as the beershop
// fixture's storefront reports it: its gRPC client for
// discovery:///inventory is built while wire runs, its resolver receives
// the inventory's instance before app.running, and the empty list the
// inventory's leaving brings is refused at app.stop.
func clientDemo(tb testing.TB) []tracer.Event {
	tb.Helper()
	c := tracer.Client{Transport: "grpc", Target: "discovery:///inventory", Registry: "etcd", Timeout: "2s"}
	seen := c
	seen.Endpoints = []string{"grpc://127.0.0.1:9001"}
	refused := seen
	refused.Refused = "Zero endpoint found, refused to write"
	inst := tracer.ServiceInstance{ID: "inventory-1", Name: "inventory", Version: "v1.0.0", Endpoints: seen.Endpoints}
	var out []tracer.Event
	var clients []tracer.Client
	dialed := false
	for _, ev := range tracertest.DemoEvents() {
		switch {
		case ev.Phase == tracer.PhaseWireProvider && ev.IsPhase() && !dialed:
			dialed = true
			out = append(out, ev)
			dial := ev
			dial.Phase, dial.Detail, dial.Discovery, dial.Clients = tracer.PhaseDiscoveryDial, c.Label(), &tracer.Discovery{Client: c}, []tracer.Client{c}
			out = append(out, dial)
			clients = dial.Clients
			continue
		case ev.Phase == tracer.PhaseRunning && ev.IsPhase():
			up := ev
			up.Kind, up.Phase, up.Detail = tracer.KindStop, tracer.PhaseDiscoveryUpdate, c.Label()
			up.Discovery, up.Clients = &tracer.Discovery{Client: seen, Instances: []tracer.ServiceInstance{inst}}, []tracer.Client{seen}
			out = append(out, up)
			clients = up.Clients
		case ev.Phase == tracer.PhaseStop && ev.IsPhase():
			ev.Clients = clients
			out = append(out, ev)
			gone := ev
			gone.Phase, gone.Detail = tracer.PhaseDiscoveryUpdate, c.Label()
			gone.Discovery, gone.Clients = &tracer.Discovery{Client: refused, Instances: []tracer.ServiceInstance{}, Refused: refused.Refused}, []tracer.Client{refused}
			out = append(out, gone)
			clients = gone.Clients
			continue
		}
		if ev.IsPhase() && clients != nil {
			ev.Clients = clients
		}
		out = append(out, ev)
	}
	if !dialed {
		tb.Fatal("the demo trace has no provider")
	}
	return out
}

func TestClientsSectionFollowsTheTrace(t *testing.T) {
	events := clientDemo(t)
	for _, c := range []struct {
		at   tracer.PhaseID
		nth  int
		want []string
		not  []string
	}{
		{tracer.PhaseDiscoveryDial, 1, []string{"CLIENTS", "grpc discovery:///inventory  etcd", "→ no endpoint yet"}, []string{"refused"}},
		// The client's first list: nothing to compare it with.
		{tracer.PhaseRunning, 1, []string{"grpc discovery:///inventory  etcd", "→ grpc://127.0.0.1:9001"}, []string{"no endpoint yet", "refused", "the registry"}},
		{tracer.PhaseDiscoveryUpdate, 2, []string{"→ grpc://127.0.0.1:9001", "left the registry: inventory-1", "refused: Zero endpoint found, refused to write"}, []string{"joined"}},
	} {
		m := modelAt(t, scenario{until: stopAtNth(c.at, c.nth)}, 200, 60, events)
		m.servers.SetSize(120, 30)
		view := ansi.Strip(strings.Join(m.servers.View(), "\n"))
		for _, w := range c.want {
			if !strings.Contains(view, w) {
				t.Errorf("at %s #%d the Servers pane lacks %q:\n%s", c.at, c.nth, w, view)
			}
		}
		for _, w := range c.not {
			if strings.Contains(view, w) {
				t.Errorf("at %s #%d the Servers pane shows %q:\n%s", c.at, c.nth, w, view)
			}
		}
	}
}

func TestGoldenClients(t *testing.T) {
	events := clientDemo(t)
	for _, lang := range []tracer.Lang{tracer.English, tracer.Chinese} {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", lang, w, h), func(t *testing.T) {
				m := modelIn(t, lang, false, scenario{until: stopAtNth(tracer.PhaseDiscoveryUpdate, 2)}, w, h, events)
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

// stopAtNth stops feeding at the nth stop at phase.
func stopAtNth(phase tracer.PhaseID, nth int) func(tracer.Event) bool {
	n := 0
	return func(ev tracer.Event) bool {
		if ev.Kind == tracer.KindStop && ev.Phase == phase {
			n++
		}
		return n == nth && ev.Kind == tracer.KindStop && ev.Phase == phase
	}
}
