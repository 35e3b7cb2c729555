package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// crossingEvents is a two-service system where a request crosses: both
// services up to app.running (the gateway after the greeter), then
// request #1 GET /gateway/x in the gateway, whose call to the greeter
// (request.client) is followed into the greeter's layers under the same
// request id, the replies, and both shutdowns.
func crossingEvents() []tracer.Event {
	greeter, gateway := serviceEvents("greeter"), serviceEvents("gateway")
	g, w := cutAfterStop(greeter, tracer.PhaseRunning), cutAfterStop(gateway, tracer.PhaseRunning)
	req := &tracer.RequestInfo{ID: 1, Transport: "http", Method: "GET", Path: "/gateway/x"}
	hop := &tracer.Hop{From: "gateway", To: "greeter", Call: "grpc /helloworld.v1.Greeter/SayHello", By: tracer.CorrelateCall}
	callee := &tracer.RequestInfo{ID: 1, Transport: "grpc", Path: "helloworld.v1.Greeter/SayHello", Hop: hop}
	reply := *req
	reply.Reply = &tracer.Reply{Code: 200, Status: "200 OK", OK: true}
	calleeReply := *callee
	calleeReply.Reply = &tracer.Reply{Code: 0, Status: "OK", OK: true}
	at := func(svc string, kind tracer.Kind, phase tracer.PhaseID, detail string, r *tracer.RequestInfo, took tracer.Duration) tracer.Event {
		return tracer.Event{Kind: kind, Service: svc, Phase: phase, Detail: detail, Request: r, Took: took}
	}
	stop, ret := tracer.KindStop, tracer.KindReturn
	request := []tracer.Event{
		at("gateway", stop, tracer.PhaseRequestTransport, "http GET /gateway/x", req, 0),
		at("gateway", stop, tracer.PhaseRequestService, "service.GatewayService.X", req, 0),
		at("gateway", stop, tracer.PhaseRequestClient, "grpc discovery:///greeter", req, 0),
		at("greeter", stop, tracer.PhaseRequestTransport, "grpc helloworld.v1.Greeter/SayHello", callee, 0),
		at("greeter", stop, tracer.PhaseRequestService, "service.GreeterService.SayHello", callee, 0),
		at("greeter", stop, tracer.PhaseRequestBiz, "biz.GreeterUsecase.CreateGreeter", callee, 0),
		at("greeter", ret, tracer.PhaseRequestBiz, "biz.GreeterUsecase.CreateGreeter", callee, tracer.Duration(1200e3)),
		at("greeter", ret, tracer.PhaseRequestService, "service.GreeterService.SayHello", callee, tracer.Duration(1900e3)),
		at("greeter", stop, tracer.PhaseRequestReply, "", &calleeReply, 0),
		at("gateway", ret, tracer.PhaseRequestClient, "grpc discovery:///greeter", req, tracer.Duration(4100e3)),
		at("gateway", ret, tracer.PhaseRequestService, "service.GatewayService.X", req, tracer.Duration(5e6)),
		at("gateway", stop, tracer.PhaseRequestReply, "", &reply, 0),
	}
	return systemOf(greeter[:g], gateway[:w], request, gateway[w:], greeter[g:])
}

// greeterAtBiz stops at the greeter's request.biz, inside the gateway's
// call.
func greeterAtBiz(ev tracer.Event) bool {
	return ev.Service == "greeter" && ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRequestBiz
}

// pressKeys sends each key of keys.
func pressKeys(t *testing.T, m Model, keys string) Model {
	t.Helper()
	for _, k := range keys {
		m = update(t, m, tea.KeyPressMsg{Code: k, Text: string(k)})
	}
	return m
}

// TestGoldenSystemTimeline draws the system's timeline in Phases (m):
// the greeter paused at request.biz inside the gateway's call, and the
// whole trace after both shutdowns.
func TestGoldenSystemTimeline(t *testing.T) {
	events := crossingEvents()
	for _, c := range []struct {
		name string
		sc   scenario
	}{
		{"greeter.biz", scenario{until: greeterAtBiz}},
		{"exited", scenario{until: func(tracer.Event) bool { return false }, closed: true}},
	} {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, w, h), func(t *testing.T) {
				m := modelAt(t, c.sc, w, h, events)
				m = pressKeys(t, m, "m")
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

// TestSystemTimelineTree checks the merged timeline's rows: every stop of
// both services in the order they came, with the service on each, and
// the request as one tree, the greeter's layers nested under the
// gateway's request.client.
func TestSystemTimelineTree(t *testing.T) {
	m := modelAt(t, scenario{until: func(tracer.Event) bool { return false }, closed: true}, 120, 40, crossingEvents())
	lines := m.sys.timeline.Lines()
	idx := func(s string) int {
		return slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, s) })
	}
	order := []string{
		"greeter app.running",
		"gateway flag.parse",
		"gateway app.running",
		"#1 GET /gateway/x",
		"gateway  transport",
		"gateway   service",
		"gateway    client",
		"greeter     transport",
		"greeter      service",
		"greeter       biz",
		"greeter     reply",
		"gateway  reply",
		"gateway app.stop",
	}
	last := -1
	for _, want := range order {
		i := idx(want)
		if i < 0 {
			t.Fatalf("no row %q in the timeline:\n%s", want, strings.Join(lines, "\n"))
		}
		if i <= last {
			t.Errorf("row %q is out of order:\n%s", want, strings.Join(lines, "\n"))
		}
		last = i
	}
	if n := strings.Count(strings.Join(lines, "\n"), "#1 GET /gateway/x"); n != 1 {
		t.Errorf("the request has %d headings, want one tree", n)
	}
}

// TestSystemTimelineFlow toggles Phases between the service and the
// system with m, and selects a row of the other service, which shows its
// panes and says it is not the paused one.
func TestSystemTimelineFlow(t *testing.T) {
	m := modelAt(t, scenario{until: greeterAtBiz}, 120, 40, crossingEvents())
	s := screen(t, m, 120, 40)
	if strings.Contains(s, "gateway ●    client") {
		t.Fatalf("Phases is not the service's:\n%s", s)
	}
	if !strings.Contains(screen(t, pressKeys(t, m, "?"), 120, 40), "system timeline") {
		t.Errorf("the full help lacks m")
	}
	m = pressKeys(t, m, "m")
	s = screen(t, m, 120, 40)
	for _, want := range []string{"Phases  system", "#1 GET /gateway/x", "gateway ●    client grpc", "greeter ⏸", "m this service"} {
		if !strings.Contains(s, want) {
			t.Errorf("the system view lacks %q:\n%s", want, s)
		}
	}
	// Up to the gateway's request.client: the gateway's panes come.
	m = pressKeys(t, m, "kkk")
	if got := m.sys.svcs[m.service].name; got != "gateway" {
		t.Fatalf("selecting a gateway row shows %s", got)
	}
	if !strings.Contains(m.trace.notice, "gateway is not the paused service") {
		t.Errorf("no word that the gateway is not paused: %q", m.trace.notice)
	}
	// Back down to the greeter's row: its panes again.
	m = pressKeys(t, m, "jjj")
	if got := m.sys.svcs[m.service].name; got != "greeter" {
		t.Fatalf("selecting the greeter's row shows %s", got)
	}
	m = pressKeys(t, m, "m")
	if s := screen(t, m, 120, 40); strings.Contains(s, "Phases  system") {
		t.Errorf("m did not bring the service's Phases back:\n%s", s)
	}
}

// TestFlowSystemTimeline runs the TUI on a real tracer/system of two
// fakes and toggles Phases to the system's timeline with m: both
// services' rows in the order they came, the paused gateway's marked, the
// mark moving with n, and m back to the service's own Phases.
func TestFlowSystemTimeline(t *testing.T) {
	tm, rec, _ := startSystemFlow(t)
	see := func(what string, want ...string) snapshot {
		t.Helper()
		return rec.waitForAll(t, what, want...)
	}
	see("the greeter paused first", "[greeter] ⏸ paused at flag.parse")
	for s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused }); s.phase != tracer.PhaseRunning; {
		s = next(t, tm, rec, "n")
	}
	press(tm, "n")
	see("the gateway paused", "[gateway] ⏸ paused at flag.parse")

	press(tm, "m")
	see("the system's timeline", "Phases  system", "greeter ● app.running", "gateway ⏸ flag.parse", "m this service")
	press(tm, "n")
	s := see("the gateway's next stop in the timeline", "gateway ● flag.parse", "gateway ⏸ config.load")
	if strings.Index(s.screen, "greeter ● app.running") > strings.Index(s.screen, "gateway ● flag.parse") {
		t.Errorf("the rows are not in the order they came:\n%s", s.screen)
	}
	press(tm, "m")
	s = rec.waitFor(t, "the gateway's own Phases", func(s snapshot) bool { return !strings.Contains(s.screen, "Phases  system") })
	if strings.Contains(s.screen, "greeter ● app.running") {
		t.Errorf("the service's Phases shows the greeter's rows:\n%s", s.screen)
	}
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestTimelineKeysActOnTheRowsService checks b and enter in the system's
// timeline: each acts on the selected row in its own service's Phases,
// though another service is shown, and on a request's heading says so
// instead of acting on anything.
func TestTimelineKeysActOnTheRowsService(t *testing.T) {
	m := modelAt(t, scenario{until: greeterAtBiz}, 120, 40, crossingEvents())
	m = pressKeys(t, m, "mkkk") // the gateway's request.client
	m = pressKeys(t, m, "]")    // the greeter shown
	if got := m.sys.svcs[m.service].name; got != "greeter" {
		t.Fatalf("] shows %s", got)
	}
	m = pressKeys(t, m, "b")
	gateway := m.services[m.sys.index("gateway")]
	if got := m.sys.svcs[m.service].name; got != "gateway" || gateway.phases.SelectedKey().Phase != tracer.PhaseRequestClient {
		t.Errorf("b on the gateway's client row: %s shown, its Phases at %s", got, gateway.phases.SelectedKey().Phase)
	}
	for i, set := range m.services {
		if !set.phases.BreakOff(tracer.PhaseRequestClient) {
			t.Errorf("b on the client row left request.client's break on in service %d", i)
		}
	}
	if !strings.Contains(m.trace.notice, "break off at request.client") || !m.sys.view {
		t.Errorf("after b: notice %q, system view %v", m.trace.notice, m.sys.view)
	}

	// enter on the greeter's service row, the gateway shown: the greeter's
	// own Phases, at that row.
	m = pressKeys(t, m, "jj[")
	if got := m.sys.svcs[m.service].name; got != "gateway" {
		t.Fatalf("[ shows %s", got)
	}
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	greeter := m.services[m.sys.index("greeter")]
	s := screen(t, m, 120, 40)
	if got := m.sys.svcs[m.service].name; got != "greeter" || m.sys.view || m.focus != panePhases ||
		greeter.phases.SelectedKey().Phase != tracer.PhaseRequestService {
		t.Errorf("enter on the greeter's service row: %s shown, system view %v, focus %s, its Phases at %s:\n%s",
			got, m.sys.view, m.focus, greeter.phases.SelectedKey().Phase, s)
	}
	if strings.Contains(s, "Phases  system") || !strings.Contains(s, "[greeter] ⏸ paused at request.biz") {
		t.Errorf("enter did not bring the greeter's own Phases:\n%s", s)
	}

	// The request's heading: a word, and nothing done.
	m = pressKeys(t, m, "m")
	for !strings.HasPrefix(m.sys.timeline.Lines()[m.sys.timeline.Selected()], "#1 GET") {
		m = pressKeys(t, m, "k")
	}
	m = pressKeys(t, m, "b")
	if !strings.Contains(m.trace.notice, "a request's heading") || !m.sys.view {
		t.Errorf("b on the heading: notice %q, system view %v", m.trace.notice, m.sys.view)
	}
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if !strings.Contains(m.trace.notice, "a request's heading") || !m.sys.view {
		t.Errorf("enter on the heading: notice %q, system view %v", m.trace.notice, m.sys.view)
	}
	if n := strings.Count(screen(t, pressKeys(t, m, "?"), 120, 40), "enter "); n != 1 {
		t.Errorf("the full help lists enter %d times, want once", n)
	}
}

// TestFlowSystemTimelineKeys runs the TUI on a real tracer/system of two
// fakes: in the system's timeline, b on a row of the greeter while the
// gateway is shown turns that phase's break off in the system, and enter
// on a row of the gateway while the greeter is shown brings the gateway's
// own Phases at that row.
func TestFlowSystemTimelineKeys(t *testing.T) {
	tm, rec, _ := startSystemFlow(t)
	for s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused }); s.phase != tracer.PhaseRunning; {
		s = next(t, tm, rec, "n")
	}
	press(tm, "n")
	rec.waitForAll(t, "the gateway paused", "[gateway] ⏸ paused at flag.parse")
	press(tm, "m")
	rec.waitForAll(t, "the system's timeline", "Phases  system", "gateway ⏸ flag.parse")
	// Up to the greeter's app.running (its panes come), ] to the gateway's.
	press(tm, "k")
	press(tm, "]")
	done := len(rec.waitForAll(t, "the gateway shown", "[gateway] ⏸ paused at flag.parse").done)
	press(tm, "b")
	s := rec.waitFor(t, "the break set off", func(s snapshot) bool { return len(s.done) > done })
	for _, want := range []string{"[greeter] ● running", "break off at app.running"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("after b on the greeter's app.running row, the screen lacks %q:\n%s", want, s.screen)
		}
	}
	if got := s.done[len(s.done)-1]; got != "break" {
		t.Errorf("b sent %q, want break", got)
	}
	// Down to the gateway's flag.parse, [ to the greeter, enter: the
	// gateway's own Phases.
	press(tm, "j")
	press(tm, "[")
	rec.waitForAll(t, "the greeter shown", "[greeter] ● running")
	press(tm, "enter")
	s = rec.waitFor(t, "the gateway's own Phases", func(s snapshot) bool {
		return !strings.Contains(s.screen, "Phases  system") && strings.Contains(s.screen, "[gateway] ⏸ paused at flag.parse")
	})
	if s.focus != "Phases" || strings.Contains(s.screen, "greeter ● app.running") {
		t.Errorf("enter did not show the gateway's own Phases, focused (%s):\n%s", s.focus, s.screen)
	}
	// The break is the system's: the gateway passes its app.running.
	for s.phase != tracer.PhaseAfterStart {
		s = next(t, tm, rec, "n")
	}
	press(tm, "n")
	rec.waitForAll(t, "the gateway past app.running", "↷ app.running")
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
