package tui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
)

// snapshot is what a flow test may look at, copied in the program's
// goroutine after each Update so the test reads it without racing.
type snapshot struct {
	phase    tracer.PhaseID
	label    string
	paused   bool
	ended    bool
	stops    int
	exitCode *int
	rows     map[phases.RowKey]phases.State
	screen   string
	done     []string // the Source commands that completed, in order
	seq      int      // the Seq of the last stop or step
	focus    string   // the focused pane's English name
	// kind, goroutine and function are the last stop's or step's.
	kind      tracer.Kind
	goroutine int64
	function  string
	// settled: the Source pane shows what it will show at this stop; the
	// file it reads, if any, has been read.
	settled bool
}

// probe wraps the root model and publishes a snapshot after each message.
type probe struct {
	Model
	rec *recorder
}

type recorder struct {
	mu   sync.Mutex
	last snapshot
	done []string
	cond chan struct{} // closed and replaced on each update
}

func newRecorder() *recorder { return &recorder{cond: make(chan struct{})} }

func (p probe) Init() tea.Cmd { return p.Model.Init() }

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := p.Model.Update(msg)
	m := next.(Model)
	p.Model = m
	p.rec.record(m, msg)
	return p, cmd
}

func (r *recorder) record(m Model, msg tea.Msg) {
	rows := map[phases.RowKey]phases.State{}
	for _, row := range m.phases.Rows() {
		rows[row.Key] = row.State
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := msg.(commandDoneMsg); ok {
		r.done = append(r.done, d.name)
	}
	var code *int
	if m.trace.exitCode != nil {
		c := *m.trace.exitCode
		code = &c
	}
	seq, kind, goroutine, function := 0, tracer.Kind(""), int64(0), ""
	if l := m.trace.last; l != nil {
		seq, kind, goroutine, function = l.Seq, l.Kind, l.Goroutine, l.Function
	}
	_, read := m.files[m.source.File()]
	r.last = snapshot{
		phase: m.trace.phase, label: m.trace.phaseLabel, paused: m.trace.paused, ended: m.trace.ended,
		stops: m.trace.stops, exitCode: code, rows: rows,
		screen: ansi.Strip(m.render()), done: slices.Clone(r.done),
		seq: seq, settled: m.source.File() == "" || read, focus: m.focus.String(),
		kind: kind, goroutine: goroutine, function: function,
	}
	close(r.cond)
	r.cond = make(chan struct{})
}

// waitFor waits until cond holds for the latest snapshot.
func (r *recorder) waitFor(tb testing.TB, what string, cond func(snapshot) bool) snapshot {
	tb.Helper()
	return r.waitWithin(tb, 5*time.Second, what, cond)
}

// waitWithin waits up to d until cond holds for the latest snapshot.
func (r *recorder) waitWithin(tb testing.TB, d time.Duration, what string, cond func(snapshot) bool) snapshot {
	tb.Helper()
	deadline := time.After(d)
	for {
		r.mu.Lock()
		s, ch := r.last, r.cond
		r.mu.Unlock()
		if s.rows != nil && cond(s) {
			return s
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("timed out waiting for %s; last state: phase %q paused=%v ended=%v\n%s", what, s.label, s.paused, s.ended, s.screen)
		}
	}
}

func pausedAt(phase tracer.PhaseID) func(snapshot) bool {
	return func(s snapshot) bool { return s.paused && s.phase == phase }
}

// startFlow runs the TUI on a fake playing the demo trace.
func startFlow(t *testing.T) (*teatest.TestModel, *recorder, *tracertest.Fake) {
	t.Helper()
	fake := tracertest.NewFake(tracertest.DemoEvents())
	tm, rec := startFlowOn(t, fake)
	return tm, rec, fake
}

// startFlowOn runs the TUI on src at 120x40, up to its first stop.
func startFlowOn(t *testing.T, src tracer.Source) (*teatest.TestModel, *recorder) {
	t.Helper()
	rec := newRecorder()
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		NoAnimation: true,
	})
	tm := teatest.NewTestModel(t, probe{Model: m, rec: rec}, teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	rec.waitFor(t, "the first stop", pausedAt(tracer.PhaseFlagParse))
	return tm, rec
}

func press(tm *teatest.TestModel, k string) {
	switch k {
	case "space":
		tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	case "tab":
		tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	case "enter":
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	default:
		tm.Type(k)
	}
}

// next presses n and waits for the next stop (or the end of the trace).
func next(t *testing.T, tm *teatest.TestModel, rec *recorder, key string) snapshot {
	t.Helper()
	before := rec.waitFor(t, "a pause", func(s snapshot) bool { return s.paused })
	press(tm, key)
	return rec.waitFor(t, "the stop after "+before.label, func(s snapshot) bool {
		return s.ended || (s.paused && s.stops > before.stops)
	})
}

func quit(t *testing.T, tm *teatest.TestModel, fake *tracertest.Fake) {
	t.Helper()
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if !slices.Contains(fake.CommandLog(), "close") {
		t.Errorf("quit did not close the source; commands: %v", fake.CommandLog())
	}
}

func TestFlowContinueToExit(t *testing.T) {
	tm, rec, fake := startFlow(t)
	keys := []string{"n", "space"} // both continue
	var s snapshot
	for i := 0; i < 100; i++ {
		s = next(t, tm, rec, keys[i%2])
		if s.ended {
			break
		}
	}
	s = rec.waitFor(t, "the end", func(s snapshot) bool { return s.ended })
	if s.exitCode == nil || *s.exitCode != 0 {
		t.Fatalf("exit code %v, want 0", s.exitCode)
	}
	for k, st := range s.rows {
		want := phases.StateDone
		if k.Phase == tracer.PhaseRegister || k.Phase == tracer.PhaseDeregister {
			want = phases.StateSkipped
		}
		if st != want {
			t.Errorf("row %s %q is %d, want %d", k.Phase, k.Detail, st, want)
		}
	}
	if !strings.Contains(s.screen, "exited with code 0") {
		t.Errorf("the screen does not say the program exited:\n%s", s.screen)
	}
	if !strings.Contains(s.screen, phases.MarkSkipped+" app.register  no registrar") {
		t.Errorf("app.register is not shown skipped:\n%s", s.screen)
	}
	quit(t, tm, fake)
}

func TestFlowBreakOff(t *testing.T) {
	tm, rec, fake := startFlow(t)
	// The selection is on flag.parse; j moves it to config.load.
	press(tm, "j")
	press(tm, "b")
	s := rec.waitFor(t, "the break to be off", func(s snapshot) bool { return slices.Contains(s.done, "break") })
	if !strings.Contains(s.screen, phases.MarkPassed+" config.load") {
		t.Errorf("config.load with its break off is not marked %s:\n%s", phases.MarkPassed, s.screen)
	}
	s = next(t, tm, rec, "n")
	if s.phase != tracer.PhaseConfigScan {
		t.Fatalf("stopped at %s, want config.scan: config.load should pass", s.label)
	}
	if got := s.rows[phases.RowKey{Phase: tracer.PhaseConfigLoad}]; got != phases.StatePassed {
		t.Errorf("config.load is %d, want passed (%d)", got, phases.StatePassed)
	}
	if !strings.Contains(s.screen, phases.MarkPassed+" config.load") {
		t.Errorf("config.load is not shown passed:\n%s", s.screen)
	}
	quit(t, tm, fake)
}

func TestFlowSigtermWalksShutdown(t *testing.T) {
	tm, rec, fake := startFlow(t)
	s := rec.last
	for s.phase != tracer.PhaseRunning {
		s = next(t, tm, rec, "n")
		if s.ended {
			t.Fatal("the trace ended before app.running")
		}
	}
	if !strings.Contains(s.screen, "t SIGTERM") {
		t.Errorf("no SIGTERM hint at app.running:\n%s", s.screen)
	}
	s = next(t, tm, rec, "t")
	if s.phase != tracer.PhaseStop {
		t.Fatalf("after SIGTERM stopped at %s, want app.stop", s.label)
	}
	if !slices.Contains(fake.CommandLog(), "signal terminated") {
		t.Errorf("no SIGTERM sent; commands: %v", fake.CommandLog())
	}
	var shutdown []string
	for !s.ended {
		shutdown = append(shutdown, s.label)
		s = next(t, tm, rec, "n")
	}
	want := []string{"app.stop", "app.before-stop", "server.stop grpc 127.0.0.1:9000", "server.stop http 127.0.0.1:8000", "app.after-stop"}
	if !slices.Equal(shutdown, want) {
		t.Errorf("shutdown stops %q, want %q", shutdown, want)
	}
	quit(t, tm, fake)
}

func TestFlowQuitMidBoot(t *testing.T) {
	tm, rec, fake := startFlow(t)
	next(t, tm, rec, "n") // config.load
	quit(t, tm, fake)
	if !fake.Closed() {
		t.Error("the fake is not closed")
	}
	if log := fake.CommandLog(); log[len(log)-1] != "close" {
		t.Errorf("commands %v, want close last", log)
	}
}

func TestFlowRestart(t *testing.T) {
	var mu sync.Mutex
	var fakes []*tracertest.Fake
	start := func(context.Context) (tracer.Source, error) {
		mu.Lock()
		defer mu.Unlock()
		f := tracertest.NewFake(tracertest.DemoEvents())
		fakes = append(fakes, f)
		return f, nil
	}
	rec := newRecorder()
	tm := teatest.NewTestModel(t, probe{Model: NewModel(Options{Start: start, NoAnimation: true}), rec: rec},
		teatest.WithInitialTermSize(80, 24))
	rec.waitFor(t, "the first stop", pausedAt(tracer.PhaseFlagParse))
	next(t, tm, rec, "n")
	press(tm, "r")
	rec.waitFor(t, "the first stop of the second run", func(s snapshot) bool {
		mu.Lock()
		defer mu.Unlock()
		return len(fakes) == 2 && s.paused && s.phase == tracer.PhaseFlagParse
	})
	mu.Lock()
	first, second := fakes[0], fakes[1]
	mu.Unlock()
	if !slices.Contains(first.CommandLog(), "close") {
		t.Errorf("restart did not close the first source: %v", first.CommandLog())
	}
	quit(t, tm, second)
}

func TestFlowStepKeysReachTheSource(t *testing.T) {
	tm, rec, fake := startFlow(t)
	next(t, tm, rec, "s")
	next(t, tm, rec, "o")
	log := fake.CommandLog()
	if !slices.Contains(log, "step") || !slices.Contains(log, "stepout") {
		t.Errorf("commands %v, want step and stepout", log)
	}
	quit(t, tm, fake)
}
