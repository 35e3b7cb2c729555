package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
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
