package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// stalledTrace is the demo's trace up to flag.parse, then a stall there,
// as a Session with Config.Stall reports it.
func stalledTrace() []tracer.Event {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseFlagParse {
			break
		}
	}
	own := tracer.Frame{Function: "main.waitForRegistry", File: "/src/hang/main.go", Line: 57}
	stack := []tracer.Frame{
		{Function: "syscall.Syscall", File: "/go/src/syscall/syscall_linux.go", Line: 74},
		{Function: "syscall.Read", File: "/go/src/syscall/syscall_unix.go", Line: 183},
		own,
		{Function: "main.main", File: "/src/hang/main.go", Line: 29},
		{Function: "runtime.main", File: "/go/src/runtime/proc.go", Line: 290},
	}
	return append(events, tracer.Event{
		Kind: tracer.KindStall, Phase: tracer.PhaseFlagParse,
		File: own.File, Line: own.Line, Function: own.Function, Goroutine: 1,
		SincePrev: tracer.Duration(3 * time.Second),
		Reason:    "no phase for 3s after flag.parse: the main goroutine waits in main.waitForRegistry (main.go:57), syscall",
		Source:    &tracer.Snippet{First: 56, Lines: []string{"\tbuf := make([]byte, 1)", "\t_, _ = syscall.Read(int(r.Fd()), buf)"}},
		Stack:     stack,
		Goroutines: []tracer.Goroutine{
			{ID: 1, Main: true, User: own, Current: stack[0], WaitReason: "syscall", Stack: stack},
			{ID: 2, User: tracer.Frame{Function: "runtime.forcegchelper", File: "/go/src/runtime/proc.go", Line: 366}, WaitReason: "force gc (idle)"},
			{ID: 9, User: tracer.Frame{Function: "google.golang.org/grpc.(*Server).Serve", File: "/mod/grpc/server.go", Line: 885}, WaitReason: "IO wait", Waiting: tracer.Duration(2*time.Minute + 3*time.Second)},
		},
	})
}

func TestStallIsPrintedAndEndsTheRun(t *testing.T) {
	var out, log bytes.Buffer
	res, err := Run(context.Background(), tracertest.NewFake(stalledTrace()), Options{Out: &out, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stalled == nil || res.Stalled.Phase != tracer.PhaseFlagParse {
		t.Fatalf("Result.Stalled = %+v, want the stall after flag.parse", res.Stalled)
	}
	text := out.String()
	for _, want := range []string{
		"\n!! stall after flag.parse\n",
		"  no phase for 3s after flag.parse: the main goroutine waits in main.waitForRegistry (main.go:57), syscall\n",
		"main.waitForRegistry  (goroutine 1)\n",
		"     57 │ _, _ = syscall.Read(int(r.Fd()), buf)\n",
		"  Goroutines (3), the main one first:\n",
		"    1  main.waitForRegistry",
		"        syscall.Syscall       syscall_linux.go:74\n",
		"        main.main             main.go:29\n",
		"    2  runtime.forcegchelper",
		"[force gc (idle)]",
		"[IO wait, 2m3s]",
		"The trace stalled: no phase for 3s after flag.parse",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// Only the main goroutine's stack is printed in full.
	if strings.Contains(text, "        runtime.forcegchelper") {
		t.Errorf("a stack other than main's is printed:\n%s", text)
	}
}

func TestStallInJSONAndChinese(t *testing.T) {
	var out bytes.Buffer
	if _, err := Run(context.Background(), tracertest.NewFake(stalledTrace()), Options{Out: &out, JSON: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var ev tracer.Event
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Kind != tracer.KindStall || len(ev.Goroutines) != 3 || !ev.Goroutines[0].Main || len(ev.Goroutines[0].Stack) != 5 {
		t.Errorf("last JSON line = %s, want the stall with 3 goroutines, main's stack whole", lines[len(lines)-1])
	}

	out.Reset()
	if _, err := Run(context.Background(), tracertest.NewFake(stalledTrace()), Options{Out: &out, Lang: tracer.Chinese}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"!! 在 flag.parse 之后卡住", "goroutine（3 个，main 在前）：", "[IO wait, 已等 2m3s]", "跟踪卡住了："} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Chinese text lacks %q:\n%s", want, out.String())
		}
	}
}

func TestHaltBlock(t *testing.T) {
	ev := stalledTrace()[len(stalledTrace())-1]
	ev.Kind, ev.Reason, ev.Phase = tracer.KindHalt, "", ""
	text := FormatGoroutines(ev)
	if !strings.HasPrefix(text, "\n‖ halt after launch\n") || !strings.Contains(text, "main.waitForRegistry  (goroutine 1)") {
		t.Errorf("halt block:\n%s", text)
	}
}
