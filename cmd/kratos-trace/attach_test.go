//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// runningLayout is the stock kratos-layout fixture, built with a plain go
// build (optimised, not stripped) and running by itself, as a service in a
// dev environment is before anyone attaches.
type runningLayout struct {
	cmd    *exec.Cmd
	name   string // the executable's base name, unique to the test
	target request.Target
	out    *syncBuffer
}

// skipUnlessAttachAllowed skips (or, with CI set, fails) a test that
// attaches where Yama lets a process trace only its own descendants: the
// attach helper is the program's sibling.
func skipUnlessAttachAllowed(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope")
	scope := strings.TrimSpace(string(b))
	if err == nil && (scope == "3" || scope != "0" && os.Geteuid() != 0) {
		tracertest.SkipWithoutPtrace(t, "kernel.yama.ptrace_scope is "+scope+" and this is not root")
	}
}

// startLayout builds and starts the fixture on free ports and waits until
// it serves.
func startLayout(t *testing.T) *runningLayout {
	t.Helper()
	skipUnlessAttachAllowed(t)
	name := fmt.Sprintf("layoutsvc%d", rand.IntN(1_000_000))
	bin := filepath.Join(t.TempDir(), name)
	build := exec.Command("go", "build", "-o", bin, "./cmd/server")
	build.Dir = "../../tracer/delve/testdata/layout"
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build the layout fixture: %v\n%s", err, out)
	}
	conf := layoutConfigDir(t)
	yaml, _ := os.ReadFile(filepath.Join(conf, "config.yaml"))
	var httpAddr, grpcAddr string
	for _, line := range strings.Split(string(yaml), "\n") {
		if addr, ok := strings.CutPrefix(strings.TrimSpace(line), "addr: "); ok && strings.HasPrefix(addr, "127.") {
			if httpAddr == "" {
				httpAddr = addr
			} else if grpcAddr == "" {
				grpcAddr = addr
			}
		}
	}
	l := &runningLayout{name: name, target: request.Target{HTTP: httpAddr, GRPC: grpcAddr}, out: &syncBuffer{}}
	l.cmd = exec.Command(bin, "-conf", conf)
	l.cmd.Stdout, l.cmd.Stderr = l.out, l.out
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = l.cmd.Process.Kill()
		_ = l.cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for !l.answers(t, false) {
		if time.Now().After(deadline) {
			t.Fatalf("the layout fixture does not serve; its output:\n%s", l.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return l
}

func (l *runningLayout) pid() int { return l.cmd.Process.Pid }

// answers reports whether the program answers an HTTP and a gRPC request;
// with report, a failure is a test error.
func (l *runningLayout) answers(t *testing.T, report bool) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ok := true
	for _, spec := range []string{"GET /helloworld/after", `grpc helloworld.v1.Greeter/SayHello {"name":"after"}`} {
		s, err := request.Parse(spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := request.Do(ctx, s, l.target)
		if !r.OK || !strings.Contains(r.Body, "Hello after") {
			ok = false
			if report {
				t.Errorf("%s: %+v", spec, r)
			}
		}
	}
	return ok
}

// checkUntraced checks that the program is neither traced nor stopped, as
// /proc/PID/status tells.
func checkUntraced(t *testing.T, pid int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if !strings.Contains(text, "TracerPid:\t0\n") {
		t.Errorf("pid %d is still traced:\n%s", pid, text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "State:") && (strings.Contains(line, "T (stopped)") || strings.Contains(line, "t (tracing stop)")) {
			t.Errorf("pid %d is left stopped: %s", pid, line)
		}
	}
}

// checkAttachStop checks what the attach stop shows of the fixture's App.
func checkAttachStop(t *testing.T, ev tracer.Event, l *runningLayout) {
	t.Helper()
	app := ev.App
	if app == nil {
		t.Fatalf("the attach stop has no App: %+v", ev)
	}
	if app.Note != "" || app.ID == "" || len(app.Endpoints) != 2 || !app.Optimized {
		t.Errorf("App: %+v", app)
	}
	if len(ev.Servers) != 2 {
		t.Fatalf("servers: %+v", ev.Servers)
	}
	for _, s := range ev.Servers {
		if s.State != tracer.ServerListening || (s.Address != l.target.HTTP && s.Address != l.target.GRPC) || s.Timeout != "1m0s" {
			t.Errorf("server %+v: want listening at the config's address with the config's timeout", s)
		}
	}
	if ev.Instance == nil || ev.Instance.ID != app.ID {
		t.Errorf("instance: %+v", ev.Instance)
	}
	routes := map[string]bool{}
	for _, r := range app.Routes {
		routes[r.Transport+" "+r.Method+" "+r.Path] = true
	}
	for _, want := range []string{"http GET /helloworld/{name}", "grpc  helloworld.v1.Greeter/SayHello"} {
		if !routes[want] {
			t.Errorf("no route %q in %v", want, app.Routes)
		}
	}
	// kratos-layout's bc escapes to the heap (c.Scan(&bc)), so even a
	// plain build keeps it; either way the event says where it came from.
	switch {
	case ev.Bootstrap != nil && !strings.HasPrefix(app.BootstrapFrom, "bc in main.main's frame"):
		t.Errorf("a Bootstrap from %q", app.BootstrapFrom)
	case ev.Bootstrap == nil && !strings.Contains(app.BootstrapFrom, "optimised away"):
		t.Errorf("no Bootstrap, and the reason is %q", app.BootstrapFrom)
	}
	if len(ev.Goroutines) == 0 || !ev.Goroutines[0].Main {
		t.Errorf("goroutines: %d", len(ev.Goroutines))
	}
}

// TestAttachAcceptance is the acceptance: the stock kratos-layout,
// built with a plain go build and running, is attached to by pid and by
// name; the attach stop shows its servers, instance, routes and Bootstrap;
// a request is followed transport → service → biz → data → reply; after
// the detach the program answers HTTP and gRPC and is neither traced nor
// stopped; attached again with --sigterm, its shutdown is walked and it
// exits 0.
func TestAttachAcceptance(t *testing.T) {
	l := startLayout(t)
	pid := fmt.Sprint(l.pid())

	code, stdout, stderr := runCLI(t, append([]string{"attach", "--headless", "--json"}, append(acceptanceRequests, pid)...)...)
	if code != 0 {
		t.Fatalf("attach by pid: exit %d\n%s", code, stderr)
	}
	events := jsonEvents(t, stdout)
	if events[0].Phase != tracer.PhaseAttach || events[0].Kind != tracer.KindStop {
		t.Fatalf("the first event is %s %s, want the attach stop", events[0].Kind, events[0].Label())
	}
	checkAttachStop(t, events[0], l)
	var stops [3][]string
	var replies [3]*tracer.Reply
	for _, ev := range events {
		if ev.Request != nil && ev.Kind == tracer.KindStop {
			stops[ev.Request.ID] = append(stops[ev.Request.ID], ev.Label())
			if ev.Phase == tracer.PhaseRequestReply {
				replies[ev.Request.ID] = ev.Request.Reply
			}
		}
	}
	checkAcceptanceRequests(t, stops, replies)
	if !strings.Contains(stderr, "detached from pid "+pid) {
		t.Errorf("no word of the detach:\n%s", stderr)
	}
	checkUntraced(t, l.pid())
	l.answers(t, true)

	// By name; the servers' timeouts read as configured: the first attach
	// put them back.
	code, stdout, stderr = runCLI(t, "attach", "--headless", "--json", l.name)
	if code != 0 {
		t.Fatalf("attach by name: exit %d\n%s", code, stderr)
	}
	events = jsonEvents(t, stdout)
	checkAttachStop(t, events[0], l)
	checkUntraced(t, l.pid())
	l.answers(t, true)

	// Again, and SIGTERM walks the shutdown.
	code, stdout, stderr = runCLI(t, "attach", "--headless", "--json", "--sigterm", pid)
	if code != 0 {
		t.Fatalf("attach --sigterm: exit %d\n%s", code, stderr)
	}
	var walked []string
	exit := -1
	for _, ev := range jsonEvents(t, stdout) {
		if ev.IsPhase() {
			walked = append(walked, string(ev.Phase))
		}
		if ev.Kind == tracer.KindExit && ev.ExitCode != nil {
			exit = *ev.ExitCode
		}
	}
	got := strings.Join(walked, " ")
	for _, want := range []string{"attach", "app.stop", "server.stop", "app.after-stop", "exit"} {
		if !strings.Contains(got, want) {
			t.Errorf("the shutdown walked %q, without %s", got, want)
		}
	}
	if exit != 0 {
		t.Errorf("exit status %d", exit)
	}
	if err := waitEnd(t, l.cmd); err != nil {
		t.Errorf("the program ended with %v", err)
	}
}

// TestAttachSIGKILL kills kratos-trace with SIGKILL while it is attached,
// with request breakpoints set and the timeouts lifted: within 3 s the
// program serves again, untraced and not stopped, and a later attach reads
// its timeouts as configured.
func TestAttachSIGKILL(t *testing.T) {
	bin := buildKratosTrace(t)
	l := startLayout(t)
	cmd := exec.Command(bin, "attach", "--headless", "--hold", "60s", "--request", "GET /helloworld/kratos", fmt.Sprint(l.pid()))
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "runs on from") {
		if time.Now().After(deadline) {
			t.Fatalf("the trace never held:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	_ = cmd.Wait()
	for !l.answers(t, false) {
		if time.Since(killed) > 3*time.Second {
			t.Fatalf("the program does not serve 3 s after kratos-trace was killed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for time.Since(killed) < 3*time.Second && traced(l.pid()) {
		time.Sleep(50 * time.Millisecond)
	}
	checkUntraced(t, l.pid())
	code, stdout, stderr := runCLI(t, "attach", "--headless", "--json", fmt.Sprint(l.pid()))
	if code != 0 {
		t.Fatalf("attach after the SIGKILL: exit %d\n%s", code, stderr)
	}
	checkAttachStop(t, jsonEvents(t, stdout)[0], l)
}

// traced reports whether pid has a tracer.
func traced(pid int) bool {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	return !bytes.Contains(b, []byte("TracerPid:\t0\n"))
}
