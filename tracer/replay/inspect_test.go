package replay

import (
	"context"
	"errors"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestReplayAnswersFromTheRecording: at a recorded stop, Eval answers the
// expressions that were watched, Frame(0) the recorded variables, and the
// rest says it needs the live program or is not supported.
func TestReplayAnswersFromTheRecording(t *testing.T) {
	code := 0
	flagconf := &tracer.Node{Name: "main.flagconf", Type: "string", Value: `"./configs"`, Expr: "main.flagconf"}
	rec := &Recording{Events: []tracer.Event{
		{Seq: 1, Kind: tracer.KindSession, Session: &tracer.Session{Target: "./demo"}},
		{Seq: 2, Kind: tracer.KindStop, Phase: tracer.PhaseWireProvider, Detail: "data.NewData", Function: "data.NewData", File: "data.go", Line: 62,
			Args: []*tracer.Node{{Name: "c", Type: "*conf.Data", Expr: "c"}},
			Watches: []tracer.WatchValue{
				{Expr: "main.flagconf", Value: flagconf},
				{Expr: "len(a.opts.servers)", Error: `could not find symbol "a.opts" in data.NewData`},
			}},
		{Seq: 3, Kind: tracer.KindReturn, Phase: tracer.PhaseWireProvider, Detail: "data.NewData", Results: []*tracer.Node{{Name: "err", Value: "nil"}}},
		{Seq: 4, Kind: tracer.KindExit, Phase: tracer.PhaseExit, ExitCode: &code},
	}}
	src := NewSource(rec, Options{})
	defer src.Close()
	ctx := context.Background()
	var insp tracer.Inspector = src

	untilStop(t, src)
	got, err := insp.Eval(ctx, 0, " main.flagconf ")
	if err != nil || got != flagconf {
		t.Errorf("Eval(main.flagconf) = %+v, %v", got, err)
	}
	if _, err := insp.Eval(ctx, 0, "len(a.opts.servers)"); err == nil || err.Error() != `could not find symbol "a.opts" in data.NewData` {
		t.Errorf("a watch recorded with an error: %v", err)
	}
	_, err = insp.Eval(ctx, 0, "c.Database")
	if !errors.Is(err, tracer.ErrNeedsLive) || err.Error() != "needs a live program: c.Database was not watched in this recording" {
		t.Errorf("Eval(c.Database) = %v", err)
	}
	if _, err := insp.Eval(ctx, 1, "main.flagconf"); !errors.Is(err, tracer.ErrNeedsLive) {
		t.Errorf("Eval in frame 1 = %v", err)
	}
	f, err := insp.Frame(ctx, 0)
	if err != nil || f.Frame.Function != "data.NewData" || len(f.Args) != 1 || f.Args[0].Name != "c" {
		t.Errorf("Frame(0) = %+v, %v", f, err)
	}
	if _, err := insp.Frame(ctx, 1); !errors.Is(err, tracer.ErrNeedsLive) {
		t.Errorf("Frame(1) = %v", err)
	}
	if w := insp.Watches(); len(w) != 2 || w[0] != "main.flagconf" {
		t.Errorf("Watches() = %v", w)
	}
	if _, err := insp.AddWatch(ctx, 0, "x"); !errors.Is(err, tracer.ErrUnsupported) {
		t.Errorf("AddWatch = %v", err)
	}
	if _, err := insp.AddBreakpoint(ctx, "main.main"); !errors.Is(err, tracer.ErrUnsupported) {
		t.Errorf("AddBreakpoint = %v", err)
	}
	if _, err := insp.Expand(ctx, 0, "c"); !errors.Is(err, tracer.ErrNeedsLive) {
		t.Errorf("Expand = %v", err)
	}
	if err := insp.Halt(ctx); !errors.Is(err, tracer.ErrUnsupported) {
		t.Errorf("Halt = %v", err)
	}

	if err := src.Continue(ctx); err != nil {
		t.Fatal(err)
	}
	for range src.Events() {
	}
	if _, err := insp.Eval(ctx, 0, "main.flagconf"); !errors.Is(err, tracer.ErrEnded) {
		t.Errorf("Eval after the end = %v", err)
	}
}
