package delve

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// hangFixture is a Kratos service whose main blocks after flag.Parse in
// main.waitForRegistry; -wait picks how.
const hangFixture = "testdata/shapes/hang"

// needPtrace ends a test whose trace could not start because ptrace is not
// permitted: a skip on a developer's machine, a failure in CI, where the
// real debugger must run.
func needPtrace(t *testing.T, ev tracer.Event) {
	t.Helper()
	if ev.Kind != tracer.KindError || !strings.Contains(ev.Error, "ptrace is not permitted") {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("ptrace is not permitted, and CI must run the real debugger: %s", ev.Error)
	}
	t.Skipf("ptrace is not permitted on this machine, so the real debugger cannot run: %s", ev.Error)
}

// nextEvent waits for the session's next event; ok is false once the
// channel is closed.
func nextEvent(t *testing.T, ctx context.Context, s *Session) (tracer.Event, bool) {
	t.Helper()
	select {
	case ev, ok := <-s.Events():
		if ok {
			needPtrace(t, ev)
		}
		return ev, ok
	case <-ctx.Done():
		t.Fatal("timed out waiting for an event")
		return tracer.Event{}, false
	}
}

// untilKind reads events until one of kind arrives (returned), continuing
// the program at every stop but app.running; it fails if the trace ends
// first.
func untilKind(t *testing.T, ctx context.Context, s *Session, kind tracer.Kind, seen *[]tracer.Event) tracer.Event {
	t.Helper()
	for {
		ev, ok := nextEvent(t, ctx, s)
		if !ok {
			t.Fatalf("the trace ended before a %s event; events: %s", kind, kinds(*seen))
		}
		*seen = append(*seen, ev)
		if ev.Kind == kind {
			return ev
		}
		if ev.Kind == tracer.KindStop && ev.Phase != tracer.PhaseRunning {
			if err := s.Continue(ctx); err != nil {
				t.Fatalf("continue at %s: %v", ev.Label(), err)
			}
		}
	}
}

// kinds lists the events as "kind phase" for messages.
func kinds(evs []tracer.Event) string {
	var out []string
	for _, ev := range evs {
		if ev.Kind == tracer.KindOutput || ev.Kind == tracer.KindStatus {
			continue
		}
		out = append(out, string(ev.Kind)+" "+ev.Label())
	}
	return strings.Join(out, ", ")
}

// mainGoroutine returns the main goroutine of a halt or stall event.
func mainGoroutine(t *testing.T, ev tracer.Event) tracer.Goroutine {
	t.Helper()
	if len(ev.Goroutines) == 0 {
		t.Fatalf("%s event lists no goroutines", ev.Kind)
	}
	g := ev.Goroutines[0]
	if !g.Main || g.ID != 1 {
		t.Fatalf("the first goroutine is %d (main %v), want the main goroutine, 1", g.ID, g.Main)
	}
	for _, other := range ev.Goroutines[1:] {
		if other.Main {
			t.Errorf("goroutine %d is marked main too", other.ID)
		}
	}
	return g
}

// stackHas reports whether stack holds a frame of function fn.
func stackHas(stack []tracer.Frame, fn string) bool {
	for _, f := range stack {
		if f.Function == fn {
			return true
		}
	}
	return false
}

func TestStallNamesWhereMainWaits(t *testing.T) {
	tests := []struct {
		wait       string
		wantReason string
		// wantOwn is the innermost frame of the program's own code.
		wantOwn string
	}{
		{"syscall", "syscall", "main.waitForRegistry"},
		{"net", "IO wait", "main.readSilentPeer"},
		{"chan", "chan receive", "main.waitForRegistry"},
	}
	for _, tt := range tests {
		t.Run(tt.wait, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
			defer cancel()
			s, err := Start(ctx, Config{Target: hangFixture, Args: []string{"-wait", tt.wait}, Stall: time.Second})
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			defer s.Close()
			var seen []tracer.Event
			stall := untilKind(t, ctx, s, tracer.KindStall, &seen)
			s.mu.Lock()
			pid := s.pid
			s.mu.Unlock()

			if stall.Phase != tracer.PhaseFlagParse {
				t.Errorf("stall after %q, want flag.parse", stall.Phase)
			}
			if time.Duration(stall.SincePrev) < time.Second {
				t.Errorf("stall after %s of program time, want at least the 1s asked", stall.SincePrev)
			}
			g := mainGoroutine(t, stall)
			if g.User.Function != tt.wantOwn {
				t.Errorf("main goroutine's own frame = %+v, want %s", g.User, tt.wantOwn)
			}
			if !stackHas(g.Stack, "main.waitForRegistry") || !stackHas(g.Stack, "main.main") {
				t.Errorf("main goroutine's stack lacks main.waitForRegistry or main.main: %+v", g.Stack)
			}
			if g.WaitReason != tt.wantReason {
				t.Errorf("main goroutine waits for %q, want %q", g.WaitReason, tt.wantReason)
			}
			if g.Current.Function == "" || g.Current == g.User {
				t.Errorf("main goroutine's innermost frame = %+v, want a runtime or library frame below its own", g.Current)
			}
			if stall.Function != tt.wantOwn || stall.Goroutine != 1 || !strings.HasSuffix(stall.File, "hang/main.go") {
				t.Errorf("stall event at %s in %s (goroutine %d), want %s in hang/main.go, goroutine 1", stall.Location(), stall.Function, stall.Goroutine, tt.wantOwn)
			}
			if stall.Source == nil {
				t.Error("the stall event carries no source")
			}
			for _, want := range []string{"after flag.parse", tt.wantOwn, tt.wantReason} {
				if !strings.Contains(stall.Reason, want) {
					t.Errorf("stall reason %q lacks %q", stall.Reason, want)
				}
			}

			// The trace ends after a stall: no exit event, the program is
			// gone, the temp dir too.
			for {
				ev, ok := nextEvent(t, ctx, s)
				if !ok {
					break
				}
				if ev.IsPhase() || ev.Kind == tracer.KindStop {
					t.Errorf("event after the stall: %s %s", ev.Kind, ev.Label())
				}
			}
			if pid == 0 || !processGone(pid) {
				t.Errorf("the program (pid %d) still runs after the stall", pid)
			}
			s.mu.Lock()
			dir := s.tmpDir
			s.mu.Unlock()
			if _, err := os.Stat(dir); dir == "" || !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the build dir %q is left behind (%v)", dir, err)
			}
		})
	}
}

// TestHaltWhileServing halts the demo while it serves, after a request,
// looks at its goroutines, goes on, and still traces the shutdown. The
// stall watchdog is on and must not fire: a serving program reaches no
// phase until it is signalled or sent a request.
func TestHaltWhileServing(t *testing.T) {
	conf := writeDemoConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}, Stall: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	var seen []tracer.Event
	running := untilKind(t, ctx, s, tracer.KindStop, &seen)
	for running.Phase != tracer.PhaseRunning {
		if err := s.Continue(ctx); err != nil {
			t.Fatalf("continue at %s: %v", running.Label(), err)
		}
		running = untilKind(t, ctx, s, tracer.KindStop, &seen)
	}
	if _, err := s.Goroutine(ctx, 0); err != nil {
		t.Fatalf("Goroutine(0) at app.running: %v", err)
	}

	// At a stop, a halt lists the goroutines where they are.
	if err := s.Halt(ctx); err != nil {
		t.Fatalf("Halt at app.running: %v", err)
	}
	atStop := untilKind(t, ctx, s, tracer.KindHalt, &seen)
	if g := mainGoroutine(t, atStop); !stackHas(g.Stack, "github.com/go-kratos/kratos/v2.(*App).Run") {
		t.Errorf("halt at app.running: main goroutine's stack lacks App.Run: %+v", g.Stack)
	}

	// A request: its phases, then the reply, after which the program
	// serves again with no phase to come.
	if _, err := s.Send(ctx, tracer.RequestSpec{Transport: "http", Method: "GET", Path: "/helloworld/halt"}); err != nil {
		t.Fatalf("send a request: %v", err)
	}
	for {
		ev := untilKind(t, ctx, s, tracer.KindStop, &seen)
		if ev.Phase == tracer.PhaseRequestReply {
			break
		}
		if err := s.Continue(ctx); err != nil {
			t.Fatalf("continue at %s: %v", ev.Label(), err)
		}
	}

	// Serving: let it run past the stall time, then halt it.
	if err := s.Continue(ctx); err != nil {
		t.Fatalf("continue from the reply: %v", err)
	}
	if _, err := s.Goroutine(ctx, 1); !errors.Is(err, tracer.ErrNotPaused) {
		t.Errorf("Goroutine while running = %v, want ErrNotPaused", err)
	}
	time.Sleep(1200 * time.Millisecond)
	if err := s.Halt(ctx); err != nil {
		t.Fatalf("Halt while serving: %v", err)
	}
	halt := untilKind(t, ctx, s, tracer.KindHalt, &seen)
	for _, ev := range seen {
		if ev.Kind == tracer.KindStall {
			t.Fatalf("a stall was reported while the program served: %s", ev.Reason)
		}
	}
	if halt.Phase != tracer.PhaseRequestReply {
		t.Errorf("halt after %q, want request.reply", halt.Phase)
	}
	g := mainGoroutine(t, halt)
	if g.User.Function != "main.main" {
		t.Errorf("main goroutine's own frame = %+v, want main.main (it waits in app.Run)", g.User)
	}
	if g.WaitReason == "" {
		t.Errorf("main goroutine has no wait reason; it waits in App.Run: %+v", g)
	}
	// Some goroutine of the HTTP or gRPC server waits for connections.
	var server *tracer.Goroutine
	for i, other := range halt.Goroutines {
		if other.WaitReason == "IO wait" && stackHas(other.Stack, "net.(*TCPListener).Accept") {
			server = &halt.Goroutines[i]
			break
		}
	}
	if server == nil {
		t.Fatalf("no goroutine waits in Accept; goroutines: %+v", halt.Goroutines)
	}
	if server.User.Function == "" || strings.HasPrefix(server.User.Function, "net.") {
		t.Errorf("the accepting goroutine's own frame = %+v, want a frame outside the standard library", server.User)
	}

	// Goroutine picks one for inspection, and 0 goes back.
	stack, err := s.Goroutine(ctx, server.ID)
	if err != nil {
		t.Fatalf("Goroutine(%d): %v", server.ID, err)
	}
	if !stackHas(stack, "net.(*TCPListener).Accept") {
		t.Errorf("Goroutine(%d) stack = %+v, want Accept in it", server.ID, stack)
	}
	if got := s.inspectGoroutine(); got != server.ID {
		t.Errorf("inspected goroutine = %d, want %d", got, server.ID)
	}
	if _, err := s.Goroutine(ctx, 0); err != nil || s.inspectGoroutine() != 1 {
		t.Errorf("Goroutine(0): %v; inspected = %d, want the halt's own, 1", err, s.inspectGoroutine())
	}
	if _, err := s.Goroutine(ctx, 99999); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("Goroutine(99999) = %v, want a one-line error", err)
	}

	// It goes on serving, and SIGTERM still walks the shutdown to the exit.
	if err := s.Continue(ctx); err != nil {
		t.Fatalf("continue after the halt: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := s.Signal(ctx, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	for {
		ev, ok := nextEvent(t, ctx, s)
		if !ok {
			break
		}
		seen = append(seen, ev)
		if ev.Kind == tracer.KindStall {
			t.Fatalf("a stall was reported during the shutdown: %s", ev.Reason)
		}
		if ev.Kind == tracer.KindStop {
			if err := s.Continue(ctx); err != nil && !errors.Is(err, tracer.ErrEnded) {
				t.Fatalf("continue at %s: %v", ev.Label(), err)
			}
		}
	}
	var last tracer.Event
	for _, ev := range seen {
		if ev.IsPhase() {
			last = ev
		}
	}
	if last.Phase != tracer.PhaseExit || last.ExitCode == nil || *last.ExitCode != 0 {
		t.Errorf("the trace ended with %s, want exit 0; events: %s", last.Label(), kinds(seen))
	}
}

// TestHaltWhileHung halts a program stuck in a system call, twice, with no
// stall time set: each halt pauses it where it is, and Continue lets it run
// on between them.
func TestHaltWhileHung(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, Config{Target: hangFixture, Watches: []string{"how", "len(how)"}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	var seen []tracer.Event
	for round := range 2 {
		// Past flag.parse the program hangs; give it time to get there.
		if round == 0 {
			untilKind(t, ctx, s, tracer.KindStop, &seen)
			if err := s.Continue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(300 * time.Millisecond)
		if err := s.Halt(ctx); err != nil {
			t.Fatalf("round %d: Halt: %v", round, err)
		}
		halt := untilKind(t, ctx, s, tracer.KindHalt, &seen)
		g := mainGoroutine(t, halt)
		if g.User.Function != "main.waitForRegistry" || g.WaitReason != "syscall" {
			t.Errorf("round %d: main goroutine in %s waiting %q, want main.waitForRegistry, syscall", round, g.User.Function, g.WaitReason)
		}
		if halt.Function != "main.waitForRegistry" || halt.Source == nil {
			t.Errorf("round %d: halt at %s (source %v), want main.waitForRegistry with its source", round, halt.Function, halt.Source != nil)
		}
		// The variables and watches are those of the frame the halt names,
		// not of the runtime's frame 0.
		if len(halt.Args) != 1 || halt.Args[0].Name != "how" || !strings.Contains(halt.Args[0].Value, "syscall") {
			t.Errorf("round %d: halt args = %+v, want waitForRegistry's how", round, halt.Args)
		}
		if len(halt.Watches) != 2 || halt.Watches[1].Value == nil || halt.Watches[1].Value.Value != "7" {
			t.Errorf("round %d: halt watches = %+v, want how and len(how) = 7", round, halt.Watches)
		}
		if got := s.inspectGoroutine(); got != 1 {
			t.Errorf("round %d: inspected goroutine %d after the halt, want the main one", round, got)
		}
		if n, err := s.Eval(ctx, 0, "how"); err == nil {
			t.Errorf("round %d: Eval(how) in frame 0, the runtime's, = %v; want an error", round, n)
		}
		if err := s.Continue(ctx); err != nil {
			t.Fatalf("round %d: continue after the halt: %v", round, err)
		}
	}
}

func TestUserFrame(t *testing.T) {
	frame := func(fn string) tracer.Frame { return tracer.Frame{Function: fn, File: fn + ".go", Line: 1} }
	tests := []struct {
		name   string
		stack  []string
		module string
		want   string
	}{
		{"package main", []string{"runtime.gopark", "runtime.chanrecv1", "main.waitForRegistry", "main.main"}, "", "main.waitForRegistry"},
		{"the main module before a dependency", []string{"runtime.gopark", "google.golang.org/grpc.(*ClientConn).WaitForStateChange", "example.com/svc/internal/data.NewData", "main.wireApp"}, "example.com/svc", "example.com/svc/internal/data.NewData"},
		{"a module path without dots", []string{"runtime.gopark", "demo/internal/biz.(*GreeterUsecase).CreateGreeter"}, "demo", "demo/internal/biz.(*GreeterUsecase).CreateGreeter"},
		{"a dependency when nothing is the program's", []string{"runtime.gopark", "internal/poll.(*FD).Accept", "net.(*TCPListener).Accept", "google.golang.org/grpc.(*Server).Serve", "github.com/go-kratos/kratos/v2/transport/grpc.(*Server).Start"}, "example.com/svc", "google.golang.org/grpc.(*Server).Serve"},
		{"the standard library outside the runtime", []string{"runtime.gopark", "runtime.selectgo", "database/sql.(*DB).connectionOpener"}, "example.com/svc", "database/sql.(*DB).connectionOpener"},
		{"the runtime alone", []string{"runtime.gopark", "runtime.forcegchelper", "runtime.goexit"}, "", ""},
		{"a module whose name prefixes another", []string{"runtime.gopark", "example.com/svc2/x.F", "example.com/svc/y.G"}, "example.com/svc", "example.com/svc/y.G"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stack []tracer.Frame
			for _, fn := range tt.stack {
				stack = append(stack, frame(fn))
			}
			if got := userFrame(stack, tt.module); got.Function != tt.want {
				t.Errorf("userFrame = %q, want %q", got.Function, tt.want)
			}
		})
	}
}

func TestFuncPackage(t *testing.T) {
	for fn, want := range map[string]string{
		"main.main":       "main",
		"main.main.func1": "main",
		"github.com/go-kratos/kratos/v2.(*App).Run":   "github.com/go-kratos/kratos/v2",
		"net/http.(*Server).Serve":                    "net/http",
		"demo/internal/biz.NewGreeterUsecase":         "demo/internal/biz",
		"gopkg.in/yaml%2ev3.Unmarshal":                "gopkg.in/yaml%2ev3", // as the linker names it
		"example.com/x.Map[go.shape.int]":             "example.com/x",
		"nodot":                                       "",
		"internal/runtime/syscall/linux.Syscall6":     "internal/runtime/syscall/linux",
		"github.com/go-kratos/kratos/v2.New.func1.1":  "github.com/go-kratos/kratos/v2",
		"runtime.gopark":                              "runtime",
		"os/signal.signal_recv":                       "os/signal",
		"google.golang.org/grpc.(*Server).Serve.func": "google.golang.org/grpc",
	} {
		if got := funcPackage(fn); got != want {
			t.Errorf("funcPackage(%q) = %q, want %q", fn, got, want)
		}
	}
}

// TestStallInShutdown: after SIGTERM the watchdog watches again, and a
// BeforeStop hook that never returns is a stall after app.before-stop.
func TestStallInShutdown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, Config{Target: hangFixture, Args: []string{"-wait", "stop"}, Stall: time.Second})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	var seen []tracer.Event
	running := untilKind(t, ctx, s, tracer.KindStop, &seen)
	for running.Phase != tracer.PhaseRunning {
		if err := s.Continue(ctx); err != nil {
			t.Fatalf("continue at %s: %v", running.Label(), err)
		}
		running = untilKind(t, ctx, s, tracer.KindStop, &seen)
	}
	if err := s.Signal(ctx, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	stall := untilKind(t, ctx, s, tracer.KindStall, &seen)
	if stall.Phase != tracer.PhaseBeforeStop {
		t.Errorf("stall after %q, want app.before-stop, where the hooks run; events: %s", stall.Phase, kinds(seen))
	}
	var hook *tracer.Goroutine
	for i, g := range stall.Goroutines {
		if g.User.Function == "main.deregisterForever" {
			hook = &stall.Goroutines[i]
		}
	}
	if hook == nil {
		t.Fatalf("no goroutine in main.deregisterForever: %+v", stall.Goroutines)
	}
	if hook.WaitReason != "select (no cases)" || !stackHas(hook.Stack, "github.com/go-kratos/kratos/v2.(*App).Stop") {
		t.Errorf("the hook's goroutine waits for %q with stack %+v, want select (no cases) under App.Stop", hook.WaitReason, hook.Stack)
	}
}
