package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/system"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// serviceEvents are the demo's events as the service name of a system
// delivers them, with a line of output that names it just before its stop
// at app.running.
func serviceEvents(name string) []tracer.Event {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		if ev.Session != nil {
			s := *ev.Session
			s.Target = "./" + name
			ev.Session = &s
		}
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRunning {
			events = append(events, tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: "stdout", Text: "hello from " + name}})
		}
		events = append(events, ev)
	}
	for i := range events {
		events[i].Service = name
	}
	return events
}

// systemEvents is a two-service system's trace as tracer/system merges
// it: the plan; the greeter up to its stop at app.running; the gateway,
// started then, up to its stop at config.scan (the greeter serving); the
// greeter's and the gateway's shutdowns.
func systemEvents() []tracer.Event {
	greeter, gateway := serviceEvents("greeter"), serviceEvents("gateway")
	g := cutAfterStop(greeter, tracer.PhaseRunning)
	return systemOf(greeter[:g],
		[]tracer.Event{{Kind: tracer.KindStatus, Service: "gateway", Status: "starting: greeter at app.running"}},
		gateway, greeter[g:])
}

// systemOf is the plan of the greeter and the gateway (after it), then
// the parts, numbered.
func systemOf(parts ...[]tracer.Event) []tracer.Event {
	out := []tracer.Event{{Kind: tracer.KindStatus, Status: "tracing the system of greeter, gateway", System: &tracer.SystemPlan{
		Services: []tracer.PlannedService{{Name: "greeter", Target: "./greeter"}, {Name: "gateway", Target: "./gateway", After: []string{"greeter"}}},
	}}}
	for _, p := range parts {
		out = append(out, p...)
	}
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

// cutAfterStop is the index after the stop at phase in events.
func cutAfterStop(events []tracer.Event, phase tracer.PhaseID) int {
	return slices.IndexFunc(events, func(ev tracer.Event) bool { return ev.Kind == tracer.KindStop && ev.Phase == phase }) + 1
}

// gatewayAtConfigScan stops at the gateway's stop at config.scan.
func gatewayAtConfigScan(ev tracer.Event) bool {
	return ev.Service == "gateway" && ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseConfigScan
}

// TestGoldenSystem draws a two-service system: the gateway paused at
// config.scan beside the greeter serving, the same with the greeter
// selected ([), and both exited.
func TestGoldenSystem(t *testing.T) {
	events := systemEvents()
	for _, c := range []struct {
		name string
		sc   scenario
		keys string
	}{
		{"gateway.config.scan", scenario{until: gatewayAtConfigScan}, ""},
		{"greeter.selected", scenario{until: gatewayAtConfigScan}, "["},
		{"exited", scenario{until: func(tracer.Event) bool { return false }, closed: true}, ""},
	} {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, w, h), func(t *testing.T) {
				m := modelAt(t, c.sc, w, h, events)
				for _, k := range c.keys {
					m = update(t, m, tea.KeyPressMsg{Code: k, Text: string(k)})
				}
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

// TestSystemPanesFollowTheService checks that each service's events land
// in its own panes, that the selection follows the service that pauses,
// and that one service's exit does not end the trace.
func TestSystemPanesFollowTheService(t *testing.T) {
	events := systemEvents()
	m := modelAt(t, scenario{until: gatewayAtConfigScan}, 120, 40, events)
	if got := m.sys.svcs[m.service].name; got != "gateway" {
		t.Fatalf("the selected service is %q, want the paused gateway", got)
	}
	s := screen(t, m, 120, 40)
	for _, want := range []string{"[gateway] ⏸ paused at config.scan", "greeter ● running", "./gateway · kratos"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if o := m.services[0].output.View(); !strings.Contains(strings.Join(o, "\n"), "hello from greeter") || strings.Contains(strings.Join(o, "\n"), "hello from gateway") {
		t.Errorf("the greeter's Output does not show its own output alone:\n%s", strings.Join(o, "\n"))
	}
	m = update(t, m, tea.KeyPressMsg{Code: ']', Text: "]"})
	s = screen(t, m, 120, 40)
	for _, want := range []string{"[greeter] ● running", "gateway ⏸ paused at config.scan", "./greeter · kratos", "▶ app.running"} {
		if !strings.Contains(s, want) {
			t.Errorf("with the greeter selected, the screen lacks %q:\n%s", want, s)
		}
	}
	// The greeter's frames are not the paused program's: enter in its
	// Stack says so instead of asking the gateway for them.
	m.setFocus(paneStack)
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if !strings.Contains(m.trace.notice, "greeter is not the paused service") || m.insp.frame != 0 {
		t.Errorf("enter in the greeter's Stack: notice %q, frame %d", m.trace.notice, m.insp.frame)
	}

	// b turns a phase's break off in every service's Phases.
	m.setFocus(panePhases)
	m = update(t, m, tea.KeyPressMsg{Code: 'b', Text: "b"})
	phase := m.phases.SelectedKey().Phase
	for i, set := range m.services {
		if !set.phases.BreakOff(phase) {
			t.Errorf("b at %s left the break on in service %d", phase, i)
		}
	}

	// The gateway's exit leaves the greeter running: the trace goes on.
	exit := slices.IndexFunc(events, func(ev tracer.Event) bool { return ev.Service == "gateway" && ev.Kind == tracer.KindExit })
	m = modelAt(t, scenario{until: func(ev tracer.Event) bool { return ev.Seq == events[exit].Seq }}, 120, 40, events)
	if m.trace.ended {
		t.Errorf("the gateway's exit ended the trace of the system")
	}
	if s := screen(t, m, 120, 40); !strings.Contains(s, "[gateway] stopped") {
		t.Errorf("the strip does not say the gateway stopped:\n%s", s)
	}
}

// TestSingleServiceHasNoStrip checks that a trace of one service, even
// one whose events are marked with its name (a system file of one
// service), draws no strip and takes no service keys.
func TestSingleServiceHasNoStrip(t *testing.T) {
	events := append([]tracer.Event{{Kind: tracer.KindStatus, Status: "tracing the system of greeter", System: &tracer.SystemPlan{
		Services: []tracer.PlannedService{{Name: "greeter"}},
	}}}, serviceEvents("greeter")...)
	m := modelAt(t, scenarios[1], 120, 40, events)
	if m.sys.multi() || m.keys.ServiceNext.Enabled() {
		t.Fatalf("a single service is shown as a system")
	}
	if s := screen(t, m, 120, 40); strings.Contains(s, "[greeter]") {
		t.Errorf("a single service draws a strip:\n%s", s)
	}
}

// afterLaunch is a service's Fake that delivers nothing before the system
// lets it launch, as a real service's Source.
type afterLaunch struct {
	*tracertest.Fake
	ch     chan tracer.Event
	closed chan struct{}
	once   sync.Once
	// running is closed once it has delivered its stop at app.running.
	running chan struct{}
}

// serving reports whether it has been at app.running.
func (a *afterLaunch) serving() bool {
	select {
	case <-a.running:
		return true
	default:
		return false
	}
}

func startAfterLaunch(f *tracertest.Fake, launch <-chan struct{}) *afterLaunch {
	a := &afterLaunch{Fake: f, ch: make(chan tracer.Event), closed: make(chan struct{}), running: make(chan struct{})}
	go func() {
		defer close(a.ch)
		select {
		case <-launch:
		case <-a.closed:
			return
		}
		for ev := range f.Events() {
			if ev.Phase == tracer.PhaseRunning && !a.serving() {
				close(a.running)
			}
			a.ch <- ev
		}
	}()
	return a
}

func (a *afterLaunch) Events() <-chan tracer.Event { return a.ch }

func (a *afterLaunch) Close() error {
	a.once.Do(func() { close(a.closed) })
	return a.Fake.Close()
}

// startSystemFlow runs the TUI on a real tracer/system of two fakes that
// wait for a signal at app.running: the greeter, and the gateway started
// after the greeter's app.running.
func startSystemFlow(t *testing.T) (*teatest.TestModel, *recorder, map[string]*tracertest.Fake) {
	t.Helper()
	fakes := map[string]*tracertest.Fake{
		"greeter": tracertest.NewFake(serviceEvents("greeter")).WaitForSignal(),
		"gateway": tracertest.NewFake(serviceEvents("gateway")).WaitForSignal(),
	}
	tm, rec, _ := startSystemFlowOf(t, fakes, nil)
	return tm, rec, fakes
}

// startSystemFlowOf runs the TUI on a real tracer/system of the greeter
// and the gateway (after it), played by fakes; a service with routes
// serves them once at app.running (servingService).
func startSystemFlowOf(t *testing.T, fakes map[string]*tracertest.Fake, routes map[string][]tracer.Route) (*teatest.TestModel, *recorder, map[string]*servingService) {
	t.Helper()
	file := &system.File{Services: []system.Service{
		{Name: "greeter", Package: "./greeter"},
		{Name: "gateway", Package: "./gateway", After: []string{"greeter"}},
	}}
	serving := map[string]*servingService{}
	sys, err := system.Start(context.Background(), file, system.Options{
		Start: func(_ context.Context, svc system.Service, launch <-chan struct{}) (tracer.Source, error) {
			a := startAfterLaunch(fakes[svc.Name], launch)
			if r, ok := routes[svc.Name]; ok {
				serving[svc.Name] = &servingService{afterLaunch: a, routes: r}
				return serving[svc.Name], nil
			}
			return a, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Close() })
	tm, rec := startFlowOn(t, sys)
	return tm, rec, serving
}

// servingService is a service's Source that sends requests: it lists its
// routes once it has been at app.running, as a live session, and records
// what it is asked to send.
type servingService struct {
	*afterLaunch
	routes []tracer.Route
	mu     sync.Mutex
	sent   []tracer.RequestSpec
}

func (s *servingService) Routes(context.Context) ([]tracer.Route, error) {
	if !s.serving() {
		return nil, tracer.ErrNotServing
	}
	return s.routes, nil
}

func (s *servingService) Send(_ context.Context, spec tracer.RequestSpec) (tracer.RequestInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, spec)
	return tracer.RequestInfo{ID: len(s.sent), Method: spec.Method, Path: spec.Path}, nil
}

func (s *servingService) sentSpecs() []tracer.RequestSpec {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// waitForAll waits for a screen that shows every one of want.
func (r *recorder) waitForAll(tb testing.TB, what string, want ...string) snapshot {
	tb.Helper()
	return r.waitFor(tb, what, func(s snapshot) bool {
		for _, w := range want {
			if !strings.Contains(s.screen, w) {
				return false
			}
		}
		return true
	})
}

// TestFlowSystemSwitchesServices runs the TUI on a real tracer/system of
// two fakes: the gateway starts after the greeter's app.running, the
// selection follows the paused service, ] and [ switch the panes, n goes
// to the paused service whichever is shown, and t shuts both down.
func TestFlowSystemSwitchesServices(t *testing.T) {
	tm, rec, fakes := startSystemFlow(t)
	strip := func(what string, want ...string) snapshot {
		t.Helper()
		return rec.waitForAll(t, what, want...)
	}
	strip("the greeter paused first, the gateway waiting", "[greeter] ⏸ paused at flag.parse", "gateway waiting")
	for s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused }); s.phase != tracer.PhaseRunning; {
		s = next(t, tm, rec, "n")
	}
	strip("the greeter at app.running", "[greeter] ⏸ paused at app.running")
	// The greeter runs on: the gateway starts and pauses, and is shown.
	press(tm, "n")
	strip("the gateway paused", "greeter ● running", "[gateway] ⏸ paused at flag.parse", "./gateway · kratos")

	press(tm, "]")
	s := strip("the greeter selected", "[greeter] ● running", "gateway ⏸ paused at flag.parse", "./greeter · kratos")
	if strings.Contains(s.screen, "./gateway") {
		t.Errorf("with the greeter selected, the screen names the gateway:\n%s", s.screen)
	}
	// n continues the paused gateway, though the greeter is shown; its
	// next stop brings it back.
	press(tm, "n")
	strip("the gateway's next stop", "[gateway] ⏸ paused at config.load")
	if c := fakes["greeter"].CommandLog(); slices.Contains(c, "signal terminated") {
		t.Errorf("the greeter got %v", c)
	}
	press(tm, "[")
	strip("the greeter selected again", "[greeter] ● running")
	press(tm, "[")
	strip("the gateway selected again", "[gateway] ⏸ paused at config.load")

	// At app.running, t shuts the system down, the gateway first; each
	// pauses at its shutdown's stops on the way.
	for s.phase != tracer.PhaseRunning {
		s = next(t, tm, rec, "n")
	}
	strip("the gateway at app.running", "[gateway] ⏸ paused at app.running", "greeter ● running")
	press(tm, "t")
	deadline := time.Now().Add(10 * time.Second)
	for {
		s = rec.waitFor(t, "a stop or the end", func(s snapshot) bool { return s.paused || s.ended })
		if s.ended || time.Now().After(deadline) {
			break
		}
		next(t, tm, rec, "n")
	}
	strip("both stopped", "[greeter] stopped │ gateway stopped", "exited with code 0")
	gw, gr := fakes["gateway"].CommandLog(), fakes["greeter"].CommandLog()
	if !slices.Contains(gw, "signal terminated") || !slices.Contains(gr, "signal terminated") {
		t.Errorf("the shutdown did not signal both: gateway %v, greeter %v", gw, gr)
	}
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestSystemServiceFails checks that a service's error is that service's:
// the strip and the flash name it, its Phases marks the failure, and the
// trace of the others goes on.
func TestSystemServiceFails(t *testing.T) {
	m := modelAt(t, scenario{until: gatewayAtConfigScan}, 120, 40, systemEvents())
	last := *m.trace.last
	last.Kind, last.Seq = tracer.KindError, last.Seq+1
	last.Error = "the program panicked at config.scan: panic: boom"
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: last})
	if m.trace.fatal != "" || m.trace.ended {
		t.Errorf("one service's error ended the system's trace: fatal %q, ended %v", m.trace.fatal, m.trace.ended)
	}
	s := screen(t, m, 120, 40)
	for _, want := range []string{"greeter ● running │ [gateway] ✗ failed", "kratos v2.9.2 │ ● running │ gateway: the program panicked", "✗ config.scan"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	m = update(t, m, tea.KeyPressMsg{Code: ']', Text: "]"})
	if s := screen(t, m, 120, 40); !strings.Contains(s, "[greeter] ● running │ gateway ✗ failed") {
		t.Errorf("the greeter cannot be shown after the gateway failed:\n%s", s)
	}
}

// TestFlowSystemKilledByTermIsStopped runs the TUI on a real tracer/system
// where t comes while the gateway is paused at flag.parse, before its
// signal handlers are installed: SIGTERM kills it. That is the stop asked
// for, not a failure: the strip says stopped, as for the greeter, which
// walks its shutdown.
func TestFlowSystemKilledByTermIsStopped(t *testing.T) {
	gateway := serviceEvents("gateway")
	code := -15
	gateway = append(gateway[:cutAfterStop(gateway, tracer.PhaseFlagParse)],
		tracer.Event{Kind: tracer.KindExit, Service: "gateway", Phase: tracer.PhaseExit, ExitCode: &code, Signal: "SIGTERM"})
	fakes := map[string]*tracertest.Fake{
		"greeter": tracertest.NewFake(serviceEvents("greeter")).WaitForSignal(),
		"gateway": tracertest.NewFake(gateway),
	}
	tm, rec, _ := startSystemFlowOf(t, fakes, nil)
	for s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused }); s.phase != tracer.PhaseRunning; {
		s = next(t, tm, rec, "n")
	}
	press(tm, "n")
	rec.waitForAll(t, "the gateway at flag.parse", "[gateway] ⏸ paused at flag.parse")
	press(tm, "t")
	s := rec.waitForAll(t, "the gateway killed", "gateway stopped")
	for !s.ended {
		s = next(t, tm, rec, "n")
	}
	s = rec.waitForAll(t, "both stopped", "stopped │ gateway stopped")
	if strings.Contains(s.screen, "failed") {
		t.Errorf("the gateway killed by the shutdown's SIGTERM is shown failed:\n%s", s.screen)
	}
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestFlowSystemHaltShowsEveryService runs the TUI on a real tracer/system
// of two fakes that run on past app.running: h halts both, and the strip
// says so of both at once, though the system shows one halt at a time;
// n lets the first go on and shows the second's.
func TestFlowSystemHaltShowsEveryService(t *testing.T) {
	fakes := map[string]*tracertest.Fake{
		"greeter": tracertest.NewFake(serviceEvents("greeter")).WaitForSignal(),
		"gateway": tracertest.NewFake(serviceEvents("gateway")).WaitForSignal(),
	}
	for _, f := range fakes {
		f.Inspect(tracertest.Inspection{Goroutines: demoGoroutines()})
	}
	tm, rec, _ := startSystemFlowOf(t, fakes, nil)
	halted := "halted (after app.running)"
	strip := func(s snapshot) string { return stripOf(s.screen) }
	for s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused }); !strings.Contains(s.screen, "[gateway] ⏸ paused at app.running"); {
		s = next(t, tm, rec, "n")
	}
	done := len(rec.waitForAll(t, "the gateway at app.running", "[gateway] ⏸ paused at app.running").done)
	press(tm, "n")
	rec.waitFor(t, "both running on", func(s snapshot) bool {
		return len(s.done) > done && strings.Contains(s.screen, "greeter ● running │ [gateway] ● running")
	})
	press(tm, "h")
	s := rec.waitFor(t, "both halted", func(s snapshot) bool { return strings.Count(strip(s), halted) == 2 && s.paused })
	if strings.Count(strip(s), "⏸") != 1 {
		t.Errorf("the strip marks %d services as the one shown paused, want one: %q", strings.Count(strip(s), "⏸"), strip(s))
	}
	first := "greeter"
	if strings.Contains(strip(s), "gateway ⏸") || strings.Contains(strip(s), "[gateway] ⏸") {
		first = "gateway"
	}
	// n lets the first go on: the second's halt comes, and is shown.
	press(tm, "n")
	s = rec.waitFor(t, "the second halt", func(s snapshot) bool {
		return s.paused && strings.Count(strip(s), halted) == 1 && strings.Count(strip(s), "● running") == 1
	})
	if !strings.Contains(strip(s), first+"] ● running") && !strings.Contains(strip(s), first+" ● running") {
		t.Errorf("after n, %s, halted first, does not run on: %q", first, strip(s))
	}
	press(tm, "n")
	rec.waitFor(t, "both running on again", func(s snapshot) bool { return strings.Count(strip(s), "● running") == 2 })
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// stripOf is the services strip of a system's screen: the last line of
// the status bar (not a box's) that names both services.
func stripOf(screen string) string {
	lines := strings.Split(screen, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; strings.HasPrefix(l, " ") && strings.Contains(l, "greeter") && strings.Contains(l, "gateway") {
			return l
		}
	}
	return ""
}

// TestGoldenSystemHalted draws a system that h halted while both services
// ran on past app.running: the greeter's halt shown, with its goroutines,
// and the gateway's, which the system delivers next, said in the strip
// at once.
func TestGoldenSystemHalted(t *testing.T) {
	greeter, gateway := serviceEvents("greeter"), serviceEvents("gateway")
	events := systemOf(greeter[:cutAfterStop(greeter, tracer.PhaseRunning)], gateway[:cutAfterStop(gateway, tracer.PhaseRunning)])
	last := events[len(events)-1]
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			m := modelAt(t, scenario{until: func(tracer.Event) bool { return false }}, w, h, events)
			m.trace.paused = false // n at the gateway's app.running: both run on
			halt := tracer.Event{Kind: tracer.KindHalt, Service: "greeter", Seq: last.Seq + 1, Elapsed: last.Elapsed, Goroutines: demoGoroutines()}
			m = update(t, m, eventMsg{gen: m.trace.gen, ev: halt})
			m = update(t, m, commandDoneMsg{gen: m.trace.gen, name: m.tx.CmdHalt, result: haltedMsg{}})
			s := screen(t, m, w, h)
			if !strings.Contains(s, "[greeter] ⏸ halted (after app.running) │ gateway halted (after app.running)") {
				t.Errorf("the strip does not say both are halted:\n%s", s)
			}
			golden.RequireEqual(t, s+"\n")
		})
	}
}

// TestSystemServiceLoadedAheadWaits: a service built and loaded under
// Delve while the one before it boots says waiting in the strip, not
// building; once let run it boots.
func TestSystemServiceLoadedAheadWaits(t *testing.T) {
	greeter := serviceEvents("greeter")
	events := systemOf(
		[]tracer.Event{
			{Kind: tracer.KindStatus, Service: "gateway", Status: "building ./gateway: unchanged since the last build, reusing it from the cache"},
			{Kind: tracer.KindStatus, Service: "gateway", Status: tracer.StatusLoadedAhead},
		},
		greeter[:cutAfterStop(greeter, tracer.PhaseFlagParse)])
	m := modelAt(t, scenario{until: stopAt(tracer.PhaseFlagParse)}, 120, 40, events)
	if strip := stripOf(screen(t, m, 120, 40)); !strings.Contains(strip, "gateway waiting") {
		t.Errorf("the gateway loaded ahead is not waiting in the strip: %q", strip)
	}
	m = update(t, m, tea.KeyPressMsg{Code: ']', Text: "]"})
	s := screen(t, m, 120, 40)
	for _, want := range []string{"✓ gateway: loaded ahead under Delve", "gateway waits for greeter to be running"} {
		if !strings.Contains(s, want) {
			t.Errorf("the gateway's launch steps lack %q:\n%s", want, s)
		}
	}
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: tracer.Event{Kind: tracer.KindStatus, Service: "gateway", Seq: len(events) + 1, Status: "launching ./gateway under Delve"}})
	if strip := stripOf(screen(t, m, 120, 40)); !strings.Contains(strip, "[gateway] booting") {
		t.Errorf("the gateway let run is not booting in the strip: %q", strip)
	}
}
