package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

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
	p := newPrompt(newStyles(), textFor(tracer.English))
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
	if got := m.variables.tree.sections[0].id; got != sectionWatches {
		t.Fatalf("the first section is %q, want the watches", got)
	}
	m.variables.tree.selected = 1 // the watch
	m = keys(t, m, "x")
	if !slices.Contains(fake.CommandLog(), "unwatch a.opts.servers") {
		t.Errorf("x did not unwatch: %v", fake.CommandLog())
	}
	if m.variables.tree.sections[0].id == sectionWatches {
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
	row := -1
	for i, r := range m.phases.rows {
		if r.key.detail == "data.NewData" {
			row = i
		}
	}
	m = keys(t, m, "k")
	for m.phases.selected != row {
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
	if r, ok := m.phases.returns[rowKey{phase: tracer.PhaseWireProvider, detail: "data.NewData"}]; !ok || len(r.results) != 3 {
		t.Errorf("data.NewData's return was not recorded: %v", r)
	}
}

// TestStaleAnswersAreDropped checks that an answer asked for at an earlier
// stop does not land on the current one.
func TestStaleAnswersAreDropped(t *testing.T) {
	m, _ := inspectModel(t, 120, 40, atStop(tracer.PhaseAppRun))
	old := m.insp.at - 1
	m = drive(t, m, commandDoneMsg{gen: m.trace.gen, result: frameMsg{at: old, detail: tracer.FrameDetail{Index: 3, Frame: tracer.Frame{Function: "x.y", File: "/nowhere.go", Line: 1}}}})
	if m.insp.frame != 0 || m.stack.active != 0 {
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
	if len(m.insp.breakpoints) != 1 || m.variables.watches[0].Expr != "main.flagconf" {
		t.Errorf("after the restart: breakpoints %v, watches %v", m.insp.breakpoints, m.variables.watches)
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
	en := texts[tracer.English]
	words := []string{en.sectionWatches, en.sectionArgs, en.sectionLocals, en.sectionResults, en.promptTitle,
		en.paneNames[paneVariables], en.paneNames[paneGoroutines], "halted", "goroutines", "watching", "evaluate", "breakpoint at"}
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
	for _, want := range []string{"■ stalled: 3 goroutines", "✗ halt  stalled", "[Goroutines]", "▶ 1 kratos.(*App).Run", "▶2 kratos.(*App).Run"} {
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
	for _, r := range m.phases.rows {
		if !r.header {
			labels = append(labels, r.label)
		}
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
