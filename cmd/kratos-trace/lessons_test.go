package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/kratos-trace/kratos-trace/cmd/kratos-trace/internal/tour"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/script"
)

// TestLessonsAreListed checks that the tests run every lesson of
// demo/lessons (the list in replaycmd_test.go), and that each has its
// Chinese variant.
func TestLessonsAreListed(t *testing.T) {
	files, err := filepath.Glob("../../demo/lessons/*.kts")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !slices.Contains(lessons, f) && !slices.Contains(requestLessons, f) && !slices.Contains(systemLessons, f) {
			t.Errorf("%s is not in the lessons the tests run", f)
		}
		if !strings.HasSuffix(f, ".zh.kts") && !slices.Contains(files, strings.TrimSuffix(f, ".kts")+".zh.kts") {
			t.Errorf("%s has no Chinese variant", f)
		}
	}
	if len(files) < 14 {
		t.Errorf("%d lessons, want the seven in two languages", len(files))
	}
}

// TestLessonTranslationsMatch checks that each Chinese lesson is its English
// lesson with the notes translated: the same commands, the same checks.
func TestLessonTranslationsMatch(t *testing.T) {
	for _, en := range slices.Concat(lessons, requestLessons, systemLessons) {
		if strings.HasSuffix(en, ".zh.kts") {
			continue
		}
		zh := strings.TrimSuffix(en, ".kts") + ".zh.kts"
		a, err := script.ParseFile(en)
		if err != nil {
			t.Fatal(err)
		}
		b, err := script.ParseFile(zh)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Commands) != len(b.Commands) {
			t.Errorf("%s has %d commands, %s %d", en, len(a.Commands), zh, len(b.Commands))
			continue
		}
		for i, ca := range a.Commands {
			cb := b.Commands[i]
			if ca.Op == script.OpNote && cb.Op == script.OpNote {
				if !strings.ContainsFunc(cb.Note, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
					t.Errorf("%s:%d: the note is not in Chinese: %q", zh, cb.Line, cb.Note)
				}
				continue
			}
			if ca.Text != cb.Text {
				t.Errorf("%s:%d and %s:%d differ: %q and %q", en, ca.Line, zh, cb.Line, ca.Text, cb.Text)
			}
		}
	}
}

// TestLessonsOnTheTour runs every lesson on the tour's recording, a real
// run of the demo with its own config, replayed.
func TestLessonsOnTheTour(t *testing.T) {
	rec, err := tour.Recording()
	if err != nil {
		t.Fatal(err)
	}
	for _, lesson := range append(append([]string(nil), lessons...), requestLessons...) {
		t.Run(filepath.Base(lesson), func(t *testing.T) {
			s, err := script.ParseFile(lesson)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := script.Run(t.Context(), replay.NewSource(rec, replay.Options{}), s, script.Options{Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK() {
				t.Errorf("%s fails on the tour:\n%s", lesson, out.String())
			}
			if !strings.Contains(out.String(), "note: ") || !strings.Contains(out.String(), "ok   expect") {
				t.Errorf("%s printed no note or no check:\n%s", lesson, out.String())
			}
		})
	}
}
