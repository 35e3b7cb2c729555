package replay

import (
	"context"
	"errors"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// askedSource is a Source that answers every Inspector question with what
// it was asked, so a test sees the question arrive.
type askedSource struct {
	*tracertest.Fake
	asked []string
}

func (a *askedSource) note(q string)     { a.asked = append(a.asked, q) }
func (a *askedSource) Watches() []string { a.note("watches"); return []string{"w"} }
func (a *askedSource) Breakpoints() []tracer.Breakpoint {
	a.note("breakpoints")
	return []tracer.Breakpoint{{Loc: "b"}}
}
func (a *askedSource) Frame(_ context.Context, i int) (tracer.FrameDetail, error) {
	a.note("frame")
	return tracer.FrameDetail{Index: i}, nil
}
func (a *askedSource) Eval(_ context.Context, _ int, expr string) (*tracer.Node, error) {
	a.note("eval " + expr)
	return &tracer.Node{Value: "2"}, nil
}
func (a *askedSource) Expand(_ context.Context, _ int, expr string) (*tracer.Node, error) {
	a.note("expand " + expr)
	return &tracer.Node{}, nil
}
func (a *askedSource) AddWatch(_ context.Context, _ int, expr string) (tracer.WatchValue, error) {
	a.note("watch " + expr)
	return tracer.WatchValue{Expr: expr}, nil
}
func (a *askedSource) RemoveWatch(expr string) error { a.note("unwatch " + expr); return nil }
func (a *askedSource) AddBreakpoint(_ context.Context, loc string) (tracer.Breakpoint, error) {
	a.note("break " + loc)
	return tracer.Breakpoint{Loc: loc}, nil
}
func (a *askedSource) RemoveBreakpoint(_ context.Context, loc string) error {
	a.note("clear " + loc)
	return nil
}
func (a *askedSource) Halt(context.Context) error { a.note("halt"); return nil }
func (a *askedSource) Goroutine(_ context.Context, id int64) ([]tracer.Frame, error) {
	a.note("goroutine")
	return nil, nil
}

func TestRecorderPassesQuestionsOn(t *testing.T) {
	ctx := context.Background()
	src := &askedSource{Fake: tracertest.NewFake(tracertest.DemoEvents())}
	rec := Record(src, nil, RecordOptions{Target: "demo"})
	defer rec.Close()
	var in tracer.Inspector = rec
	if n, err := in.Eval(ctx, 0, "len(a.opts.servers)"); err != nil || n.Value != "2" {
		t.Errorf("Eval = %v, %v", n, err)
	}
	_, _ = in.Frame(ctx, 1)
	_, _ = in.Expand(ctx, 0, "x")
	_ = in.Watches()
	_, _ = in.AddWatch(ctx, 0, "main.flagconf")
	_ = in.RemoveWatch("main.flagconf")
	_ = in.Breakpoints()
	_, _ = in.AddBreakpoint(ctx, "main.newApp")
	_ = in.RemoveBreakpoint(ctx, "main.newApp")
	_ = in.Halt(ctx)
	_, _ = in.Goroutine(ctx, 7)
	want := []string{"eval len(a.opts.servers)", "frame", "expand x", "watches", "watch main.flagconf", "unwatch main.flagconf",
		"breakpoints", "break main.newApp", "clear main.newApp", "halt", "goroutine"}
	if len(src.asked) != len(want) {
		t.Fatalf("asked %q, want %q", src.asked, want)
	}
	for i := range want {
		if src.asked[i] != want[i] {
			t.Errorf("question %d: %q, want %q", i, src.asked[i], want[i])
		}
	}
}

func TestRecorderOfASourceThatCannotBeInspected(t *testing.T) {
	rec := Record(tracertest.NewFake(tracertest.DemoEvents()), nil, RecordOptions{Target: "demo"})
	defer rec.Close()
	if _, err := rec.Eval(context.Background(), 0, "x"); !errors.Is(err, tracer.ErrUnsupported) {
		t.Errorf("Eval = %v, want ErrUnsupported", err)
	}
	if err := rec.Halt(context.Background()); !errors.Is(err, tracer.ErrUnsupported) {
		t.Errorf("Halt = %v, want ErrUnsupported", err)
	}
	if w := rec.Watches(); w != nil {
		t.Errorf("Watches = %q", w)
	}
}
