package delve

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestLaunchGateEnvAndIsolation traces the demo as a system's service is
// traced: held back until Launch is closed, with Config.Env in the
// program's environment (KRATOS_GRPC_TIMEOUT fills the gRPC timeout's
// placeholder), in process and with its Delve server in a process of its
// own; kratos-trace's own environment is left as it was.
func TestLaunchGateEnvAndIsolation(t *testing.T) {
	for _, isolated := range []bool{false, true} {
		t.Run(map[bool]string{false: "in process", true: "isolated"}[isolated], func(t *testing.T) {
			conf := writeDemoConfig(t)
			launch := make(chan struct{})
			opened := make(chan time.Time, 1)
			go func() {
				time.Sleep(2 * time.Second)
				opened <- time.Now()
				close(launch)
			}()
			_, scan := untilScan(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir},
				Env: []string{"KRATOS_GRPC_TIMEOUT=3s"}, Launch: launch, Isolated: isolated})
			at := <-opened
			if scan.Time.Before(at) {
				t.Errorf("config.scan at %s, before the launch was let go at %s", scan.Time, at)
			}
			timeout, chain := origin(t, scan, "server.grpc.timeout")
			if timeout.Value != "3s" || timeout.Origin.Resolved == nil || timeout.Origin.Resolved.Kind != tracer.OriginEnv {
				t.Errorf("server.grpc.timeout = %s # %s, want 3s from the env", timeout.Value, chain)
			}
			if v, ok := os.LookupEnv("KRATOS_GRPC_TIMEOUT"); ok {
				t.Errorf("kratos-trace's own environment keeps KRATOS_GRPC_TIMEOUT=%s", v)
			}
		})
	}
}

// TestLaunchGateLoadsAhead: a service waiting for its launch has its
// program loaded under Delve already (its pid is known before the gate
// opens), yet says nothing of it until the gate opens, and then runs from
// its first phase.
func TestLaunchGateLoadsAhead(t *testing.T) {
	conf := writeDemoConfig(t)
	launch := make(chan struct{})
	s, err := Start(t.Context(), Config{Target: demoDir, Args: []string{"-conf", conf.Dir}, Launch: launch, Isolated: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var before []tracer.Event
	deadline := time.After(traceTimeout)
	for loaded := false; !loaded; {
		select {
		case ev := <-s.Events():
			if ev.Kind == tracer.KindError && strings.Contains(ev.Error, "ptrace is not permitted") {
				tracertest.SkipWithoutPtrace(t, "the real debugger cannot run: "+ev.Error)
			}
			before = append(before, ev)
		case <-deadline:
			t.Fatalf("the program was not loaded before its launch was let go; events: %v", before)
		case <-time.After(20 * time.Millisecond):
			s.mu.Lock()
			loaded = s.pid != 0
			s.mu.Unlock()
		}
	}
	for _, ev := range before {
		if ev.Kind != tracer.KindStatus || strings.HasPrefix(ev.Status, "launching") || strings.HasPrefix(ev.Status, "tracing") {
			t.Errorf("before the launch was let go: %s %q", ev.Kind, ev.Status)
		}
	}
	close(launch)
	var seen []tracer.Kind
	for {
		select {
		case ev := <-s.Events():
			seen = append(seen, ev.Kind)
			if ev.Kind == tracer.KindStop {
				if ev.Phase != tracer.PhaseFlagParse || !slices.Contains(seen, tracer.KindSession) {
					t.Errorf("after the launch: %q, then the stop at %s", seen, ev.Label())
				}
				return
			}
		case <-deadline:
			t.Fatalf("no stop after the launch; events: %q", seen)
		}
	}
}
