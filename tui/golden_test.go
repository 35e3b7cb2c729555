package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
)

// The golden files live in testdata/TestGolden/; `go test ./tui -update`
// rewrites them (the flag is the golden package's).

// testClock is a clock the test moves by hand, so elapsed times in the view
// are deterministic.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
}

// scenario is a point in the demo trace at which to look at the screen.
type scenario struct {
	name string
	// until reports whether ev (already applied) is where to stop feeding.
	until func(ev tracer.Event) bool
	// elapsed is how long the trace has been running, for the spinner.
	elapsed time.Duration
	// closed also delivers the end of the events channel.
	closed bool
}

func stopAt(phase tracer.PhaseID) func(tracer.Event) bool {
	return func(ev tracer.Event) bool { return ev.Kind == tracer.KindStop && ev.Phase == phase }
}

var scenarios = []scenario{
	{
		name: "building",
		until: func(ev tracer.Event) bool {
			return ev.Kind == tracer.KindStatus && strings.HasPrefix(ev.Status, "building")
		},
		elapsed: 2400 * time.Millisecond,
	},
	{name: "config.scan", until: stopAt(tracer.PhaseConfigScan)},
	{name: "app.running", until: stopAt(tracer.PhaseRunning)},
	{name: "exited", until: func(tracer.Event) bool { return false }, closed: true},
}

var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

// modelAt builds a model of the given size and feeds it the demo trace up to
// the scenario's point, as the event commands would, without running a
// program: the commands the model returns are dropped.
func modelAt(tb testing.TB, sc scenario, w, h int, events []tracer.Event) Model {
	tb.Helper()
	clock := newTestClock()
	src := tracertest.NewFake(nil)
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		Now:         clock.now,
		NoAnimation: true,
	})
	m = update(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(tb, m, startedMsg{gen: m.trace.gen, src: src})
	for _, ev := range events {
		m = update(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
		if sc.until(ev) {
			break
		}
	}
	if sc.closed {
		m = update(tb, m, sourceClosedMsg{gen: m.trace.gen})
	}
	clock.t = clock.t.Add(sc.elapsed)
	return m
}

func update(tb testing.TB, m Model, msg tea.Msg) Model {
	tb.Helper()
	next, _ := m.Update(msg)
	nm, ok := next.(Model)
	if !ok {
		tb.Fatalf("Update returned %T", next)
	}
	return nm
}

// screen returns the view without escape sequences, checking that it fills
// exactly w x h cells.
func screen(tb testing.TB, m Model, w, h int) string {
	tb.Helper()
	plain := ansi.Strip(m.View().Content)
	lines := strings.Split(plain, "\n")
	if len(lines) != h {
		tb.Errorf("%dx%d: the view has %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			tb.Errorf("%dx%d: line %d is %d cells wide: %q", w, h, i, lw, l)
		}
	}
	return plain
}

func TestGolden(t *testing.T) {
	events := tracertest.DemoEvents()
	for _, sc := range scenarios {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, w, h), func(t *testing.T) {
				m := modelAt(t, sc, w, h, events)
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

// TestFatalErrorIsProminent checks that a KindError after some stops shows
// above the code and in the status bar, and its location becomes the source.
func TestFatalErrorIsProminent(t *testing.T) {
	m := modelAt(t, scenarios[1], 120, 40, tracertest.DemoEvents())
	last := *m.trace.last
	last.Kind = tracer.KindError
	last.Error = "the program panicked at config.scan: panic: proto: cannot parse invalid wire-format data"
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: last})
	s := screen(t, m, 120, 40)
	for _, want := range []string{
		"✗ the program panicked at config.scan: panic: proto", // the banner and the status bar
		phases.MarkFailed + " config.scan  failed",
		fmt.Sprintf("%d │", last.Line), // the failed stop's source stays
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
}

// TestStepKeepsThePhase checks that a step event moves the source but not
// the timeline: the phase stays current and the status says "stepped".
func TestStepKeepsThePhase(t *testing.T) {
	m := modelAt(t, scenarios[1], 120, 40, tracertest.DemoEvents())
	step := *m.trace.last
	step.Kind = tracer.KindStep
	step.Line++
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: step})
	s := screen(t, m, 120, 40)
	for _, want := range []string{"▶ stepped in config.scan", phases.MarkCurrent + " config.scan"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if !regexp.MustCompile(fmt.Sprintf(`▶ *%d │`, step.Line)).MatchString(s) {
		t.Errorf("line %d is not the current line:\n%s", step.Line, s)
	}
}
