package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
)

// demoReplay returns a replay of the demo trace that stays open at its end,
// as kratos-trace replay opens it for the TUI.
func demoReplay(tb testing.TB) *replay.Source {
	tb.Helper()
	return demoReplayOf(tb, tracertest.DemoEvents())
}

// demoReplayOf returns a replay of events that stays open at its end.
func demoReplayOf(tb testing.TB, events []tracer.Event) *replay.Source {
	tb.Helper()
	rec := &replay.Recording{Path: "demo.jsonl", Events: events}
	src := replay.NewSource(rec, replay.Options{StayOpen: true})
	tb.Cleanup(func() { _ = src.Close() })
	return src
}

// startReplayFlow runs the TUI on a replay of the demo trace.
func startReplayFlow(t *testing.T) (*teatest.TestModel, *recorder, *replay.Source) {
	t.Helper()
	src := demoReplay(t)
	rec := newRecorder()
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		NoAnimation: true,
	})
	tm := teatest.NewTestModel(t, probe{Model: m, rec: rec}, teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	rec.waitFor(t, "the first stop", func(s snapshot) bool {
		return s.paused && s.phase == tracer.PhaseFlagParse && s.settled
	})
	return tm, rec, src
}

// moveBy presses key and waits until the trace is at another stop, or has
// reached or left its end, with the Source pane settled.
func moveBy(t *testing.T, tm *teatest.TestModel, rec *recorder, key string) snapshot {
	t.Helper()
	before := rec.waitFor(t, "a pause or the end", func(s snapshot) bool { return s.paused || s.ended })
	press(tm, key)
	return rec.waitFor(t, key+" from "+before.label, func(s snapshot) bool {
		return s.settled && (s.paused || s.ended) && (s.seq != before.seq || s.ended != before.ended)
	})
}

// sameScreen fails when the screen differs from the one first seen there.
func sameScreen(t *testing.T, what string, got, want snapshot) {
	t.Helper()
	if got.seq != want.seq || got.stops != want.stops {
		t.Errorf("%s: at seq %d after %d stops, want seq %d after %d", what, got.seq, got.stops, want.seq, want.stops)
	}
	if got.screen != want.screen {
		t.Errorf("%s: the screen differs from the first time there\n--- now:\n%s\n--- then:\n%s", what, got.screen, want.screen)
	}
}

// quitReplay quits the TUI and checks that it closed the replay.
func quitReplay(t *testing.T, tm *teatest.TestModel, src *replay.Source) {
	t.Helper()
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	select {
	case _, open := <-src.Events():
		if open {
			t.Error("the replay delivered an event after quit")
		}
	case <-time.After(5 * time.Second):
		t.Error("quit did not close the replay")
	}
}

// TestFlowReplayBackAndForth goes forward three stops and back three: the
// screen is the one first seen at that stop.
func TestFlowReplayBackAndForth(t *testing.T) {
	tm, rec, src := startReplayFlow(t)
	moveBy(t, tm, rec, "n")
	want := moveBy(t, tm, rec, "n")
	if want.phase != tracer.PhaseConfigScan {
		t.Fatalf("the second n stopped at %s, want config.scan", want.label)
	}
	if !strings.Contains(want.screen, "p previous stop") {
		t.Errorf("the help does not offer p in a replay:\n%s", want.screen)
	}
	s := want
	for range 3 {
		s = moveBy(t, tm, rec, "n")
	}
	if s.phase == tracer.PhaseConfigScan || s.stops != want.stops+3 {
		t.Fatalf("three n from config.scan went to %s after %d stops", s.label, s.stops)
	}
	for range 3 {
		s = moveBy(t, tm, rec, "p")
	}
	sameScreen(t, "three n then three p", s, want)
	quitReplay(t, tm, src)
}

// TestFlowReplayPreviousAtStart checks that p at the first stop says so and
// leaves the trace where it is.
func TestFlowReplayPreviousAtStart(t *testing.T) {
	tm, rec, src := startReplayFlow(t)
	press(tm, "p")
	s := rec.waitFor(t, "the message", func(s snapshot) bool { return strings.Contains(s.screen, "at the first stop") })
	if !s.paused || s.phase != tracer.PhaseFlagParse {
		t.Errorf("after p at the first stop: paused=%v at %s, want paused at flag.parse", s.paused, s.label)
	}
	if s = moveBy(t, tm, rec, "n"); s.phase != tracer.PhaseConfigLoad {
		t.Errorf("n after p at the first stop went to %s, want config.load", s.label)
	}
	if strings.Contains(s.screen, "at the first stop") {
		t.Errorf("the message stays after the next stop:\n%s", s.screen)
	}
	quitReplay(t, tm, src)
}

// TestFlowReplayJump jumps to the phase selected in Phases with enter: back
// to a stop (the screen is the one first seen there), forward to the next
// phase, and forward to the exit, stopping nowhere on the way.
func TestFlowReplayJump(t *testing.T) {
	tm, rec, src := startReplayFlow(t)
	var want snapshot
	s := rec.last
	for s.phase != tracer.PhaseRunning {
		s = moveBy(t, tm, rec, "n")
		if s.phase == tracer.PhaseConfigScan {
			want = s
		}
		if s.ended {
			t.Fatal("the replay ended before app.running")
		}
	}
	// g selects flag.parse, the first row; config.scan is two below.
	for _, k := range []string{"g", "j", "j"} {
		press(tm, k)
	}
	s = moveBy(t, tm, rec, "enter")
	sameScreen(t, "a jump back to config.scan", s, want)

	// The selection follows the stop; the row below config.scan is wire.
	press(tm, "j")
	s = moveBy(t, tm, rec, "enter")
	if s.phase != tracer.PhaseWire || !s.paused {
		t.Fatalf("a jump forward from config.scan to wire: paused=%v at %s", s.paused, s.label)
	}

	press(tm, "G") // the exit, the last row
	s = moveBy(t, tm, rec, "enter")
	if !s.ended || s.exitCode == nil || *s.exitCode != 0 {
		t.Fatalf("a jump to the exit: ended=%v, exit code %v", s.ended, s.exitCode)
	}
	if !strings.Contains(s.screen, "exited with code 0") {
		t.Errorf("the screen does not show the exit:\n%s", s.screen)
	}
	if got := s.rows[phases.RowKey{Phase: tracer.PhaseRunning}]; got != phases.StatePassed {
		t.Errorf("app.running, jumped over, is %d, want passed (%d)", got, phases.StatePassed)
	}
	quitReplay(t, tm, src)
}

// TestFlowReplayEnd plays the replay to its exit, which shows as a live
// trace's does; n says the trace has ended, p goes back to the last stop
// and n comes back to the end.
func TestFlowReplayEnd(t *testing.T) {
	tm, rec, src := startReplayFlow(t)
	var last, s snapshot
	for !s.ended {
		last = s
		s = moveBy(t, tm, rec, "n")
	}
	for _, want := range []string{"exited with code 0", "p previous stop", "r restart", "q quit"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("the end of the replay lacks %q:\n%s", want, s.screen)
		}
	}
	press(tm, "n")
	rec.waitFor(t, "n at the end to be refused", func(s snapshot) bool {
		return strings.Contains(s.screen, "the trace has ended: p goes back")
	})
	s = moveBy(t, tm, rec, "p")
	if s.ended || !s.paused {
		t.Fatalf("p at the end: ended=%v paused=%v", s.ended, s.paused)
	}
	sameScreen(t, "p at the end", s, last)
	s = moveBy(t, tm, rec, "n")
	if !s.ended || !strings.Contains(s.screen, "exited with code 0") {
		t.Errorf("n from the last stop does not end the replay again:\n%s", s.screen)
	}
	quitReplay(t, tm, src)
}

// TestFlowLiveHasNoRewindKeys checks that a Source that cannot go back
// offers neither p nor the jump, and that p does nothing there.
func TestFlowLiveHasNoRewindKeys(t *testing.T) {
	tm, rec, fake := startFlow(t)
	press(tm, "?")
	s := rec.waitFor(t, "the full help", func(s snapshot) bool { return strings.Contains(s.screen, "focus back") })
	for _, hidden := range []string{"previous stop", "jump to phase"} {
		if strings.Contains(s.screen, hidden) {
			t.Errorf("a live trace offers %q:\n%s", hidden, s.screen)
		}
	}
	commands := len(fake.CommandLog())
	press(tm, "p")
	press(tm, "enter")
	s = next(t, tm, rec, "n")
	if s.phase != tracer.PhaseConfigLoad {
		t.Errorf("n went to %s, want config.load", s.label)
	}
	if log := fake.CommandLog(); !slices.Equal(log[commands:], []string{"continue"}) {
		t.Errorf("p and enter sent commands: %v", log[commands:])
	}
	quit(t, tm, fake)
}

// replayDriver feeds a model a replay's events synchronously, dropping the
// commands the model returns, so that screens are deterministic.
type replayDriver struct {
	tb  testing.TB
	src *replay.Source
	m   Model
}

func newReplayDriver(tb testing.TB, w, h int) *replayDriver {
	tb.Helper()
	clock := newTestClock()
	src := demoReplay(tb)
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		Now:         clock.now,
		NoAnimation: true,
	})
	m = update(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(tb, m, startedMsg{gen: m.trace.gen, src: src})
	d := &replayDriver{tb: tb, src: src, m: m}
	d.deliver()
	return d
}

// deliver feeds the model the events up to the next stop or the exit and
// returns that event.
func (d *replayDriver) deliver() tracer.Event {
	d.tb.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-d.src.Events():
			if !ok {
				d.tb.Fatal("the replay closed its events")
			}
			d.m = update(d.tb, d.m, eventMsg{gen: d.m.trace.gen, ev: ev})
			switch ev.Kind {
			case tracer.KindStop, tracer.KindStep, tracer.KindExit:
				return ev
			}
		case <-timeout:
			d.tb.Fatal("the replay delivered no stop")
		}
	}
}

// do runs a command of the replay and delivers what it causes.
func (d *replayDriver) do(what string, cmd func(context.Context) error) tracer.Event {
	d.tb.Helper()
	if err := cmd(d.tb.Context()); err != nil {
		d.tb.Fatalf("%s: %v", what, err)
	}
	return d.deliver()
}

// continueTo continues until the replay stops at phase or exits.
func (d *replayDriver) continueTo(phase tracer.PhaseID) {
	d.tb.Helper()
	for {
		ev := d.do("continue", d.src.Continue)
		if ev.Phase == phase || ev.Kind == tracer.KindExit {
			return
		}
	}
}

// TestGoldenRewind compares the screen after going back with the golden
// files in testdata/TestGoldenRewind, and with the screen first seen there.
func TestGoldenRewind(t *testing.T) {
	const w, h = 120, 40
	t.Run("config.scan/120x40", func(t *testing.T) {
		// At app.running, jump back to config.scan.
		d := newReplayDriver(t, w, h)
		d.continueTo(tracer.PhaseConfigScan)
		first := screen(t, d.m, w, h)
		d.continueTo(tracer.PhaseRunning)
		d.do("jump", func(ctx context.Context) error { return d.src.JumpTo(ctx, tracer.PhaseConfigScan) })
		got := screen(t, d.m, w, h)
		if got != first {
			t.Errorf("the screen differs from the first time at config.scan\n--- now:\n%s\n--- then:\n%s", got, first)
		}
		golden.RequireEqual(t, got+"\n")
	})
	t.Run("app.after-stop/120x40", func(t *testing.T) {
		// At the exit, go back to the last stop.
		d := newReplayDriver(t, w, h)
		d.continueTo(tracer.PhaseAfterStop)
		first := screen(t, d.m, w, h)
		d.continueTo(tracer.PhaseExit)
		if !d.m.trace.ended {
			t.Fatal("the model does not know the replay ended")
		}
		d.do("previous", d.src.Previous)
		got := screen(t, d.m, w, h)
		if got != first {
			t.Errorf("the screen differs from the first time at app.after-stop\n--- now:\n%s\n--- then:\n%s", got, first)
		}
		golden.RequireEqual(t, got+"\n")
	})
}

// rewindingNoter is a Source that can go back and makes notes, as a lesson
// on a replay could; the test delivers its events and notes by hand.
type rewindingNoter struct{ *tracertest.Fake }

func (rewindingNoter) Previous(context.Context) error               { return nil }
func (rewindingNoter) JumpTo(context.Context, tracer.PhaseID) error { return nil }
func (rewindingNoter) Notes() <-chan string                         { return nil }

// TestRewindKeepsTheNotesOfTheStop checks that a stop delivered again shows
// the notes made for it, and nothing delivered after it the first time.
func TestRewindKeepsTheNotesOfTheStop(t *testing.T) {
	const w, h = 120, 40
	src := rewindingNoter{tracertest.NewFake(nil)}
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		Now:         newTestClock().now,
		NoAnimation: true,
		Notes:       true,
	})
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(t, m, startedMsg{gen: m.trace.gen, src: src})
	var scan tracer.Event
	var first string
	for _, ev := range tracertest.DemoEvents() {
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseConfigScan {
			m = update(t, m, noteMsg{gen: m.trace.gen, text: "look at the Bootstrap"})
		}
		m = update(t, m, eventMsg{gen: m.trace.gen, ev: ev})
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseConfigScan {
			scan, first = ev, screen(t, m, w, h)
			m = update(t, m, noteMsg{gen: m.trace.gen, text: "on to wire"})
		}
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseWireDone {
			break
		}
	}
	if !strings.Contains(first, "✎ look at the Bootstrap") {
		t.Fatalf("the note is not shown at config.scan:\n%s", first)
	}
	m = update(t, m, eventMsg{gen: m.trace.gen, ev: scan})
	if got := screen(t, m, w, h); got != first {
		t.Errorf("config.scan delivered again differs from the first time\n--- now:\n%s\n--- then:\n%s", got, first)
	}
}

// TestJumpToAPhaseNotInTheTrace checks that enter on a phase the recording
// never reached says so, and the trace stays where it is.
func TestJumpToAPhaseNotInTheTrace(t *testing.T) {
	const w, h = 120, 40
	d := newReplayDriver(t, w, h)
	d.m.phases.SelectKey(phases.RowKey{Phase: tracer.PhaseRegister})
	next, cmd := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	d.m = next.(Model)
	if cmd == nil {
		t.Fatal("enter on app.register sent no command")
	}
	d.m = update(t, d.m, cmd())
	s := screen(t, d.m, w, h)
	for _, want := range []string{"jump to app.register: not in this trace", "▶ paused at flag.parse"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
}
