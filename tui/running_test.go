package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestFlowRunningAfterAppRunning: n at app.running lets the program run (it
// serves, waiting for a signal), and the status bar says so rather than
// paused; t then walks the shutdown.
func TestFlowRunningAfterAppRunning(t *testing.T) {
	fake := tracertest.NewFake(tracertest.DemoEvents()).WaitForSignal()
	tm, rec := startFlowOn(t, fake)
	for range 100 {
		s := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused })
		if s.phase == tracer.PhaseRunning {
			break
		}
		next(t, tm, rec, "n")
	}
	s := rec.waitFor(t, "app.running", pausedAt(tracer.PhaseRunning))
	if !strings.Contains(s.screen, "▶ paused at app.running") {
		t.Fatalf("at the stop the status bar does not say paused:\n%s", s.screen)
	}
	press(tm, "n")
	s = rec.waitFor(t, "the program running", func(s snapshot) bool { return !s.paused && slices.Contains(s.done, "continue") && fake.Waiting() })
	if !strings.Contains(s.screen, "● running, waiting for a signal") || strings.Contains(s.screen, "paused at") {
		t.Errorf("while it runs the status bar does not say running:\n%s", s.screen)
	}
	press(tm, "t")
	s = rec.waitFor(t, "the shutdown", func(s snapshot) bool { return s.paused && s.phase == tracer.PhaseStop })
	if !strings.Contains(s.screen, "▶ paused at app.stop") {
		t.Errorf("after t:\n%s", s.screen)
	}
	quit(t, tm, fake)
}
