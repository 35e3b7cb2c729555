package tui

import (
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// BenchmarkView200x60 draws the whole screen at 200x60 with the full demo
// trace loaded, as Bubble Tea does after every message.
func BenchmarkView200x60(b *testing.B) {
	m := modelAt(b, scenarios[3], 200, 60, tracertest.DemoEvents())
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView80x24 is the same at the smallest common size.
func BenchmarkView80x24(b *testing.B) {
	m := modelAt(b, scenarios[3], 80, 24, tracertest.DemoEvents())
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView200x60Inspect draws the screen at 200x60 at a stop with
// the Variables pane full (watches, arguments, locals, a level read on
// unfold) and the prompt open with a value.
func BenchmarkView200x60Inspect(b *testing.B) {
	m := inspectScenarios[0].at(b, 200, 60)
	m = keys(b, m, ":")
	m = typeText(b, m, "a.opts")
	m = keys(b, m, "enter")
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
