package tui

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// The demo trace with what a live Inspector adds: arguments and locals at
// main.newApp and app.run, data.NewData's return, and a stop at a user's
// breakpoint on app.go:87 that the fake delivers only once a breakpoint is
// set there. The values are those of the demo.

func leaf(name, typ, value string) *tracer.Node {
	return &tracer.Node{Name: name, Type: typ, Value: value, Expr: name}
}

func unloaded(name, typ, value, expr string) *tracer.Node {
	return &tracer.Node{Name: name, Type: typ, Value: value, Expr: expr, Unloaded: true}
}

// breakLine is the line of app.go that the flow sets a breakpoint on.
const breakLine = 87

func inspectEvents() []tracer.Event {
	var out []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		switch {
		case ev.Kind == tracer.KindStop && ev.Detail == "main.newApp":
			ev.Args = []*tracer.Node{
				unloaded("logger", "log.Logger", "*log.stdLogger", "logger"),
				unloaded("gs", "*grpc.Server", "0xc0001a4000", "gs"),
				unloaded("hs", "*http.Server", "0xc0001b2000", "hs"),
			}
		case ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseAppRun:
			ev.Args = []*tracer.Node{{Name: "a", Type: "*kratos.App", Expr: "a", Children: []*tracer.Node{
				unloaded("opts", "kratos.options", "", "a.opts"),
				leaf("ctx", "context.Context", "context.Background.WithCancel"),
				leaf("cancel", "context.CancelFunc", "context.WithCancel.func1"),
			}}}
			ev.Locals = []*tracer.Node{
				leaf("instance", "*registry.ServiceInstance", "nil"),
				leaf("err", "error", "nil"),
				{Name: "servers", Type: "[]transport.Server", Value: "len: 40, cap: 40", Expr: "a.opts.servers", More: 38, Children: []*tracer.Node{
					unloaded("[0]", "*grpc.Server", "0xc0001a4000", "a.opts.servers[0]"),
					unloaded("[1]", "*http.Server", "0xc0001b2000", "a.opts.servers[1]"),
				}},
				{Name: "name", Type: "string", Value: `"kratos-trace-demo…"`, More: 120},
			}
		}
		out = append(out, ev)
		if ev.Kind == tracer.KindStop && ev.Detail == "data.NewData" {
			ret := ev
			ret.Kind = tracer.KindReturn
			ret.Took = tracer.Duration(412 * time.Microsecond)
			ret.Results = []*tracer.Node{
				unloaded("data", "*data.Data", "0xc000120000", "data"),
				leaf("cleanup", "func()", "data.NewData.func1"),
				leaf("err", "error", "nil"),
			}
			out = append(out, ret)
		}
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseAppRun {
			bp := ev
			bp.Phase, bp.Line = tracer.PhaseBreak, breakLine
			bp.Args, bp.Locals = ev.Args, ev.Locals
			bp.Stack = append([]tracer.Frame{{Function: ev.Function, File: ev.File, Line: breakLine}}, ev.Stack[1:]...)
			out = append(out, bp)
		}
	}
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

// evalDemo answers the expressions of the tests as the demo would: in
// frame 0 of App.Run, a and the servers; in frame 1 (main.main), bc;
// everywhere, the package variable main.flagconf. len(instance.Endpoints)
// changes once buildInstance has run.
func evalDemo(ev tracer.Event, frame int, expr string) (*tracer.Node, error) {
	fn := ev.Function
	if frame < len(ev.Stack) {
		fn = ev.Stack[frame].Function
	}
	switch {
	case expr == "main.flagconf":
		return &tracer.Node{Type: "string", Value: `"../../configs"`}, nil
	case expr == "len(a.opts.servers)" && strings.HasSuffix(fn, "(*App).Run"):
		return &tracer.Node{Type: "int", Value: "2"}, nil
	case expr == "a.opts" && strings.HasSuffix(fn, "(*App).Run"):
		return &tracer.Node{Type: "kratos.options", Children: []*tracer.Node{
			leaf("id", "string", `"devbox"`), leaf("name", "string", `"kratos-trace-demo"`),
			leaf("version", "string", `"v0.1.0"`), leaf("registrar", "registry.Registrar", "nil"),
			unloaded("servers", "[]transport.Server", "len: 2, cap: 2", "a.opts.servers"),
			leaf("stopTimeout", "time.Duration", "0s"),
		}}, nil
	case expr == "a.opts.servers":
		return &tracer.Node{Type: "[]transport.Server", Children: []*tracer.Node{
			unloaded("[0]", "*grpc.Server", "0xc0001a4000", "a.opts.servers[0]"),
			unloaded("[1]", "*http.Server", "0xc0001b2000", "a.opts.servers[1]"),
		}}, nil
	case expr == "gs":
		return &tracer.Node{Type: "*grpc.Server", Children: []*tracer.Node{
			leaf("network", "string", `"tcp"`), leaf("address", "string", `"127.0.0.1:9000"`),
			leaf("timeout", "time.Duration", "1s"),
		}}, nil
	case expr == "bc.Server.Http.Addr" && frame == 1:
		return &tracer.Node{Type: "string", Value: `"127.0.0.1:8000"`}, nil
	case expr == "len(instance.Endpoints)":
		if tracer.Order(ev.Phase) > tracer.Order(tracer.PhaseBuildInstance) || ev.Phase == tracer.PhaseBreak && ev.Line > breakLine {
			return &tracer.Node{Type: "int", Value: "2"}, nil
		}
		return &tracer.Node{Type: "int", Value: "0"}, nil
	}
	return nil, fmt.Errorf("could not find symbol value for %s", strings.Fields(expr)[0])
}

// frameDemo answers Frame: main.main's variables in frame 1.
func frameDemo(ev tracer.Event, goroutine int64, i int) (tracer.FrameDetail, error) {
	if goroutine != 0 {
		for _, g := range demoGoroutines() {
			if g.ID == goroutine && i < len(g.Stack) {
				return tracer.FrameDetail{Index: i, Frame: g.Stack[i], Locals: []*tracer.Node{leaf("goid", "int64", fmt.Sprint(goroutine))}}, nil
			}
		}
		return tracer.FrameDetail{}, fmt.Errorf("no frame %d in goroutine %d", i, goroutine)
	}
	if i >= len(ev.Stack) {
		return tracer.FrameDetail{}, fmt.Errorf("frame %d does not exist", i)
	}
	d := tracer.FrameDetail{Index: i, Frame: ev.Stack[i]}
	switch i {
	case 0:
		d.Args, d.Locals, d.Source = ev.Args, ev.Locals, ev.Source
	case 1:
		d.Locals = []*tracer.Node{
			{Name: "bc", Type: "conf.Bootstrap", Expr: "bc", Unloaded: true},
			unloaded("app", "*kratos.App", "0xc0000f2000", "app"),
			leaf("cleanup", "func()", "main.wireApp.func1"),
			leaf("err", "error", "nil"),
		}
	}
	return d, nil
}

// resolveDemo resolves breakpoints as the demo's program would: FILE:LINE
// as given, main.newApp, and a suggestion for a name that is close.
func resolveDemo(loc string) (tracer.Breakpoint, error) {
	switch loc {
	case "main.newApp":
		return tracer.Breakpoint{Function: "main.newApp", File: "/home/user/kratos-trace/demo/cmd/server/main.go", Line: 40}, nil
	case "main.newAp":
		return tracer.Breakpoint{}, fmt.Errorf("no function main.newAp; did you mean main.newApp?")
	}
	i := strings.LastIndexByte(loc, ':')
	if i <= 0 {
		return tracer.Breakpoint{}, fmt.Errorf("no function %s", loc)
	}
	var line int
	if _, err := fmt.Sscan(loc[i+1:], &line); err != nil {
		return tracer.Breakpoint{}, fmt.Errorf("%s: the line is not a number", loc)
	}
	return tracer.Breakpoint{File: loc[:i], Line: line}, nil
}

// demoGoroutines are what a halt at app.running finds in the demo.
func demoGoroutines() []tracer.Goroutine {
	app := "/root/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/app.go"
	gopark := tracer.Frame{Function: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 435}
	return []tracer.Goroutine{
		{ID: 7, User: tracer.Frame{Function: "github.com/go-kratos/kratos/v2/transport/http.(*Server).Start", File: "/root/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/transport/http/server.go", Line: 331},
			Current: gopark, WaitReason: "IO wait", Waiting: tracer.Duration(3 * time.Second),
			Stack: []tracer.Frame{gopark, {Function: "internal/poll.runtime_pollWait", File: "/usr/local/go/src/runtime/netpoll.go", Line: 351},
				{Function: "github.com/go-kratos/kratos/v2/transport/http.(*Server).Start", File: "/root/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/transport/http/server.go", Line: 331}}},
		{ID: 1, Main: true, User: tracer.Frame{Function: "github.com/go-kratos/kratos/v2.(*App).Run", File: app, Line: 143},
			Current: gopark, WaitReason: "semacquire", Waiting: tracer.Duration(4 * time.Second),
			Stack: []tracer.Frame{gopark, {Function: "sync.runtime_Semacquire", File: "/usr/local/go/src/runtime/sema.go", Line: 71},
				{Function: "github.com/go-kratos/kratos/v2.(*App).Run", File: app, Line: 143},
				{Function: "main.main", File: "/home/user/kratos-trace/demo/cmd/server/main.go", Line: 107}}},
		{ID: 2, Current: tracer.Frame{Function: "runtime.forcegchelper", File: "/usr/local/go/src/runtime/proc.go", Line: 373},
			WaitReason: "force gc (idle)", Stack: []tracer.Frame{gopark}},
	}
}

// inspectingFake returns a fake that plays inspectEvents and answers as
// an Inspector.
func inspectingFake() *tracertest.Fake {
	f := tracertest.NewFake(inspectEvents())
	f.Inspect(tracertest.Inspection{Eval: evalDemo, Frame: frameDemo, Resolve: resolveDemo, Goroutines: demoGoroutines()})
	return f
}

// inspectModel feeds the inspected trace to a model up to the first event
// until holds, answering the model's Inspector calls as the program would.
func inspectModel(tb testing.TB, w, h int, until func(tracer.Event) bool) (Model, *tracertest.Fake) {
	tb.Helper()
	return inspectModelIn(tb, tracer.English, w, h, until)
}

// inspectModelIn is inspectModel in a language.
func inspectModelIn(tb testing.TB, lang tracer.Lang, w, h int, until func(tracer.Event) bool) (Model, *tracertest.Fake) {
	tb.Helper()
	clock := newTestClock()
	fake := inspectingFake()
	m := NewModel(Options{
		Target:      "./demo",
		Start:       func(context.Context) (tracer.Source, error) { return fake, nil },
		Now:         clock.now,
		NoAnimation: true,
		Lang:        lang,
	})
	m = update(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = drive(tb, m, startedMsg{gen: m.trace.gen, src: fake})
	for {
		ev, ok := <-fake.Events()
		if !ok {
			tb.Fatal("the trace ended before the point wanted")
		}
		m = drive(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
		if until(ev) {
			return m, fake
		}
		if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep {
			if err := fake.Continue(context.Background()); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// drive applies msg as Bubble Tea would and runs, at once, the commands it
// returns that talk to the Source or read a file; the events the test
// feeds itself (inspectModel), so the commands that wait for them are
// never run.
func drive(tb testing.TB, m Model, msg tea.Msg) Model {
	tb.Helper()
	next, cmd := m.Update(msg)
	m = next.(Model)
	return runCmd(tb, m, cmd)
}

func runCmd(tb testing.TB, m Model, cmd tea.Cmd) Model {
	tb.Helper()
	if cmd == nil {
		return m
	}
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	switch {
	case strings.Contains(name, "compactCmds"):
		if batch, ok := cmd().(tea.BatchMsg); ok {
			for _, c := range batch {
				m = runCmd(tb, m, c)
			}
		}
	case strings.Contains(name, "sourceCall"), strings.Contains(name, "sourceCommand"), strings.Contains(name, "loadFile"),
		strings.Contains(name, "inspectStarted"):
		m = drive(tb, m, cmd())
	}
	return m
}

func keys(tb testing.TB, m Model, keys ...string) Model {
	tb.Helper()
	for _, k := range keys {
		m = drive(tb, m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+w":
		return tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// pump feeds the model every event the fake has delivered so far.
func pump(tb testing.TB, m Model, fake *tracertest.Fake) Model {
	tb.Helper()
	for {
		select {
		case ev, ok := <-fake.Events():
			if !ok {
				return drive(tb, m, sourceClosedMsg{gen: m.trace.gen})
			}
			m = drive(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
		default:
			return m
		}
	}
}

func typeText(tb testing.TB, m Model, s string) Model {
	tb.Helper()
	for _, r := range s {
		m = drive(tb, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func atStop(phase tracer.PhaseID) func(tracer.Event) bool {
	return func(ev tracer.Event) bool { return ev.Kind == tracer.KindStop && ev.Phase == phase }
}

// selectRow moves the Variables selection to the row whose name is name.
func selectRow(tb testing.TB, m Model, name string) Model {
	tb.Helper()
	for i, r := range m.variables.tree.rows {
		if r.node != nil && r.node.Name == name {
			m.variables.tree.selected = i
			return m
		}
	}
	tb.Fatalf("no row %q in Variables", name)
	return m
}

// inspectScenarios are the screens of inspection the golden files keep.
var inspectScenarios = []struct {
	name string
	at   func(tb testing.TB, w, h int) Model
}{
	{"variables", func(tb testing.TB, w, h int) Model {
		// At app.run: a.opts unfolded (read from the program on enter),
		// and two watches.
		m, _ := inspectModel(tb, w, h, atStop(tracer.PhaseAppRun))
		m = keys(tb, m, ":")
		m = typeText(tb, m, "watch main.flagconf")
		m = keys(tb, m, "enter")
		m.prompt.setLine("len(instance.Endpoints)")
		m = keys(tb, m, "ctrl+w", "esc")
		m.setFocus(paneVariables)
		m = selectRow(tb, m, "a")
		m = keys(tb, m, "enter")
		m = selectRow(tb, m, "opts")
		return keys(tb, m, "enter")
	}},
	{"watch-changed", func(tb testing.TB, w, h int) Model {
		// The watches at the next stop: len(instance.Endpoints) went 0 → 2.
		m, fake := inspectModel(tb, w, h, atStop(tracer.PhaseAppRun))
		m = keys(tb, m, ":")
		m = typeText(tb, m, "w len(instance.Endpoints)")
		m = keys(tb, m, "enter", "esc", "n")
		m = pump(tb, m, fake)
		m = keys(tb, m, "n")
		m = pump(tb, m, fake)
		m.setFocus(paneVariables)
		return m
	}},
	{"results", func(tb testing.TB, w, h int) Model {
		// data.NewData returned: its results, with the time it took, while
		// its row is selected.
		m, _ := inspectModel(tb, w, h, func(ev tracer.Event) bool {
			return ev.Kind == tracer.KindStop && ev.Detail == "data.NewGreeterRepo"
		})
		m.setFocus(panePhases)
		m = keys(tb, m, "k")
		m.bringForward(paneVariables)
		return m
	}},
	{"prompt", func(tb testing.TB, w, h int) Model {
		// a.opts evaluated in App.Run: a tree.
		m, _ := inspectModel(tb, w, h, atStop(tracer.PhaseAppRun))
		m = keys(tb, m, ":")
		m = typeText(tb, m, "a.opts")
		return keys(tb, m, "enter")
	}},
	{"prompt-error", func(tb testing.TB, w, h int) Model {
		// An expression that cannot be evaluated: one line.
		m, _ := inspectModel(tb, w, h, atStop(tracer.PhaseAppRun))
		m = keys(tb, m, ":")
		m = typeText(tb, m, "bc.Data.Database.Source")
		return keys(tb, m, "enter")
	}},
	{"frame1", func(tb testing.TB, w, h int) Model {
		// Frame 1 of App.Run selected in Stack: main.main.
		m, _ := inspectModel(tb, w, h, atStop(tracer.PhaseAppRun))
		m.setFocus(paneStack)
		return keys(tb, m, "j", "enter")
	}},
	{"breakpoint", func(tb testing.TB, w, h int) Model {
		// A breakpoint set on app.go:87 from Source, then reached.
		m, fake := inspectModel(tb, w, h, atStop(tracer.PhaseAppRun))
		m.setFocus(paneSource)
		m = keys(tb, m, "j", "j", "j", "j", "b", "n")
		return pump(tb, m, fake)
	}},
	{"halt", func(tb testing.TB, w, h int) Model {
		// h at app.running (its break off): the goroutines.
		m, fake := inspectModel(tb, w, h, atStop(tracer.PhaseAfterStart))
		fake.BlockAt(tracer.PhaseRunning)
		m.setFocus(panePhases)
		for m.phases.rows[m.phases.selected].key.phase != tracer.PhaseRunning {
			m = keys(tb, m, "j")
		}
		m = keys(tb, m, "b", "n")
		m = pump(tb, m, fake)
		m = keys(tb, m, "h")
		return pump(tb, m, fake)
	}},
}

var inspectGoldenSizes = [][2]int{{80, 24}, {120, 40}}

// TestGoldenInspect compares the screens of inspection with the golden
// files at 80x24 and 120x40, and checks that they fill 200x60 and smaller
// sizes exactly, without a panic.
func TestGoldenInspect(t *testing.T) {
	for _, sc := range inspectScenarios {
		for _, size := range inspectGoldenSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, w, h), func(t *testing.T) {
				m := sc.at(t, w, h)
				s := screen(t, m, w, h)
				checkBorders(t, m, s)
				golden.RequireEqual(t, s+"\n")
			})
		}
		t.Run(sc.name+"/sizes", func(t *testing.T) {
			m := sc.at(t, 120, 40)
			for _, size := range [][2]int{{200, 60}, {260, 80}, {170, 47}, {110, 33}, {99, 30}, {61, 17}, {60, 16}, {59, 16}, {30, 10}, {1, 1}} {
				m = update(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				s := screen(t, m, size[0], size[1])
				checkBorders(t, m, s)
			}
		})
	}
}
