package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func runFake(t *testing.T, opts Options) (*tracertest.Fake, *Result, string, string) {
	t.Helper()
	var out, log bytes.Buffer
	opts.Out, opts.Log = &out, &log
	fake := tracertest.NewFake(tracertest.DemoEvents()).WaitForSignal()
	res, err := Run(context.Background(), fake, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return fake, res, out.String(), log.String()
}

func TestTextShowsEveryPhaseBootstrapServersAndSummary(t *testing.T) {
	fake, res, out, _ := runFake(t, Options{})
	want := []string{"flag.parse", "config.load", "config.scan", "wire", "wire.provider", "wire.done",
		"app.run", "app.build-instance", "app.before-start", "server.start", "app.register",
		"app.after-start", "app.running", "app.stop", "server.stop", "app.after-stop", "exit"}
	rest := out
	for _, p := range want {
		i := strings.Index(rest, "\n● "+p)
		if i < 0 {
			i = strings.Index(rest, "\n○ "+p)
		}
		if i < 0 {
			t.Fatalf("phase %s missing or out of order in:\n%s", p, out)
		}
		rest = rest[i+1:]
	}
	for _, s := range []string{"Bootstrap (", "addr: 127.0.0.1:8000", "KIND  NETWORK", "Summary", "The program exited with status 0.", "skipped: ", "   out │ "} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	// The Bootstrap tree is printed when it appears, not at every stop.
	if n := strings.Count(out, "Bootstrap ("); n != 1 {
		t.Errorf("Bootstrap printed %d times, want once", n)
	}
	if res.ExitCode != 0 || res.Err != nil {
		t.Errorf("result = %+v", res)
	}
	if !slicesContain(fake.CommandLog(), "signal terminated") {
		t.Errorf("no SIGTERM sent; commands %v", fake.CommandLog())
	}
	if !slicesContain(fake.CommandLog(), "close") {
		t.Error("the source was not closed")
	}
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestJSONLinesCarryTheRequiredKeys(t *testing.T) {
	_, _, out, log := runFake(t, Options{JSON: true})
	var phases []string
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		for _, k := range []string{"phase", "file", "line", "function", "elapsed"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, line)
			}
		}
		if m["kind"] != string(tracer.KindOutput) {
			phases = append(phases, m["phase"].(string))
		}
		seenScan := false
		for _, p := range phases {
			seenScan = seenScan || p == string(tracer.PhaseConfigScan)
		}
		if seenScan && m["kind"] != string(tracer.KindOutput) {
			if _, ok := m["bootstrap"]; !ok {
				t.Errorf("line %d (%v) after config.scan has no bootstrap", i+1, m["phase"])
			}
		}
	}
	if !strings.Contains(log, "tracing ./demo") {
		t.Errorf("log lacks the session line:\n%s", log)
	}
	if len(phases) < 20 {
		t.Errorf("only %d phase lines", len(phases))
	}
}

// TestHoldLetsTheProgramRun: during --hold the program is not paused at
// app.running but let run, so that it serves; the text says so, and SIGTERM
// follows when the hold is over.
func TestHoldLetsTheProgramRun(t *testing.T) {
	var out, log syncBuffer
	fake := tracertest.NewFake(tracertest.DemoEvents()).WaitForSignal()
	start := time.Now()
	done := make(chan *Result, 1)
	go func() {
		res, err := Run(context.Background(), fake, Options{Out: &out, Log: &log, Hold: 300 * time.Millisecond})
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		done <- res
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !fake.Waiting() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !fake.Waiting() || fake.Paused() {
		t.Fatalf("during the hold the program is not running (waiting=%v paused=%v); commands %v", fake.Waiting(), fake.Paused(), fake.CommandLog())
	}
	if !strings.Contains(out.String(), "▶ running: the program serves for 300ms (--hold), then it gets SIGTERM") {
		t.Errorf("the text does not say the program runs:\n%s", out.String())
	}
	res := <-done
	if time.Since(start) < 300*time.Millisecond {
		t.Error("did not hold for the hold time")
	}
	if !strings.Contains(log.String(), "the program runs on from app.running for 300ms (--hold)") {
		t.Errorf("log lacks the hold line:\n%s", log.String())
	}
	cmds := fake.CommandLog()
	i := slices.Index(cmds, "signal terminated")
	if i < 1 || cmds[i-1] != "continue" {
		t.Errorf("want a continue at app.running, then SIGTERM; commands %v", cmds)
	}
	if res.ExitCode != 0 || !strings.Contains(out.String(), "● app.stop") {
		t.Errorf("the shutdown was not walked after the hold (exit %d):\n%s", res.ExitCode, out.String())
	}
}

// syncBuffer is a bytes.Buffer that a test may read while Run writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestStopTimeoutKills(t *testing.T) {
	// A program that ignores SIGTERM: the trace ends at app.running.
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseRunning {
			break
		}
	}
	fake := &stubbornSource{Fake: tracertest.NewFake(events)}
	var out, log bytes.Buffer
	res, err := Run(context.Background(), fake, Options{Out: &out, Log: &log, StopTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Killed || !strings.Contains(log.String(), "did not exit within 50ms of SIGTERM: killing it") {
		t.Errorf("killed=%v log=%s", res.Killed, log.String())
	}
	if !strings.Contains(out.String(), "ignored SIGTERM") {
		t.Errorf("summary does not say it was killed:\n%s", out.String())
	}
}

// stubbornSource ignores signals, as a program that traps SIGTERM would.
type stubbornSource struct{ *tracertest.Fake }

func (s *stubbornSource) Signal(context.Context, os.Signal) error { return nil }

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fake := tracertest.NewFake(tracertest.DemoEvents())
	var out bytes.Buffer
	_, err := Run(ctx, fake, Options{Out: &out})
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("err = %v, want ErrInterrupted", err)
	}
	if !fake.Closed() {
		t.Error("source not closed after an interrupt")
	}
}

func TestTextShowsTheRegistration(t *testing.T) {
	inst := &tracer.ServiceInstance{
		ID: "devbox", Name: "kratos-trace-demo", Version: "v0.1.0",
		Metadata:  map[string]string{"zone": "local", "owner": "me"},
		Endpoints: []string{"grpc://127.0.0.1:9000?isSecure=false", "http://127.0.0.1:8000?isSecure=false"},
	}
	for _, c := range []struct {
		lang tracer.Lang
		want []string
	}{
		{tracer.English, []string{"Registry: etcd", "    id         devbox", "    name       kratos-trace-demo", "    version    v0.1.0", "    metadata   owner=me zone=local", "    endpoints  grpc://127.0.0.1:9000?isSecure=false http://127.0.0.1:8000?isSecure=false"}},
		{tracer.Chinese, []string{"注册中心：etcd", "    名称    kratos-trace-demo", "    端点    grpc://"}},
	} {
		var out strings.Builder
		printRegistration(&out, tracer.Event{Phase: tracer.PhaseRegister, Registrar: "etcd", Instance: inst}, wordsFor(c.lang))
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: the text lacks %q:\n%s", c.lang, w, out.String())
			}
		}
	}
	// An App built without kratos.Version or kratos.Metadata shows both
	// empty rather than leaving them out.
	var bare strings.Builder
	printRegistration(&bare, tracer.Event{Phase: tracer.PhaseRegister, Registrar: "etcd", Instance: &tracer.ServiceInstance{ID: "devbox", Name: "bare"}}, wordsFor(tracer.English))
	for _, w := range []string{`    version    ""`, "    metadata   {}"} {
		if !strings.Contains(bare.String(), w) {
			t.Errorf("an instance without version and metadata: the text lacks %q:\n%s", w, bare.String())
		}
	}
	var none strings.Builder
	printRegistration(&none, tracer.Event{Phase: tracer.PhaseRegister, Skipped: true}, wordsFor(tracer.English))
	if none.Len() != 0 {
		t.Errorf("a skipped registration prints %q", none.String())
	}
}

// TestRecordedHaltIsPassed: a halt a recording holds pauses its replay, as
// the halted program did; the run prints its goroutines and goes on to the
// end.
func TestRecordedHaltIsPassed(t *testing.T) {
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseRunning {
			events = append(events, tracer.Event{Kind: tracer.KindHalt, Phase: tracer.PhaseRunning,
				Goroutines: []tracer.Goroutine{{ID: 1, Main: true, User: tracer.Frame{Function: "main.main", File: "main.go", Line: 9}}}})
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	res, err := Run(ctx, replay.NewSource(&replay.Recording{Path: "halt.jsonl", Events: events}, replay.Options{}), Options{Out: &out})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitCode != 0 || !strings.Contains(out.String(), "‖ halt after app.running") {
		t.Errorf("exit code %d; output:\n%s", res.ExitCode, out.String())
	}
}
