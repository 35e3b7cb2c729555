package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// TestServiceStrip follows a system's events: each service's state, the
// service of the last stop marked, and nothing for a single service.
func TestServiceStrip(t *testing.T) {
	exit := 0
	plan := &tracer.SystemPlan{Services: []tracer.PlannedService{{Name: "greeter"}, {Name: "gateway"}}}
	steps := []struct {
		ev   tracer.Event
		want string
	}{
		{tracer.Event{Kind: tracer.KindStatus, System: plan}, "greeter waiting · gateway waiting"},
		{tracer.Event{Service: "greeter", Kind: tracer.KindStatus, Progress: &tracer.BuildProgress{}}, "greeter building · gateway waiting"},
		{tracer.Event{Service: "greeter", Kind: tracer.KindSession}, "greeter booting · gateway waiting"},
		{tracer.Event{Service: "greeter", Kind: tracer.KindStop, Phase: tracer.PhaseFlagParse}, "▶greeter flag.parse · gateway waiting"},
		{tracer.Event{Service: "greeter", Kind: tracer.KindStop, Phase: tracer.PhaseRunning}, "▶greeter running · gateway waiting"},
		{tracer.Event{Service: "gateway", Kind: tracer.KindStop, Phase: tracer.PhaseRegister}, "greeter running · ▶gateway app.register"},
		{tracer.Event{Service: "gateway", Kind: tracer.KindError, Error: "boom"}, "greeter running · ▶gateway failed"},
		{tracer.Event{Service: "gateway", Kind: tracer.KindExit, Phase: tracer.PhaseExit, ExitCode: &exit}, "greeter running · ▶gateway failed"},
		{tracer.Event{Service: "greeter", Kind: tracer.KindExit, Phase: tracer.PhaseExit, ExitCode: &exit}, "greeter stopped · ▶gateway failed"},
	}
	var s serviceStrip
	st := pane.NewStyles()
	if s.active() {
		t.Fatal("an empty strip is active")
	}
	for i, step := range steps {
		s.note(step.ev)
		got, w := s.view(st)
		if plain := ansi.Strip(got); plain != step.want || w != ansi.StringWidth(plain) {
			t.Errorf("step %d: %q (width %d), want %q", i, plain, w, step.want)
		}
	}
	var single serviceStrip
	single.note(tracer.Event{Kind: tracer.KindStop, Phase: tracer.PhaseFlagParse})
	if single.active() {
		t.Error("a single service's trace shows a strip")
	}
}
