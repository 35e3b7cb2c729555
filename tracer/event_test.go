package tracer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDurationJSON(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, `"0s"`},
		{1500 * time.Microsecond, `"1.5ms"`},
		// Rounded to microseconds, so that a trace stays readable.
		{1234567 * time.Nanosecond, `"1.235ms"`},
		{90 * time.Second, `"1m30s"`},
	} {
		b, err := json.Marshal(Duration(tt.d))
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.d, b, err, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{`"1.5ms"`, 1500 * time.Microsecond},
		{`" 2s "`, 2 * time.Second},
		// A number is nanoseconds, as time.Duration's own JSON.
		{`1500000`, 1500 * time.Microsecond},
		{`0`, 0},
	} {
		var d Duration
		if err := json.Unmarshal([]byte(tt.in), &d); err != nil || time.Duration(d) != tt.want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", tt.in, time.Duration(d), err, tt.want)
		}
	}
	for _, bad := range []string{`"soon"`, `"5"`, `1.5`, `true`} {
		var d Duration
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", bad, time.Duration(d))
		}
	}
	// Through an event, both ways.
	ev := Event{Kind: KindStop, Phase: PhaseRunning, Elapsed: Duration(25600 * time.Microsecond)}
	b, err := json.Marshal(ev)
	if err != nil || !strings.Contains(string(b), `"elapsed":"25.6ms"`) {
		t.Fatalf("event JSON %s, %v", b, err)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil || back.Elapsed != ev.Elapsed {
		t.Errorf("round trip: %v, %v", back.Elapsed, err)
	}
}

func TestEventLabelAndLocation(t *testing.T) {
	ev := Event{Phase: PhaseServerStart, Detail: "http 127.0.0.1:8000", File: "/x/app.go", Line: 115}
	if got := ev.Label(); got != "server.start http 127.0.0.1:8000" {
		t.Errorf("Label = %q", got)
	}
	if got := ev.Location(); got != "/x/app.go:115" {
		t.Errorf("Location = %q", got)
	}
	bare := Event{Phase: PhaseExit}
	if bare.Label() != "exit" || bare.Location() != "" {
		t.Errorf("an event without detail and file: %q, %q", bare.Label(), bare.Location())
	}
}

func TestIsPhase(t *testing.T) {
	for kind, want := range map[Kind]bool{
		KindStop: true, KindPass: true, KindExit: true,
		KindStep: false, KindOutput: false, KindError: false, KindStall: false,
	} {
		if got := (Event{Kind: kind}).IsPhase(); got != want {
			t.Errorf("%s: IsPhase = %t", kind, got)
		}
	}
}

func TestWatched(t *testing.T) {
	ev := Event{Watches: []WatchValue{
		{Expr: "main.flagconf", Value: &Node{Value: `"./configs"`}},
		{Expr: "a.opts", Error: `could not find symbol "a"`},
	}}
	if n, err := ev.Watched("main.flagconf"); err != nil || n.Value != `"./configs"` {
		t.Errorf("a watched value: %v, %v", n, err)
	}
	if _, err := ev.Watched("a.opts"); err == nil || err.Error() != `could not find symbol "a"` {
		t.Errorf("a watch that failed: %v", err)
	}
	if _, err := ev.Watched("len(x)"); !errors.Is(err, ErrNeedsLive) {
		t.Errorf("an expression not watched: %v, want ErrNeedsLive", err)
	}
}

func TestInspectorOfNone(t *testing.T) {
	cause := errors.New("the trace has not started")
	in := InspectorOf(nil, cause)
	if _, err := in.Eval(t.Context(), 0, "x"); !errors.Is(err, cause) {
		t.Errorf("Eval: %v", err)
	}
	if err := in.Halt(t.Context()); !errors.Is(err, cause) {
		t.Errorf("Halt: %v", err)
	}
	if in.Watches() != nil || in.Breakpoints() != nil {
		t.Error("no source, yet watches or breakpoints")
	}
}

func TestUserError(t *testing.T) {
	cause := errors.New("exit status 1")
	var err error = &UserError{Msg: "./x does not compile", Hint: "fix it", Err: cause}
	var ue *UserError
	if err.Error() != "./x does not compile" || !errors.Is(err, cause) || !errors.As(err, &ue) || ue.Hint != "fix it" {
		t.Errorf("UserError: %v", err)
	}
}
