package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// systemRoutes are the routes of a system whose greeter serves many: more
// than the picker's box holds at 120x40.
func systemRoutes() []tracer.Route {
	var routes []tracer.Route
	http := func(svc, method, path string) {
		routes = append(routes, tracer.Route{Transport: "http", Method: method, Path: path,
			Example: tracer.RequestSpec{Transport: "http", Method: method, Path: path, Service: svc}})
	}
	grpc := func(svc, method string) {
		routes = append(routes, tracer.Route{Transport: "grpc", Path: method,
			Example: tracer.RequestSpec{Transport: "grpc", Path: method, Body: "{}", Service: svc}})
	}
	http("greeter", "GET", "/helloworld/{name}")
	for _, verb := range []string{"Create", "Update", "Delete", "Get", "List"} {
		http("greeter", "POST", "/v1/greeters/"+strings.ToLower(verb))
		grpc("greeter", "helloworld.v1.Greeter/"+verb+"Greeter")
	}
	grpc("greeter", "helloworld.v1.Greeter/SayHello")
	return routes
}

// withPicker is m with the picker open on routes, as the Routes of a
// system answer them, with err (the services whose routes could not be
// read).
func withPicker(t *testing.T, m Model, routes []tracer.Route, err error) Model {
	t.Helper()
	m.picker = requestPicker{keys: newPickerKeys(), open: true, loading: true, input: textinput.New()}
	return update(t, m, routesMsg{gen: m.trace.gen, routes: routes, err: err})
}

// gatewayNotServing is a system's Routes error while the gateway boots.
var gatewayNotServing = errors.Join(&tracer.ServiceRoutesError{Service: "gateway", Err: tracer.ErrNotServing})

// TestGoldenSystemPicker draws the request picker of a system while the
// gateway boots: the greeter's routes fill the box, with how many more
// there are above and below, and the gateway, whose routes cannot be read
// yet, is one red line that says why; "scrolled" is the same further
// down the list.
func TestGoldenSystemPicker(t *testing.T) {
	for _, c := range []struct {
		name, keys string
	}{
		{"listed", ""},
		{"scrolled", "jjjjjjjj"},
	} {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, w, h), func(t *testing.T) {
				m := modelAt(t, scenario{until: gatewayAtConfigScan}, w, h, systemEvents())
				m = withPicker(t, m, systemRoutes(), gatewayNotServing)
				m = pressKeys(t, m, c.keys)
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

// TestPickerFillsItsBox checks that the picker lists as many routes as
// its box holds beside its other lines, says how many more there are, and
// names the service whose routes are missing.
func TestPickerFillsItsBox(t *testing.T) {
	m := modelAt(t, scenario{until: gatewayAtConfigScan}, 120, 40, systemEvents())
	m = withPicker(t, m, systemRoutes(), gatewayNotServing)
	for _, h := range []int{5, 9, 14, 30} {
		lines := m.pickerLines(100, h)
		shown := 0
		for _, l := range lines {
			if strings.HasPrefix(l, " greeter ") || strings.Contains(l, "greeter http ") || strings.Contains(l, "greeter grpc ") {
				shown++
			}
		}
		// The failure, the blank and the keys take three rows; the count
		// of those out of sight one more.
		all, room := len(systemRoutes()), h-3
		want := all
		if all > room {
			want = max(1, room-1)
		}
		if shown != want || len(lines) > max(h, 5) {
			t.Errorf("in %d rows: %d routes of %d in %d lines, want %d:\n%s", h, shown, all, len(lines), want, strings.Join(lines, "\n"))
		}
		if more := strings.Contains(strings.Join(lines, "\n"), "more below"); more != (want < all) {
			t.Errorf("in %d rows, %d of %d routes shown, and the count of those below is there: %v", h, want, all, more)
		}
		if !strings.Contains(strings.Join(lines, "\n"), "✗ gateway: no routes: the App is not serving") {
			t.Errorf("in %d rows the gateway's missing routes are not named:\n%s", h, strings.Join(lines, "\n"))
		}
	}
	// At the end of the list: only the count of those above.
	m = pressKeys(t, m, strings.Repeat("j", 20))
	if s := strings.Join(m.pickerLines(100, 9), "\n"); !strings.Contains(s, "more above") || strings.Contains(s, "more below") {
		t.Errorf("at the end of the list:\n%s", s)
	}
}

// TestFlowSystemPickerEveryService runs the TUI on a real tracer/system of
// two fakes that serve routes from app.running: while the gateway boots,
// R lists the greeter's routes and says the gateway has none yet, in red;
// once both run on, R lists both services' routes, and each route picked
// and sent goes to its own service.
func TestFlowSystemPickerEveryService(t *testing.T) {
	route := func(method, path string) tracer.Route {
		return tracer.Route{Transport: "http", Method: method, Path: path,
			Example: tracer.RequestSpec{Transport: "http", Method: method, Path: strings.ReplaceAll(path, "{name}", "kratos")}}
	}
	fakes := map[string]*tracertest.Fake{
		"greeter": tracertest.NewFake(serviceEvents("greeter")).WaitForSignal(),
		"gateway": tracertest.NewFake(serviceEvents("gateway")).WaitForSignal(),
	}
	routes := map[string][]tracer.Route{
		"greeter": {route("GET", "/helloworld/{name}"), route("DELETE", "/helloworld/{name}")},
		"gateway": {route("GET", "/gateway/{name}")},
	}
	tm, rec, services := startSystemFlowOf(t, fakes, routes)
	untilStrip := func(want string) snapshot {
		t.Helper()
		s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused })
		for !strings.Contains(s.screen, want) {
			s = next(t, tm, rec, "n")
		}
		return s
	}
	untilStrip("[greeter] ⏸ paused at app.running")
	press(tm, "n")
	rec.waitForAll(t, "the gateway booting", "[gateway] ⏸ paused at flag.parse")

	press(tm, "R")
	rec.waitForAll(t, "the greeter's routes, the gateway's missing",
		"greeter http  GET /helloworld/{name}", "greeter http  DELETE /helloworld/{name}",
		"✗ gateway: no routes: the App is not serving", "1/2")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	rec.waitFor(t, "the picker closed", func(s snapshot) bool { return !strings.Contains(s.screen, "enter edit") })

	// Both run on past app.running: every service's routes, each sent to
	// its own service.
	done := len(untilStrip("[gateway] ⏸ paused at app.running").done)
	press(tm, "n")
	rec.waitFor(t, "both running on", func(s snapshot) bool {
		// The system has let the gateway go: the picker lists in the order
		// of the services, none paused to come first.
		return len(s.done) > done && strings.Contains(s.screen, "greeter ● running │ [gateway] ● running")
	})
	want := []struct{ service, text string }{
		{"greeter", "GET /helloworld/kratos"},
		{"greeter", "DELETE /helloworld/kratos"},
		{"gateway", "GET /gateway/kratos"},
	}
	for i, w := range want {
		press(tm, "R")
		rec.waitForAll(t, "every service's routes", "greeter http  GET /helloworld/{name}", "gateway http  GET /gateway/{name}", "1/3")
		press(tm, strings.Repeat("j", i))
		press(tm, "enter")
		rec.waitForAll(t, "the route picked, to edit", "› "+w.service+": "+w.text)
		svc := services[w.service]
		before := len(svc.sentSpecs())
		press(tm, "enter")
		rec.waitFor(t, "the request sent to "+w.service, func(snapshot) bool { return len(svc.sentSpecs()) > before })
		got := svc.sentSpecs()
		if last := got[len(got)-1]; last.Service != w.service || last.String() != w.text {
			t.Errorf("route %d sent %+v to %s, want %q to %s", i, last, w.service, w.text, w.service)
		}
	}
	if n, m := len(services["greeter"].sentSpecs()), len(services["gateway"].sentSpecs()); n != 2 || m != 1 {
		t.Errorf("the greeter got %d requests and the gateway %d, want 2 and 1", n, m)
	}
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
