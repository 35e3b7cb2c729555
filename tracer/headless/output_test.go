package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestOutputWriterJoinsPieces(t *testing.T) {
	tests := []struct {
		name  string
		lines []tracer.OutputLine
		want  string
	}{
		{"whole lines", []tracer.OutputLine{{Stream: "stdout", Text: "a"}, {Stream: "stderr", Text: "b"}},
			"   out │ a\n   err │ b\n"},
		{"a line in pieces", []tracer.OutputLine{{Stream: "stdout", Text: "ab", Continued: true}, {Stream: "stdout", Text: "cd", Continued: true}, {Stream: "stdout", Text: "e"}},
			"   out │ abcde\n"},
		{"the other stream in the middle", []tracer.OutputLine{{Stream: "stdout", Text: "ab", Continued: true}, {Stream: "stderr", Text: "x"}, {Stream: "stdout", Text: "cd"}},
			"   out │ ab\n   err │ x\n   out…│ cd\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewOutputWriter(&b)
			for _, l := range tt.lines {
				w.Write(l)
			}
			w.Break()
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

// TestLongLineInTextAndJSON: a line that arrives in pieces is printed whole
// in the text, and every piece, marked, is in the JSON.
func TestLongLineInTextAndJSON(t *testing.T) {
	long := strings.Repeat("x", 200)
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseFlagParse {
			for i := 0; i < len(long); i += 64 {
				events = append(events, tracer.Event{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: "stdout", Text: long[i:min(i+64, len(long))], Continued: i+64 < len(long)}})
			}
		}
	}
	for _, asJSON := range []bool{false, true} {
		var out bytes.Buffer
		_, err := Run(context.Background(), tracertest.NewFake(events), Options{Out: &out, JSON: asJSON})
		if err != nil {
			t.Fatal(err)
		}
		if !asJSON {
			if !strings.Contains(out.String(), "   out │ "+long+"\n") {
				t.Errorf("the text lacks the whole line:\n%s", out.String())
			}
			continue
		}
		var joined strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var ev tracer.Event
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Kind == tracer.KindOutput && strings.HasPrefix(ev.Output.Text, "x") {
				joined.WriteString(ev.Output.Text)
				if ev.Output.Continued != (joined.Len() < len(long)) {
					t.Errorf("piece ending at %d: continued=%v", joined.Len(), ev.Output.Continued)
				}
			}
		}
		if joined.String() != long {
			t.Errorf("the JSON pieces join into %d bytes, want %d", joined.Len(), len(long))
		}
	}
}

// TestKilledBySignal: a program killed by a signal is reported as such.
func TestKilledBySignal(t *testing.T) {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		if ev.Kind == tracer.KindExit {
			code := -13
			ev.ExitCode, ev.Signal = &code, "SIGPIPE"
		}
		events = append(events, ev)
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), tracertest.NewFake(events), Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signal != "SIGPIPE" || res.ExitCode != -13 {
		t.Errorf("result signal %q exit %d", res.Signal, res.ExitCode)
	}
	if !strings.Contains(out.String(), "The program was killed by SIGPIPE.") {
		t.Errorf("the summary does not name the signal:\n%s", out.String())
	}
}
