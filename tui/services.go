package tui

import (
	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
)

// serviceStrip is the state of each service of a system trace
// (tracer/system), drawn at the head of the status bar in place of the
// target: each service's name and what it is doing, the service of the
// last stop marked. It is empty in the trace of one service.
//
// The panes show the merged timeline of the system; state held per
// service, so that a key could switch the panes between services, is the
// next step (issue 23, item 8).
type serviceStrip struct {
	names   []string
	state   map[string]string
	failed  map[string]bool
	current string
}

// note follows one event of the trace.
func (s *serviceStrip) note(ev tracer.Event) {
	if ev.System != nil {
		s.names = ev.System.ServiceNames()
		s.state, s.failed = map[string]string{}, map[string]bool{}
		for _, n := range s.names {
			s.state[n] = "waiting"
		}
	}
	if ev.Service == "" || s.state == nil {
		return
	}
	switch {
	case ev.Kind == tracer.KindStatus && ev.Skipped:
		s.state[ev.Service] = "not started"
	case ev.Kind == tracer.KindStatus && ev.Progress != nil:
		s.state[ev.Service] = "building"
	case ev.Kind == tracer.KindSession:
		s.state[ev.Service] = "booting"
	case ev.Kind == tracer.KindError:
		s.state[ev.Service] = "failed"
		s.failed[ev.Service] = true
	case ev.Kind == tracer.KindExit:
		if !s.failed[ev.Service] {
			s.state[ev.Service] = "stopped"
		}
	case ev.Phase == tracer.PhaseRunning:
		s.state[ev.Service] = "running"
	case ev.IsPhase() || ev.Kind == tracer.KindStep:
		s.state[ev.Service] = string(ev.Phase)
	}
	if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep || ev.Kind == tracer.KindHalt {
		s.current = ev.Service
	}
}

// active reports whether the trace is a system's.
func (s serviceStrip) active() bool { return len(s.names) > 0 }

// view draws the strip, "greeter running · ▶gateway app.register", and its
// width.
func (s serviceStrip) view(st *pane.Styles) (string, int) {
	out, w := "", 0
	for i, n := range s.names {
		if i > 0 {
			out += st.Border.Paint(" · ")
			w += 3
		}
		name := n
		ink := st.Text
		if n == s.current {
			name = "▶" + n
			ink = st.Accent
		}
		state := " " + s.state[n]
		stateInk := st.Dim
		if s.failed[n] {
			stateInk = st.Err
		}
		out += ink.Paint(name) + stateInk.Paint(state)
		w += pane.TextWidth(name) + pane.TextWidth(state)
	}
	return out, w
}
