package delve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// demoDir is the demo service, relative to this package.
const demoDir = "../../demo"

// traceTimeout bounds one whole trace in a test; a cold build of the demo
// with -N -l takes about a minute on two cores.
const traceTimeout = 4 * time.Minute

// writeDemoConfig writes a demo config on free ports, with values that
// differ from the demo's own so the tests see they come from the program.
func writeDemoConfig(t *testing.T) tracertest.DemoConfig {
	t.Helper()
	return tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{GRPCTimeout: "2s", RedisWriteTimeout: "0.3s"})
}

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(tracertest.FreeAddr(t))
	n, _ := strconv.Atoi(port)
	return n
}

// trace is what a test saw of one run.
type trace struct {
	session *Session
	events  []tracer.Event
}

// phases returns the labels of the phase events.
func (tr *trace) phases() []string {
	var out []string
	for _, ev := range tr.events {
		if ev.IsPhase() {
			out = append(out, ev.Label())
		}
	}
	return out
}

// first returns the first phase event for id.
func (tr *trace) first(t *testing.T, id tracer.PhaseID) tracer.Event {
	t.Helper()
	for _, ev := range tr.events {
		if ev.IsPhase() && ev.Phase == id {
			return ev
		}
	}
	t.Fatalf("no %s event; phases: %v", id, tr.phases())
	return tracer.Event{}
}

// runTrace starts a session and handles each stop with onStop, which
// returns false to stop the test's driving (the trace is then closed).
// Without onStop it continues everywhere and sends SIGTERM at app.running.
func runTrace(t *testing.T, cfg Config, onStop func(s *Session, ev tracer.Event) bool) *trace {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	tr := &trace{session: s}
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("trace timed out; phases so far: %v", tr.phases())
		case ev, ok := <-s.Events():
			if !ok {
				return tr
			}
			tr.events = append(tr.events, ev)
			if ev.Kind == tracer.KindError && strings.Contains(ev.Error, "ptrace is not permitted") {
				t.Skipf("ptrace is not permitted on this machine, so the real debugger cannot run: %s", ev.Error)
			}
			if ev.Kind != tracer.KindStop && ev.Kind != tracer.KindStep {
				continue
			}
			if onStop != nil {
				if !onStop(s, ev) {
					s.Close()
					continue
				}
				continue
			}
			var err error
			if ev.Phase == tracer.PhaseRunning {
				err = s.Signal(ctx, syscall.SIGTERM)
			} else {
				err = s.Continue(ctx)
			}
			if err != nil && !errors.Is(err, tracer.ErrEnded) {
				t.Fatalf("command at %s: %v", ev.Label(), err)
			}
		}
	}
}

// processGone reports whether pid no longer exists (or is a zombie nobody
// will reap, which a killed ptrace child briefly is not: Delve reaps it).
func processGone(pid int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err == nil && strings.Contains(string(b), ") Z ") {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func TestDemoFullLifecycle(t *testing.T) {
	conf := writeDemoConfig(t)
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, nil)

	want := []string{
		"flag.parse", "config.load", "config.scan",
		"wire wireApp",
		"wire.provider data.NewData", "wire.provider data.NewGreeterRepo",
		"wire.provider biz.NewGreeterUsecase", "wire.provider service.NewGreeterService",
		"wire.provider server.NewGRPCServer", "wire.provider server.NewHTTPServer",
		"wire.provider server.NewRegistrar", "wire.provider main.newApp",
		"app.new", "wire.done wireApp",
		"app.run", "app.build-instance", "app.before-start",
		"server.start", "server.start",
		"app.register", "app.after-start", "app.running", "app.stop",
		"app.before-stop", "app.deregister",
		"server.stop", "server.stop",
		"app.after-stop", "exit",
	}
	var got []string
	for _, l := range tr.phases() {
		if strings.HasPrefix(l, "server.") {
			l = strings.Fields(l)[0]
		}
		got = append(got, l)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("phases\n got %v\nwant %v", got, want)
	}

	// The server phases name each server once, whatever the goroutine order.
	for _, id := range []tracer.PhaseID{tracer.PhaseServerStart, tracer.PhaseServerStop} {
		var details []string
		for _, ev := range tr.events {
			if ev.IsPhase() && ev.Phase == id {
				details = append(details, ev.Detail)
			}
		}
		slices.Sort(details)
		wantDetails := []string{"grpc " + conf.GRPCAddr, "http " + conf.HTTPAddr}
		if !slices.Equal(details, wantDetails) {
			t.Errorf("%s details = %v, want %v", id, details, wantDetails)
		}
	}

	scan := tr.first(t, tracer.PhaseConfigScan)
	if scan.Bootstrap == nil {
		t.Fatal("config.scan carries no Bootstrap")
	}
	if !strings.HasSuffix(scan.File, "demo/cmd/server/main.go") || scan.Function != "main.main" {
		t.Errorf("config.scan at %s in %s, want main.go in main.main (after Scan returned)", scan.Location(), scan.Function)
	}
	leaves := scan.Bootstrap.Leaves()
	for path, want := range map[string]string{
		"server.http.addr":         conf.HTTPAddr,
		"server.http.timeout":      "1s",
		"server.grpc.addr":         conf.GRPCAddr,
		"server.grpc.timeout":      "2s",
		"data.database.driver":     "sqlite",
		"data.database.source":     ":memory:",
		"data.redis.addr":          "127.0.0.1:1",
		"data.redis.read_timeout":  "200ms",
		"data.redis.write_timeout": "300ms",
		"data.redis.network":       "tcp",
		"server.http.network":      "",
		"server.grpc.network":      "",
	} {
		if got, ok := leaves[path]; !ok || got != want {
			t.Errorf("bootstrap %s = %q (present %v), want %q", path, got, ok, want)
		}
	}
	for path := range leaves {
		for _, internal := range []string{"state", "size_cache", "sizeCache", "unknown_fields", "unknownFields"} {
			if strings.HasSuffix(path, "."+internal) {
				t.Errorf("bootstrap shows protobuf internal %s", path)
			}
		}
	}

	// Events from config.scan on carry the Bootstrap; from wire.done on, the servers.
	seenScan, seenWireDone := false, false
	for _, ev := range tr.events {
		if !ev.IsPhase() {
			continue
		}
		seenScan = seenScan || ev.Phase == tracer.PhaseConfigScan
		seenWireDone = seenWireDone || ev.Phase == tracer.PhaseWireDone
		if seenScan && ev.Bootstrap == nil {
			t.Errorf("%s carries no bootstrap", ev.Label())
		}
		if seenWireDone && len(ev.Servers) != 2 {
			t.Errorf("%s carries %d servers, want 2", ev.Label(), len(ev.Servers))
		}
	}

	done := tr.first(t, tracer.PhaseWireDone)
	byKind := map[string]tracer.Server{}
	for _, s := range done.Servers {
		byKind[s.Kind] = s
		if s.State != tracer.ServerCreated {
			t.Errorf("at wire.done %s state = %s, want created", s.Kind, s.State)
		}
	}
	if byKind["http"].Address != conf.HTTPAddr || byKind["grpc"].Address != conf.GRPCAddr {
		t.Errorf("servers at wire.done = %+v", done.Servers)
	}
	if byKind["http"].Timeout != "1s" || byKind["grpc"].Timeout != "2s" || byKind["http"].Network != "tcp" {
		t.Errorf("server timeouts/network = %+v", done.Servers)
	}

	running := tr.first(t, tracer.PhaseRunning)
	for _, s := range running.Servers {
		if s.State != tracer.ServerListening {
			t.Errorf("at app.running %s state = %s, want listening", s.Kind, s.State)
		}
		wantEndpoint := s.Kind + "://" + s.Address
		if s.Endpoint != wantEndpoint {
			t.Errorf("at app.running %s endpoint = %q, want %q", s.Kind, s.Endpoint, wantEndpoint)
		}
		if s.Kind == "grpc" && !slices.Contains(s.Services, "helloworld.v1.Greeter") {
			t.Errorf("grpc services = %v, want helloworld.v1.Greeter among them", s.Services)
		}
	}
	// No etcd answers at the config's endpoint: the demo runs without a
	// registrar, and both registry phases say so.
	for _, id := range []tracer.PhaseID{tracer.PhaseRegister, tracer.PhaseDeregister} {
		if reg := tr.first(t, id); !reg.Skipped || reg.Kind != tracer.KindPass || !strings.HasPrefix(reg.Reason, "no registrar") {
			t.Errorf("%s = %s skipped %v (%q), want a skipped pass: no registrar", id, reg.Kind, reg.Skipped, reg.Reason)
		}
	}
	exit := tr.first(t, tracer.PhaseExit)
	if exit.ExitCode == nil || *exit.ExitCode != 0 {
		t.Errorf("exit code = %v, want 0", exit.ExitCode)
	}
	for _, s := range tr.first(t, tracer.PhaseAfterStop).Servers {
		if s.State != tracer.ServerStopped {
			t.Errorf("at app.after-stop %s state = %s, want stopped", s.Kind, s.State)
		}
	}

	// The program's own output arrives as output events, hooks included.
	var output []string
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindOutput {
			output = append(output, ev.Output.Text)
		}
	}
	all := strings.Join(output, "\n")
	for _, want := range []string{"hook: before start", "hook: after start", "hook: before stop", "hook: after stop"} {
		if !strings.Contains(all, want) {
			t.Errorf("program output lacks %q", want)
		}
	}

	// Output comes in the phase that wrote it: each hook's line after the
	// stop before the hook and before the next phase.
	for hook, between := range map[string][2]tracer.PhaseID{
		"hook: before start": {tracer.PhaseBeforeStart, tracer.PhaseServerStart},
		"hook: after start":  {tracer.PhaseAfterStart, tracer.PhaseRunning},
		"hook: before stop":  {tracer.PhaseBeforeStop, tracer.PhaseDeregister},
		"hook: after stop":   {tracer.PhaseAfterStop, tracer.PhaseExit},
	} {
		phase := tracer.PhaseID("")
		for _, ev := range tr.events {
			if ev.IsPhase() {
				phase = ev.Phase
			}
			if ev.Kind == tracer.KindOutput && strings.Contains(ev.Output.Text, hook) {
				if phase != between[0] {
					t.Errorf("%q arrived after %s, want after %s and before %s", hook, phase, between[0], between[1])
				}
			}
		}
	}

	// Stops carry a stack and the source line they are at.
	flagParse := tr.first(t, tracer.PhaseFlagParse)
	if len(flagParse.Stack) < 2 || flagParse.Stack[0].Function != "flag.Parse" || flagParse.Stack[1].Function != "main.main" {
		t.Errorf("flag.parse stack = %+v", flagParse.Stack)
	}
	if flagParse.Source == nil || !strings.Contains(flagParse.Source.Lines[flagParse.Line-flagParse.Source.First], "func Parse()") {
		t.Errorf("flag.parse source = %+v", flagParse.Source)
	}

	// Sequence numbers rise by one; elapsed never goes back.
	var last tracer.Duration
	for i, ev := range tr.events {
		if ev.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
		if ev.Elapsed < last {
			t.Errorf("elapsed goes back at %d: %s < %s", i, ev.Elapsed, last)
		}
		last = ev.Elapsed
	}
	assertCleanedUp(t, tr.session)
}

// assertCleanedUp checks that the program is gone and the temp dir removed.
func assertCleanedUp(t *testing.T, s *Session) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if s.pid != 0 && !processGone(s.pid) {
		t.Errorf("the program (pid %d) is still running", s.pid)
	}
	if s.tmpDir == "" {
		t.Error("the session made no temp dir")
	} else if _, err := os.Stat(s.tmpDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp dir %s still exists (err %v)", s.tmpDir, err)
	}
}

func TestCloseMidBootKillsProgram(t *testing.T) {
	conf := writeDemoConfig(t)
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		if ev.Phase == tracer.PhaseWireProvider {
			return false // Close here, mid-boot.
		}
		return s.Continue(context.Background()) == nil
	})
	last := tr.phases()[len(tr.phases())-1]
	if last != "wire.provider data.NewData" {
		t.Errorf("last phase = %s, want the first provider", last)
	}
	assertCleanedUp(t, tr.session)
}

func TestBreakOffPassesPhase(t *testing.T) {
	conf := writeDemoConfig(t)
	cfg := Config{Target: demoDir, Args: []string{"-conf", conf.Dir}, NoBreak: []tracer.PhaseID{tracer.PhaseWireProvider}}
	tr := runTrace(t, cfg, nil)
	providers, returns := 0, 0
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindReturn {
			returns++ // a provider's return is never a pause
			continue
		}
		if ev.Phase == tracer.PhaseWireProvider {
			providers++
			if ev.Kind != tracer.KindPass {
				t.Errorf("%s is %s, want pass (break off)", ev.Label(), ev.Kind)
			}
		}
		if ev.Phase == tracer.PhaseWire && ev.Kind != tracer.KindStop {
			t.Errorf("wire is %s, want stop", ev.Kind)
		}
	}
	if providers != 8 || returns != 8 {
		t.Errorf("saw %d providers and %d returns, want 8 of each", providers, returns)
	}
}

func TestStepOverInsidePhase(t *testing.T) {
	conf := writeDemoConfig(t)
	var stepped []tracer.Event
	runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		switch {
		case ev.Phase == tracer.PhaseWire && len(stepped) == 0:
			return s.StepOver(context.Background()) == nil
		case ev.Kind == tracer.KindStep:
			stepped = append(stepped, ev)
			return false
		}
		return s.Continue(context.Background()) == nil
	})
	if len(stepped) != 1 {
		t.Fatalf("got %d step events, want 1", len(stepped))
	}
	st := stepped[0]
	if st.Function != "main.wireApp" || !strings.HasSuffix(st.File, "wire_gen.go") {
		t.Errorf("step stopped at %s in %s, want inside main.wireApp", st.Location(), st.Function)
	}
}

func TestRealDemoConfigAsTyped(t *testing.T) {
	// The README's command: no arguments, the layout's default -conf
	// ../../configs from the package directory.
	for _, port := range []string{"8000", "9000"} {
		if l, err := net.Listen("tcp", "127.0.0.1:"+port); err != nil {
			t.Skipf("port %s is busy, cannot run the demo with its own config: %v", port, err)
		} else {
			l.Close()
		}
	}
	tr := runTrace(t, Config{Target: demoDir}, nil)
	scan := tr.first(t, tracer.PhaseConfigScan)
	if got := scan.Bootstrap.Lookup("server.http.addr"); got == nil || got.Value != "127.0.0.1:8000" {
		t.Errorf("server.http.addr = %+v, want 127.0.0.1:8000 from demo/configs/zz-override.yaml", got)
	} else if chain := tracer.Chain(got.Origin, got.Overrides); chain != "configs/zz-override.yaml:4 (overrides configs/config.yaml:10)" {
		// Paths are shown relative to the module, as the program opened
		// them from its package directory (../../configs).
		t.Errorf("server.http.addr # %s, want configs/zz-override.yaml:4 (overrides configs/config.yaml:10)", chain)
	}
	if got := scan.Bootstrap.Lookup("data.database.driver"); got == nil || got.Value != "sqlite" {
		t.Errorf("data.database.driver = %+v, want sqlite", got)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 0 {
		t.Errorf("exit = %+v", exit.ExitCode)
	}
}

func TestKratosLayoutProject(t *testing.T) {
	// An unmodified kratos-layout project: 0.0.0.0 binds and a mysql DSN in
	// its own config; the test points -conf at a copy with free loopback
	// ports so it can run beside other tests.
	dir := t.TempDir()
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	grpcAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	yaml := fmt.Sprintf(`server:
  http:
    addr: %s
    timeout: 1s
  grpc:
    addr: %s
    timeout: 1s
data:
  database:
    driver: mysql
    source: root:root@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local
  redis:
    addr: 127.0.0.1:6379
    read_timeout: 0.2s
    write_timeout: 0.2s
`, httpAddr, grpcAddr)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	tr := runTrace(t, Config{Target: "testdata/layout", Args: []string{"-conf", dir}}, nil)
	phases := strings.Join(tr.phases(), "|")
	for _, want := range []string{
		"flag.parse|config.load|config.scan|wire wireApp|wire.provider data.NewData|wire.provider data.NewGreeterRepo|wire.provider biz.NewGreeterUsecase|wire.provider service.NewGreeterService|wire.provider server.NewGRPCServer|wire.provider server.NewHTTPServer|wire.provider main.newApp|app.new|wire.done wireApp|app.run|app.build-instance|app.before-start|server.start",
		"app.register|app.after-start|app.running|app.stop|app.before-stop|app.deregister|server.stop",
		"app.after-stop|exit",
	} {
		if !strings.Contains(phases, want) {
			t.Errorf("phases lack %s\n got %s", want, phases)
		}
	}
	scan := tr.first(t, tracer.PhaseConfigScan)
	if got := scan.Bootstrap.Lookup("data.database.driver"); got == nil || got.Value != "mysql" {
		t.Errorf("data.database.driver = %+v", got)
	}
	if got := scan.Bootstrap.Lookup("server.grpc.addr"); got == nil || got.Value != grpcAddr {
		t.Errorf("server.grpc.addr = %+v", got)
	}
	if n := len(tr.first(t, tracer.PhaseRunning).Servers); n != 2 {
		t.Errorf("%d servers at app.running, want 2", n)
	}
}
