package tui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// requesterFake plays the recorded trace with requests, and answers Routes
// with what a live session reads from the demo; Send records the request
// and lets the recording go on to that request's stops.
type requesterFake struct {
	*tracertest.Fake
	mu   sync.Mutex
	sent []tracer.RequestSpec
}

var demoRoutes = []tracer.Route{
	{Transport: "http", Method: "GET", Path: "/helloworld/{name}", Example: tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/helloworld/kratos"}},
	{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello", Example: tracer.RequestSpec{Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello", Body: `{"name":"kratos"}`}},
}

func (f *requesterFake) Routes(context.Context) ([]tracer.Route, error) { return demoRoutes, nil }

func (f *requesterFake) Send(ctx context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	f.mu.Lock()
	f.sent = append(f.sent, spec)
	n := len(f.sent)
	f.mu.Unlock()
	return tracer.RequestInfo{ID: n}, f.Continue(ctx)
}

func (f *requesterFake) sentSpecs() []tracer.RequestSpec {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tracer.RequestSpec(nil), f.sent...)
}

// TestFlowRequestPicker: at app.running, R opens the picker with the App's
// routes; the gRPC method is picked, its example edited and sent; the
// request's stops then show under its header in the timeline.
func TestFlowRequestPicker(t *testing.T) {
	fake := &requesterFake{Fake: tracertest.NewFake(tracertest.RequestEvents())}
	tm, rec := startFlowOn(t, fake)

	// Before app.running, R says where requests can be sent.
	press(tm, "R")
	rec.waitFor(t, "the flash", func(s snapshot) bool { return strings.Contains(s.screen, "requests are sent once the App serves") })
	for i := 0; i < 40; i++ {
		if s := next(t, tm, rec, "n"); s.phase == tracer.PhaseRunning {
			break
		}
	}
	s := rec.waitFor(t, "app.running", pausedAt(tracer.PhaseRunning))
	if !strings.Contains(s.screen, "R request") {
		t.Errorf("the hints do not offer R at app.running:\n%s", s.screen)
	}

	press(tm, "R")
	s = rec.waitFor(t, "the routes", func(s snapshot) bool { return strings.Contains(s.screen, "grpc  grpc helloworld.v1.Greeter/SayHello") })
	for _, want := range []string{"Request", "http  GET /helloworld/{name}", "↑/↓ pick · enter edit · esc close"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("the picker lacks %q:\n%s", want, s.screen)
		}
	}
	press(tm, "j")
	press(tm, "enter")
	rec.waitFor(t, "the example to edit", func(s snapshot) bool {
		return strings.Contains(s.screen, `› grpc helloworld.v1.Greeter/SayHello {"name":"kratos"}`)
	})
	// Edit the name: kratos → "" (a biz error).
	for i := 0; i < len(`kratos"}`); i++ {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type(`"}`)
	rec.waitFor(t, "the edited request", func(s snapshot) bool {
		return strings.Contains(s.screen, `› grpc helloworld.v1.Greeter/SayHello {"name":""}`)
	})
	// A mistake is one line in the picker, which stays open.
	tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	press(tm, "enter")
	rec.waitFor(t, "the error", func(s snapshot) bool { return strings.Contains(s.screen, "is not a JSON object") })
	tm.Type("}")
	press(tm, "enter")
	s = rec.waitFor(t, "the request's first stop", pausedAt(tracer.PhaseRequestTransport))
	if got := fake.sentSpecs(); len(got) != 1 || got[0].String() != `grpc helloworld.v1.Greeter/SayHello {"name":""}` {
		t.Errorf("sent %v", got)
	}
	// The fake plays its recording on, whose first request is GET
	// /helloworld/kratos: the timeline shows that one, under its header.
	for _, want := range []string{"#1 GET /helloworld/kratos", "▶  transport http"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, s.screen)
		}
	}
	// esc closes the picker without sending.
	for i := 0; i < 20; i++ {
		if s = next(t, tm, rec, "n"); s.phase == tracer.PhaseRequestReply {
			break
		}
	}
	press(tm, "R")
	rec.waitFor(t, "the picker", func(s snapshot) bool { return strings.Contains(s.screen, "enter edit") })
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	rec.waitFor(t, "the picker closed", func(s snapshot) bool { return !strings.Contains(s.screen, "enter edit") })
	if n := len(fake.sentSpecs()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
	quit(t, tm, fake.Fake)
}

// TestPickerTakesAPaste checks that text pasted while a request is edited
// goes into it: the terminal sends a paste as one message, not as keys.
func TestPickerTakesAPaste(t *testing.T) {
	m := NewModel(Options{Target: "./demo", NoAnimation: true})
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m.picker = requestPicker{open: true, input: textinput.New()}
	m = update(t, m, tea.PasteMsg{Content: "ignored"})
	if v := m.picker.input.Value(); v != "" {
		t.Errorf("a paste into the list of routes typed %q", v)
	}
	m.picker.edit("POST /helloworld ")
	m = update(t, m, tea.PasteMsg{Content: `{"name":"kratos"}`})
	if v, want := m.picker.input.Value(), `POST /helloworld {"name":"kratos"}`; v != want {
		t.Errorf("after a paste the request is %q, want %q", v, want)
	}
}

// TestPickerListsEveryServiceRoutes: in a system the picker lists every
// service's routes, each with its service's name, and the route picked is
// edited with its service, as --request 'SERVICE: …' names it.
func TestPickerListsEveryServiceRoutes(t *testing.T) {
	m := NewModel(Options{Target: "system kratos-trace.yaml", NoAnimation: true})
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	routes := []tracer.Route{
		{Transport: "http", Method: "GET", Path: "/stock/{name}", Example: tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/stock/kratos", Service: "storefront"}},
		{Transport: "grpc", Path: "inventory.v1.Inventory/GetStock", Example: tracer.RequestSpec{Transport: "grpc", Path: "inventory.v1.Inventory/GetStock", Body: `{"value":""}`, Service: "inventory"}},
	}
	m.picker = requestPicker{keys: newPickerKeys(), open: true, input: textinput.New(), routes: routes}
	lines := strings.Join(m.pickerLines(100, 20), "\n")
	for _, want := range []string{"storefront http  GET /stock/{name}", "inventory  grpc  grpc inventory.v1.Inventory/GetStock"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the picker lacks %q:\n%s", want, lines)
		}
	}
	m = update(t, m, tea.KeyPressMsg{Code: 'j', Text: "j"})
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if v, want := m.picker.input.Value(), `inventory: grpc inventory.v1.Inventory/GetStock {"value":""}`; !m.picker.editing || v != want {
		t.Errorf("picking the inventory's route edits %q (editing %v), want %q", v, m.picker.editing, want)
	}
}
