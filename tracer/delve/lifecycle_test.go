package delve

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// handBuilt is a main that calls kratos.New itself, with an HTTP server, the
// etcd registrar and all four hook kinds (testdata/registry).
const handBuilt = "testdata/registry/handbuilt"

// handBuiltKey is where kratos' etcd registrar keeps the fixture's instance.
const handBuiltKey = "/microservices/handbuilt/handbuilt-1"

func TestHandBuiltServiceUnderEtcd(t *testing.T) {
	etcdURL := tracertest.StartEtcd(t)
	httpAddr := tracertest.FreeAddr(t)
	var whileRunning, afterDeregister map[string]string
	tr := runTrace(t, Config{Target: handBuilt, Args: []string{"-http", httpAddr, "-etcd", tracertest.EtcdEndpoint(etcdURL)}},
		func(s *Session, ev tracer.Event) bool {
			ctx := context.Background()
			var err error
			switch ev.Phase {
			case tracer.PhaseRunning:
				whileRunning = tracertest.EtcdKeys(t, etcdURL, "/microservices/")
				err = s.Signal(ctx, syscall.SIGTERM)
			case tracer.PhaseServerStop:
				afterDeregister = tracertest.EtcdKeys(t, etcdURL, "/microservices/")
				err = s.Continue(ctx)
			default:
				err = s.Continue(ctx)
			}
			if err != nil && !errors.Is(err, tracer.ErrEnded) {
				t.Errorf("command at %s: %v", ev.Label(), err)
				return false
			}
			return true
		})

	want := []string{
		"flag.parse", "app.new", "app.run", "app.build-instance", "app.before-start",
		"server.start http " + httpAddr, "app.register", "app.after-start", "app.running",
		"app.stop", "app.before-stop", "app.deregister", "server.stop http " + httpAddr,
		"app.after-stop", "exit",
	}
	if got := tr.phases(); !slices.Equal(got, want) {
		t.Fatalf("phases\n got %v\nwant %v", got, want)
	}
	for _, ev := range tr.events {
		if ev.IsPhase() && ev.Skipped {
			t.Errorf("%s skipped: %s", ev.Label(), ev.Reason)
		}
		if ev.Kind == tracer.KindError {
			t.Errorf("error event: %s", ev.Error)
		}
	}

	newEv := tr.first(t, tracer.PhaseAppNew)
	if newEv.Registrar != "etcd" || len(newEv.Servers) != 1 || newEv.Servers[0].Kind != "http" || newEv.Servers[0].State != tracer.ServerCreated {
		t.Errorf("app.new: registrar %q, servers %+v; want etcd and one created http server", newEv.Registrar, newEv.Servers)
	}
	if !strings.HasSuffix(newEv.File, "/app.go") || newEv.Function != kratosFunc(".New") {
		t.Errorf("app.new at %s in %s, want kratos.New's return in app.go", newEv.Location(), newEv.Function)
	}

	wantInstance := func(ev tracer.Event) {
		t.Helper()
		in := ev.Instance
		if ev.Registrar != "etcd" || in == nil {
			t.Fatalf("%s: registrar %q, instance %+v; want etcd and the instance", ev.Phase, ev.Registrar, in)
		}
		if in.ID != "handbuilt-1" || in.Name != "handbuilt" || in.Version != "v1.2.3" {
			t.Errorf("%s instance = %+v", ev.Phase, in)
		}
		if in.Metadata["zone"] != "test" || in.Metadata["owner"] != "kratos-trace" || len(in.Metadata) != 2 {
			t.Errorf("%s metadata = %v", ev.Phase, in.Metadata)
		}
		if len(in.Endpoints) != 1 || !strings.HasPrefix(in.Endpoints[0], "http://"+httpAddr) {
			t.Errorf("%s endpoints = %v, want http://%s", ev.Phase, in.Endpoints, httpAddr)
		}
	}
	register := tr.first(t, tracer.PhaseRegister)
	if register.Kind != tracer.KindStop {
		t.Errorf("app.register is a %s, want a stop", register.Kind)
	}
	wantInstance(register)
	wantInstance(tr.first(t, tracer.PhaseDeregister))

	// What the registrar wrote is the instance the trace showed.
	value, ok := whileRunning[handBuiltKey]
	if !ok {
		t.Fatalf("at app.running etcd holds %v, want %s", whileRunning, handBuiltKey)
	}
	var stored struct {
		ID        string   `json:"id"`
		Name      string   `json:"name"`
		Version   string   `json:"version"`
		Endpoints []string `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(value), &stored); err != nil {
		t.Fatalf("etcd value %q: %v", value, err)
	}
	if stored.ID != register.Instance.ID || stored.Version != register.Instance.Version || !slices.Equal(stored.Endpoints, register.Instance.Endpoints) {
		t.Errorf("etcd holds %+v, the trace showed %+v", stored, register.Instance)
	}
	if len(afterDeregister) != 0 {
		t.Errorf("after app.deregister etcd still holds %v", afterDeregister)
	}
	if left := tracertest.EtcdKeys(t, etcdURL, "/microservices/"); len(left) != 0 {
		t.Errorf("after the trace etcd still holds %v", left)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 0 {
		t.Errorf("exit = %v, want 0", exit.ExitCode)
	}
	assertCleanedUp(t, tr.session)
}

func TestHandBuiltRegistryDown(t *testing.T) {
	// Nothing answers at the etcd endpoint: Register waits out the
	// registrar timeout and fails; Run returns the error and main panics.
	tr := runTrace(t, Config{Target: handBuilt, Args: []string{
		"-http", tracertest.FreeAddr(t), "-etcd", tracertest.FreeAddr(t), "-registrar-timeout", "1s",
	}}, nil)
	var failures []tracer.Event
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindError {
			failures = append(failures, ev)
		}
		if ev.IsPhase() && (ev.Phase == tracer.PhaseAfterStart || ev.Phase == tracer.PhaseRunning) {
			t.Errorf("%s happened after a failed Register", ev.Label())
		}
	}
	if len(failures) == 0 {
		t.Fatalf("no error event; phases %v", tr.phases())
	}
	first := failures[0]
	if first.Phase != tracer.PhaseRegister || !strings.HasPrefix(first.Error, "app.register failed: ") || strings.HasSuffix(first.Error, ": an error") {
		t.Errorf("failure = %s %q, want app.register failed with the error's text", first.Phase, first.Error)
	}
	if !strings.Contains(first.Error, "deadline exceeded") {
		t.Errorf("failure = %q, want the registrar's context deadline error", first.Error)
	}
	if first.Registrar != "etcd" || first.Instance == nil || first.Instance.ID != "handbuilt-1" {
		t.Errorf("failure carries registrar %q, instance %+v", first.Registrar, first.Instance)
	}
	last := failures[len(failures)-1]
	if last.Phase != tracer.PhaseRegister || !strings.Contains(last.Error, "then the program panicked") {
		t.Errorf("the panic is reported as %s %q, want it tied to app.register", last.Phase, last.Error)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 2 {
		t.Errorf("exit = %v, want 2 (main panics)", exit.ExitCode)
	}
}

func TestDemoRegistersInEtcd(t *testing.T) {
	etcdURL := tracertest.StartEtcd(t)
	conf := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{EtcdEndpoint: tracertest.EtcdEndpoint(etcdURL)})
	const prefix = "/microservices/kratos-trace-demo/"
	var whileRunning, afterDeregister map[string]string
	tr := runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		ctx := context.Background()
		var err error
		switch ev.Phase {
		case tracer.PhaseRunning:
			whileRunning = tracertest.EtcdKeys(t, etcdURL, prefix)
			err = s.Signal(ctx, syscall.SIGTERM)
		case tracer.PhaseServerStop:
			if afterDeregister == nil {
				afterDeregister = tracertest.EtcdKeys(t, etcdURL, prefix)
			}
			err = s.Continue(ctx)
		default:
			err = s.Continue(ctx)
		}
		if err != nil && !errors.Is(err, tracer.ErrEnded) {
			t.Errorf("command at %s: %v", ev.Label(), err)
			return false
		}
		return true
	})
	phases := strings.Join(tr.phases(), "|")
	for _, want := range []string{
		"wire.provider server.NewRegistrar|wire.provider main.newApp|app.new|wire.done wireApp",
		"|app.register|app.after-start|app.running|app.stop|app.before-stop|app.deregister|server.stop",
	} {
		if !strings.Contains(phases, want) {
			t.Errorf("phases lack %s\n got %s", want, phases)
		}
	}
	for _, id := range []tracer.PhaseID{tracer.PhaseRegister, tracer.PhaseDeregister} {
		ev := tr.first(t, id)
		if ev.Skipped || ev.Kind != tracer.KindStop || ev.Registrar != "etcd" || ev.Instance == nil {
			t.Fatalf("%s = %s skipped %v (%s), registrar %q, instance %+v", id, ev.Kind, ev.Skipped, ev.Reason, ev.Registrar, ev.Instance)
		}
		in := ev.Instance
		want := []string{"grpc://" + conf.GRPCAddr, "http://" + conf.HTTPAddr}
		if in.Name != "kratos-trace-demo" || in.Version != "v0.1.0" || in.ID == "" || !slices.Equal(in.Endpoints, want) {
			t.Errorf("%s instance = %+v, want the demo's with endpoints %v", id, in, want)
		}
	}
	id := tr.first(t, tracer.PhaseRegister).Instance.ID
	if v, ok := whileRunning[prefix+id]; !ok || len(whileRunning) != 1 || !strings.Contains(v, `"http://`+conf.HTTPAddr) {
		t.Errorf("at app.running etcd holds %v, want %s", whileRunning, prefix+id)
	}
	if len(afterDeregister) != 0 {
		t.Errorf("after app.deregister etcd still holds %v", afterDeregister)
	}
	if newEv := tr.first(t, tracer.PhaseAppNew); newEv.Registrar != "etcd" || len(newEv.Servers) != 2 {
		t.Errorf("app.new: registrar %q, %d servers", newEv.Registrar, len(newEv.Servers))
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 0 {
		t.Errorf("exit = %v, want 0", exit.ExitCode)
	}
}
