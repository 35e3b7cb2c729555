package tracertest_test

import (
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestDemoEvents checks the shape the consumers' tests rely on: a session
// before the first stop, every boot phase in catalog order, a skipped
// app.register and an exit as the last event.
func TestDemoEvents(t *testing.T) {
	events := tracertest.DemoEvents()
	if len(events) == 0 {
		t.Fatal("no events")
	}
	sawSession := false
	last := -1
	seen := map[tracer.PhaseID]int{}
	for i, ev := range events {
		if ev.Seq != i+1 {
			t.Errorf("event %d has seq %d", i, ev.Seq)
		}
		switch {
		case ev.Kind == tracer.KindSession:
			sawSession = true
		case ev.IsPhase():
			if !sawSession {
				t.Errorf("phase %s before the session", ev.Phase)
			}
			o := tracer.Order(ev.Phase)
			if o < 0 {
				t.Errorf("unknown phase %q", ev.Phase)
			}
			if o < last {
				t.Errorf("phase %s out of order", ev.Label())
			}
			last = o
			seen[ev.Phase]++
			if ev.Kind == tracer.KindStop && ev.Source == nil {
				t.Errorf("stop %s has no source snippet", ev.Label())
			}
		}
	}
	for _, p := range tracer.Phases {
		// "main" is a stop only in programs that are not Kratos apps,
		// "break" only at a breakpoint of the user's own; a request's
		// phases come only when a request is sent (RequestEvents).
		// The client side's come only in a program that calls another
		// service (the beershop fixture of tracer/delve).
		if seen[p.ID] == 0 && p.Group != tracer.GroupRequest && !tracer.NotInEveryBoot(p.ID) {
			t.Errorf("phase %s missing", p.ID)
		}
	}
	if seen[tracer.PhaseWireProvider] != 8 || seen[tracer.PhaseServerStart] != 2 || seen[tracer.PhaseServerStop] != 2 {
		t.Errorf("instances: %d providers, %d starts, %d stops", seen[tracer.PhaseWireProvider], seen[tracer.PhaseServerStart], seen[tracer.PhaseServerStop])
	}
	if end := events[len(events)-1]; end.Kind != tracer.KindExit || end.ExitCode == nil || *end.ExitCode != 0 {
		t.Errorf("last event is %s, want exit 0", end.Kind)
	}
}

// TestFakePlaysDemo walks the fake through the demo trace with Continue.
func TestFakePlaysDemo(t *testing.T) {
	f := tracertest.NewFake(tracertest.DemoEvents())
	stops := 0
	for ev := range f.Events() {
		if ev.Kind == tracer.KindStop {
			stops++
			if err := f.Continue(t.Context()); err != nil {
				t.Fatalf("continue at %s: %v", ev.Label(), err)
			}
		}
	}
	if stops < 20 {
		t.Errorf("%d stops", stops)
	}
	if !f.Closed() {
		t.Error("fake not closed after the exit")
	}
}

func TestRequestEvents(t *testing.T) {
	seen := map[tracer.PhaseID]int{}
	replies := 0
	for _, ev := range tracertest.RequestEvents() {
		if ev.Request != nil && ev.IsPhase() {
			seen[ev.Phase]++
		}
		if ev.Phase == tracer.PhaseRequestReply && ev.Request.Reply != nil {
			replies++
		}
	}
	for _, p := range tracer.Phases {
		if p.Group == tracer.GroupRequest && seen[p.ID] == 0 && !tracer.IsClientSide(p.ID) {
			t.Errorf("phase %s missing", p.ID)
		}
	}
	if replies != 3 {
		t.Errorf("%d replies, want 3", replies)
	}
}
