package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// These tests drive a real `dlv exec --headless` the way a user would: the
// Delve release go.mod names, installed once into the user's cache
// directory, serving a debug build of the demo. They check the server with
// Delve's JSON-RPC wire protocol directly (net/rpc/jsonrpc), so that no
// Delve package is imported outside tracer/delve.

// repoRoot is the module root, relative to this package.
const repoRoot = "../.."

// installDlv returns the dlv binary of the Delve version in go.mod,
// installing it the first time into the tests' own cache directory
// (TestMain's), never the user's.
func installDlv(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/go-delve/delve").Output()
	if err != nil {
		t.Fatalf("read the Delve version from go.mod: %v", err)
	}
	version := strings.TrimSpace(string(out))
	cache := os.Getenv(tracertest.CacheDirEnv)
	if cache == "" {
		cache = t.TempDir()
	}
	dir := filepath.Join(cache, "test-dlv", version)
	bin := filepath.Join(dir, "dlv")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin
	}
	// Install beside the final place, then rename, so that tests running at
	// the same time never see half a binary.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gobin, err := os.MkdirTemp(dir, "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(gobin)
	cmd := exec.Command("go", "install", "github.com/go-delve/delve/cmd/dlv@"+version)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install dlv@%s: %v\n%s", version, err, out)
	}
	if err := os.Rename(filepath.Join(gobin, "dlv"), bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// buildDemoElsewhere builds the demo with -gcflags='all=-N -l' from a copy of
// the module at DIR/app, as a Dockerfile's `COPY . /app` would, then removes
// the copy: the binary's source paths name a directory that no longer
// exists, like those of a binary built in a container. It returns the binary
// and the directory the paths name.
func buildDemoElsewhere(t *testing.T) (bin, builtAt string) {
	t.Helper()
	dir := t.TempDir()
	builtAt = filepath.Join(dir, "app")
	// The demo is a module of its own: it is built in its copy.
	src := filepath.Join(repoRoot, "demo")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		copyFile(t, path, filepath.Join(builtAt, "demo", rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "server")
	cmd := exec.Command("go", "build", "-gcflags=all=-N -l", "-o", bin, "./cmd/server")
	cmd.Dir = filepath.Join(builtAt, "demo")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the demo: %v\n%s", err, out)
	}
	if err := os.RemoveAll(builtAt); err != nil {
		t.Fatal(err)
	}
	return bin, builtAt
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// headlessDelve is a `dlv exec --headless` serving the demo.
type headlessDelve struct {
	addr string
	cmd  *exec.Cmd
	log  *syncBuffer
}

// startHeadlessDelve starts dlv on a free port with the demo halted at its
// entry, and makes sure that dlv and the demo are gone when the test ends.
func startHeadlessDelve(t *testing.T, dlv, bin, conf string) *headlessDelve {
	t.Helper()
	cmd := exec.Command(dlv, "exec", "--headless", "--listen", "127.0.0.1:0", "--api-version", "2", "--accept-multiclient", bin, "--", "-conf", conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &headlessDelve{cmd: cmd, log: log}
	// The demo inherits dlv's output: do not wait for it to close them.
	cmd.WaitDelay = 5 * time.Second
	t.Cleanup(func() {
		// Delve starts the demo in a process group of its own, and a killed
		// dlv leaves it running: kill both.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		for _, pid := range processesWithArg(conf) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = cmd.Wait()
	})
	listening := regexp.MustCompile(`API server listening at: (\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			log.Write([]byte(sc.Text() + "\n"))
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case d.addr = <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("dlv did not say where it listens:\n%s", log.String())
	}
	if strings.Contains(log.String(), "operation not permitted") {
		tracertest.SkipWithoutPtrace(t, "Delve cannot run the demo: "+log.String())
	}
	return d
}

// delveWire speaks Delve's JSON-RPC API v2 directly, to check what a trace
// left behind.
type delveWire struct{ c *rpc.Client }

func dialDelveWire(t *testing.T, addr string) *delveWire {
	t.Helper()
	c, err := jsonrpc.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("connect to dlv: %v", err)
	}
	return &delveWire{c: c}
}

func (w *delveWire) running(t *testing.T) bool {
	t.Helper()
	var out struct{ State struct{ Running bool } }
	if err := w.c.Call("RPCServer.State", map[string]any{"NonBlocking": true}, &out); err != nil {
		t.Fatalf("dlv State: %v", err)
	}
	return out.State.Running
}

func (w *delveWire) halt(t *testing.T) {
	t.Helper()
	var out json.RawMessage
	if err := w.c.Call("RPCServer.Command", map[string]any{"name": "halt"}, &out); err != nil {
		t.Fatalf("dlv halt: %v", err)
	}
}

// userBreakpoints lists the breakpoints a client set; Delve's own (the panic
// and fatal-throw catchers) have negative IDs.
func (w *delveWire) userBreakpoints(t *testing.T) []string {
	t.Helper()
	var out struct {
		Breakpoints []struct {
			ID           int
			Name         string
			FunctionName string
			File         string
			Line         int
		}
	}
	if err := w.c.Call("RPCServer.ListBreakpoints", map[string]any{"All": false}, &out); err != nil {
		t.Fatalf("dlv ListBreakpoints: %v", err)
	}
	var bps []string
	for _, bp := range out.Breakpoints {
		if bp.ID > 0 {
			bps = append(bps, fmt.Sprintf("%d %s %s %s:%d", bp.ID, bp.Name, bp.FunctionName, bp.File, bp.Line))
		}
	}
	return bps
}

// continueAndLeave lets the program run and disconnects, as `quit -c` does.
func (w *delveWire) continueAndLeave(t *testing.T) {
	t.Helper()
	var out json.RawMessage
	w.c.Go("RPCServer.Command", map[string]any{"name": "continue"}, &out, nil)
	deadline := time.Now().Add(10 * time.Second)
	for !w.running(t) {
		if time.Now().After(deadline) {
			t.Fatal("the program did not run on after continue")
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.c.Close()
}

// serving checks that the demo answers on its HTTP address.
func serving(t *testing.T, httpAddr string) {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + httpAddr + "/helloworld/connect")
	if err != nil {
		t.Fatalf("the demo does not serve after the trace: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Hello connect") {
		t.Fatalf("the demo answered %d %s", resp.StatusCode, body)
	}
}

// jsonPhase is what the comparison looks at in one JSON event line.
type jsonPhase struct {
	Kind          string          `json:"kind"`
	Phase         string          `json:"phase"`
	Detail        string          `json:"detail"`
	File          string          `json:"file"`
	Line          int             `json:"line"`
	Function      string          `json:"function"`
	Skipped       bool            `json:"skipped"`
	Bootstrap     json.RawMessage `json:"bootstrap"`
	Servers       json.RawMessage `json:"servers"`
	Source        json.RawMessage `json:"source"`
	SourceMissing string          `json:"source_missing"`
	Watches       json.RawMessage `json:"watches"`
	Args          []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"args"`
	Results []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"results"`
}

// bootPhases reads JSON lines up to and including the first app.running.
func bootPhases(t *testing.T, out string) []jsonPhase {
	t.Helper()
	var phases []jsonPhase
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev jsonPhase
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if ev.Kind != "stop" && ev.Kind != "pass" && ev.Kind != "return" {
			continue
		}
		phases = append(phases, ev)
		if ev.Phase == "app.running" {
			return phases
		}
	}
	t.Fatalf("the trace never reached app.running:\n%s", out)
	return nil
}

// labels are the phases as "phase detail file:line function"; server.start
// stops of several servers come in goroutine order, so runs of one phase
// are sorted.
func labels(phases []jsonPhase) []string {
	var out []string
	for i := 0; i < len(phases); {
		j := i
		var run []string
		for ; j < len(phases) && phases[j].Phase == phases[i].Phase; j++ {
			p := phases[j]
			run = append(run, fmt.Sprintf("%s %s %s %s:%d %s %s %s %s", p.Kind, p.Phase, p.Detail, filepath.Base(p.File), p.Line, p.Function, p.Watches, p.Args, p.Results))
		}
		slices.Sort(run)
		out = append(out, run...)
		i = j
	}
	return out
}

// TestConnectMatchesRun traces the demo built "elsewhere" through a real dlv
// headless server and checks that connect shows what run shows (with
// breakpoints and a watch of the user's own: the same break stops, watches,
// arguments and provider results), that the program serves afterwards with
// no breakpoint left, and that a second connect to the now running program
// says why it cannot trace it.
func TestConnectMatchesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo twice and runs a real Delve server")
	}
	dlv := installDlv(t)
	bin, builtAt := buildDemoElsewhere(t)
	conf, httpAddr, _ := demoConfigDir(t)

	inspect := []string{"--break", "main.newApp", "--break", "internal/biz/greeter.go:42", "--watch", "main.flagconf"}
	baseline := filepath.Join(t.TempDir(), "run.jsonl")
	code, runOut, stderr := runCLI(t, append(append([]string{"run", "--headless", "--json", "--record", baseline}, inspect...), "../../demo", "--", "-conf", conf)...)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	want := bootPhases(t, runOut)

	d := startHeadlessDelve(t, dlv, bin, conf)
	absRepo, _ := filepath.Abs(repoRoot)
	// With the run as its baseline: connect's trace ends at app.running,
	// and is compared as far as it got (times left out: they vary).
	code, out, stderr := runCLI(t, append(append([]string{"connect", "--headless", "--json", "--baseline", baseline, "--no-times"}, inspect...), "--substitute-path", builtAt+"="+absRepo, d.addr)...)
	if code != 0 {
		t.Fatalf("connect: exit %d\nstderr:\n%s\ndlv:\n%s", code, stderr, d.log.String())
	}
	if !strings.Contains(stderr, "B is still under way or ended before the exit") || !strings.Contains(stderr, "No differences.") {
		t.Errorf("connect --baseline: no partial diff without differences on stderr:\n%s", stderr)
	}
	got := bootPhases(t, out)

	if w, g := labels(want), labels(got); !slices.Equal(w, g) {
		t.Errorf("connect's phases differ from run's:\nrun:\n  %s\nconnect:\n  %s", strings.Join(w, "\n  "), strings.Join(g, "\n  "))
	}
	breaks, returns := 0, 0
	for _, p := range got {
		switch {
		case p.Phase == "break":
			breaks++
		case p.Kind == "return":
			returns++
		}
		if p.Kind == "stop" && !strings.Contains(string(p.Watches), `"expr":"main.flagconf"`) {
			t.Errorf("%s %s through connect carries no watch", p.Phase, p.Detail)
		}
	}
	if breaks != 2 || returns != 8 {
		t.Errorf("through connect: %d break stops (want 2), %d provider returns (want 8)", breaks, returns)
	}
	last := func(ps []jsonPhase, field func(jsonPhase) json.RawMessage) string {
		for i := len(ps) - 1; i >= 0; i-- {
			if v := field(ps[i]); len(v) > 0 {
				return string(v)
			}
		}
		return ""
	}
	bootstrap := func(p jsonPhase) json.RawMessage { return p.Bootstrap }
	servers := func(p jsonPhase) json.RawMessage { return p.Servers }
	if w, g := last(want, bootstrap), last(got, bootstrap); w == "" || w != g {
		t.Errorf("Bootstrap differs:\nrun:     %s\nconnect: %s", w, g)
	}
	// Config provenance through connect: the sources are read from the
	// program's memory, so its leaves have their origins, the same as run's.
	if g := last(got, bootstrap); !strings.Contains(g, `"origin":{"kind":"file","source":"`+filepath.ToSlash(conf)) {
		t.Errorf("connect's Bootstrap has no file origins in %s:\n%s", conf, g)
	}
	if w, g := last(want, servers), last(got, servers); w == "" || w != g {
		t.Errorf("servers differ:\nrun:     %s\nconnect: %s", w, g)
	}
	for _, p := range got {
		if strings.HasPrefix(p.File, builtAt) && (len(p.Source) == 0 || p.SourceMissing != "") {
			t.Errorf("%s at %s:%d: no source through --substitute-path (%s)", p.Phase, p.File, p.Line, p.SourceMissing)
		}
	}
	if !strings.HasPrefix(got[len(got)-1].File, builtAt) && !strings.Contains(got[len(got)-1].File, "go-kratos/kratos") {
		t.Errorf("app.running at %s: want the program's own path", got[len(got)-1].File)
	}
	for _, want := range []string{"left the program running under Delve at " + d.addr, "dlv connect " + d.addr} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// The program runs on, under Delve, with none of the trace's breakpoints.
	serving(t, httpAddr)
	code, _, stderr = runCLI(t, "connect", "--headless", d.addr)
	if code != exitFailed || !strings.Contains(stderr, "is already running") || !strings.Contains(stderr, "--restart") {
		t.Errorf("connect to a running program: exit %d\n%s", code, stderr)
	}
	w := dialDelveWire(t, d.addr)
	if !w.running(t) {
		t.Fatal("the program is halted after the trace")
	}
	w.halt(t)
	if bps := w.userBreakpoints(t); len(bps) > 0 {
		t.Errorf("breakpoints left behind:\n  %s", strings.Join(bps, "\n  "))
	}
	// Halted inside main (by someone else), it is past main: said so.
	code, _, stderr = runCLI(t, "connect", "--headless", d.addr)
	if code != exitFailed || !strings.Contains(stderr, "already past main.main") {
		t.Errorf("connect to a program halted in main: exit %d\n%s", code, stderr)
	}
	w.continueAndLeave(t)
	serving(t, httpAddr)
}

// lineTrigger is an io.Writer that calls fire once, the first time a line
// containing marker has been written.
type lineTrigger struct {
	syncBuffer
	marker string
	once   sync.Once
	fire   func()
}

func (w *lineTrigger) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	if strings.Contains(w.syncBuffer.String(), w.marker) {
		w.once.Do(w.fire)
	}
	return n, err
}

// TestConnectServerKilledMidTrace kills the Delve server while the trace is
// under way: connect must say the connection was lost and how to go on, and
// exit 1, promptly.
func TestConnectServerKilledMidTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real Delve server")
	}
	dlv := installDlv(t)
	bin, _ := buildDemoElsewhere(t)
	conf, _, _ := demoConfigDir(t)
	d := startHeadlessDelve(t, dlv, bin, conf)

	out := &lineTrigger{marker: `"phase":"config.scan"`, fire: func() {
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
	}}
	var errOut syncBuffer
	done := make(chan int, 1)
	start := time.Now()
	go func() {
		done <- run(context.Background(), []string{"connect", "--headless", "--json", d.addr}, strings.NewReader(""), out, &errOut)
	}()
	var code int
	select {
	case code = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("connect did not end within 60s of the server's death\nstderr:\n%s", errOut.String())
	}
	stderr := errOut.String()
	skipWithoutPtrace(t, stderr)
	if !strings.Contains(out.String(), `"phase":"config.scan"`) {
		t.Fatalf("the trace never reached config.scan\nstderr:\n%s\ndlv:\n%s", stderr, d.log.String())
	}
	// Built elsewhere and traced without --substitute-path: the stop says
	// its source is missing, and the Bootstrap is read all the same.
	scanned := false
	for _, line := range strings.Split(out.String(), "\n") {
		var ev jsonPhase
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Kind == "stop" && ev.Phase == "config.scan" {
			scanned = true
			if ev.SourceMissing == "" || len(ev.Source) > 0 || len(ev.Bootstrap) == 0 {
				t.Errorf("config.scan without its source: source_missing %q, source %s, bootstrap %s", ev.SourceMissing, ev.Source, ev.Bootstrap)
			}
		}
	}
	if !scanned {
		t.Errorf("no config.scan stop in the output:\n%s", out.String())
	}
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	for _, want := range []string{"lost the connection to the Delve server at " + d.addr, "hint: ", "--restart", "the program's state is unknown"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, bad := range []string{"panic:", "goroutine "} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr looks like a crash (%q):\n%s", bad, stderr)
		}
	}
	t.Logf("connect ended %s after it started, exit %d", time.Since(start).Round(time.Millisecond), code)
}

// TestConnectRefused needs no Delve: nothing listens, and connect says so.
func TestConnectRefused(t *testing.T) {
	addr := freeAddr(t)
	code, _, stderr := runCLI(t, "connect", "--headless", addr)
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	for _, want := range []string{"nothing accepts connections at " + addr, "hint: ", "dlv exec --headless"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, _, stderr = runCLI(t, "connect")
	if code != exitUsage || !strings.Contains(stderr, "requires the HOST:PORT") {
		t.Errorf("connect without an address: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "connect", "--substitute-path", "/app", addr)
	if code != exitUsage || !strings.Contains(stderr, "is not FROM=TO") {
		t.Errorf("a bad --substitute-path: exit %d\n%s", code, stderr)
	}
}
