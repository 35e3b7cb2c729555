package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
)

// baselineEvents is the demo trace as a baseline that differs from it:
// Redis read with a 500ms timeout, data.NewGreeterRepo run before
// data.NewData, and wire.provider service.NewGreeterService 20ms slower.
func baselineEvents(t testing.TB) []tracer.Event {
	t.Helper()
	events := tracertest.DemoEvents()
	var repo, data int
	for i := range events {
		ev := &events[i]
		if ev.Bootstrap != nil {
			b, _ := json.Marshal(ev.Bootstrap)
			ev.Bootstrap = &tracer.Node{}
			json.Unmarshal(b, ev.Bootstrap)
			ev.Bootstrap.Lookup("data.redis.read_timeout").Value = "500ms"
		}
		switch ev.Label() {
		case "wire.provider data.NewGreeterRepo":
			repo = i
		case "wire.provider data.NewData":
			data = i
		case "wire.provider service.NewGreeterService":
			// 119µs in the demo: it was 20ms slower in the baseline.
			ev.SincePrev += tracer.Duration(20 * time.Millisecond)
		}
	}
	events[repo], events[data] = events[data], events[repo]
	return events
}

// compareWith is an Options.Baseline comparing with baseline events, as
// tracer/diff does for the command line.
func compareWith(baseline []tracer.Event) func([]tracer.Event) *diff.Result {
	return func(events []tracer.Event) *diff.Result {
		complete := len(events) > 0 && events[len(events)-1].Kind == tracer.KindExit
		return diff.Compare(diff.Boot{Name: "base.jsonl", Events: baseline}, diff.Boot{Name: "this boot", Events: events}, diff.Options{Partial: !complete})
	}
}

// baselineModelAt feeds the demo trace up to sc to a model with a baseline,
// running each comparison the model asks for as the program would.
func baselineModelAt(tb testing.TB, sc scenario, w, h int) Model {
	tb.Helper()
	src := tracertest.NewFake(nil)
	clock := newTestClock()
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		Now:         clock.now,
		NoAnimation: true,
		Baseline:    compareWith(baselineEvents(tb)),
	})
	m = update(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(tb, m, startedMsg{gen: m.trace.gen, src: src})
	for _, ev := range tracertest.DemoEvents() {
		m = update(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
		if cmd := m.base.compareCmd(m.trace.gen); cmd != nil {
			m = update(tb, m, cmd())
		}
		if sc.until(ev) {
			break
		}
	}
	if sc.closed {
		m = update(tb, m, sourceClosedMsg{gen: m.trace.gen})
	}
	return m
}

func TestBaselineGolden(t *testing.T) {
	for _, sc := range scenarios[1:] {
		for _, size := range goldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, w, h), func(t *testing.T) {
				m := baselineModelAt(t, sc, w, h)
				golden.RequireEqual(t, screen(t, m, w, h)+"\n")
			})
		}
	}
}

func TestBaselineMarks(t *testing.T) {
	m := baselineModelAt(t, scenario{name: "exited", until: func(tracer.Event) bool { return false }, closed: true}, 200, 60)
	s := screen(t, m, 200, 60)
	for _, want := range []string{
		// The provider that moved.
		pane.MarkBaseline + "✓   data.NewGreeterRepo  moved",
		// The phase now 20ms quicker, with the baseline's time.
		pane.MarkBaseline + "✓   service.NewGreeterService",
		// The config value, with the baseline's value.
		pane.MarkBaseline + "      read_timeout   0.2s  was 500ms",
		// The count, in the Phases pane's border.
		pane.MarkBaseline + " 3 vs baseline",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, pane.MarkBaseline); n != 7 { // 2 phases, the leaf, its two branches, the count, the legend
		t.Errorf("%d marks, want 7:\n%s", n, s)
	}
	// Selected, a row's whole difference is in the status line.
	for m.phases.SelectedKey() != (phases.RowKey{Phase: tracer.PhaseWireProvider, Detail: "data.NewGreeterRepo"}) {
		m.phases.Move(-1)
	}
	if s := screen(t, m, 200, 60); !strings.Contains(s, pane.MarkBaseline+" vs baseline: wire.provider data.NewGreeterRepo after wire wireApp → after wire.provider data.NewData") {
		t.Errorf("the status line lacks the selected row's difference:\n%s", s)
	}
	// A restart forgets the marks until the new trace compares.
	m.resetPanes()
	if s := screen(t, m, 200, 60); strings.Contains(s, pane.MarkBaseline) {
		t.Errorf("marks after a reset:\n%s", s)
	}
}

// TestFlowBaseline runs the TUI on the demo trace with a baseline, as the
// program does (the comparisons in commands), and checks that the marks
// come as the trace reaches what differs.
func TestFlowBaseline(t *testing.T) {
	fake := tracertest.NewFake(tracertest.DemoEvents())
	rec := newRecorder()
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return fake, nil },
		NoAnimation: true,
		Baseline:    compareWith(baselineEvents(t)),
	})
	tm := teatest.NewTestModel(t, probe{Model: m, rec: rec}, teatest.WithInitialTermSize(200, 60))
	t.Cleanup(func() { _ = tm.Quit() })
	s := rec.waitFor(t, "the first stop", pausedAt(tracer.PhaseFlagParse))
	if strings.Contains(s.screen, pane.MarkBaseline) {
		t.Errorf("marks at flag.parse, which is as in the baseline:\n%s", s.screen)
	}
	for s.phase != tracer.PhaseConfigScan {
		s = next(t, tm, rec, "n")
	}
	rec.waitFor(t, "the config value marked", func(s snapshot) bool {
		return strings.Contains(s.screen, "read_timeout   0.2s  was 500ms")
	})
	for s.label != "wire.provider data.NewGreeterRepo" {
		s = next(t, tm, rec, "n")
	}
	rec.waitFor(t, "the moved provider marked", func(s snapshot) bool {
		return strings.Contains(s.screen, pane.MarkBaseline+"▶   data.NewGreeterRepo  moved")
	})
	quit(t, tm, fake)
}

// TestBaselineNotComparedAgainForOutput checks that a line of the
// program's output asks for no comparison: the events compared are the
// same, and a chatty program would start one for every line it writes.
func TestBaselineNotComparedAgainForOutput(t *testing.T) {
	m := baselineModelAt(t, scenarios[1], 120, 40)
	ev := tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: "stdout", Text: "listening"}}
	if cmd := m.receive(ev); cmd != nil {
		t.Errorf("a line of output asked for a command (a comparison): %T", cmd())
	}
	// The next phase event is compared.
	var next tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseWire {
			next = ev
		}
	}
	cmd := m.receive(next)
	if cmd == nil {
		t.Fatal("a phase event asked for no command")
	}
	msgs := []tea.Msg{cmd()}
	if batch, ok := msgs[0].(tea.BatchMsg); ok {
		msgs = msgs[:0]
		for _, c := range batch {
			msgs = append(msgs, c())
		}
	}
	if !slices.ContainsFunc(msgs, func(msg tea.Msg) bool { _, ok := msg.(baselineMsg); return ok }) {
		t.Errorf("a phase event asked for no comparison: %v", msgs)
	}
}
