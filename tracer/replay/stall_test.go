package replay

import (
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestRecordingEndingInAStall(t *testing.T) {
	out := tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: "stderr", Text: "signal: killed"}}
	tests := []struct {
		name              string
		kinds             []tracer.Kind
		complete, stalled bool
	}{
		{"exit", []tracer.Kind{tracer.KindStop, tracer.KindExit}, true, false},
		{"stall", []tracer.Kind{tracer.KindStop, tracer.KindStall}, true, true},
		{"stall then output", []tracer.Kind{tracer.KindStop, tracer.KindStall, tracer.KindOutput}, true, true},
		{"cut at a stop", []tracer.Kind{tracer.KindStop, tracer.KindOutput}, false, false},
		{"a halt is no end", []tracer.Kind{tracer.KindStop, tracer.KindHalt}, false, false},
		{"nothing", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var events []tracer.Event
			for _, k := range tt.kinds {
				ev := tracer.Event{Kind: k}
				if k == tracer.KindOutput {
					ev = out
				}
				events = append(events, ev)
			}
			rec := &Recording{Path: "r.jsonl", Events: events}
			if rec.Complete() != tt.complete || rec.Stalled() != tt.stalled {
				t.Errorf("Complete %v Stalled %v, want %v %v", rec.Complete(), rec.Stalled(), tt.complete, tt.stalled)
			}
			if (rec.Warning() == "") != tt.complete {
				t.Errorf("Warning %q", rec.Warning())
			}
		})
	}
}
