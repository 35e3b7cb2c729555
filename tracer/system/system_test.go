package system

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// gated is a Fake whose events flow once launch is closed, as a session's
// do once its program is let run.
type gated struct {
	*tracertest.Fake
	ch chan tracer.Event
}

func (g *gated) Events() <-chan tracer.Event { return g.ch }

func startFakes(t *testing.T, together bool) *System {
	t.Helper()
	f := &File{Services: []Service{{Name: "a", Package: "./a"}, {Name: "b", Package: "./b"}}}
	if err := Check(f, "test"); err != nil {
		t.Fatal(err)
	}
	sys, err := Start(context.Background(), f, Options{
		Together: together,
		Start: func(ctx context.Context, svc Service, launch <-chan struct{}) (tracer.Source, error) {
			g := &gated{Fake: tracertest.NewFake(tracertest.DemoEvents()).WaitForSignal(), ch: make(chan tracer.Event)}
			go func() {
				defer close(g.ch)
				<-launch
				for ev := range g.Fake.Events() {
					g.ch <- ev
				}
			}()
			return g, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	return sys
}

// drive continues every stop, holds until both services are at
// app.running, then signals the system, and returns every event.
func drive(t *testing.T, sys *System) []tracer.Event {
	t.Helper()
	ctx := context.Background()
	running := map[string]bool{}
	var events []tracer.Event
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-sys.Events():
			if !ok {
				return events
			}
			events = append(events, ev)
			if ev.Kind != tracer.KindStop {
				continue
			}
			if ev.Phase == tracer.PhaseRunning {
				running[ev.Service] = true
				if len(running) == 2 {
					if err := sys.Signal(ctx, syscall.SIGTERM); err != nil {
						t.Fatal(err)
					}
					continue
				}
			}
			if err := sys.Continue(ctx); err != nil {
				t.Fatalf("continue at %s %s: %v", ev.Service, ev.Phase, err)
			}
		case <-timeout:
			t.Fatalf("the system did not end; %d events so far", len(events))
		}
	}
}

func indexOf(events []tracer.Event, service string, phase tracer.PhaseID) int {
	for i, ev := range events {
		if ev.Service == service && ev.Phase == phase && ev.IsPhase() {
			return i
		}
	}
	return -1
}

func TestSystemStartsAfterAndStopsInReverse(t *testing.T) {
	events := drive(t, startFakes(t, false))
	if events[0].System == nil || events[0].Service != "" {
		t.Fatalf("the first event is not the system's: %+v", events[0])
	}
	for i, ev := range events {
		if ev.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
		if i > 0 && ev.Service == "" && ev.Kind != tracer.KindStatus {
			t.Errorf("event %d (%s) has no service", i, ev.Kind)
		}
	}
	aRunning, bFirst := indexOf(events, "a", tracer.PhaseRunning), indexOf(events, "b", tracer.PhaseFlagParse)
	if aRunning < 0 || bFirst < aRunning {
		t.Errorf("b began (event %d) before a was at app.running (event %d)", bFirst, aRunning)
	}
	bExit, aStop := indexOf(events, "b", tracer.PhaseExit), indexOf(events, "a", tracer.PhaseStop)
	if bExit < 0 || aStop < bExit {
		t.Errorf("a began its shutdown (event %d) before b exited (event %d)", aStop, bExit)
	}
	if indexOf(events, "a", tracer.PhaseExit) < 0 {
		t.Error("a never exited")
	}
}

func TestSystemHoldsTheSecondStop(t *testing.T) {
	sys := startFakes(t, true)
	var first tracer.Event
	for first.Kind != tracer.KindStop {
		first = <-sys.Events()
	}
	// Both run at once, but while first waits the other's stop is held.
	select {
	case ev := <-sys.Events():
		if ev.Kind == tracer.KindStop {
			t.Fatalf("a second stop (%s %s) arrived while %s was paused", ev.Service, ev.Phase, first.Service)
		}
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := sys.Routes(context.Background()); err == nil {
		t.Error("Routes of a fake answered")
	}
	if err := sys.Continue(context.Background()); err != nil {
		t.Fatal(err)
	}
	for {
		ev := <-sys.Events()
		if ev.Kind == tracer.KindStop {
			if ev.Service == first.Service && ev.Phase == first.Phase {
				t.Fatalf("the same stop came twice")
			}
			return
		}
	}
}

// TestPlanSaysHowEachServiceIsReached: the plan (recorded with the trace)
// says how each service is reached and what the shutdown does to it, so
// that a replay judges a service's end as the run did.
func TestPlanSaysHowEachServiceIsReached(t *testing.T) {
	for _, tt := range []struct {
		svc             Service
		target, running string
		shutdown        string
		signalled       bool
	}{
		{Service{Name: "built", Package: "./cmd/server", KillOnExit: true}, "./cmd/server", "", "", true},
		{Service{Name: "remote", Connect: "h:2345"}, "h:2345", "connect", "", false},
		{Service{Name: "remote", Connect: "h:2345", KillOnExit: true}, "h:2345", "connect", tracer.ShutdownKill, false},
		{Service{Name: "here", Attach: "server"}, "server", "attach", "", false},
		{Service{Name: "here", Attach: "server", Sigterm: true}, "server", "attach", tracer.ShutdownSigterm, true},
	} {
		p := tt.svc.planned()
		if p.Target != tt.target || p.Running != tt.running || p.Shutdown != tt.shutdown || p.Signalled() != tt.signalled {
			t.Errorf("%+v planned as %+v (signalled %v); want target %q running %q shutdown %q, signalled %v",
				tt.svc, p, p.Signalled(), tt.target, tt.running, tt.shutdown, tt.signalled)
		}
	}
}

// TestPackagePath: a service's package is ./rel below the working
// directory, else absolute (a system file in /tmp naming a package in a
// checkout was traced as .//work/…, which does not exist).
func TestPackagePath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	for path, want := range map[string]string{
		filepath.Join(wd, "cmd", "server"): "./cmd/server",
		wd:                                 "./.",
		outside:                            outside,
	} {
		if got := packagePath(path); got != want {
			t.Errorf("packagePath(%s) = %q, want %q", path, got, want)
		}
	}
}
