package delve

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// serverPhases compresses a trace's phase labels: server phases lose their
// addresses (ports are random) and keep their kind.
func serverPhases(tr *trace) []string {
	var out []string
	for _, ev := range tr.events {
		if !ev.IsPhase() {
			continue
		}
		l := ev.Label()
		if ev.Phase == tracer.PhaseServerStart || ev.Phase == tracer.PhaseServerStop {
			l = string(ev.Phase) + " " + strings.Fields(ev.Detail + " ?")[0]
		}
		out = append(out, l)
	}
	return out
}

// sortedRuns sorts each run of server.start or server.stop phases, since
// servers start and stop in goroutines whose order is not fixed.
func sortedRuns(labels []string) []string {
	out := slices.Clone(labels)
	for i := 0; i < len(out); {
		j := i + 1
		id := strings.Fields(out[i])[0]
		if strings.HasPrefix(id, "server.") {
			for j < len(out) && strings.Fields(out[j])[0] == id {
				j++
			}
			slices.Sort(out[i:j])
		}
		i = j
	}
	return out
}

func TestProjectShapes(t *testing.T) {
	runShape := []string{"app.run", "app.build-instance", "app.before-start"}
	tests := []struct {
		name    string
		target  string
		args    []string
		want    []string
		servers int
	}{
		{
			name:   "http only, initApp",
			target: "testdata/shapes/httponly",
			args:   []string{"-addr", "127.0.0.1:0"},
			want: concat([]string{"flag.parse", "wire initApp", "wire.provider main.newHTTPServer", "wire.provider kratos.New", "app.new", "wire.done initApp"}, runShape,
				[]string{"server.start http", "app.register", "app.after-start", "app.running", "app.stop", "app.before-stop", "app.deregister", "server.stop http", "app.after-stop", "exit"}),
			servers: 1,
		},
		{
			name:   "grpc only, newApp called by main",
			target: "testdata/shapes/grpconly",
			args:   []string{"-addr", "127.0.0.1:0"},
			// newApp returns kratos.New(…) directly: there is no variable
			// to read the App from at its return, so no wire.done.
			want: concat([]string{"flag.parse", "wire newApp", "wire.provider grpc.NewServer", "app.new"}, runShape,
				[]string{"server.start grpc", "app.register", "app.after-start", "app.running", "app.stop", "app.before-stop", "app.deregister", "server.stop grpc", "app.after-stop", "exit"}),
			servers: 1,
		},
		{
			name:   "three servers, two of them http",
			target: "testdata/shapes/twohttp",
			want: concat([]string{"flag.parse", "wire wireApp", "wire.provider main.newPublic", "wire.provider main.newAdmin", "wire.provider main.newGRPC", "wire.provider main.assemble", "app.new", "wire.done wireApp"}, runShape,
				[]string{"server.start grpc", "server.start http", "server.start http", "app.register", "app.after-start", "app.running", "app.stop", "app.before-stop", "app.deregister", "server.stop grpc", "server.stop http", "server.stop http", "app.after-stop", "exit"}),
			servers: 3,
		},
		{
			name:   "kratos v2.8.3",
			target: "testdata/kratos283",
			want: concat([]string{"flag.parse", "config.load", "config.scan", "wire wireApp", "wire.provider main.newHTTPServer", "wire.provider main.newGRPCServer", "wire.provider main.newApp", "app.new", "wire.done wireApp"}, runShape,
				[]string{"server.start grpc", "server.start http", "app.register", "app.after-start", "app.running", "app.stop", "app.before-stop", "app.deregister", "server.stop grpc", "server.stop http", "app.after-stop", "exit"}),
			servers: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.target == "testdata/kratos283" {
				args = []string{"-conf", writeShapeConfig(t)}
			}
			tr := runTrace(t, Config{Target: tt.target, Args: args}, nil)
			got := sortedRuns(serverPhases(tr))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("phases\n got %v\nwant %v", got, tt.want)
			}
			running := tr.first(t, tracer.PhaseRunning)
			if len(running.Servers) != tt.servers {
				t.Errorf("%d servers at app.running, want %d: %+v", len(running.Servers), tt.servers, running.Servers)
			}
			for _, s := range running.Servers {
				if s.State != tracer.ServerListening || !strings.HasPrefix(s.Endpoint, s.Kind+"://127.0.0.1:") {
					t.Errorf("server at app.running: %+v", s)
				}
			}
			if tt.target == "testdata/kratos283" {
				scan := tr.first(t, tracer.PhaseConfigScan)
				if got := scan.Bootstrap.Lookup("server.http.timeout"); got == nil || got.Value != "3s" {
					t.Errorf("server.http.timeout = %+v (bootstrap %s)", got, scan.Bootstrap.Format())
				} else if got.Origin == nil || got.Origin.Kind != tracer.OriginFile || got.Origin.Line != 4 || !strings.HasSuffix(got.Origin.Source, "/config.yaml") {
					// Kratos v2.8's config.Load has the same shape; the
					// plain struct Bootstrap is matched as encoding/json does.
					t.Errorf("server.http.timeout's origin = %+v, want config.yaml:4", got.Origin)
				}
			}
			assertCleanedUp(t, tr.session)
		})
	}
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// writeShapeConfig writes the v2.8.3 fixture's config on free ports.
func writeShapeConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	yaml := fmt.Sprintf("server:\n  http:\n    addr: 127.0.0.1:%d\n    timeout: 3s\n  grpc:\n    addr: 127.0.0.1:%d\n", freePort(t), freePort(t))
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestNotAKratosApp(t *testing.T) {
	tr := runTrace(t, Config{Target: "testdata/shapes/plain", Args: []string{"-name", "trace"}}, nil)
	if got := strings.Join(tr.phases(), " "); got != "main flag.parse exit" {
		t.Errorf("phases = %s, want main flag.parse exit", got)
	}
	notes := 0
	for _, ev := range tr.events {
		if ev.Kind == tracer.KindStatus && strings.Contains(ev.Status, "no Kratos app found") {
			notes++
		}
		if ev.Kind == tracer.KindError {
			t.Errorf("error event for a plain program: %s", ev.Error)
		}
	}
	if notes != 1 {
		t.Errorf("said %d times that no Kratos app was found, want once", notes)
	}
	if exit := tr.first(t, tracer.PhaseExit); *exit.ExitCode != 0 {
		t.Errorf("exit code %d", *exit.ExitCode)
	}
}

func TestProgramFailures(t *testing.T) {
	badYAML := t.TempDir()
	if err := os.WriteFile(filepath.Join(badYAML, "config.yaml"), []byte("server: [unclosed\n  http: {\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	portInUse := writeDemoConfig(t)
	yaml, _ := os.ReadFile(filepath.Join(portInUse.Dir, tracertest.OverrideFile))
	yaml = []byte(strings.Replace(string(yaml), portInUse.HTTPAddr, busy.Addr().String(), 1))
	if err := os.WriteFile(filepath.Join(portInUse.Dir, tracertest.OverrideFile), yaml, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		wantPhase tracer.PhaseID
		wantMsg   string
	}{
		{"config dir missing", []string{"-conf", filepath.Join(t.TempDir(), "missing")}, tracer.PhaseConfigLoad, "no such file or directory"},
		{"invalid yaml", []string{"-conf", badYAML}, tracer.PhaseConfigLoad, "panic: "},
		{"port in use", []string{"-conf", portInUse.Dir}, tracer.PhaseBuildInstance, "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := runTrace(t, Config{Target: demoDir, Args: tt.args}, nil)
			var failure *tracer.Event
			for i, ev := range tr.events {
				if ev.Kind == tracer.KindError {
					failure = &tr.events[i]
				}
			}
			if failure == nil {
				t.Fatalf("no error event; phases %v", tr.phases())
			}
			if failure.Phase != tt.wantPhase {
				t.Errorf("failed phase = %s, want %s", failure.Phase, tt.wantPhase)
			}
			if !strings.Contains(failure.Error, "failed: the program panicked in main.main (main.go:") {
				t.Errorf("error = %q", failure.Error)
			}
			if !strings.HasPrefix(failure.Reason, "panic: ") || !strings.Contains(failure.Reason, tt.wantMsg) {
				t.Errorf("reason = %q, want the program's panic line with %q", failure.Reason, tt.wantMsg)
			}
			exit := tr.first(t, tracer.PhaseExit)
			if exit.ExitCode == nil || *exit.ExitCode != 2 {
				t.Errorf("exit = %v, want 2 (a panic)", exit.ExitCode)
			}
			assertCleanedUp(t, tr.session)
		})
	}
}

func TestCheckPtrace(t *testing.T) {
	for _, tt := range []struct {
		scope string
		root  bool
		want  string
	}{
		{"0\n", false, ""},
		{"1\n", false, ""},
		{"2\n", true, ""},
		{"2\n", false, "only root may trace"},
		{"3\n", true, "no one can change until reboot"},
		{"", false, ""},
	} {
		err := checkPtrace(tt.scope, tt.root)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("scope %q root %v: %v", tt.scope, tt.root, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("scope %q root %v: %v, want %q", tt.scope, tt.root, err, tt.want)
		}
	}
	if err := launchError(fmt.Errorf("fork/exec /tmp/x: operation not permitted")); !strings.Contains(err.Error(), "ptrace is not permitted") {
		t.Errorf("launchError = %v", err)
	}
}

func TestTempDirIsPrivate(t *testing.T) {
	conf := writeDemoConfig(t)
	var mode os.FileMode
	var dir string
	runTrace(t, Config{Target: demoDir, Args: []string{"-conf", conf.Dir}}, func(s *Session, ev tracer.Event) bool {
		fi, err := os.Stat(s.tmpDir)
		if err != nil {
			t.Fatal(err)
		}
		mode, dir = fi.Mode().Perm(), s.tmpDir
		return false
	})
	if mode != 0o700 {
		t.Errorf("temp dir mode %v, want 0700", mode)
	}
	abs, _ := filepath.Abs(demoDir)
	if strings.HasPrefix(dir, abs) {
		t.Errorf("temp dir %s is inside the source tree", dir)
	}
}
