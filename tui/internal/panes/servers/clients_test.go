package servers

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// TestClientsMarkWhatTheLastUpdateChanged: each client's section says which
// instances left and joined the registry at its last update, against its
// own previous list; a client's first list and an update that changes
// nothing say neither.
func TestClientsMarkWhatTheLastUpdateChanged(t *testing.T) {
	grpcClient := tracer.Client{Transport: "grpc", Target: "discovery:///inventory", Registry: "etcd"}
	httpClient := tracer.Client{Transport: "http", Target: "discovery:///inventory", Registry: "etcd"}
	one := tracer.ServiceInstance{ID: "inventory-1", Endpoints: []string{"grpc://127.0.0.1:9001"}}
	two := tracer.ServiceInstance{ID: "inventory-2", Endpoints: []string{"grpc://127.0.0.1:9002"}}
	p := New(pane.NewStyles(), pane.TextFor(tracer.English))
	p.SetSize(80, 30)
	update := func(c tracer.Client, list ...tracer.ServiceInstance) string {
		p.NoteRegistry(tracer.Event{Kind: tracer.KindStop, Phase: tracer.PhaseDiscoveryUpdate, Discovery: &tracer.Discovery{Client: c, Instances: list}})
		p.SetClients([]tracer.Client{grpcClient, httpClient})
		return ansi.Strip(strings.Join(p.View(), "\n"))
	}
	for _, c := range []struct {
		name      string
		view      string
		want, not []string
	}{
		{"first lists", func() string { update(grpcClient, one); return update(httpClient, one) }(), nil, []string{"left", "joined"}},
		{"the gRPC client's list empties", update(grpcClient), []string{"left the registry: inventory-1"}, []string{"joined"}},
		{"it comes back with another", update(grpcClient, one, two), []string{"joined the registry: inventory-1, inventory-2"}, []string{"left"}},
		{"the HTTP client's list again", update(httpClient, one), []string{"joined the registry: inventory-1, inventory-2"}, []string{"left"}},
		{"the same list again", update(grpcClient, one, two), nil, []string{"left", "joined"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.view, w) {
				t.Errorf("%s: the pane lacks %q:\n%s", c.name, w, c.view)
			}
		}
		for _, w := range c.not {
			if strings.Contains(c.view, w) {
				t.Errorf("%s: the pane shows %q:\n%s", c.name, w, c.view)
			}
		}
	}
}
