package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestBuildScreenShowsProgress: while the program is built the Source pane
// shows how far the build is, each report replacing the one before, with a
// bar; the steps before it stay.
func TestBuildScreenShowsProgress(t *testing.T) {
	m := modelAt(t, scenarios[0], 120, 40, tracertest.DemoEvents())
	for _, p := range []tracer.BuildProgress{{Compiled: 12, Total: 310}, {Compiled: 143, Total: 310}} {
		m = update(t, m, eventMsg{gen: m.trace.gen, ev: tracer.Event{Kind: tracer.KindStatus, Status: p.String(), Progress: &p}})
	}
	view := ansi.Strip(m.View().Content)
	if !strings.Contains(view, "compiling 143/310 packages") || strings.Contains(view, "compiling 12/310") {
		t.Errorf("the build screen does not show the latest progress alone:\n%s", view)
	}
	if !strings.Contains(view, "building ./demo") {
		t.Errorf("the step before the progress is gone:\n%s", view)
	}
	if !strings.Contains(view, "█") || !strings.Contains(view, " 46%") {
		t.Errorf("no progress bar at 46%%:\n%s", view)
	}
	// The next status is a step of its own after the progress.
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: tracer.Event{Kind: tracer.KindStatus, Status: "launching demo under Delve"}})
	view = ansi.Strip(m.View().Content)
	if !strings.Contains(view, "✓ compiling 143/310 packages") || !strings.Contains(view, "launching demo under Delve") || strings.Contains(view, " 46%") {
		t.Errorf("after the build:\n%s", view)
	}
}
