package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// attachEvents are what `kratos-trace attach` delivers, made from the demo
// trace: a session whose plan is the attach stop and the shutdown, then the
// attach stop with what app.running showed of the App. With bootstrap
// false the Bootstrap was optimised away and the event says so.
func attachEvents(t *testing.T, bootstrap bool) []tracer.Event {
	t.Helper()
	var session *tracer.Session
	var running tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		switch {
		case ev.Kind == tracer.KindSession:
			s := *ev.Session
			session = &s
		case ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRunning:
			running = ev
		}
	}
	if session == nil || running.Phase == "" {
		t.Fatal("the demo trace has no session or no app.running stop")
	}
	plan := []tracer.PlannedPhase{{Phase: tracer.PhaseAttach}}
	for _, pl := range session.Plan {
		if tracer.Order(pl.Phase) > tracer.Order(tracer.PhaseRunning) {
			plan = append(plan, pl)
		}
	}
	session.Target, session.Plan = "pid 4242", plan
	stop := running
	stop.Phase, stop.Detail = tracer.PhaseAttach, ""
	stop.App = &tracer.AppInfo{ID: "host-1", Name: "helloworld", Optimized: true, BootstrapFrom: "bc in main.main's frame (conf.Bootstrap)"}
	if !bootstrap {
		stop.Bootstrap = nil
		stop.App.BootstrapFrom = "bc in main.main's frame (conf.Bootstrap) was optimised away: main.main no longer uses it while App.Run waits"
	}
	return []tracer.Event{{Kind: tracer.KindSession, Session: session}, stop}
}

// TestGoldenAttach: the attach stop of a running program, at three sizes;
// its timeline is the attach stop and the shutdown, its Bootstrap reads as
// it was, unchanged, and it serves (R and t are live).
func TestGoldenAttach(t *testing.T) {
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			m := modelAt(t, scenario{until: func(tracer.Event) bool { return false }}, w, h, attachEvents(t, true))
			s := screen(t, m, w, h)
			golden.RequireEqual(t, s+"\n")
			for _, no := range []string{"config.scan", "changed"} {
				if strings.Contains(s, no) {
					t.Errorf("the attach screen shows %q", no)
				}
			}
		})
	}
}

// TestAttachWithoutBootstrap: the Bootstrap pane says why there is none.
func TestAttachWithoutBootstrap(t *testing.T) {
	m := modelAt(t, scenario{until: func(tracer.Event) bool { return false }}, 200, 60, attachEvents(t, false))
	if s := screen(t, m, 200, 60); !strings.Contains(s, "was optimised away") {
		t.Errorf("the Bootstrap pane does not say why it is empty:\n%s", s)
	}
}
