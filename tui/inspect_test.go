package tui

// The tests of inspection, in three parts: the demo trace an Inspector
// answers (fixtures and helpers) and the goldens of its screens; the unit
// tests of the prompt, watches, breakpoints, halts and stalls; the teatest
// flows a person walks through at a stop.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui/internal/pane"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/phases"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/source"
	"github.com/kratos-trace/kratos-trace/tui/internal/panes/variables"
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
	for i, r := range m.variables.Tree().Rows {
		if r.Node != nil && r.Node.Name == name {
			m.variables.Tree().Selected = i
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
		return haltModel(tb, w, h, nil)
	}},
	{"halt-many", func(tb testing.TB, w, h int) Model {
		// A halt that finds a dozen goroutines: the pane shows as many as
		// its height holds, one a line from 80 columns (issue 26).
		return haltModel(tb, w, h, manyGoroutines(12))
	}},
}

// haltModel is the inspected trace halted at app.running, its break off,
// finding gs (demoGoroutines when nil).
func haltModel(tb testing.TB, w, h int, gs []tracer.Goroutine) Model {
	m, fake := inspectModel(tb, w, h, atStop(tracer.PhaseAfterStart))
	if gs != nil {
		fake.Inspect(tracertest.Inspection{Eval: evalDemo, Frame: frameDemo, Resolve: resolveDemo, Goroutines: gs})
	}
	fake.BlockAt(tracer.PhaseRunning)
	m.setFocus(panePhases)
	for m.phases.SelectedKey().Phase != tracer.PhaseRunning {
		m = keys(tb, m, "j")
	}
	m = keys(tb, m, "b", "n")
	m = pump(tb, m, fake)
	m = keys(tb, m, "h")
	return pump(tb, m, fake)
}

// manyGoroutines is demoGoroutines and more of the runtime's and the
// servers', n in all.
func manyGoroutines(n int) []tracer.Goroutine {
	gs := demoGoroutines()
	for id := int64(20); len(gs) < n; id++ {
		gs = append(gs, tracer.Goroutine{ID: id, Current: tracer.Frame{Function: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 435},
			User:       tracer.Frame{Function: "google.golang.org/grpc.(*Server).serveStreams.func1", File: "/root/go/pkg/mod/google.golang.org/grpc@v1.65.0/server.go", Line: 1029},
			WaitReason: "select", Waiting: tracer.Duration(time.Duration(id) * 100 * time.Millisecond)})
	}
	return gs
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

// Unit tests: the prompt, watches, breakpoints, halts and stalls.

func TestParsePrompt(t *testing.T) {
	for _, c := range []struct{ line, verb, arg string }{
		{"len(a.opts.servers)", verbPrint, "len(a.opts.servers)"},
		{"  a.opts.servers[0] ", verbPrint, "a.opts.servers[0]"},
		{"print bc.Data", verbPrint, "bc.Data"},
		{"p bc.Data", verbPrint, "bc.Data"},
		{"p * 2", verbPrint, "p * 2"}, // p is a variable here
		{"b + 1", verbPrint, "b + 1"},
		{"b.x", verbPrint, "b.x"},
		{"break main.newApp", verbBreak, "main.newApp"},
		{"b biz.(*GreeterUsecase).CreateGreeter", verbBreak, "biz.(*GreeterUsecase).CreateGreeter"},
		{"break internal/biz/greeter.go:21", verbBreak, "internal/biz/greeter.go:21"},
		{"clear main.newApp", verbClear, "main.newApp"},
		{"watch main.flagconf", verbWatch, "main.flagconf"},
		{"w len(x)", verbWatch, "len(x)"},
		{"unwatch main.flagconf", verbUnwatch, "main.flagconf"},
		{"frame 2", verbFrame, "2"},
		{"f 1", verbFrame, "1"},
		{"break", verbPrint, "break"}, // no location: Delve says what is wrong
	} {
		verb, arg := parsePrompt(c.line)
		if verb != c.verb || arg != c.arg {
			t.Errorf("parsePrompt(%q) = %q, %q; want %q, %q", c.line, verb, arg, c.verb, c.arg)
		}
	}
}

func TestPromptEditsAndHistory(t *testing.T) {
	p := newPrompt(pane.NewStyles(), pane.TextFor(tracer.English))
	p.SetSize(60, 6)
	p.show()
	for _, r := range "len(a)" {
		p.edit(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	p.edit(tea.KeyPressMsg{Code: tea.KeyLeft})
	p.edit(tea.KeyPressMsg{Code: tea.KeyBackspace})
	p.edit(tea.PasteMsg{Content: "bc"})
	if got := p.line(); got != "len(bc)" {
		t.Fatalf("line %q, want len(bc)", got)
	}
	p.remember(p.line())
	p.setLine("a.opts")
	p.remember(p.line())
	p.setLine("draft")
	p.recall(-1)
	if p.line() != "a.opts" {
		t.Errorf("↑ recalled %q, want a.opts", p.line())
	}
	p.recall(-1)
	p.recall(-1) // at the oldest: stays
	if p.line() != "len(bc)" {
		t.Errorf("↑↑ recalled %q, want len(bc)", p.line())
	}
	p.recall(1)
	p.recall(1)
	if p.line() != "draft" {
		t.Errorf("↓ back to the new line gave %q, want the draft", p.line())
	}
	p.edit(tea.PasteMsg{Content: "x\ny"}) // a pasted newline does not run the line
	if strings.ContainsAny(p.line(), "\n\r") {
		t.Errorf("the line holds a newline: %q", p.line())
	}
	p.edit(tea.KeyPressMsg{Code: tea.KeyBackspace, Mod: tea.ModAlt})
	if p.line() != "draftx " {
		t.Errorf("alt+backspace left %q, want %q", p.line(), "draftx ")
	}
}

// TestVariablesWatchAndUnwatch watches a local with w and removes the watch
// with x.
func TestVariablesWatchAndUnwatch(t *testing.T) {
	m, fake := inspectModel(t, 120, 40, atStop(tracer.PhaseAppRun))
	m.setFocus(paneVariables)
	m = selectRow(t, m, "servers")
	m = keys(t, m, "w")
	if !slices.Contains(fake.CommandLog(), "watch a.opts.servers") {
		t.Fatalf("w did not watch the value's expression: %v", fake.CommandLog())
	}
	if got := m.variables.Tree().Sections[0].ID; got != variables.SectionWatches {
		t.Fatalf("the first section is %q, want the watches", got)
	}
	m.variables.Tree().Selected = 1 // the watch
	m = keys(t, m, "x")
	if !slices.Contains(fake.CommandLog(), "unwatch a.opts.servers") {
		t.Errorf("x did not unwatch: %v", fake.CommandLog())
	}
	if m.variables.Tree().Sections[0].ID == variables.SectionWatches {
		t.Errorf("the watch is still shown")
	}
	// x on a value that is no watch says so.
	m = selectRow(t, m, "err")
	m = keys(t, m, "x")
	if !strings.Contains(screen(t, m, 120, 40), "select a watch to remove it") {
		t.Errorf("x on a local gave no reason")
	}
}

// TestProviderResultsFollowPhases shows a provider's results in Variables
// while its row is selected in Phases.
func TestProviderResultsFollowPhases(t *testing.T) {
	m, _ := inspectModel(t, 120, 40, atStop(tracer.PhaseRunning))
	m.setFocus(panePhases)
	m = keys(t, m, "k")
	for m.phases.SelectedKey().Detail != "data.NewData" {
		m = keys(t, m, "k")
	}
	if !strings.Contains(screen(t, m, 120, 40), "data.NewData  → *data.Da") {
		t.Errorf("the provider's row does not say what it returned")
	}
	m.bringForward(paneVariables)
	s := screen(t, m, 120, 40)
	for _, want := range []string{"Results", "data  0xc000120000", "cleanup  data.NewData.func1"} {
		if !strings.Contains(s, want) {
			t.Errorf("with data.NewData selected, Variables lacks %q:\n%s", want, s)
		}
	}
	m = keys(t, m, "j")
	if strings.Contains(screen(t, m, 120, 40), "Results") {
		t.Errorf("the results stay after the selection moved on")
	}
}

// TestReturnIsAPass checks that a provider's return does not pause the
// program, with the providers' break on or off, and that its results are
// kept on the provider's row.
func TestReturnIsAPass(t *testing.T) {
	m, fake := inspectModel(t, 120, 40, atStop(tracer.PhaseWireProvider))
	m = keys(t, m, "n")
	m = pump(t, m, fake)
	if m.trace.phaseLabel != "wire.provider data.NewGreeterRepo" || !m.trace.paused {
		t.Fatalf("n from data.NewData stopped at %s (paused %v), want the next provider", m.trace.phaseLabel, m.trace.paused)
	}
	if r, ok := m.phases.Returned(phases.RowKey{Phase: tracer.PhaseWireProvider, Detail: "data.NewData"}); !ok || len(r.Results) != 3 {
		t.Errorf("data.NewData's return was not recorded: %v", r)
	}
}

// TestStaleAnswersAreDropped checks that an answer asked for at an earlier
// stop does not land on the current one.
func TestStaleAnswersAreDropped(t *testing.T) {
	m, _ := inspectModel(t, 120, 40, atStop(tracer.PhaseAppRun))
	old := m.insp.at - 1
	m = drive(t, m, commandDoneMsg{gen: m.trace.gen, result: frameMsg{at: old, detail: tracer.FrameDetail{Index: 3, Frame: tracer.Frame{Function: "x.y", File: "/nowhere.go", Line: 1}}}})
	if m.insp.frame != 0 || m.stack.Active() != 0 {
		t.Errorf("a stale frame answer moved the frame to %d", m.insp.frame)
	}
	m = drive(t, m, commandDoneMsg{gen: m.trace.gen, result: evalMsg{at: old, expr: "x", node: &tracer.Node{Value: "1"}}})
	if m.prompt.hasVal {
		t.Errorf("a stale evaluation was shown")
	}
}

// TestExpandFailureIsOneLine unfolds a value the program cannot read.
func TestExpandFailureIsOneLine(t *testing.T) {
	m, _ := inspectModel(t, 120, 40, atStop(tracer.PhaseAppRun))
	m.setFocus(paneVariables)
	m = selectRow(t, m, "servers")
	m = keys(t, m, "enter")
	m = selectRow(t, m, "[0]")
	m = keys(t, m, "enter")
	if s := screen(t, m, 120, 40); !strings.Contains(s, "✗  could not find symbol") {
		t.Errorf("the failed unfold gives no reason:\n%s", s)
	}
}

// TestRestartCarriesBreakpointsAndWatches restarts the trace: the
// breakpoints and watches set in the TUI are set again at the new trace's
// first stop.
func TestRestartCarriesBreakpointsAndWatches(t *testing.T) {
	m, fake := inspectModel(t, 120, 40, atStop(tracer.PhaseAppRun))
	m = keys(t, m, ":")
	m = typeText(t, m, "break main.newApp")
	m = keys(t, m, "enter")
	m.prompt.setLine("main.flagconf")
	m = keys(t, m, "ctrl+w", "esc")
	if log := fake.CommandLog(); !slices.Contains(log, "break main.newApp") {
		t.Fatalf("no breakpoint set: %v", log)
	}
	_ = m.restart()
	second := inspectingFake()
	m = drive(t, m, startedMsg{gen: m.trace.gen, src: second})
	ev := <-second.Events()
	for ev.Kind != tracer.KindStop {
		m = drive(t, m, eventMsg{gen: m.trace.gen, ev: ev})
		ev = <-second.Events()
	}
	m = drive(t, m, eventMsg{gen: m.trace.gen, ev: ev})
	log := second.CommandLog()
	for _, want := range []string{"break main.newApp", "watch main.flagconf"} {
		if !slices.Contains(log, want) {
			t.Errorf("the restarted trace did not get %q: %v", want, log)
		}
	}
	if len(m.insp.breakpoints) != 1 || m.variables.Watches()[0].Expr != "main.flagconf" {
		t.Errorf("after the restart: breakpoints %v, watches %v", m.insp.breakpoints, m.variables.Watches())
	}
}

// TestHaltWhilePausedSaysSo presses h at a stop.
func TestHaltWhilePausedSaysSo(t *testing.T) {
	m, fake := inspectModel(t, 120, 40, atStop(tracer.PhaseConfigLoad))
	m = keys(t, m, "h")
	if slices.Contains(fake.CommandLog(), "halt") {
		t.Errorf("h at a stop halted")
	}
	if !strings.Contains(screen(t, m, 120, 40), "already paused") {
		t.Errorf("h at a stop gives no reason")
	}
}

// TestPromptBreakpointErrorIsOneLine sets a breakpoint at a name that
// resolves nowhere: the Inspector's sentence, in the prompt.
func TestPromptBreakpointErrorIsOneLine(t *testing.T) {
	m, _ := inspectModel(t, 80, 24, atStop(tracer.PhaseFlagParse))
	m = keys(t, m, ":")
	m = typeText(t, m, "break main.newAp")
	m = keys(t, m, "enter")
	s := screen(t, m, 80, 24)
	if !strings.Contains(s, "✗ no function main.newAp; did you mean main.newApp?") {
		t.Errorf("the prompt does not say why:\n%s", s)
	}
	m = keys(t, m, "up")
	if m.prompt.line() != "break main.newAp" {
		t.Errorf("↑ recalled %q", m.prompt.line())
	}
}

// TestInspectionSpeaksChinese checks the words of inspection in Chinese:
// the sections, the prompt, the goroutines, the notices.
func TestInspectionSpeaksChinese(t *testing.T) {
	en := pane.Texts[tracer.English]
	words := []string{en.SectionWatches, en.SectionArgs, en.SectionLocals, en.SectionResults, en.PromptTitle,
		en.PaneNames[paneVariables], en.PaneNames[paneGoroutines], "halted", "goroutines", "watching", "evaluate", "breakpoint at"}
	m, fake := inspectModelIn(t, tracer.Chinese, 120, 40, atStop(tracer.PhaseAppRun))
	m.setFocus(paneVariables)
	m = keys(t, m, ":")
	m = typeText(t, m, "a.opts")
	m = keys(t, m, "enter", "ctrl+w")
	screens := []string{screen(t, m, 120, 40)}
	m = keys(t, m, "esc")
	m.setFocus(paneSource)
	m = keys(t, m, "j", "b")
	screens = append(screens, screen(t, m, 120, 40))
	m = keys(t, m, "n")
	m = pump(t, m, fake)
	m.setFocus(paneVariables)
	screens = append(screens, screen(t, m, 120, 40))
	for i, s := range screens {
		for _, w := range words {
			if strings.Contains(s, w) {
				t.Errorf("screen %d shows the English %q:\n%s", i, w, s)
			}
		}
	}
	if !strings.Contains(screens[0], "求值") || !strings.Contains(screens[2], "监视") {
		t.Errorf("the Chinese words are missing:\n%s\n%s", screens[0], screens[2])
	}
}

// TestReplayOfAStall shows a recorded stall: the goroutines, the stall's
// row in the timeline, the state; the goroutines can be looked at from the
// recording alone.
func TestReplayOfAStall(t *testing.T) {
	var events []tracer.Event
	for _, ev := range inspectEvents() {
		events = append(events, ev)
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseFlagParse {
			break
		}
	}
	events = append(events, tracer.Event{Seq: len(events) + 1, Kind: tracer.KindStall, Phase: tracer.PhaseFlagParse, Goroutines: demoGoroutines()})
	m := replayModel(t, events)
	m = keys(t, m, "n")
	m = replayPump(t, m, m.trace.src)
	s := screen(t, m, 120, 40)
	for _, want := range []string{"■ stalled: 3 goroutines", "✗ halt  stalled", "[Goroutines]", "▶  1  kratos.(*App).Run", "▶2 kratos.(*App).Run"} {
		if !strings.Contains(s, want) {
			t.Errorf("the stall's screen lacks %q:\n%s", want, s)
		}
	}
	m = keys(t, m, "j", "enter")
	if s := screen(t, m, 120, 40); !strings.Contains(s, "Stack  goroutine 7") || strings.Contains(s, "needs a live program") {
		t.Errorf("goroutine 7 of the recording is not shown from the recording alone:\n%s", s)
	}
}

// TestPromptKeysEditTheLine checks that the keys that page elsewhere edit
// the prompt's line: ctrl+u clears it, ctrl+d deletes under the cursor.
func TestPromptKeysEditTheLine(t *testing.T) {
	m, _ := inspectModel(t, 80, 24, atStop(tracer.PhaseAppRun))
	m = keys(t, m, ":")
	m = typeText(t, m, "a.optsx")
	m = drive(t, m, tea.KeyPressMsg{Code: tea.KeyLeft})
	m = drive(t, m, tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl})
	if m.prompt.line() != "a.opts" {
		t.Errorf("ctrl+d left %q", m.prompt.line())
	}
	m = drive(t, m, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if m.prompt.line() != "" {
		t.Errorf("ctrl+u left %q", m.prompt.line())
	}
	// q types: it does not quit from the prompt.
	m = typeText(t, m, "q")
	if m.trace.quitting || m.prompt.line() != "q" {
		t.Errorf("q in the prompt: quitting %v, line %q", m.trace.quitting, m.prompt.line())
	}
}

// TestBreakpointInARequestSitsUnderItsCall feeds a stop at a user's
// breakpoint hit while a request is in the biz layer: its row sits under
// the request's biz call, in time order, not after the boot's phases.
func TestBreakpointInARequestSitsUnderItsCall(t *testing.T) {
	var events []tracer.Event
	for _, ev := range tracertest.RequestEvents() {
		events = append(events, ev)
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseRequestBiz {
			bp := ev
			bp.Request, bp.Phase, bp.Detail, bp.Line = nil, tracer.PhaseBreak, "internal/biz/greeter.go:50", ev.Line+4
			events = append(events, bp)
			break
		}
	}
	m := modelAt(t, scenario{until: func(tracer.Event) bool { return false }}, 120, 40, events)
	var labels []string
	for _, r := range m.phases.Rows() {
		labels = append(labels, r.Label)
	}
	biz, brk := -1, -1
	for i, l := range labels {
		if strings.HasPrefix(l, "biz GreeterUsecase") && biz < 0 {
			biz = i
		}
		if l == "break greeter.go:50" {
			brk = i
		}
	}
	if biz < 0 || brk != biz+1 {
		t.Errorf("the breakpoint's row is at %d, the biz call at %d: %q", brk, biz, labels)
	}
	if s := screen(t, m, 120, 40); !strings.Contains(s, "▶ break greeter.go:50") {
		t.Errorf("the breakpoint's stop is not current:\n%s", s)
	}
}

// TestStallReadsTheGoroutinesSource checks that the goroutine a recorded
// stall shows has its code in Source, read from disk like any stop's: the
// recording carries no snippet for it.
func TestStallReadsTheGoroutinesSource(t *testing.T) {
	file := filepath.Join(t.TempDir(), "server.go")
	code := "package server\n\nfunc Start() {\n\tselect {} // waits here\n}\n"
	if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	start := tracer.Frame{Function: "example.com/server.Start", File: file, Line: 4}
	var events []tracer.Event
	for _, ev := range inspectEvents() {
		events = append(events, ev)
		if ev.Kind == tracer.KindStop && ev.Phase == tracer.PhaseFlagParse {
			break
		}
	}
	events = append(events, tracer.Event{Seq: len(events) + 1, Kind: tracer.KindStall, Phase: tracer.PhaseFlagParse,
		Goroutines: []tracer.Goroutine{{ID: 1, Main: true, User: start, Current: start, Stack: []tracer.Frame{start}}}})
	m := replayModel(t, events)
	m = keys(t, m, "n")
	m = replayPump(t, m, m.trace.src)
	if s := screen(t, m, 120, 40); !strings.Contains(s, "select {} // waits here") {
		t.Errorf("the stalled goroutine's code is not in Source:\n%s", s)
	}
}

// Flows: what a person does at a stop, through teatest.

// startInspectFlow runs the TUI on the inspecting fake, at 120x40.
func startInspectFlow(t *testing.T) (*teatest.TestModel, *recorder, *tracertest.Fake) {
	t.Helper()
	fake := inspectingFake()
	tm, rec := startFlowOn(t, fake)
	return tm, rec, fake
}

func sendKeys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// focusPane presses tab until p has the focus.
func focusPane(t *testing.T, tm *teatest.TestModel, rec *recorder, name string) {
	t.Helper()
	for range paneCount {
		s := rec.waitFor(t, "a screen", func(snapshot) bool { return true })
		if s.focus == name {
			return
		}
		before := s.focus
		press(tm, "tab")
		rec.waitFor(t, "the focus to move from "+before, func(s snapshot) bool { return s.focus != before })
	}
	t.Fatalf("could not focus %s", name)
}

func screenHas(text string) func(snapshot) bool {
	return func(s snapshot) bool { return strings.Contains(s.screen, text) }
}

// TestFlowInspect is what a person does at a stop of a live program:
// select frame 1 in Stack, evaluate an expression there, watch it, go back
// to frame 0, set a breakpoint on a line of Source and continue to it. The
// watch is carried to that stop.
func TestFlowInspect(t *testing.T) {
	tm, rec, fake := startInspectFlow(t)
	for s := rec.last; s.phase != tracer.PhaseAppRun; {
		s = next(t, tm, rec, "n")
	}

	// Frame 1 of App.Run is main.main: Source and Variables move there.
	focusPane(t, tm, rec, "Stack")
	sendKeys(tm, "j", "enter")
	s := rec.waitFor(t, "frame 1", screenHas("Source  demo/cmd/server/main.go:"))
	for _, want := range []string{"▶1 main.main", "frame 1 · main.main", "bc  conf.Bootstrap"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("after enter on frame 1 the screen lacks %q:\n%s", want, s.screen)
		}
	}

	// An expression of main.main, evaluated in frame 1.
	sendKeys(tm, ":")
	rec.waitFor(t, "the prompt", screenHas("Evaluate"))
	tm.Type("bc.Server.Http.Addr")
	sendKeys(tm, "enter")
	s = rec.waitFor(t, "the value", screenHas(`"127.0.0.1:8000"`))
	if !strings.Contains(s.screen, "frame 1 · main.main") {
		t.Errorf("the prompt does not say it evaluates in frame 1:\n%s", s.screen)
	}
	// The history brings it back; ctrl+w watches it.
	sendKeys(tm, "down", "up", "ctrl+w")
	rec.waitFor(t, "the watch", screenHas("watching bc.Server.Http.Addr"))
	if log := fake.CommandLog(); !slices.Contains(log, "frame 1") || !slices.Contains(log, "eval bc.Server.Http.Addr") || !slices.Contains(log, "watch bc.Server.Http.Addr") {
		t.Errorf("commands %v, want frame 1, the eval and the watch", log)
	}
	sendKeys(tm, "esc")
	rec.waitFor(t, "the prompt to close", func(s snapshot) bool { return !strings.Contains(s.screen, "╭─ » Evaluate") })

	// Back to frame 0, then a breakpoint on the fourth line below the stop.
	focusPane(t, tm, rec, "Stack")
	sendKeys(tm, "k", "enter")
	rec.waitFor(t, "frame 0", screenHas("Source  go-kratos/kratos/v2@v2.9.2/app.go:83"))
	focusPane(t, tm, rec, "Source")
	sendKeys(tm, "j", "j", "j", "j", "b")
	rec.waitFor(t, "the breakpoint", screenHas("breakpoint at app.go:87"))
	s = rec.waitFor(t, "the gutter mark", screenHas(source.MarkBreakpoint+" 87 │"))

	// n runs to it: a stop of phase break, after app.run in the timeline.
	s = next(t, tm, rec, "n")
	if s.phase != tracer.PhaseBreak {
		t.Fatalf("n from app.run stopped at %s, want the breakpoint", s.label)
	}
	for _, want := range []string{"▶ break app.go:87", "paused at break ", "▶ 87 │"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("at the breakpoint the screen lacks %q:\n%s", want, s.screen)
		}
	}
	if i, j := strings.Index(s.screen, "✓ app.run"), strings.Index(s.screen, "▶ break app.go:87"); i < 0 || j < i {
		t.Errorf("the breakpoint's stop is not after app.run in the timeline:\n%s", s.screen)
	}
	// The watch was evaluated at this stop (in frame 0, where bc is unknown).
	focusPane(t, tm, rec, "Variables")
	s = rec.waitFor(t, "the watch at the breakpoint", screenHas("bc.Server.Http.Addr"))
	if !strings.Contains(s.screen, "✗ could not") {
		t.Errorf("the watch's error is not shown at the breakpoint:\n%s", s.screen)
	}
	// n goes on from the breakpoint to the next phase.
	s = next(t, tm, rec, "n")
	if s.phase != tracer.PhaseBuildInstance {
		t.Errorf("n from the breakpoint stopped at %s, want app.build-instance", s.label)
	}
	quit(t, tm, fake)
}

// TestFlowHalt halts a running program, looks at a goroutine and resumes.
func TestFlowHalt(t *testing.T) {
	tm, rec, fake := startInspectFlow(t)
	fake.BlockAt(tracer.PhaseRunning)
	s := rec.last
	for s.phase != tracer.PhaseAfterStart {
		s = next(t, tm, rec, "n")
	}
	// app.running with its break off: the program runs on.
	press(tm, "j")
	press(tm, "b")
	rec.waitFor(t, "the break off", func(s snapshot) bool { return slices.Contains(s.done, "break") })
	press(tm, "n")
	rec.waitFor(t, "the program to run", func(s snapshot) bool { return !s.paused && s.phase == tracer.PhaseRunning })
	press(tm, "h")
	s = rec.waitFor(t, "the halt", screenHas("halted: 3 goroutines"))
	for _, want := range []string{"[Goroutines]", "▶  1  kratos.(*App).Run", "semacquire", "IO wait", "▶ halt", "▶2 kratos.(*App).Run"} {
		if !strings.Contains(s.screen, want) {
			t.Errorf("at the halt the screen lacks %q:\n%s", want, s.screen)
		}
	}
	// Goroutine 7: its stack, source and variables.
	press(tm, "j")
	press(tm, "enter")
	s = rec.waitFor(t, "goroutine 7", screenHas("goroutine 7"))
	rec.waitFor(t, "its variables", screenHas("goid  7"))
	if log := fake.CommandLog(); !slices.Contains(log, "goroutine 7") || !slices.Contains(log, "frame 2") {
		t.Errorf("commands %v, want goroutine 7 and its frame 2", log)
	}
	// n resumes: the goroutines go, the program runs at app.running.
	press(tm, "n")
	s = rec.waitFor(t, "the program to run again", func(s snapshot) bool {
		return !s.paused && !strings.Contains(s.screen, "Goroutines")
	})
	// SIGTERM walks the shutdown as before.
	press(tm, "t")
	rec.waitFor(t, "app.stop", pausedAt(tracer.PhaseStop))
	quit(t, tm, fake)
}

// TestReplayCannotInspect checks that what a recording cannot do is one
// line in the status bar, never a crash: the prompt, a breakpoint, a halt,
// a frame. The recorded watches still show.
func TestReplayCannotInspect(t *testing.T) {
	events := inspectEvents()
	for i := range events {
		if events[i].Kind == tracer.KindStop && events[i].Phase == tracer.PhaseBreak {
			events = append(events[:i], events[i+1:]...)
			break
		}
	}
	for i := range events {
		if events[i].Kind == tracer.KindStop && events[i].Phase == tracer.PhaseAppRun {
			events[i].Watches = []tracer.WatchValue{{Expr: "main.flagconf", Value: &tracer.Node{Type: "string", Value: `"../../configs"`}}}
		}
	}
	m := replayModel(t, events)
	for m.trace.phase != tracer.PhaseAppRun {
		m = replayNext(t, m)
	}
	if s := screen(t, m, 120, 40); !strings.Contains(s, "main.flagconf") {
		m.setFocus(paneVariables)
		if s = screen(t, m, 120, 40); !strings.Contains(s, "main.flagconf") {
			t.Errorf("the recorded watch is not shown:\n%s", s)
		}
	}
	// The prompt: a recording that cannot evaluate says so at once; one
	// that answers from its watches (a partial Inspector) opens the prompt
	// and says so for an expression it did not watch.
	m = keys(t, m, ":")
	if m.prompt.open {
		m = typeText(t, m, "len(a.opts.servers)")
		m = keys(t, m, "enter")
		if s := screen(t, m, 120, 40); !strings.Contains(s, "needs a live program") {
			t.Errorf("an unwatched expression on a recording gives no reason:\n%s", s)
		}
		m = keys(t, m, "esc")
	} else if s := screen(t, m, 120, 40); !strings.Contains(s, "needs a live program") {
		t.Errorf(": on a recording gives no reason:\n%s", s)
	}
	for _, k := range []struct {
		focus paneID
		keys  []string
		want  string
	}{
		{paneSource, []string{"b"}, "needs a live program"},
		{panePhases, []string{"h"}, "already paused"},
		{paneStack, []string{"j", "enter"}, "needs a live program"},
		{paneVariables, []string{"w"}, "no expression"},
	} {
		m.setFocus(k.focus)
		m = keys(t, m, k.keys...)
		if s := screen(t, m, 120, 40); !strings.Contains(s, k.want) {
			t.Errorf("%v in %s: the screen does not say %q:\n%s", k.keys, k.focus, k.want, s)
		}
		m.trace.flash, m.trace.notice = "", ""
	}
}

// replayModel is a model on a replay of events, at 120x40.
func replayModel(tb testing.TB, events []tracer.Event) Model {
	tb.Helper()
	src := demoReplayOf(tb, events)
	m := NewModel(Options{Target: "./demo", Start: func(context.Context) (tracer.Source, error) { return src, nil }, NoAnimation: true, Now: newTestClock().now})
	m = update(tb, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = drive(tb, m, startedMsg{gen: m.trace.gen, src: src})
	return replayPump(tb, m, src)
}

// replayNext presses n and takes what the replay delivers.
func replayNext(tb testing.TB, m Model) Model {
	tb.Helper()
	m = keys(tb, m, "n")
	return replayPump(tb, m, m.trace.src)
}

// replayPump takes events until the replay pauses.
func replayPump(tb testing.TB, m Model, src tracer.Source) Model {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-src.Events():
			if !ok {
				return drive(tb, m, sourceClosedMsg{gen: m.trace.gen})
			}
			m = drive(tb, m, eventMsg{gen: m.trace.gen, ev: ev})
			if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindExit || ev.Kind == tracer.KindStall {
				return m
			}
		case <-deadline:
			tb.Fatal("the replay delivered nothing")
		}
	}
}

// TestFlowPromptOpensEmpty: the prompt opens empty each time, not with the
// line run before; ↑ brings that line back (issue 26, item 5).
func TestFlowPromptOpensEmpty(t *testing.T) {
	tm, rec, fake := startInspectFlow(t)
	for s := rec.last; s.phase != tracer.PhaseAppRun; {
		s = next(t, tm, rec, "n")
	}
	sendKeys(tm, ":")
	rec.waitFor(t, "the prompt", screenHas("╭─ » Evaluate"))
	tm.Type("a.opts")
	sendKeys(tm, "enter")
	rec.waitFor(t, "the value", screenHas(`"kratos-trace-demo"`))
	sendKeys(tm, "esc")
	rec.waitFor(t, "the prompt to close", func(s snapshot) bool { return !strings.Contains(s.screen, "╭─ » Evaluate") })

	sendKeys(tm, ":")
	s := rec.waitFor(t, "the prompt again", screenHas("╭─ » Evaluate"))
	if strings.Contains(s.screen, "› a.opts") || strings.Contains(s.screen, `"kratos-trace-demo"`) {
		t.Errorf("the prompt reopened with the last line or its answer:\n%s", s.screen)
	}
	if !strings.Contains(s.screen, "a Go expression, or: break LOC") {
		t.Errorf("the reopened prompt does not show its hint, as an empty one does:\n%s", s.screen)
	}
	tm.Type("x")
	rec.waitFor(t, "typing into the empty line", screenHas("› x"))
	sendKeys(tm, "up")
	rec.waitFor(t, "↑ to bring the last line back", screenHas("› a.opts"))
	sendKeys(tm, "down")
	rec.waitFor(t, "↓ to bring the draft back", screenHas("› x"))
	sendKeys(tm, "esc")
	quit(t, tm, fake)
}
