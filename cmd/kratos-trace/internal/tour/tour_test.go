package tour

import (
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
)

// TestTourIsCurrent checks the embedded recording against the phase
// catalog and the record format: every phase of a Kratos boot and shutdown
// in the catalog (all but main, which only programs that are not Kratos
// apps stop at, and break, the user's own breakpoints) is in the recording, every phase the recording has is in the
// catalog, and the recording is whole. When it fails, run
// `go generate ./cmd/kratos-trace/internal/tour` on Linux or macOS.
func TestTourIsCurrent(t *testing.T) {
	rec, err := Recording()
	if err != nil {
		t.Fatal(err)
	}
	const regen = "regenerate it: go generate ./cmd/kratos-trace/internal/tour"
	if rec.Header.Version != replay.FormatVersion {
		t.Errorf("the tour is in record format %d, kratos-trace writes %d; %s", rec.Header.Version, replay.FormatVersion, regen)
	}
	if !rec.Complete() || rec.CutLine != 0 {
		t.Fatalf("the tour is not a whole trace (%s); %s", rec.Warning(), regen)
	}
	seen := map[tracer.PhaseID]bool{}
	var session *tracer.Session
	for _, ev := range rec.Events {
		if ev.Kind == tracer.KindSession {
			session = ev.Session
		}
		if ev.Kind == tracer.KindError {
			t.Errorf("the tour holds an error: %s", ev.Error)
		}
		if !ev.IsPhase() {
			continue
		}
		if _, ok := tracer.Info(ev.Phase); !ok {
			t.Errorf("the tour has the phase %q, which the catalog does not know; %s", ev.Phase, regen)
		}
		seen[ev.Phase] = true
	}
	for _, p := range tracer.Phases {
		// main is a stop only in programs that are not Kratos apps; a
		// break only where the user sets a breakpoint of their own; the
		// client side's only in a program that calls another service.
		if !tracer.NotInEveryBoot(p.ID) && !seen[p.ID] {
			t.Errorf("the catalog's phase %s is not in the tour; %s", p.ID, regen)
		}
	}
	if session == nil {
		t.Fatal("the tour has no session event")
	}
	for _, pl := range session.Plan {
		if pl.Unavailable != "" {
			t.Errorf("in the tour, %s was unavailable: %s", pl.Phase, pl.Unavailable)
		}
	}
	last := rec.Events[len(rec.Events)-1]
	if last.ExitCode == nil || *last.ExitCode != 0 {
		t.Errorf("the demo of the tour did not exit with status 0")
	}
}

// TestTourShowsNoMachine checks that the recording says nothing about the
// machine it was made on: the repository's paths are relative, the module
// cache is ~/go/pkg/mod, every stop carries its source.
func TestTourShowsNoMachine(t *testing.T) {
	rec, err := Recording()
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range rec.Events {
		files := []string{ev.File}
		for _, f := range ev.Stack {
			files = append(files, f.File)
		}
		for _, f := range files {
			if strings.HasPrefix(f, "/") && !strings.Contains(f, "/go/src/") {
				t.Errorf("event %d names the file %s of the machine that recorded the tour", ev.Seq, f)
			}
		}
		// A request's reply is at the client, outside the program: it has
		// no location, so no source.
		if ev.Kind == tracer.KindStop && ev.Source == nil && ev.File != "" {
			t.Errorf("the stop at %s carries no source: the tour needs it", ev.Label())
		}
	}
}
