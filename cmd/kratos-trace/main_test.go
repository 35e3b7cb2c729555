package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// runCLI runs the command line in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func freeAddr(t *testing.T) string { return tracertest.FreeAddr(t) }

// demoConfigDir writes a demo config on free ports.
func demoConfigDir(t *testing.T) (dir, httpAddr, grpcAddr string) {
	t.Helper()
	c := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{})
	return c.Dir, c.HTTPAddr, c.GRPCAddr
}

// TestBadInput: a target that cannot be traced fails with status 1 and one
// sentence and a hint; the usage errors are TestEveryUsageErrorExits2's.
func TestBadInput(t *testing.T) {
	broken := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":  "module broken\n\ngo 1.26\n",
		"main.go": "package main\n\nfunc main() {\n\tnotDefined()\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(broken, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
	}{
		// Two packages are a system; each is resolved before anything runs.
		{"two packages, one no main", []string{"run", "--headless", "../../demo", "../../tui"}, exitFailed, []string{"service tui: ", "is not a main package"}},
		{"missing path", []string{"run", "--headless", "./no-such-dir"}, exitFailed, []string{"./no-such-dir does not exist", "hint: "}},
		{"not a main package", []string{"run", "--headless", "../../tracer/headless"}, exitFailed, []string{"is not a main package", "hint: "}},
		{"does not compile", []string{"run", "--headless", broken}, exitFailed, []string{"does not compile", "main.go:4:2: undefined: notDefined"}},
		{"bad working dir", []string{"run", "--headless", "--wd", "/no/such/dir", "../../demo"}, exitFailed, []string{"working directory /no/such/dir does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, bad := range []string{"panic:", "goroutine ", ".go:" + "0x"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr looks like a crash (%q):\n%s", bad, stderr)
				}
			}
		})
	}
}

func TestHelpExplains(t *testing.T) {
	code, out, _ := runCLI(t, "run", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-gcflags=all=-N -l", "--headless", "--json", "--hold", "--wd", "kratos-trace run ./demo", "-- PROGRAM ARGS"} {
		if !strings.Contains(out, want) {
			t.Errorf("run --help lacks %q", want)
		}
	}
}

func TestHeadlessJSONOnDemo(t *testing.T) {
	conf, httpAddr, grpcAddr := demoConfigDir(t)
	code, out, stderr := runCLI(t, "run", "--headless", "--json", "../../demo", "--", "-conf", conf)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	var phases []string
	var sawServers bool
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct {
			Kind      string          `json:"kind"`
			Phase     string          `json:"phase"`
			File      *string         `json:"file"`
			Line      *int            `json:"line"`
			Function  *string         `json:"function"`
			Elapsed   *string         `json:"elapsed"`
			Bootstrap json.RawMessage `json:"bootstrap"`
			Servers   []struct {
				Kind    string `json:"kind"`
				Address string `json:"address"`
			} `json:"servers"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line %d: %v\n%s", i+1, err, line)
		}
		if ev.Phase == "" || ev.File == nil || ev.Line == nil || ev.Function == nil || ev.Elapsed == nil {
			t.Errorf("line %d lacks a required key: %s", i+1, line)
		}
		if ev.Kind == "output" {
			continue
		}
		phases = append(phases, ev.Phase)
		for _, s := range ev.Servers {
			sawServers = true
			if (s.Kind == "http" && s.Address != httpAddr) || (s.Kind == "grpc" && s.Address != grpcAddr) {
				t.Errorf("server %+v does not match the config", s)
			}
		}
	}
	got := strings.Join(phases, " ")
	if !strings.HasPrefix(got, "flag.parse config.load config.scan wire ") || !strings.HasSuffix(got, "app.after-stop exit") {
		t.Errorf("phases = %s", got)
	}
	if !sawServers {
		t.Error("no event carried servers")
	}
}

func TestHeadlessTextOnDemo(t *testing.T) {
	conf, httpAddr, _ := demoConfigDir(t)
	code, out, stderr := runCLI(t, "run", "--headless", "../../demo", "--", "-conf", conf)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	for _, want := range []string{"● config.scan", "addr: " + httpAddr, "KIND  NETWORK  ADDRESS", "server.stop", "Summary", "exited with status 0", "out │ "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, want := range []string{"building ../../demo", "tracing ../../demo", "sending SIGTERM"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestPhasesListsResolvedLocations(t *testing.T) {
	code, out, stderr := runCLI(t, "phases", "../../demo")
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"kratos v2.9.2", "config.scan", "wire.provider       data.NewData", "app.go:", "wire_gen.go:", "0 unavailable"} {
		if !strings.Contains(out, want) {
			t.Errorf("phases output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "phases", "--json", "../../tracer/delve/testdata/shapes/grpconly")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	unavailable := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var p struct {
			Phase       string `json:"phase"`
			Line        int    `json:"line"`
			Unavailable string `json:"unavailable"`
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if p.Unavailable != "" {
			unavailable++
		} else if p.Line == 0 {
			t.Errorf("resolved phase %s has no line", p.Phase)
		}
	}
	if unavailable != 2 {
		t.Errorf("%d unavailable phases in a program without config, want 2 (config.load, config.scan):\n%s", unavailable, out)
	}
}

func TestPhasesExplainInBothLanguages(t *testing.T) {
	code, en, _ := runCLI(t, "phases", "--explain", "--lang", "en")
	if code != 0 || !strings.Contains(en, "config.scan — config.Scan into Bootstrap") || !strings.Contains(en, "look at: ") {
		t.Errorf("en explain (exit %d):\n%s", code, en)
	}
	code, zh, _ := runCLI(t, "phases", "--explain", "--lang", "zh")
	if code != 0 || !strings.Contains(zh, "config.scan — config.Scan 解码到 Bootstrap") || !strings.Contains(zh, "看哪里: ") {
		t.Errorf("zh explain (exit %d):\n%s", code, zh)
	}
	t.Setenv("LC_ALL", "zh_CN.UTF-8")
	if _, fromEnv, _ := runCLI(t, "phases", "--explain"); fromEnv != zh {
		t.Error("LC_ALL=zh_CN does not pick the Chinese notes")
	}
	if code, _, stderr := runCLI(t, "phases", "--explain", "--lang", "fr"); code == 0 || !strings.Contains(stderr, "en and zh") {
		t.Errorf("--lang fr: exit %d, %s", code, stderr)
	}
}
