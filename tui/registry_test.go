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

// registeredDemo is the demo trace as it reads with an etcd answering: the
// App has a registrar, app.register and app.deregister are stops carrying
// the instance.
func registeredDemo(tb testing.TB) []tracer.Event {
	tb.Helper()
	inst := &tracer.ServiceInstance{
		ID: "devbox", Name: "kratos-trace-demo", Version: "v0.1.0",
		Metadata:  map[string]string{"zone": "local", "owner": "kratos-trace"},
		Endpoints: []string{"grpc://127.0.0.1:9000?isSecure=false", "http://127.0.0.1:8000?isSecure=false"},
	}
	events := tracertest.DemoEvents()
	var out []tracer.Event
	found := false
	for _, ev := range events {
		if ev.Phase == tracer.PhaseRegister && ev.IsPhase() {
			ev.Kind, ev.Skipped, ev.Reason = tracer.KindStop, false, ""
			ev.Registrar, ev.Instance = "etcd", inst
			found = true
		}
		out = append(out, ev)
		if ev.Phase == tracer.PhaseStop && ev.IsPhase() {
			dereg := ev
			dereg.Seq, dereg.Phase, dereg.Registrar, dereg.Instance = ev.Seq, tracer.PhaseDeregister, "etcd", inst
			out = append(out, dereg)
		}
	}
	if !found {
		tb.Fatal("the demo trace has no app.register")
	}
	return out
}

func TestGoldenRegistry(t *testing.T) {
	events := registeredDemo(t)
	for _, lang := range []tracer.Lang{tracer.English, tracer.Chinese} {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", lang, w, h), func(t *testing.T) {
				m := modelIn(t, lang, false, scenario{until: stopAt(tracer.PhaseRegister)}, w, h, events)
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

func TestRegistrySectionFollowsTheTrace(t *testing.T) {
	events := registeredDemo(t)
	for _, c := range []struct {
		at   tracer.PhaseID
		want []string
		not  []string
	}{
		{tracer.PhaseRunning, []string{"REGISTRY", "etcd  registered", "devbox · kratos-trace-demo v0.1.0", "owner=kratos-trace zone=local", "grpc://127.0.0.1:9000 http://127.0.0.1:8000"}, []string{"registering", "isSecure"}},
		{tracer.PhaseDeregister, []string{"etcd  deregistering"}, nil},
		{tracer.PhaseServerStop, []string{"etcd  deregistered"}, nil},
	} {
		m := modelAt(t, scenario{until: stopAt(c.at)}, 200, 60, events)
		m.servers.SetSize(120, 20)
		view := ansi.Strip(strings.Join(m.servers.View(), "\n"))
		for _, w := range c.want {
			if !strings.Contains(view, w) {
				t.Errorf("at %s the Servers pane lacks %q:\n%s", c.at, w, view)
			}
		}
		for _, w := range c.not {
			if strings.Contains(view, w) {
				t.Errorf("at %s the Servers pane shows %q:\n%s", c.at, w, view)
			}
		}
	}

	// The demo as recorded, without etcd: no section; the Phases pane
	// says why app.register was skipped.
	m := modelAt(t, scenario{until: stopAt(tracer.PhaseRunning)}, 200, 60, tracertest.DemoEvents())
	m.servers.SetSize(120, 20)
	if view := ansi.Strip(strings.Join(m.servers.View(), "\n")); strings.Contains(view, "REGISTRY") {
		t.Errorf("without a registrar the Servers pane has a registry section:\n%s", view)
	}

	// An App built without kratos.Version or kratos.Metadata: both are
	// shown empty, not left out.
	bare := registeredDemo(t)
	for i := range bare {
		if bare[i].Instance != nil {
			bare[i].Instance = &tracer.ServiceInstance{ID: "devbox", Name: "bare", Endpoints: bare[i].Instance.Endpoints}
		}
	}
	m = modelAt(t, scenario{until: stopAt(tracer.PhaseRunning)}, 200, 60, bare)
	m.servers.SetSize(120, 20)
	view := ansi.Strip(strings.Join(m.servers.View(), "\n"))
	for _, w := range []string{`devbox · bare ""`, "METADATA   {}"} {
		if !strings.Contains(view, w) {
			t.Errorf("an instance without version and metadata: the Servers pane lacks %q:\n%s", w, view)
		}
	}

	// A failed Register.
	m = modelAt(t, scenario{until: stopAt(tracer.PhaseRegister)}, 200, 60, events)
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: tracer.Event{Kind: tracer.KindError, Phase: tracer.PhaseRegister, Error: "app.register failed: context deadline exceeded"}})
	m.servers.SetSize(120, 20)
	if view := ansi.Strip(strings.Join(m.servers.View(), "\n")); !strings.Contains(view, "etcd  register failed") {
		t.Errorf("after a failed Register the Servers pane says:\n%s", view)
	}
}
