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
