package output

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

func testOutputPane(limit, w, h int) Pane {
	p := New(pane.NewStyles(), pane.TextFor(tracer.English), limit)
	p.SetSize(w, h)
	return p
}

func TestOutputPaneJoinsPieces(t *testing.T) {
	p := testOutputPane(0, 80, 10)
	p.Add(tracer.OutputLine{Stream: "stdout", Text: "hello ", Continued: true})
	p.Add(tracer.OutputLine{Stream: "stdout", Text: "wor", Continued: true})
	p.Add(tracer.OutputLine{Stream: "stdout", Text: "ld"})
	p.Add(tracer.OutputLine{Stream: "stdout", Text: "next"})
	if len(p.lines) != 2 || p.lines[0].text != "hello world" || p.lines[1].text != "next" {
		t.Fatalf("lines %+v", p.lines)
	}
	view := strings.Join(p.View(), "\n")
	if !strings.Contains(view, " hello world") || !strings.Contains(view, " next") {
		t.Errorf("view:\n%s", view)
	}
}

func TestOutputPaneKeepsTheLastLines(t *testing.T) {
	p := testOutputPane(100, 80, 5)
	for i := range 250 {
		p.Add(tracer.OutputLine{Stream: "stdout", Text: fmt.Sprintf("line %d", i)})
	}
	if len(p.lines) != 100 || p.lines[0].text != "line 150" {
		t.Fatalf("%d lines held, first %q", len(p.lines), p.lines[0].text)
	}
	if got := p.Footer(); got != "100 lines · 150 scrolled out" {
		t.Errorf("footer %q", got)
	}
	view := p.View()
	if view[len(view)-1] != " line 249" {
		t.Errorf("the pane does not follow the end: %q", view)
	}
	// Scrolled up, the view stays on the same lines while more arrive.
	p.Scroll(-10)
	before := strings.Join(p.View(), "\n")
	p.Add(tracer.OutputLine{Stream: "stdout", Text: "line 250"})
	if after := strings.Join(p.View(), "\n"); after != before {
		t.Errorf("the view moved while scrolled up:\n%s\n---\n%s", before, after)
	}
	if !strings.HasSuffix(p.Footer(), "scrolled") {
		t.Errorf("footer %q does not say it is scrolled", p.Footer())
	}
}

// TestOutputPaneBoundsALongLine: a line of megabytes keeps its beginning and
// says how much more there was.
func TestOutputPaneBoundsALongLine(t *testing.T) {
	p := testOutputPane(0, 200, 20)
	piece := strings.Repeat("z", 64<<10)
	for i := range 48 {
		p.Add(tracer.OutputLine{Stream: "stdout", Text: piece, Continued: i < 47})
	}
	if len(p.lines) != 1 {
		t.Fatalf("%d lines", len(p.lines))
	}
	l := p.lines[0]
	if len(l.text) != maxOutputLineBytes || l.hidden != 3<<20-maxOutputLineBytes {
		t.Errorf("kept %d bytes, hidden %d", len(l.text), l.hidden)
	}
	view := strings.Join(p.View(), "\n")
	if !strings.Contains(view, "(… 3.0 MiB more)") {
		t.Errorf("the view does not say how much more:\n%s", view)
	}
}

// BenchmarkOutputAdd adds a line to a full Output pane, as each line of a
// chatty program does.
func BenchmarkOutputAdd(b *testing.B) {
	p := testOutputPane(DefaultLines, 120, 20)
	line := tracer.OutputLine{Stream: "stdout", Text: "INFO ts=2026-05-04T10:00:03.5Z caller=server/main.go:61 request handled in 1.2ms"}
	for range DefaultLines {
		p.Add(line)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Add(line)
	}
}
