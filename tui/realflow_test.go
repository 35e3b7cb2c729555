package tui

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// These flows drive the TUI on the demo under the real Delve, as a person
// would with the keys: what a fake cannot play is a request sent from
// outside with curl, and where Delve's own step lands.

// realWait is how long a flow waits for the real program: a cold debug
// build of the demo takes a while on a busy machine.
const realWait = 4 * time.Minute

// startRealFlow runs the TUI at w x h on the demo under the real Delve,
// with conf and the user's breakpoints breaks, up to its first stop.
func startRealFlow(t *testing.T, w, h int, conf tracertest.DemoConfig, breaks ...string) (*teatest.TestModel, *recorder) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the demo under Delve")
	}
	rec := newRecorder()
	m := NewModel(Options{
		Target: "./demo",
		Start: func(ctx context.Context) (tracer.Source, error) {
			return delve.Start(ctx, delve.Config{Target: "../demo", Args: []string{"-conf", conf.Dir}, Breaks: breaks})
		},
		NoAnimation: true,
	})
	tm := teatest.NewTestModel(t, probe{Model: m, rec: rec}, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape}) // a prompt or picker left open
		press(tm, "q")
		tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
	})
	s := rec.waitWithin(t, realWait, "the first stop", func(s snapshot) bool { return s.paused || s.ended })
	if strings.Contains(s.screen, "ptrace") {
		tracertest.SkipWithoutPtrace(t, "the real debugger cannot run")
	}
	if s.phase != tracer.PhaseFlagParse {
		t.Fatalf("the first stop is %q, want flag.parse:\n%s", s.label, s.screen)
	}
	return tm, rec
}

// realNext presses key and waits for the next stop of the real program.
func realNext(t *testing.T, tm *teatest.TestModel, rec *recorder, key string) snapshot {
	t.Helper()
	before := rec.waitWithin(t, 30*time.Second, "a pause", func(s snapshot) bool { return s.paused })
	press(tm, key)
	return rec.waitWithin(t, 30*time.Second, "the stop after "+before.label, func(s snapshot) bool {
		return s.ended || (s.paused && s.stops > before.stops)
	})
}

// nextUntil presses n until the stop that cond accepts.
func nextUntil(t *testing.T, tm *teatest.TestModel, rec *recorder, what string, cond func(snapshot) bool) snapshot {
	t.Helper()
	for i := 0; i < 60; i++ {
		s := realNext(t, tm, rec, "n")
		if cond(s) {
			return s
		}
		if s.ended {
			break
		}
	}
	s := rec.waitFor(t, "any state", func(snapshot) bool { return true })
	t.Fatalf("no stop at %s; last %q:\n%s", what, s.label, s.screen)
	return s
}

// sendFromPicker opens the request picker with R, picks the first route
// and sends its example, and waits for the request's first stop.
func sendFromPicker(t *testing.T, tm *teatest.TestModel, rec *recorder) snapshot {
	t.Helper()
	before := rec.waitFor(t, "a state", func(snapshot) bool { return true })
	press(tm, "R")
	rec.waitWithin(t, 30*time.Second, "the routes", func(s snapshot) bool { return strings.Contains(s.screen, "GET /helloworld/{name}") })
	press(tm, "enter") // edit the example
	press(tm, "enter") // send it
	return rec.waitWithin(t, 30*time.Second, "the request's first stop", func(s snapshot) bool {
		return s.paused && s.stops > before.stops && strings.HasPrefix(string(s.phase), "request.")
	})
}

// offersTermAndRequest checks that the hint bar offers t and R.
func offersTermAndRequest(t *testing.T, s snapshot, when string) {
	t.Helper()
	hints := s.screen[strings.LastIndex(s.screen, "\n")+1:]
	for _, want := range []string{"t SIGTERM", "R request"} {
		if !strings.Contains(hints, want) {
			t.Errorf("%s, the hints do not offer %q: %s", when, want, hints)
		}
	}
}

// TestFlowRealRequestFromOutside: a request sent from outside (as curl
// would) stops at a breakpoint of the user's; n runs on, and R then sends
// a request, with t and R offered throughout. s on SayHello's return line
// stops in its caller on the same goroutine; s at a reply says there is
// nothing to step, and R still sends.
func TestFlowRealRequestFromOutside(t *testing.T) {
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "60s", GRPCTimeout: "60s", DatabaseSource: ":memory:"})
	const atCall, atReturn = "internal/service/greeter.go:28", "internal/service/greeter.go:36"
	tm, rec := startRealFlow(t, 120, 40, conf, atCall, atReturn)
	nextUntil(t, tm, rec, "app.running", pausedAt(tracer.PhaseRunning))
	press(tm, "n")
	rec.waitWithin(t, 30*time.Second, "the program running on", func(s snapshot) bool { return !s.paused })

	// curl, from outside.
	answered := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + conf.HTTPAddr + "/helloworld/outside")
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answered <- string(body)
	}()
	s := rec.waitWithin(t, 30*time.Second, "the request's first stop", func(s snapshot) bool { return s.paused })
	for s.label != "break "+atCall {
		s = realNext(t, tm, rec, "n")
	}
	offersTermAndRequest(t, s, "at the user's breakpoint")
	for s.label != "break "+atReturn {
		s = realNext(t, tm, rec, "n")
	}
	// s over the return: in the caller, on the same goroutine.
	g := s.goroutine
	s = realNext(t, tm, rec, "s")
	if s.kind != tracer.KindStep || s.goroutine != g || !strings.Contains(s.function, "greeterSayHelloHTTPHandler") {
		t.Errorf("s on the return line: %s on goroutine %d in %s, want a step on goroutine %d in SayHello's caller:\n%s", s.kind, s.goroutine, s.function, g, s.screen)
	}
	offersTermAndRequest(t, s, "after a step")
	// n runs the request to its end; the program runs on.
	press(tm, "n")
	for running := false; !running; {
		select {
		case body := <-answered:
			if !strings.Contains(body, "Hello outside") {
				t.Errorf("curl got %q", body)
			}
			running = true
		case <-time.After(2 * time.Second):
			if s := rec.waitFor(t, "a state", func(snapshot) bool { return true }); s.paused {
				press(tm, "n")
			}
		}
	}
	s = rec.waitWithin(t, 30*time.Second, "running on", func(s snapshot) bool { return !s.paused })
	offersTermAndRequest(t, s, "running on after the breakpoint")

	// R sends, after all that.
	sendFromPicker(t, tm, rec)
	s = nextUntil(t, tm, rec, "the reply", pausedAt(tracer.PhaseRequestReply))
	// s at the reply: nothing of the program's to step.
	press(tm, "s")
	s = rec.waitWithin(t, 30*time.Second, "the step refused", func(s snapshot) bool {
		return strings.Contains(s.screen, "step over: nothing to step here")
	})
	if s.phase != tracer.PhaseRequestReply || !s.paused {
		t.Errorf("s at the reply left the reply: %q", s.label)
	}
	offersTermAndRequest(t, s, "after s at a reply")
	sendFromPicker(t, tm, rec)
}

// TestFlowRealWatchKeepsToItsFrame: at app.run, frame 1 (main.main) is
// selected, bc.Server.Http.Addr evaluated there and watched with ctrl+w;
// at the later stops where main.main is on the stack the watch keeps its
// value, saying the frame it comes from, and where it is not, it is not in
// scope.
func TestFlowRealWatchKeepsToItsFrame(t *testing.T) {
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{})
	const expr = "bc.Server.Http.Addr"
	value := `"` + conf.HTTPAddr + `"`
	tm, rec := startRealFlow(t, 200, 60, conf)
	nextUntil(t, tm, rec, "app.run", pausedAt(tracer.PhaseAppRun))
	for i := 0; i < 10; i++ {
		s := rec.waitFor(t, "a state", func(snapshot) bool { return true })
		if s.focus == "Stack" {
			break
		}
		press(tm, "tab")
		rec.waitFor(t, "the focus to move", func(n snapshot) bool { return n.focus != s.focus })
	}
	press(tm, "j")
	press(tm, "enter")
	rec.waitWithin(t, 30*time.Second, "frame 1", func(s snapshot) bool { return strings.Contains(s.screen, "frame 1 · main.main") })
	press(tm, ":")
	tm.Type(expr)
	press(tm, "enter")
	rec.waitWithin(t, 30*time.Second, "the value in frame 1", func(s snapshot) bool { return strings.Contains(s.screen, value) })
	tm.Send(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl})
	rec.waitWithin(t, 30*time.Second, "the watch", func(s snapshot) bool {
		return strings.Contains(s.screen, "watching "+expr+" in main.main")
	})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	kept, outside := 0, 0
	for i := 0; i < 40; i++ {
		s := realNext(t, tm, rec, "n")
		row := watchRow(s.screen, expr)
		switch {
		case s.phase == tracer.PhaseServerStart:
			// A server starts on a goroutine of its own.
			outside++
			if !strings.Contains(row, "not in scope") {
				t.Errorf("at %s the watch reads %q, want not in scope", s.label, row)
			}
		case s.phase == tracer.PhaseBuildInstance || s.phase == tracer.PhaseRunning:
			kept++
			if !strings.Contains(row, value) || !strings.Contains(row, "· main.main") {
				t.Errorf("at %s the watch reads %q, want %s from main.main's frame", s.label, row, value)
			}
		}
		if s.phase == tracer.PhaseRunning {
			break
		}
	}
	if kept < 2 || outside < 1 {
		t.Errorf("%d stops kept the watch and %d were outside main.main, want 2 and 1 at least", kept, outside)
	}
}

// watchRow is the screen's line that holds the watch expr.
func watchRow(screen, expr string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, expr) && !strings.Contains(l, "Evaluate") {
			return l
		}
	}
	return ""
}

// TestFlowRealOpenFileToBreak: at app.running, before any request, open
// shows the service's greeter.go in Source; b sets a breakpoint on line 28,
// and a request from outside stops there.
func TestFlowRealOpenFileToBreak(t *testing.T) {
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{HTTPTimeout: "60s", GRPCTimeout: "60s", DatabaseSource: ":memory:"})
	tm, rec := startRealFlow(t, 120, 40, conf)
	nextUntil(t, tm, rec, "app.running", pausedAt(tracer.PhaseRunning))

	// A name several files share: they are listed.
	press(tm, ":")
	tm.Type("open greeter.go")
	press(tm, "enter")
	rec.waitWithin(t, 10*time.Second, "the files listed", func(s snapshot) bool {
		return strings.Contains(s.screen, "open greeter.go: ") && strings.Contains(s.screen, " files match (")
	})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	press(tm, ":")
	tm.Type("open service/greeter.go:28")
	press(tm, "enter")
	s := rec.waitWithin(t, 10*time.Second, "greeter.go in Source", func(s snapshot) bool {
		return s.focus == "Source" && strings.Contains(s.screen, "28 │     if errors.Is(err, biz.ErrEmptyName)")
	})
	if strings.Contains(s.screen, "▶ 28") {
		t.Errorf("the opened file's line is marked as the stop's:\n%s", s.screen)
	}
	press(tm, "b")
	rec.waitWithin(t, 10*time.Second, "the breakpoint", func(s snapshot) bool {
		return strings.Contains(s.screen, "breakpoint at service.(*GreeterService).SayH")
	})
	press(tm, "n")
	rec.waitWithin(t, 30*time.Second, "the program running on", func(s snapshot) bool { return !s.paused })
	go func() {
		if resp, err := http.Get("http://" + conf.HTTPAddr + "/helloworld/opened"); err == nil {
			resp.Body.Close()
		}
	}()
	s = rec.waitWithin(t, 30*time.Second, "the request's first stop", func(s snapshot) bool { return s.paused })
	for i := 0; i < 20 && s.phase != tracer.PhaseBreak; i++ {
		s = realNext(t, tm, rec, "n")
	}
	if s.phase != tracer.PhaseBreak || !strings.Contains(s.label, "greeter.go:28") {
		t.Fatalf("the request did not stop at the breakpoint set in the opened file; last %q:\n%s", s.label, s.screen)
	}
	// Let the request finish, so that quitting does not wait on it.
	press(tm, "n")
	rec.waitWithin(t, 30*time.Second, "the program running on", func(s snapshot) bool { return !s.paused })
}
