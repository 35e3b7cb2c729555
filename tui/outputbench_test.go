package tui

import (
	"fmt"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/output"
)

// BenchmarkView200x60Output100k draws the screen at 200x60 with the demo
// trace and 100 000 lines of output held, as after a program that writes a
// line per request for a while.
func BenchmarkView200x60Output100k(b *testing.B) {
	events := tracertest.DemoEvents()
	m := modelAt(b, scenarios[3], 200, 60, events)
	m.output = output.New(m.st, m.tx, 100000)
	m.relayout()
	for i := range 100000 {
		m.output.Add(tracer.OutputLine{Stream: "stdout", Text: fmt.Sprintf("INFO ts=2026-05-04T10:00:03.5Z caller=server/main.go:61 request %d handled in 1.2ms", i)})
	}
	if m.output.Held() != 100000 {
		b.Fatalf("%d lines held", m.output.Held())
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
