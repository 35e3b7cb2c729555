package delve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// bizBreakLine is the line of NewGreeterUsecase's body in the demo's
// internal/biz/greeter.go.
const bizBreakLine = 42

// nodeNames lists the names of nodes.
func nodeNames(ns []*tracer.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name)
	}
	return out
}

// findNode returns the node named name, or nil.
func findNode(ns []*tracer.Node, name string) *tracer.Node {
	for _, n := range ns {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// TestInspectDemo traces the demo with breakpoints and watches of the
// user's own and asks the live session the questions a person asks at a
// stop: a frame's variables, expressions, watches, breakpoints.
func TestInspectDemo(t *testing.T) {
	conf := writeDemoConfig(t)
	bizLoc := fmt.Sprintf("internal/biz/greeter.go:%d", bizBreakLine)
	cfg := Config{
		Target:  demoDir,
		Args:    []string{"-conf", conf.Dir},
		Watches: []string{"main.flagconf", "len(a.opts.servers)"},
		Breaks:  []string{"main.newApp", bizLoc},
	}
	ctx := context.Background()
	asked := false
	tr := runTrace(t, cfg, func(s *Session, ev tracer.Event) bool {
		if ev.Phase == tracer.PhaseBreak && ev.Detail == "main.newApp" && !asked {
			asked = true
			askAtNewApp(t, s, conf.HTTPAddr)
		}
		if ev.Phase == tracer.PhaseRunning {
			return s.Signal(ctx, syscall.SIGTERM) == nil
		}
		return s.Continue(ctx) == nil
	})
	if !asked {
		t.Fatalf("no break stop in main.newApp; phases: %v", tr.phases())
	}

	// The break stops sit in time order among the phases: each right after
	// the provider it is in.
	labels := strings.Join(tr.phases(), "|")
	for _, want := range []string{
		"wire.provider biz.NewGreeterUsecase|break " + bizLoc + "|wire.provider service.NewGreeterService",
		"wire.provider main.newApp|break main.newApp|app.new|wire.done wireApp",
	} {
		if !strings.Contains(labels, want) {
			t.Errorf("phases lack %s\n got %s", want, labels)
		}
	}
	for _, ev := range tr.events {
		if ev.Phase != tracer.PhaseBreak {
			continue
		}
		if ev.Kind != tracer.KindStop {
			t.Errorf("%s is a %s, want a stop", ev.Label(), ev.Kind)
		}
		switch ev.Detail {
		case "main.newApp":
			if args := nodeNames(ev.Args); ev.Function != "main.newApp" || !slices.Contains(args, "gs") || !slices.Contains(args, "hs") {
				t.Errorf("break main.newApp in %s with args %v, want gs and hs among them", ev.Function, args)
			}
			if gs := findNode(ev.Args, "gs"); gs == nil || gs.Type != "*grpc.Server" || len(gs.Children) == 0 || gs.Expr != "gs" {
				t.Errorf("gs = %+v, want a *grpc.Server read one level down", gs)
			}
		case bizLoc:
			if !strings.HasSuffix(ev.File, "demo/internal/biz/greeter.go") || ev.Line != bizBreakLine || ev.Function != "github.com/kratos-trace/kratos-trace/demo/internal/biz.NewGreeterUsecase" {
				t.Errorf("break %s at %s in %s", bizLoc, ev.Location(), ev.Function)
			}
		default:
			t.Errorf("a break stop with detail %q", ev.Detail)
		}
	}

	// Every stop and step carries the watches; each is read where it is.
	stops := 0
	for _, ev := range tr.events {
		if ev.Kind != tracer.KindStop && ev.Kind != tracer.KindStep {
			continue
		}
		stops++
		if len(ev.Watches) != 2 || ev.Watches[0].Expr != "main.flagconf" {
			t.Fatalf("%s carries watches %+v", ev.Label(), ev.Watches)
		}
		want := conf.Dir
		if ev.Phase == tracer.PhaseFlagParse {
			want = "../../configs" // the flag's default: flag.Parse has not run yet
		}
		if v := ev.Watches[0].Value; v == nil || v.Value != strconv.Quote(want) || v.Type != "string" {
			t.Errorf("%s: main.flagconf = %+v, want %q", ev.Label(), v, want)
		}
		servers := ev.Watches[1]
		// The App's methods have a; the closures of Run do not capture it.
		inApp := strings.Contains(ev.Function, "kratos/v2.(*App).") && !strings.Contains(ev.Function, ".func")
		switch {
		case inApp && (servers.Value == nil || servers.Value.Value != "2"):
			t.Errorf("%s in %s: len(a.opts.servers) = %+v", ev.Label(), ev.Function, servers)
		case !strings.Contains(ev.Function, "kratos/v2.") && servers.Error == "":
			t.Errorf("%s in %s: len(a.opts.servers) has a value %+v outside the App", ev.Label(), ev.Function, servers.Value)
		}
	}
	if stops < 20 {
		t.Errorf("only %d stops", stops)
	}

	// The args of a provider's stop, and of a step.
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindStop && ev.Label() == "wire.provider data.NewData" {
			c := findNode(ev.Args, "c")
			if c == nil || c.Type != "*conf.Data" || findNode(c.Children, "Database") == nil {
				t.Errorf("data.NewData's arg c = %+v", c)
			}
			// A stop reads one level: the message below is left for Expand.
			if db := findNode(c.Children, "Database"); !db.Unloaded || db.Expr != "c.Database" || len(db.Children) != 0 {
				t.Errorf("c.Database = %+v, want it unloaded", db)
			}
		}
	}

	// Each provider returns, with its results and its own time.
	returns := map[string]tracer.Event{}
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindReturn {
			returns[ev.Detail] = ev
		}
	}
	if len(returns) != 8 {
		t.Errorf("%d providers returned, want 8: %v", len(returns), slices.Collect(maps.Keys(returns)))
	}
	ret := returns["data.NewData"]
	if !slices.Equal(nodeNames(ret.Results), []string{"dataData", "cleanup", "err"}) {
		t.Fatalf("data.NewData results %v", nodeNames(ret.Results))
	}
	if ret.Phase != tracer.PhaseWireProvider || ret.Took <= 0 || !strings.HasSuffix(ret.File, "wire_gen.go") {
		t.Errorf("data.NewData return = phase %s took %s at %s", ret.Phase, ret.Took, ret.Location())
	}
	if d := ret.Results[0]; d.Type != "*data.Data" || findNode(d.Children, "db") == nil {
		t.Errorf("dataData = %+v", d)
	}
	if e := ret.Results[2]; e.Value != "nil" {
		t.Errorf("err = %+v, want nil", e)
	}
	if app := returns["main.newApp"].Results; len(app) != 1 || app[0].Name != "app" || app[0].Type != "*kratos.App" {
		for _, r := range app {
			t.Errorf("main.newApp result %s %s %q", r.Name, r.Type, r.Value)
		}
	}
	// A return comes between its provider's stop and the next phase.
	order := []string{}
	for _, ev := range tr.events {
		if ev.IsPhase() || ev.Kind == tracer.KindReturn {
			order = append(order, string(ev.Kind)+" "+ev.Label())
		}
	}
	if !strings.Contains(strings.Join(order, "|"), "stop wire.provider data.NewData|return wire.provider data.NewData|stop wire.provider data.NewGreeterRepo") {
		t.Errorf("order: %v", order)
	}
	if !strings.Contains(strings.Join(order, "|"), "stop app.new|return wire.provider main.newApp|stop wire.done wireApp") {
		t.Errorf("newApp's return is not between kratos.New's return and wire.done: %v", order)
	}
	assertCleanedUp(t, tr.session)
}

// askAtNewApp asks the live session, paused in main.newApp, what a person
// would.
func askAtNewApp(t *testing.T, s *Session, httpAddr string) {
	t.Helper()
	ctx := context.Background()

	f0, err := s.Frame(ctx, 0)
	if err != nil || f0.Frame.Function != "main.newApp" || findNode(f0.Args, "hs") == nil {
		t.Errorf("Frame(0) = %+v, %v", f0.Frame, err)
	}
	f1, err := s.Frame(ctx, 1)
	if err != nil || f1.Frame.Function != "main.wireApp" || f1.Source == nil {
		t.Fatalf("Frame(1) = %+v, %v", f1.Frame, err)
	}
	for _, want := range []string{"confServer", "confData", "logger"} {
		if findNode(f1.Args, want) == nil {
			t.Errorf("frame 1 args %v lack %s", nodeNames(f1.Args), want)
		}
	}
	if findNode(f1.Locals, "greeterUsecase") == nil {
		t.Errorf("frame 1 locals %v lack greeterUsecase", nodeNames(f1.Locals))
	}
	if _, err := s.Frame(ctx, 99); err == nil || !strings.Contains(err.Error(), "no frame 99") {
		t.Errorf("Frame(99): %v", err)
	}

	// Expressions, in frame 0 and in frame 1.
	n, err := s.Eval(ctx, 0, "hs.address")
	if err != nil || n.Value != strconv.Quote(httpAddr) {
		t.Errorf("hs.address = %+v, %v", n, err)
	}
	n, err = s.Eval(ctx, 1, "confData.Database.Driver")
	if err != nil || n.Value != `"sqlite"` {
		t.Errorf("confData.Database.Driver in frame 1 = %+v, %v", n, err)
	}
	_, err = s.Eval(ctx, 0, "bc")
	if err == nil || err.Error() != `could not find symbol "bc" in main.newApp` {
		t.Errorf("Eval(bc) error = %v", err)
	}
	if _, err := s.Eval(ctx, 0, "gs.("); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a malformed expression: %v", err)
	}

	// A level left unloaded reads on demand, by its expression.
	var unloaded *tracer.Node
	for _, a := range f0.Args {
		a.Walk(func(_ string, n *tracer.Node) {
			if unloaded == nil && n.Unloaded && n.Expr != "" {
				unloaded = n
			}
		})
	}
	if unloaded == nil {
		t.Fatal("no unloaded node among newApp's args")
	}
	got, err := s.Expand(ctx, 0, unloaded.Expr)
	if err != nil || got.Unloaded || (len(got.Children) == 0 && got.Value == "") {
		t.Errorf("Expand(%s) = %+v, %v", unloaded.Expr, got, err)
	}

	// Watches come and go.
	wv, err := s.AddWatch(ctx, 0, "hs.network")
	if err != nil || wv.Value == nil || wv.Value.Value != `"tcp"` {
		t.Errorf("AddWatch(hs.network) = %+v, %v", wv, err)
	}
	if w := s.Watches(); !slices.Equal(w, []string{"main.flagconf", "len(a.opts.servers)", "hs.network"}) {
		t.Errorf("Watches() = %v", w)
	}
	if err := s.RemoveWatch("hs.network"); err != nil {
		t.Error(err)
	}
	if err := s.RemoveWatch("nothing"); err == nil {
		t.Error("removing a watch that is not there succeeded")
	}

	// Breakpoints: a typo is one sentence with a suggestion.
	_, err = s.AddBreakpoint(ctx, "main.newAp")
	if err == nil || err.Error() != "no function main.newAp; did you mean main.newApp?" {
		t.Errorf("AddBreakpoint(main.newAp): %v", err)
	}
	_, err = s.AddBreakpoint(ctx, "internal/biz/greter.go:42")
	if err == nil || err.Error() != "no file internal/biz/greter.go in this program; did you mean internal/biz/greeter.go:42?" {
		t.Errorf("AddBreakpoint(greter.go): %v", err)
	}
	bp, err := s.AddBreakpoint(ctx, "biz.(*GreeterUsecase).CreateGreeter")
	if err != nil || bp.Function != "github.com/kratos-trace/kratos-trace/demo/internal/biz.(*GreeterUsecase).CreateGreeter" || bp.Line == 0 {
		t.Errorf("AddBreakpoint(CreateGreeter) = %+v, %v", bp, err)
	}
	if got := s.Breakpoints(); len(got) != 3 || got[2].Loc != "biz.(*GreeterUsecase).CreateGreeter" {
		t.Errorf("Breakpoints() = %+v", got)
	}
	if err := s.RemoveBreakpoint(ctx, "biz.(*GreeterUsecase).CreateGreeter"); err != nil {
		t.Error(err)
	}
	if got := s.Breakpoints(); len(got) != 2 {
		t.Errorf("after removing: %+v", got)
	}

	// The message of an error that keeps none in a field is had by calling
	// its Error method in the program.
	release, err := s.beginInspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msg, ok := s.callError(s.inspectGoroutine(), "biz.ErrEmptyName")
	release()
	if !ok || msg != "name is empty" {
		t.Errorf("calling biz.ErrEmptyName.Error() = %q, %v", msg, ok)
	}
	// The program still stops where it stopped.
	if f, err := s.Frame(ctx, 0); err != nil || f.Frame.Function != "main.newApp" {
		t.Errorf("after the call, frame 0 = %+v, %v", f.Frame, err)
	}
}

// TestProviderErrorIsTheFailure: a provider that returns an error is named
// as the failure, not the panic in main it leads to.
func TestProviderErrorIsTheFailure(t *testing.T) {
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{DatabaseDriver: "mysql"})
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, nil)
	var failure *tracer.Event
	var ret tracer.Event
	for i, ev := range tr.events {
		switch {
		case ev.Kind == tracer.KindError && failure == nil:
			failure = &tr.events[i]
		case ev.Kind == tracer.KindReturn && ev.Detail == "data.NewData":
			ret = ev
		}
	}
	want := `wire.provider data.NewData returned an error: open database: driver "mysql" is not supported, the demo links only "sqlite"`
	if failure == nil || failure.Error != want {
		t.Fatalf("failure = %+v\nwant %s", failure, want)
	}
	if failure.Phase != tracer.PhaseWireProvider || failure.Detail != "data.NewData" || !strings.HasSuffix(failure.File, "wire_gen.go") || failure.Function != "main.wireApp" {
		t.Errorf("failure at %s %s %s in %s", failure.Phase, failure.Detail, failure.Location(), failure.Function)
	}
	if e := findNode(ret.Results, "err"); e == nil || e.Value != `open database: driver "mysql" is not supported, the demo links only "sqlite"` || !strings.HasPrefix(e.Type, "error(") {
		t.Errorf("the return's err = %+v", e)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode == 0 {
		t.Errorf("exit = %v", exit.ExitCode)
	}
}

// TestBreakLocationErrors: a --break that resolves nowhere ends the trace
// before the program runs, in one sentence.
func TestBreakLocationErrors(t *testing.T) {
	conf := writeDemoConfig(t)
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}, Breaks: []string{"main.newAp"}}, nil)
	var errs []string
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindError {
			errs = append(errs, ev.Error)
		}
		if ev.IsPhase() {
			t.Errorf("the program ran to %s", ev.Label())
		}
	}
	if len(errs) != 1 || errs[0] != "no function main.newAp; did you mean main.newApp?" {
		t.Errorf("errors %q", errs)
	}
	assertCleanedUp(t, tr.session)
}

// TestInspectorNeedsAPausedProgram: the inspector refuses while the
// program runs and after it has ended, instead of blocking.
func TestInspectorNeedsAPausedProgram(t *testing.T) {
	conf := writeDemoConfig(t)
	ctx := context.Background()
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		if ev.Phase != tracer.PhaseRunning {
			return s.Continue(ctx) == nil
		}
		if _, err := s.Eval(ctx, 0, "a"); err != nil {
			t.Errorf("Eval at app.running: %v", err)
		}
		if err := s.Signal(ctx, syscall.SIGTERM); err != nil {
			t.Error(err)
		}
		// Running now, towards app.stop.
		if _, err := s.Eval(ctx, 0, "a"); !errors.Is(err, tracer.ErrNotPaused) {
			t.Errorf("Eval while running: %v", err)
		}
		return false
	})
	s := tr.session
	s.Close()
	if _, err := s.Frame(ctx, 0); !errors.Is(err, tracer.ErrEnded) {
		t.Errorf("Frame after the end: %v", err)
	}
}

// TestLayoutBreaksAndWatches is the acceptance run on the stock
// kratos-layout fixture: break stops in main.newApp with its args and at a
// FILE:LINE of biz, the watch at every stop, data.NewData's results.
func TestLayoutBreaksAndWatches(t *testing.T) {
	dir := t.TempDir()
	yaml := fmt.Sprintf("server:\n  http:\n    addr: %s\n    timeout: 1s\n  grpc:\n    addr: %s\n    timeout: 1s\ndata:\n  database:\n    driver: mysql\n    source: root:root@tcp(127.0.0.1:3306)/test\n",
		tracertest.FreeAddr(t), tracertest.FreeAddr(t))
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Target:  "testdata/layout/cmd/server",
		Args:    []string{"-conf", dir},
		Watches: []string{"main.flagconf"},
		Breaks:  []string{"main.newApp", "internal/biz/greeter.go:39"},
	}
	tr := runTrace(t, cfg, nil)
	var breaks []string
	for _, ev := range tr.events {
		if (ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep) && ev.Phase != tracer.PhaseFlagParse {
			if len(ev.Watches) != 1 || ev.Watches[0].Value == nil || ev.Watches[0].Value.Value != strconv.Quote(dir) {
				t.Errorf("%s watches %+v", ev.Label(), ev.Watches)
			}
		}
		if ev.Phase != tracer.PhaseBreak {
			continue
		}
		breaks = append(breaks, ev.Detail)
		if ev.Detail == "main.newApp" && !slices.Equal(nodeNames(ev.Args), []string{"logger", "gs", "hs"}) {
			t.Errorf("newApp args %v", nodeNames(ev.Args))
		}
		if ev.Detail == "internal/biz/greeter.go:39" && (!strings.HasSuffix(ev.File, "layout/internal/biz/greeter.go") || ev.Line != 39) {
			t.Errorf("biz break at %s", ev.Location())
		}
	}
	if !slices.Equal(breaks, []string{"internal/biz/greeter.go:39", "main.newApp"}) {
		t.Errorf("break stops %v", breaks)
	}
	found := false
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindReturn && ev.Detail == "data.NewData" {
			found = slices.Equal(nodeNames(ev.Results), []string{"dataData", "cleanup", "err"})
			// The layout's Data is an empty struct: {} as Go writes it.
			if found && ev.Results[0].Value != "{}" {
				t.Errorf("the empty struct dataData = %+v, want {}", ev.Results[0])
			}
		}
	}
	if !found {
		t.Error("no return of data.NewData with its results")
	}
}
