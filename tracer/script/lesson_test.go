package script

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// uiLog is what a UI reading a Lesson saw, in order: "note: …" for a note,
// "stop phase", "pass phase", "exit" for events.
type uiLog []string

// watch reads a Lesson as the TUI does, one reader for notes and events,
// and presses "next" at every stop via press. It returns when the events
// channel is closed.
func watch(t *testing.T, l *Lesson, press func(ev tracer.Event) error) uiLog {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var log uiLog
	notes := l.Notes()
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("the lesson did not end; saw:\n%s", strings.Join(log, "\n"))
		case n, ok := <-notes:
			if !ok {
				notes = nil
				continue
			}
			log = append(log, "note: "+n)
		case ev, ok := <-l.Events():
			if !ok {
				return log
			}
			switch ev.Kind {
			case tracer.KindStop:
				log = append(log, "stop "+ev.Label())
				if err := press(ev); err != nil {
					t.Fatalf("next at %s: %v", ev.Label(), err)
				}
			case tracer.KindPass:
				log = append(log, "pass "+ev.Label())
			case tracer.KindExit:
				log = append(log, "exit")
			}
		}
	}
}

func indexOf(t *testing.T, log uiLog, line string) int {
	t.Helper()
	for i, l := range log {
		if l == line {
			return i
		}
	}
	t.Fatalf("%q not seen:\n%s", line, strings.Join(log, "\n"))
	return -1
}

func TestLessonInAUI(t *testing.T) {
	for name, newSource := range map[string]func() tracer.Source{
		"fake": func() tracer.Source { return tracertest.NewFake(tracertest.DemoEvents()) },
		"replay": func() tracer.Source {
			return replay.NewSource(&replay.Recording{Events: tracertest.DemoEvents()}, replay.Options{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			l := NewLesson(newSource(), mustParse(t, `note "Welcome"
break config.scan
continue
note "The config is decoded"
expect bootstrap.server.http.addr == 127.0.0.1:8000
sleep 1h
continue
expect servers.count == 3
sigterm
expect exit_code == 0
`))
			defer l.Close()
			log := watch(t, l, func(tracer.Event) error { return l.Continue(t.Context()) })

			// Only the script's stops (and app.running) pause; the others pass.
			var stops []string
			for _, line := range log {
				if strings.HasPrefix(line, "stop ") {
					stops = append(stops, line)
				}
			}
			if strings.Join(stops, ",") != "stop config.scan,stop app.running" {
				t.Errorf("stops = %v", stops)
			}
			if indexOf(t, log, "pass flag.parse") > indexOf(t, log, "stop config.scan") {
				t.Error("flag.parse passed after config.scan")
			}
			// A stop's notes come before it; the intro before everything.
			if indexOf(t, log, "note: Welcome") > indexOf(t, log, "pass flag.parse") {
				t.Error("the intro came late")
			}
			scan := indexOf(t, log, "stop config.scan")
			if n := indexOf(t, log, "note: The config is decoded"); n > scan {
				t.Errorf("the stop's note came after it:\n%s", strings.Join(log, "\n"))
			}
			if n := indexOf(t, log, "note: ✓ expect bootstrap.server.http.addr == 127.0.0.1:8000"); n > scan {
				t.Error("the expect outcome came after the stop")
			}
			running := indexOf(t, log, "stop app.running")
			fail := indexOf(t, log, `note: ✗ line 8: expect servers.count == 3: it does not hold: servers.count is "2"`)
			if fail < scan || fail > running {
				t.Errorf("the failure is not with app.running:\n%s", strings.Join(log, "\n"))
			}
			exit := indexOf(t, log, "exit")
			if n := indexOf(t, log, "note: ✓ expect exit_code == 0"); n > exit || n < running {
				t.Errorf("the exit's note is not with it:\n%s", strings.Join(log, "\n"))
			}
			res := l.Result()
			if len(res.Failures) != 1 || res.Failures[0].Line != 8 || res.ExitCode != 0 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestLessonWaitsForTheUser(t *testing.T) {
	l := NewLesson(tracertest.NewFake(tracertest.DemoEvents()), mustParse(t, "break flag.parse config.load\ncontinue\ncontinue\n"))
	defer l.Close()
	go func() {
		for range l.Notes() {
		}
	}()
	for ev := range l.Events() {
		if ev.Kind == tracer.KindStop {
			if ev.Phase != tracer.PhaseFlagParse {
				t.Fatalf("first stop %s", ev.Label())
			}
			break
		}
	}
	// Nothing comes until the user goes on.
	select {
	case ev := <-l.Events():
		t.Fatalf("event %s %s before the user went on", ev.Kind, ev.Label())
	case <-time.After(100 * time.Millisecond):
	}
	if err := l.SetBreak(tracer.PhaseWireDone, true); err != nil {
		t.Fatal(err)
	}
	if err := l.Signal(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Continue(t.Context()); !errors.Is(err, tracer.ErrNotPaused) {
		t.Errorf("a second go before the next stop = %v", err)
	}
	var next tracer.Event
	for ev := range l.Events() {
		if ev.Kind == tracer.KindStop {
			next = ev
			break
		}
	}
	if next.Phase != tracer.PhaseConfigLoad {
		t.Fatalf("second stop %s", next.Label())
	}
	// The script is over: the UI drives the Source, with the break it set
	// while the script ran.
	if err := l.Continue(t.Context()); err != nil {
		t.Fatal(err)
	}
	var stops []string
	for ev := range l.Events() {
		if ev.Kind == tracer.KindStop {
			stops = append(stops, ev.Label())
			if err := l.Continue(t.Context()); err != nil && !errors.Is(err, tracer.ErrEnded) {
				t.Fatal(err)
			}
		}
	}
	if len(stops) == 0 || stops[0] != "wire.done wireApp" {
		t.Errorf("stops after the script: %v", stops)
	}
	if err := l.Continue(t.Context()); !errors.Is(err, tracer.ErrEnded) && err != nil {
		t.Errorf("continue at the end = %v", err)
	}
}

func TestLessonQuitAndClose(t *testing.T) {
	f := tracertest.NewFake(tracertest.DemoEvents())
	l := NewLesson(f, mustParse(t, "break wire\ncontinue\nquit\n"))
	log := watch(t, l, func(tracer.Event) error { return l.Continue(t.Context()) })
	if !f.Closed() || indexOf(t, log, "stop wire wireApp") < 0 {
		t.Errorf("closed %v\n%s", f.Closed(), strings.Join(log, "\n"))
	}
	l.Close()

	// Closing in the middle ends everything.
	f2 := tracertest.NewFake(tracertest.DemoEvents())
	l2 := NewLesson(f2, mustParse(t, "break wire\ncontinue\ncontinue\n"))
	go func() {
		for range l2.Notes() {
		}
	}()
	for ev := range l2.Events() {
		if ev.Kind == tracer.KindStop {
			break
		}
	}
	done := make(chan struct{})
	go func() { l2.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
	if !f2.Closed() {
		t.Error("the Source is not closed")
	}
	if err := l2.Continue(t.Context()); !errors.Is(err, tracer.ErrEnded) {
		t.Errorf("continue after Close = %v", err)
	}
}
