package tui

import (
	"context"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// feedUntil feeds the model the events up to and including the first that
// until accepts, and returns the rest.
func feedUntil(tb testing.TB, m Model, events []tracer.Event, until func(tracer.Event) bool) (Model, []tracer.Event) {
	tb.Helper()
	for i, ev := range events {
		m = update(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
		if until(ev) {
			return m, events[i+1:]
		}
	}
	return m, nil
}

func TestNotesShowThePhaseAndTheLessonAtItsStop(t *testing.T) {
	events := tracertest.DemoEvents()
	m := modelIn(t, tracer.English, true, scenario{until: func(tracer.Event) bool { return true }}, 120, 40, nil)
	if s := screen(t, m, 120, 40); !strings.Contains(s, "What each phase does") {
		t.Errorf("the empty Notes pane does not say what it is for:\n%s", s)
	}
	m = update(t, m, noteMsg{gen: m.trace.gen, text: "Lesson 1: the boot"})
	if s := screen(t, m, 120, 40); !strings.Contains(s, "✎ Lesson 1: the boot") {
		t.Errorf("a note before the first stop is not shown:\n%s", s)
	}
	m, events = feedUntil(t, m, events, stopAt(tracer.PhaseFlagParse))
	s := screen(t, m, 120, 40)
	for _, want := range []string{"✎ Lesson 1: the boot", "flag.parse — flag.Parse", "main parses the command line"} {
		if !strings.Contains(s, want) {
			t.Errorf("at flag.parse the notes lack %q:\n%s", want, s)
		}
	}
	// A note made at flag.parse, before going on, belongs to the next stop.
	m = update(t, m, noteMsg{gen: m.trace.gen, text: "config next"})
	if s := screen(t, m, 120, 40); strings.Contains(s, "config next") {
		t.Errorf("a note for the next stop shows early:\n%s", s)
	}
	m, _ = feedUntil(t, m, events, stopAt(tracer.PhaseConfigLoad))
	s = screen(t, m, 120, 40)
	if !strings.Contains(s, "✎ config next") || strings.Contains(s, "Lesson 1") {
		t.Errorf("at config.load the lesson's notes are wrong:\n%s", s)
	}
	if !strings.Contains(s, "config.load — config.Load") {
		t.Errorf("at config.load the note is not config.load's:\n%s", s)
	}
}

func TestNotesKeyShowsAndHidesThePane(t *testing.T) {
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		m := modelAt(t, scenarios[1], w, h, tracertest.DemoEvents())
		if m.visible(paneNotes) {
			t.Fatalf("%dx%d: the notes show without N", w, h)
		}
		m = update(t, m, tea.KeyPressMsg{Code: 'N', Text: "N"})
		s := screen(t, m, w, h)
		if !m.visible(paneNotes) || !strings.Contains(s, "config.scan — config.Scan into Bootstrap") {
			t.Errorf("%dx%d: N does not show the notes:\n%s", w, h, s)
		}
		checkBorders(t, m, s)
		// Tab reaches the Notes pane; N then hides it and moves the focus.
		for range paneCount {
			if m.focus == paneNotes {
				break
			}
			m = update(t, m, tea.KeyPressMsg{Code: tea.KeyTab})
		}
		if m.focus != paneNotes {
			t.Fatalf("%dx%d: tab never focuses Notes", w, h)
		}
		m = update(t, m, tea.KeyPressMsg{Code: 'N', Text: "N"})
		if m.visible(paneNotes) || m.focus == paneNotes {
			t.Errorf("%dx%d: N does not hide the notes (focus %s)", w, h, m.focus)
		}
		for range paneCount {
			m = update(t, m, tea.KeyPressMsg{Code: tea.KeyTab})
			if m.focus == paneNotes {
				t.Fatalf("%dx%d: tab focuses the hidden Notes pane", w, h)
			}
		}
		checkBorders(t, m, screen(t, m, w, h))
	}
}

// noterFake is the demo trace with notes, as a lesson's Source has them: it
// sends its introduction before the first event, so before the first stop.
type noterFake struct {
	*tracertest.Fake
	notes     chan string
	events    chan tracer.Event
	closed    chan struct{}
	sent      chan struct{} // closed once the intro is sent or dropped
	closeOnce sync.Once
}

func newNoterFake(intro string) *noterFake {
	f := &noterFake{
		Fake:   tracertest.NewFake(tracertest.DemoEvents()),
		notes:  make(chan string),
		events: make(chan tracer.Event),
		closed: make(chan struct{}),
		sent:   make(chan struct{}),
	}
	go func() {
		defer close(f.events)
		select {
		case f.notes <- intro:
			close(f.sent)
		case <-f.closed:
			close(f.sent)
			return
		}
		for ev := range f.Fake.Events() {
			select {
			case f.events <- ev:
			case <-f.closed:
				return
			}
		}
	}()
	return f
}

func (f *noterFake) Notes() <-chan string { return f.notes }

func (f *noterFake) Events() <-chan tracer.Event { return f.events }

func (f *noterFake) Close() error {
	f.closeOnce.Do(func() {
		close(f.closed)
		<-f.sent // notes is closed only once nothing can send on it
		close(f.notes)
	})
	return f.Fake.Close()
}

// TestNotesOfANoterSource runs the TUI on a Source that is a Noter and
// checks that its notes reach the Notes pane.
func TestNotesOfANoterSource(t *testing.T) {
	src := newNoterFake("Welcome to the lesson")
	rec := newRecorder()
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		NoAnimation: true,
		Notes:       true,
	})
	tm := teatest.NewTestModel(t, probe{Model: m, rec: rec}, teatest.WithInitialTermSize(120, 40))
	rec.waitFor(t, "the note", func(s snapshot) bool { return strings.Contains(s.screen, "✎ Welcome to the lesson") })
	quit(t, tm, src.Fake)
}

// TestLessonNotesKeepTheirLines checks that a printed value of several
// lines keeps them, and that checks show with their own mark.
func TestLessonNotesKeepTheirLines(t *testing.T) {
	m := modelIn(t, tracer.English, true, scenario{until: func(tracer.Event) bool { return true }}, 120, 40, nil)
	for _, n := range []string{"bootstrap.server =\n  http:\n    addr: 127.0.0.1:8000", "✓ expect phase == flag.parse", "✗ line 3: expect x == y: it does not hold"} {
		m = update(t, m, noteMsg{gen: m.trace.gen, text: n})
	}
	s := screen(t, m, 120, 40)
	for _, want := range []string{"✎ bootstrap.server =", "      addr: 127.0.0.1:8000", "✓ expect phase == flag.parse", "✗ line 3: expect x == y"} {
		if !strings.Contains(s, want) {
			t.Errorf("the notes lack %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "✎ ✓") || strings.Contains(s, "✎ ✗") {
		t.Errorf("a check is marked as a note:\n%s", s)
	}
}
