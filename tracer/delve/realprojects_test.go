package delve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// errorEvents returns the trace's error events.
func (tr *trace) errorEvents() []tracer.Event {
	var out []tracer.Event
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindError {
			out = append(out, ev)
		}
	}
	return out
}

// TestRegisterErrorReadWhole: a registrar that registers over HTTP with an
// agent that is not there fails with a *url.Error wrapping a *net.OpError
// wrapping an *os.SyscallError wrapping ECONNREFUSED. The failure reads as
// Go prints it (as main's log.Fatal prints it too), not as the first string
// field of the *url.Error ("Put"); main's own exit 1 after it is said to be
// its choice.
func TestRegisterErrorReadWhole(t *testing.T) {
	agent := tracertest.FreeAddr(t) // free, so nothing answers there
	tr := runTrace(t, Config{Target: "testdata/shapes/urlregistrar", Args: []string{"-addr", tracertest.FreeAddr(t), "-agent", agent}}, nil)
	errs := tr.errorEvents()
	if len(errs) == 0 {
		t.Fatalf("no error event; phases %v", tr.phases())
	}
	want := fmt.Sprintf(`app.register failed: Put "http://%s/v1/agent/service/register": dial tcp %s: connect: connection refused`, agent, agent)
	if errs[0].Phase != tracer.PhaseRegister || errs[0].Error != want {
		t.Errorf("failure = %s %q\nwant %q", errs[0].Phase, errs[0].Error, want)
	}
	last := errs[len(errs)-1]
	if !strings.HasPrefix(last.Error, want+"; then the program chose to exit 1") || !strings.Contains(last.Reason, "log.Fatal") {
		t.Errorf("the exit after the failure is reported as %q (%s)", last.Error, last.Reason)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 1 {
		t.Errorf("exit = %v, want 1 (log.Fatal)", exit.ExitCode)
	}
	assertCleanedUp(t, tr.session)
}

// TestServersOnListeners: servers built on listeners the program opened
// (http.Listener with a cmux-like wrapper, grpc.Listener) keep Kratos'
// default address ":0"; the trace shows the address they listen on, read
// from the listener, at server.start, in the servers at app.running and at
// the exit. At shutdown the wrapped listener's Close fails, Run returns
// that error and main exits 1 with log.Fatal: the error is tied to the
// phase it came back after, whole (its type is the program's own, read by
// its Error method), and the shutdown phases stay complete.
func TestServersOnListeners(t *testing.T) {
	httpAddr, grpcAddr := tracertest.FreeAddr(t), tracertest.FreeAddr(t)
	tr := runTrace(t, Config{Target: "testdata/shapes/onlistener", Args: []string{"-http", httpAddr, "-grpc", grpcAddr}}, nil)

	var starts []string
	for _, ev := range tr.events {
		if ev.IsPhase() && ev.Phase == tracer.PhaseServerStart {
			starts = append(starts, ev.Detail)
		}
	}
	slices.Sort(starts)
	wantStarts := []string{"grpc " + grpcAddr + " (listener)", "http " + httpAddr + " (listener)"}
	if !slices.Equal(starts, wantStarts) {
		t.Errorf("server.start details %q, want %q", starts, wantStarts)
	}
	running := tr.first(t, tracer.PhaseRunning)
	got := map[string]string{}
	for _, s := range running.Servers {
		got[s.Kind] = s.Address + " from " + s.AddressFrom
	}
	if got["http"] != httpAddr+" from listener" || got["grpc"] != grpcAddr+" from listener" {
		t.Errorf("servers at app.running: %v, want http %s and grpc %s from their listeners", got, httpAddr, grpcAddr)
	}

	phases := serverPhases(tr)
	for _, p := range []string{"app.stop", "app.before-stop", "app.deregister", "server.stop http", "server.stop grpc", "exit"} {
		if !slices.Contains(phases, p) {
			t.Errorf("the shutdown lacks %s: %v", p, phases)
		}
	}
	if slices.Contains(phases, "app.after-stop") {
		t.Errorf("app.after-stop ran although Run returned an error: %v", phases)
	}
	errs := tr.errorEvents()
	if len(errs) < 2 {
		t.Fatalf("error events %+v, want Run's failure and the program's exit", errs)
	}
	const want = "server.stop failed at shutdown: mux: listener closed"
	if errs[0].Phase != tracer.PhaseServerStop || errs[0].Error != want || !strings.Contains(errs[0].Reason, "no AfterStop hook runs") {
		t.Errorf("failure = %s %q (%s)\nwant %q", errs[0].Phase, errs[0].Error, errs[0].Reason, want)
	}
	if last := errs[len(errs)-1]; last.Error != want+"; then the program chose to exit 1" {
		t.Errorf("the exit is reported as %q", last.Error)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 1 {
		t.Errorf("exit = %v, want 1 (log.Fatal)", exit.ExitCode)
	}
	assertCleanedUp(t, tr.session)
}

// TestDeregisterFailsAtShutdown: an agent that accepts the registration and
// refuses the deregistration. app.deregister fails; App.Stop returns the
// error, Run's errgroup stops the servers and Run returns it, and main
// exits 1: the error is tied to app.deregister, not to the server.stop
// walked last, and the program's exit is its own.
func TestDeregisterFailsAtShutdown(t *testing.T) {
	agent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/deregister/") {
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	defer agent.Close()
	addr := strings.TrimPrefix(agent.URL, "http://")
	tr := runTrace(t, Config{Target: "testdata/shapes/urlregistrar", Args: []string{"-addr", tracertest.FreeAddr(t), "-agent", addr}}, nil)
	phases := serverPhases(tr)
	for _, p := range []string{"app.register", "app.running", "app.stop", "app.deregister", "server.stop http", "exit"} {
		if !slices.Contains(phases, p) {
			t.Errorf("the trace lacks %s: %v", p, phases)
		}
	}
	errs := tr.errorEvents()
	const text = "/v1/agent/service/deregister/urlregistrar-1: 500 Internal Server Error"
	want := []string{
		"app.deregister failed: " + text,
		"app.deregister failed at shutdown: " + text,
		"app.deregister failed at shutdown: " + text + "; then the program chose to exit 1",
	}
	var got []string
	for _, ev := range errs {
		got = append(got, ev.Error)
		if ev.Phase != tracer.PhaseDeregister {
			t.Errorf("%q is tied to %s, want app.deregister", ev.Error, ev.Phase)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors\n got %q\nwant %q", got, want)
	}
	if exit := tr.first(t, tracer.PhaseExit); exit.ExitCode == nil || *exit.ExitCode != 1 {
		t.Errorf("exit = %v, want 1 (log.Fatal)", exit.ExitCode)
	}
	assertCleanedUp(t, tr.session)
}

// TestBeforeStopHookFails: a BeforeStop hook's error is what App.Stop
// returns (the App has no registrar to overwrite it): app.before-stop
// fails, Run returns the error after stopping the servers, and main exits
// 1. The error is tied to app.before-stop, not to the server.stop walked
// last.
func TestBeforeStopHookFails(t *testing.T) {
	tr := runTrace(t, Config{Target: "testdata/shapes/onlistener", Args: []string{"-http", tracertest.FreeAddr(t), "-grpc", tracertest.FreeAddr(t), "-before-stop-error", "flush metrics: timeout"}}, nil)
	var got []string
	for _, ev := range tr.errorEvents() {
		got = append(got, string(ev.Phase)+": "+ev.Error)
	}
	want := []string{
		"app.before-stop: app.before-stop failed: flush metrics: timeout",
		"app.before-stop: app.before-stop failed at shutdown: flush metrics: timeout",
		"app.before-stop: app.before-stop failed at shutdown: flush metrics: timeout; then the program chose to exit 1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors\n got %q\nwant %q", got, want)
	}
	if phases := serverPhases(tr); !slices.Contains(phases, "server.stop http") || slices.Contains(phases, "app.after-stop") {
		t.Errorf("phases %v, want the servers stopped and no app.after-stop", phases)
	}
	assertCleanedUp(t, tr.session)
}
