package script

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestParseInspectForms(t *testing.T) {
	s, err := Parse("ok.kts", strings.NewReader(`break main.newApp internal/biz/greeter.go:42 config.scan biz.(*GreeterUsecase).CreateGreeter
break "./cmd/server/main.go:31"
clear main.newApp
watch main.flagconf
watch a.opts.servers[0]   # a comment
eval len(a.opts.servers)
eval s == "a # b" && r != '#' # the comment
eval	`+"`raw # string`"+`
expect eval(len(a.opts.servers)) == 2
expect eval(fmt.Sprint(x, ")")) != "a b"
expect eval( m["k"] ) contains v   # comment
watch main.flagconf
`))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Commands
	if len(c) != 12 {
		t.Fatalf("%d commands: %+v", len(c), c)
	}
	if !slices.Equal(c[0].Locations, []string{"main.newApp", "internal/biz/greeter.go:42", "biz.(*GreeterUsecase).CreateGreeter"}) ||
		!slices.Equal(c[0].Phases, []tracer.PhaseID{tracer.PhaseConfigScan}) {
		t.Errorf("break: locations %q phases %v", c[0].Locations, c[0].Phases)
	}
	if !slices.Equal(c[1].Locations, []string{"./cmd/server/main.go:31"}) {
		t.Errorf("quoted location: %q", c[1].Locations)
	}
	if c[2].Op != OpClear || !slices.Equal(c[2].Locations, []string{"main.newApp"}) {
		t.Errorf("clear: %+v", c[2])
	}
	for i, want := range map[int]string{
		3:  "main.flagconf",
		4:  "a.opts.servers[0]",
		5:  "len(a.opts.servers)",
		6:  `s == "a # b" && r != '#'`,
		7:  "`raw # string`",
		8:  "len(a.opts.servers)",
		9:  `fmt.Sprint(x, ")")`,
		10: `m["k"]`,
	} {
		if c[i].Expr != want {
			t.Errorf("line %d: expr %q, want %q", c[i].Line, c[i].Expr, want)
		}
	}
	if c[8].Op != OpExpect || c[8].Cmp != "==" || c[8].Want != "2" || c[8].subject() != "eval(len(a.opts.servers))" {
		t.Errorf("expect eval: %+v", c[8])
	}
	if c[9].Cmp != "!=" || c[9].Want != "a b" || c[10].Cmp != "contains" || c[10].Want != "v" {
		t.Errorf("expect eval forms: %+v %+v", c[9], c[10])
	}
	if c[10].Text != `expect eval( m["k"] ) contains v   # comment` {
		t.Errorf("text %q", c[10].Text)
	}
	if got := s.Locations(); !slices.Equal(got, []string{"main.newApp", "internal/biz/greeter.go:42", "biz.(*GreeterUsecase).CreateGreeter", "./cmd/server/main.go:31"}) {
		t.Errorf("Locations() = %q", got)
	}
	if got := s.Watches(); !slices.Equal(got, []string{"main.flagconf", "a.opts.servers[0]"}) {
		t.Errorf("Watches() = %q", got)
	}
}

func TestParseInspectErrors(t *testing.T) {
	checkParseErrors(t, []parseErrorCase{
		{"misspelt phase", "break config.scna\n", `lesson.kts:1:7: unknown phase "config.scna": did you mean config.scan?`},
		{"misspelt phase in clear", "clear wire.don\n", `lesson.kts:1:7: unknown phase "wire.don": did you mean wire.done?`},
		{"neither phase nor location", "break servers\n", `lesson.kts:1:7: unknown phase "servers"; the phases are main, flag.parse, `},
		{"break names a location too", "break\n", "lesson.kts:1:6: break needs a phase or a location, e.g. break config.scan or break main.newApp"},
		{"watch without expression", "watch\n", "lesson.kts:1:6: watch needs a Go expression, e.g. watch len(a.opts.servers)"},
		{"eval of a comment", "eval   # later\n", "lesson.kts:1:5: eval needs a Go expression"},
		{"unclosed eval", "expect eval(len(x) == 2\n", "lesson.kts:1:12: eval( is not closed: a ) is missing"},
		{"empty eval", "expect eval() == 2\n", "lesson.kts:1:13: eval() needs a Go expression"},
		{"bad operator after eval", "expect eval(x) = 2\n", `lesson.kts:1:16: unknown operator "="`},
		{"no value after eval", "expect eval(x) ==\n", "lesson.kts:1:18: expect needs an operator and a value after eval(...)"},
		{"nothing after eval", "expect eval(x)\n", "lesson.kts:1:15: expect needs an operator and a value after eval(...)"},
		{"two values after eval", "expect eval(x) == 2 3\n", "lesson.kts:1:21: expect takes eval(EXPR), an operator and one value"},
		{"unclosed string in an expression", "eval \"abc\n", "lesson.kts:1:6: the string in the expression is not closed"},
		{"unclosed rune in eval(", "expect eval(x == 'a) == true\n", "lesson.kts:1:18: the rune in the expression is not closed"},
		{"watch that is not Go", "watch  len(a.opts.servers\n", "lesson.kts:1:26: len(a.opts.servers is not a Go expression: missing ','"},
		{"eval(...) that is not Go", "expect eval(a.opts.) == 2\n", "lesson.kts:1:20: a.opts. is not a Go expression: expected selector or type assertion"},
	})
}

// inspectingFake is a scripted Source that answers the Inspector's
// questions a script asks, from values the test gives it.
type inspectingFake struct {
	*tracertest.Fake
	values map[string]string

	mu      sync.Mutex
	breaks  []tracer.Breakpoint
	watches []string
	// added logs AddBreakpoint and AddWatch calls.
	added []string
}

func (f *inspectingFake) Eval(_ context.Context, frame int, expr string) (*tracer.Node, error) {
	if !f.Paused() {
		return nil, tracer.ErrNotPaused
	}
	if v, ok := f.values[expr]; ok {
		return &tracer.Node{Name: expr, Value: v}, nil
	}
	return nil, fmt.Errorf("could not find symbol %q in kratos.(*App).Run", expr)
}

func (f *inspectingFake) Breakpoints() []tracer.Breakpoint {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.breaks)
}

func (f *inspectingFake) AddBreakpoint(_ context.Context, loc string) (tracer.Breakpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.Contains(loc, "newAp)") {
		return tracer.Breakpoint{}, errors.New("no function main.newAp; did you mean main.newApp?")
	}
	f.added = append(f.added, "break "+loc)
	b := tracer.Breakpoint{Loc: loc}
	f.breaks = append(f.breaks, b)
	return b, nil
}

func (f *inspectingFake) Watches() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.watches)
}

func (f *inspectingFake) AddWatch(_ context.Context, _ int, expr string) (tracer.WatchValue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.added = append(f.added, "watch "+expr)
	f.watches = append(f.watches, expr)
	return tracer.WatchValue{Expr: expr}, nil
}

// demoWithBreak is the demo trace with a stop at a breakpoint of the
// user's own, main.newApp, right after the provider main.newApp's stop, as
// `run --break main.newApp --watch main.flagconf` records it; every stop
// carries the watch.
func demoWithBreak() []tracer.Event {
	var out []tracer.Event
	watch := []tracer.WatchValue{{Expr: "main.flagconf", Value: &tracer.Node{Name: "main.flagconf", Type: "string", Value: "../../configs"}}}
	for _, ev := range tracertest.DemoEvents() {
		if ev.Kind == tracer.KindStop {
			ev.Watches = watch
		}
		out = append(out, ev)
		if ev.Phase == tracer.PhaseWireProvider && ev.Detail == "main.newApp" {
			brk := ev
			brk.Kind, brk.Phase, brk.Detail = tracer.KindStop, tracer.PhaseBreak, "main.newApp"
			brk.Watches = []tracer.WatchValue{
				watch[0],
				{Expr: "len(gs.opts)", Error: `could not find symbol "gs" in main.newApp`},
			}
			out = append(out, brk)
		}
	}
	return out
}

const breakScript = `break main.newApp
watch main.flagconf
continue
expect phase == break
expect detail == main.newApp
eval len(a.opts.servers)
expect eval(len(a.opts.servers)) == 2
expect eval(len(a.opts.servers)) == 3
expect eval(bc) == x
continue
sigterm
`

func TestScriptAsksTheLiveProgram(t *testing.T) {
	f := &inspectingFake{Fake: tracertest.NewFake(demoWithBreak()), values: map[string]string{"len(a.opts.servers)": "2"}}
	res, out := runOn(t, f, breakScript)
	if !slices.Equal(f.added, []string{"break main.newApp", "watch main.flagconf"}) {
		t.Errorf("the script set %q, want the breakpoint and the watch", f.added)
	}
	for _, want := range []string{
		"● break main.newApp — your breakpoint  ",
		"watch main.flagconf = ../../configs\n",
		"len(a.opts.servers) = 2\n",
		"ok   expect eval(len(a.opts.servers)) == 2\n",
		"● app.running",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Only the script's own stops: the break and app.running.
	if n := strings.Count(out, "● "); n != 2 {
		t.Errorf("%d stops, want 2:\n%s", n, out)
	}
	var got []string
	for _, f := range res.Failures {
		got = append(got, f.Error())
	}
	want := []string{
		`lesson.kts:8: expect eval(len(a.opts.servers)) == 3: it does not hold: eval(len(a.opts.servers)) is "2"`,
		`lesson.kts:9: expect eval(bc) == x: could not find symbol "bc" in kratos.(*App).Run`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("failures\n got %q\nwant %q", got, want)
	}
}

func TestScriptBreakAlreadySet(t *testing.T) {
	// A live run sets the script's locations before the program starts
	// (Script.Locations): the script does not set them again.
	f := &inspectingFake{Fake: tracertest.NewFake(demoWithBreak()), breaks: []tracer.Breakpoint{{Loc: "main.newApp"}}, watches: []string{"main.flagconf"}}
	res, out := runOn(t, f, "break main.newApp\nwatch main.flagconf\ncontinue\nexpect detail == main.newApp\nquit\n")
	if !res.OK() || len(f.added) != 0 {
		t.Errorf("failures %v, added %q\n%s", res.Failures, f.added, out)
	}
}

func TestScriptOnARecording(t *testing.T) {
	src := replay.NewSource(&replay.Recording{Path: "demo", Events: demoWithBreak()}, replay.Options{})
	res, out := runOn(t, src, `break main.newApp
watch main.flagconf
watch len(gs.opts)
watch a.opts.id
continue
expect phase == break
expect eval(main.flagconf) == ../../configs
eval main.flagconf
eval len(a.opts.servers)
expect eval(len(gs.opts)) == 1
continue
sigterm
`)
	for _, want := range []string{
		"● break main.newApp",
		"watch main.flagconf = ../../configs\n",
		"watch len(gs.opts): could not find symbol \"gs\" in main.newApp\n",
		"watch a.opts.id: needs a live program: a.opts.id was not watched in this recording\n",
		"ok   expect eval(main.flagconf) == ../../configs\n",
		"main.flagconf = ../../configs\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var got []string
	for _, f := range res.Failures {
		got = append(got, f.Error())
	}
	want := []string{
		"lesson.kts:9: eval len(a.opts.servers): needs a live program: len(a.opts.servers) was not watched in this recording",
		`lesson.kts:10: expect eval(len(gs.opts)) == 1: could not find symbol "gs" in main.newApp`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("failures\n got %q\nwant %q", got, want)
	}
}

func TestEvalNeedsAStop(t *testing.T) {
	res, _ := runOn(t, tracertest.NewFake(tracertest.DemoEvents()), "eval main.flagconf\nquit\n")
	if len(res.Failures) != 1 || res.Failures[0].Msg != "eval(main.flagconf): the trace has not stopped anywhere yet; continue first" {
		t.Errorf("failures: %v", res.Failures)
	}
}

func TestStallFailsTheScript(t *testing.T) {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseConfigLoad {
			break
		}
	}
	events = append(events, tracer.Event{
		Kind: tracer.KindStall, Phase: tracer.PhaseConfigLoad, Function: "main.main", Goroutine: 1,
		SincePrev: tracer.Duration(3 * time.Second),
		Reason:    "no phase for 3s after config.load: the main goroutine waits in main.main (main.go:90), chan receive",
		Goroutines: []tracer.Goroutine{{ID: 1, Main: true, User: tracer.Frame{Function: "main.main", File: "main.go", Line: 90}, WaitReason: "chan receive",
			Stack: []tracer.Frame{{Function: "main.main", File: "main.go", Line: 90}}}},
	})
	res, out := runOn(t, tracertest.NewFake(events), "break wire.done\ncontinue\nexpect phase == wire.done\n")
	if res.Stalled == nil {
		t.Fatal("Result.Stalled is not set")
	}
	if len(res.Failures) < 1 || !strings.HasPrefix(res.Failures[0].Error(), "lesson.kts:2: continue: the trace stalled: no phase for 3s after config.load") {
		t.Errorf("failures: %v", res.Failures)
	}
	if !strings.Contains(out, "!! stall after config.load") || !strings.Contains(out, "[chan receive]") {
		t.Errorf("the stall is not printed:\n%s", out)
	}
}

// TestLessonPassesQuestionsOn: the UI of a lesson asks the played Source
// its own questions at the script's stops; only Halt waits for the end of
// the script.
func TestLessonPassesQuestionsOn(t *testing.T) {
	src := replay.NewSource(&replay.Recording{Path: "demo", Events: demoWithBreak()}, replay.Options{})
	l := NewLesson(src, mustParse(t, "break main.newApp\ncontinue\nexpect detail == main.newApp\n"))
	defer l.Close()
	var in tracer.Inspector = l
	var asked []string
	watch(t, l, func(ev tracer.Event) error {
		if ev.Phase == tracer.PhaseBreak {
			n, err := in.Eval(t.Context(), 0, "main.flagconf")
			asked = append(asked, fmt.Sprintf("eval %v %v", nodeText(n), err))
			_, err = in.Eval(t.Context(), 0, "len(a.opts.servers)")
			asked = append(asked, fmt.Sprintf("eval %v", err))
			err = in.Halt(t.Context())
			asked = append(asked, fmt.Sprintf("halt %v", errors.Is(err, tracer.ErrUnsupported)))
		}
		return l.Continue(t.Context())
	})
	want := []string{
		"eval ../../configs <nil>",
		"eval needs a live program: len(a.opts.servers) was not watched in this recording",
		"halt true",
	}
	if !slices.Equal(asked, want) {
		t.Errorf("answers\n got %q\nwant %q", asked, want)
	}
	if !l.Result().OK() {
		t.Errorf("failures: %v", l.Result().Failures)
	}
}

func TestLessonOfASourceThatCannotBeInspected(t *testing.T) {
	l := NewLesson(tracertest.NewFake(tracertest.DemoEvents()), mustParse(t, "quit\n"))
	defer l.Close()
	if _, err := l.Eval(t.Context(), 0, "x"); !errors.Is(err, tracer.ErrUnsupported) {
		t.Errorf("Eval = %v, want ErrUnsupported", err)
	}
}
