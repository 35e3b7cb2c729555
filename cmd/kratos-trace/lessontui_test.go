package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/script"
	"github.com/kratos-trace/kratos-trace/tui"
)

// watchedLesson hands the TUI a lesson's events and notes, and reports them
// to the test as the TUI takes them.
type watchedLesson struct {
	*script.Lesson
	events chan tracer.Event
	notes  chan string
}

func watchLesson(l *script.Lesson, seen chan<- string) *watchedLesson {
	w := &watchedLesson{Lesson: l, events: make(chan tracer.Event), notes: make(chan string)}
	// One goroutine, as the lesson sends each note and waits until it is
	// taken before it sends the next event: the order is the lesson's.
	go func() {
		defer close(w.events)
		defer close(w.notes)
		notes := l.Notes()
		for {
			select {
			case n, ok := <-notes:
				if !ok {
					notes = nil
					continue
				}
				w.notes <- n
				seen <- "note: " + n
			case ev, ok := <-l.Events():
				if !ok {
					return
				}
				w.events <- ev
				seen <- string(ev.Kind) + " " + ev.Label()
			}
		}
	}()
	return w
}

func (w *watchedLesson) Events() <-chan tracer.Event { return w.events }
func (w *watchedLesson) Notes() <-chan string        { return w.notes }

// TestLessonInTheTUI plays a lesson on a replay in the TUI, pressing "next"
// until the exit: the TUI takes the script's notes (it reads them because
// the Source is a tui.Noter) and the script's checks pass.
func TestLessonInTheTUI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lesson.kts")
	lessonText := `note "Hello class"
break config.scan wire.done
continue
expect bootstrap.server.http.addr == 127.0.0.1:8000
note "The config is decoded"
continue
expect servers.count == 2
continue
sigterm
expect exit_code == 0
`
	if err := os.WriteFile(path, []byte(lessonText), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := script.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := replay.Read(demoRecording(t))
	if err != nil {
		t.Fatal(err)
	}
	start := func(context.Context) (tracer.Source, error) { return replay.NewSource(rec, replay.Options{}), nil }
	opts, lesson := lessonTUIOptions(s, lessonView{target: "./demo (replay)"}, start)
	if !opts.Notes {
		t.Error("the Notes pane is not opened for a lesson")
	}
	seen := make(chan string, 1024)
	startLesson := opts.Start
	opts.Start = func(ctx context.Context) (tracer.Source, error) {
		src, err := startLesson(ctx)
		if err != nil {
			return nil, err
		}
		return watchLesson(src.(*script.Lesson), seen), nil
	}
	var _ tui.Noter = (*watchedLesson)(nil)
	keys, typeKeys := io.Pipe()
	opts.Input, opts.Output, opts.NoAnimation = keys, io.Discard, true
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- tui.Run(ctx, opts) }()

	var log []string
	tick := time.NewTicker(30 * time.Millisecond)
	defer tick.Stop()
	for len(log) == 0 || log[len(log)-1] != "note: The script is over: the trace is yours." {
		select {
		case line := <-seen:
			log = append(log, line)
		case <-tick.C:
			typeKeys.Write([]byte("n"))
		case err := <-done:
			t.Fatalf("the TUI ended early: %v\n%s", err, strings.Join(log, "\n"))
		case <-ctx.Done():
			t.Fatalf("the lesson did not end in the TUI:\n%s", strings.Join(log, "\n"))
		}
	}
	typeKeys.Write([]byte("q"))
	if err := <-done; err != nil {
		t.Errorf("tui.Run: %v", err)
	}
	got := strings.Join(log, "\n")
	for _, want := range []string{
		"note: Hello class",
		"note: ✓ expect bootstrap.server.http.addr == 127.0.0.1:8000\nnote: The config is decoded\nstop config.scan",
		"note: ✓ expect servers.count == 2\nstop wire.done wireApp",
		"stop app.running",
		"note: ✓ expect exit_code == 0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the TUI did not take %q in order:\n%s", want, got)
		}
	}
	if res := lesson().Result(); !res.OK() || res.ExitCode != 0 {
		t.Errorf("result %+v", res)
	}
}

// TestLessonTUIKeepsTheTraceFlags: a lesson in the TUI keeps the Output
// pane's bound and the baseline's marks of the trace it plays.
func TestLessonTUIKeepsTheTraceFlags(t *testing.T) {
	compared := false
	view := lessonView{target: "./demo", outputLines: 50, baseline: func([]tracer.Event) *diff.Result {
		compared = true
		return nil
	}}
	opts, _ := lessonTUIOptions(&script.Script{}, view, nil)
	if opts.OutputLines != 50 {
		t.Errorf("OutputLines = %d, want --output-lines' 50", opts.OutputLines)
	}
	if opts.Baseline == nil {
		t.Fatal("no Baseline: the lesson's TUI would not mark what differs from --baseline")
	}
	opts.Baseline(nil)
	if !compared {
		t.Error("Baseline is not --baseline's comparison")
	}
}
