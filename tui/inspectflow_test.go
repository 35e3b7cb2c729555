package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// startInspectFlow runs the TUI on the inspecting fake, at 120x40.
func startInspectFlow(t *testing.T) (*teatest.TestModel, *recorder, *tracertest.Fake) {
	t.Helper()
	fake := inspectingFake()
	tm, rec := startFlowOn(t, fake)
	return tm, rec, fake
}

func sendKeys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// focusPane presses tab until p has the focus.
func focusPane(t *testing.T, tm *teatest.TestModel, rec *recorder, name string) {
	t.Helper()
	for range paneCount {
		s := rec.waitFor(t, "a screen", func(snapshot) bool { return true })
		if s.focus == name {
			return
		}
		before := s.focus
		press(tm, "tab")
		rec.waitFor(t, "the focus to move from "+before, func(s snapshot) bool { return s.focus != before })
	}
	t.Fatalf("could not focus %s", name)
}

func screenHas(text string) func(snapshot) bool {
	return func(s snapshot) bool { return strings.Contains(s.screen, text) }
}

// TestFlowInspect is what a person does at a stop of a live program:
// select frame 1 in Stack, evaluate an expression there, watch it, go back
// to frame 0, set a breakpoint on a line of Source and continue to it. The
// watch is carried to that stop.
func TestFlowInspect(t *testing.T) {
	tm, rec, fake := startInspectFlow(t)
	for s := rec.last; s.phase != tracer.PhaseAppRun; {
		s = next(t, tm, rec, "n")
	}

	// Frame 1 of App.Run is main.main: Source and Variables move there.
	focusPane(t, tm, rec, "Stack")
	sendKeys(tm, "j", "enter")
	s := rec.waitFor(t, "frame 1", screenHas("Source  demo/cmd/server/main.go:"))
	for _, want := range []string{"▶1 main.main", "frame 1 · main.main", "bc  conf.Bootstrap"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("after enter on frame 1 the screen lacks %q:\n%s", want, s.screen)
		}
	}

	// An expression of main.main, evaluated in frame 1.
	sendKeys(tm, ":")
	rec.waitFor(t, "the prompt", screenHas("Evaluate"))
	tm.Type("bc.Server.Http.Addr")
	sendKeys(tm, "enter")
	s = rec.waitFor(t, "the value", screenHas(`"127.0.0.1:8000"`))
	if !strings.Contains(s.screen, "frame 1 · main.main") {
		t.Errorf("the prompt does not say it evaluates in frame 1:\n%s", s.screen)
	}
	// The history brings it back; ctrl+w watches it.
	sendKeys(tm, "down", "up", "ctrl+w")
	rec.waitFor(t, "the watch", screenHas("watching bc.Server.Http.Addr"))
	if log := fake.CommandLog(); !slices.Contains(log, "frame 1") || !slices.Contains(log, "eval bc.Server.Http.Addr") || !slices.Contains(log, "watch bc.Server.Http.Addr") {
		t.Errorf("commands %v, want frame 1, the eval and the watch", log)
	}
	sendKeys(tm, "esc")
	rec.waitFor(t, "the prompt to close", func(s snapshot) bool { return !strings.Contains(s.screen, "╭─ Evaluate") })

	// Back to frame 0, then a breakpoint on the fourth line below the stop.
	focusPane(t, tm, rec, "Stack")
	sendKeys(tm, "k", "enter")
	rec.waitFor(t, "frame 0", screenHas("Source  go-kratos/kratos/v2@v2.9.2/app.go:83"))
	focusPane(t, tm, rec, "Source")
	sendKeys(tm, "j", "j", "j", "j", "b")
	rec.waitFor(t, "the breakpoint", screenHas("breakpoint at app.go:87"))
	s = rec.waitFor(t, "the gutter mark", screenHas(markBreakpoint+" 87 │"))

	// n runs to it: a stop of phase break, after app.run in the timeline.
	s = next(t, tm, rec, "n")
	if s.phase != tracer.PhaseBreak {
		t.Fatalf("n from app.run stopped at %s, want the breakpoint", s.label)
	}
	for _, want := range []string{"▶ break app.go:87", "paused at break ", "▶ 87 │"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("at the breakpoint the screen lacks %q:\n%s", want, s.screen)
		}
	}
	if i, j := strings.Index(s.screen, "✓ app.run"), strings.Index(s.screen, "▶ break app.go:87"); i < 0 || j < i {
		t.Errorf("the breakpoint's stop is not after app.run in the timeline:\n%s", s.screen)
	}
	// The watch was evaluated at this stop (in frame 0, where bc is unknown).
	focusPane(t, tm, rec, "Variables")
	s = rec.waitFor(t, "the watch at the breakpoint", screenHas("bc.Server.Http.Addr"))
	if !strings.Contains(s.screen, "✗ could not") {
		t.Errorf("the watch's error is not shown at the breakpoint:\n%s", s.screen)
	}
	// n goes on from the breakpoint to the next phase.
	s = next(t, tm, rec, "n")
	if s.phase != tracer.PhaseBuildInstance {
		t.Errorf("n from the breakpoint stopped at %s, want app.build-instance", s.label)
	}
	quit(t, tm, fake)
}

// TestFlowHalt halts a running program, looks at a goroutine and resumes.
func TestFlowHalt(t *testing.T) {
	tm, rec, fake := startInspectFlow(t)
	fake.BlockAt(tracer.PhaseRunning)
	s := rec.last
	for s.phase != tracer.PhaseAfterStart {
		s = next(t, tm, rec, "n")
	}
	// app.running with its break off: the program runs on.
	press(tm, "j")
	press(tm, "b")
	rec.waitFor(t, "the break off", func(s snapshot) bool { return slices.Contains(s.done, "break") })
	press(tm, "n")
	rec.waitFor(t, "the program to run", func(s snapshot) bool { return !s.paused && s.phase == tracer.PhaseRunning })
	press(tm, "h")
	s = rec.waitFor(t, "the halt", screenHas("halted: 3 goroutines"))
	for _, want := range []string{"[Goroutines]", "▶ 1 kratos.(*App).Run", "semacquire", "IO wait", "▶ halt", "▶2 kratos.(*App).Run"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("at the halt the screen lacks %q:\n%s", want, s.screen)
		}
	}
	// Goroutine 7: its stack, source and variables.
	press(tm, "j")
	press(tm, "enter")
	s = rec.waitFor(t, "goroutine 7", screenHas("goroutine 7"))
	rec.waitFor(t, "its variables", screenHas("goid  7"))
	if log := fake.CommandLog(); !slices.Contains(log, "goroutine 7") || !slices.Contains(log, "frame 2") {
		t.Errorf("commands %v, want goroutine 7 and its frame 2", log)
	}
	// n resumes: the goroutines go, the program runs at app.running.
	press(tm, "n")
	s = rec.waitFor(t, "the program to run again", func(s snapshot) bool {
		return !s.paused && !strings.Contains(s.screen, "Goroutines")
	})
	// SIGTERM walks the shutdown as before.
	press(tm, "t")
	rec.waitFor(t, "app.stop", pausedAt(tracer.PhaseStop))
	quit(t, tm, fake)
}

// TestReplayCannotInspect checks that what a recording cannot do is one
// line in the status bar, never a crash: the prompt, a breakpoint, a halt,
// a frame. The recorded watches still show.
func TestReplayCannotInspect(t *testing.T) {
	events := inspectEvents()
	for i := range events {
		if events[i].Kind == tracer.KindStop && events[i].Phase == tracer.PhaseBreak {
			events = append(events[:i], events[i+1:]...)
			break
		}
	}
	for i := range events {
		if events[i].Kind == tracer.KindStop && events[i].Phase == tracer.PhaseAppRun {
			events[i].Watches = []tracer.WatchValue{{Expr: "main.flagconf", Value: &tracer.Node{Type: "string", Value: `"../../configs"`}}}
		}
	}
	m := replayModel(t, events)
	for m.trace.phase != tracer.PhaseAppRun {
		m = replayNext(t, m)
	}
	if s := screen(t, m, 120, 40); !strings.Contains(s, "main.flagconf") {
		m.setFocus(paneVariables)
		if s = screen(t, m, 120, 40); !strings.Contains(s, "main.flagconf") {
			t.Errorf("the recorded watch is not shown:\n%s", s)
		}
	}
	// The prompt: a recording that cannot evaluate says so at once; one
	// that answers from its watches (a partial Inspector) opens the prompt
	// and says so for an expression it did not watch.
	m = keys(t, m, ":")
	if m.prompt.open {
		m = typeText(t, m, "len(a.opts.servers)")
		m = keys(t, m, "enter")
		if s := screen(t, m, 120, 40); !strings.Contains(s, "needs a live program") {
			t.Errorf("an unwatched expression on a recording gives no reason:\n%s", s)
		}
		m = keys(t, m, "esc")
	} else if s := screen(t, m, 120, 40); !strings.Contains(s, "needs a live program") {
		t.Errorf(": on a recording gives no reason:\n%s", s)
	}
	for _, k := range []struct {
		focus paneID
		keys  []string
		want  string
	}{
		{paneSource, []string{"b"}, "needs a live program"},
		{panePhases, []string{"h"}, "already paused"},
		{paneStack, []string{"j", "enter"}, "needs a live program"},
		{paneVariables, []string{"w"}, "no expression"},
	} {
		m.setFocus(k.focus)
		m = keys(t, m, k.keys...)
		if s := screen(t, m, 120, 40); !strings.Contains(s, k.want) {
			t.Errorf("%v in %s: the screen does not say %q:\n%s", k.keys, k.focus, k.want, s)
		}
		m.trace.flash, m.trace.notice = "", ""
	}
}

// replayModel is a model on a replay of events, at 120x40.
func replayModel(tb testing.TB, events []tracer.Event) Model {
	tb.Helper()
	src := demoReplayOf(tb, events)
	m := NewModel(Options{Target: "./demo", Start: func(context.Context) (tracer.Source, error) { return src, nil }, NoAnimation: true, Now: newTestClock().now})
	m = update(tb, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = drive(tb, m, startedMsg{gen: m.trace.gen, src: src})
	return replayPump(tb, m, src)
}

// replayNext presses n and takes what the replay delivers.
func replayNext(tb testing.TB, m Model) Model {
	tb.Helper()
	m = keys(tb, m, "n")
	return replayPump(tb, m, m.trace.src)
}

// replayPump takes events until the replay pauses.
func replayPump(tb testing.TB, m Model, src tracer.Source) Model {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-src.Events():
			if !ok {
				return drive(tb, m, sourceClosedMsg{gen: m.trace.gen})
			}
			m = drive(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
			if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindExit || ev.Kind == tracer.KindStall {
				return m
			}
		case <-deadline:
			tb.Fatal("the replay delivered nothing")
		}
	}
}

// TestFlowPromptOpensEmpty: the prompt opens empty each time, not with the
// line run before; ↑ brings that line back (issue 26, item 5).
func TestFlowPromptOpensEmpty(t *testing.T) {
	tm, rec, fake := startInspectFlow(t)
	for s := rec.last; s.phase != tracer.PhaseAppRun; {
		s = next(t, tm, rec, "n")
	}
	sendKeys(tm, ":")
	rec.waitFor(t, "the prompt", screenHas("╭─ Evaluate"))
	tm.Type("a.opts")
	sendKeys(tm, "enter")
	rec.waitFor(t, "the value", screenHas(`"kratos-trace-demo"`))
	sendKeys(tm, "esc")
	rec.waitFor(t, "the prompt to close", func(s snapshot) bool { return !strings.Contains(s.screen, "╭─ Evaluate") })

	sendKeys(tm, ":")
	s := rec.waitFor(t, "the prompt again", screenHas("╭─ Evaluate"))
	if strings.Contains(s.screen, "› a.opts") || strings.Contains(s.screen, `"kratos-trace-demo"`) {
		t.Errorf("the prompt reopened with the last line or its answer:\n%s", s.screen)
	}
	if !strings.Contains(s.screen, "a Go expression, or: break LOC") {
		t.Errorf("the reopened prompt does not show its hint, as an empty one does:\n%s", s.screen)
	}
	tm.Type("x")
	rec.waitFor(t, "typing into the empty line", screenHas("› x"))
	sendKeys(tm, "up")
	rec.waitFor(t, "↑ to bring the last line back", screenHas("› a.opts"))
	sendKeys(tm, "down")
	rec.waitFor(t, "↓ to bring the draft back", screenHas("› x"))
	sendKeys(tm, "esc")
	quit(t, tm, fake)
}
