package tui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestSystemBaselineMarksEachService: with a baseline of the same system
// whose gateway read Redis with a 500ms timeout, the gateway's Bootstrap is
// marked and the greeter's is not.
func TestSystemBaselineMarksEachService(t *testing.T) {
	baseline := systemEvents()
	for i := range baseline {
		ev := &baseline[i]
		if ev.Service == "gateway" && ev.Bootstrap != nil {
			b, _ := json.Marshal(ev.Bootstrap)
			ev.Bootstrap = &tracer.Node{}
			json.Unmarshal(b, ev.Bootstrap)
			ev.Bootstrap.Lookup("data.redis.read_timeout").Value = "500ms"
		}
	}
	src := tracertest.NewFake(nil)
	m := NewModel(Options{
		Target:      "--system",
		Start:       func(context.Context) (tracer.Source, error) { return src, nil },
		Now:         newTestClock().now,
		NoAnimation: true,
		Baseline:    compareWith(baseline),
	})
	m = update(t, m, tea.WindowSizeMsg{Width: 200, Height: 60})
	m = update(t, m, startedMsg{gen: m.trace.gen, src: src})
	for _, ev := range systemEvents() {
		m = update(t, m, eventMsg{gen: m.trace.gen, ev: ev})
		if cmd := m.base.compareCmd(m.trace.gen); cmd != nil {
			m = update(t, m, cmd())
		}
	}
	m = update(t, m, sourceClosedMsg{gen: m.trace.gen})
	for i, v := range m.sys.svcs {
		m.selectService(i)
		s := screen(t, m, 200, 60)
		marked := strings.Contains(s, "read_timeout   0.2s  was 500ms")
		if marked != (v.name == "gateway") {
			t.Errorf("%s's Bootstrap marked: %v, want it on the gateway's alone:\n%s", v.name, marked, s)
		}
	}
}
