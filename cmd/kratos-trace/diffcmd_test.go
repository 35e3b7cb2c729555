package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// copyLayout copies the stock kratos-layout fixture into a temp dir and
// writes its configs/config.yaml: free loopback ports, so that it runs
// beside other tests, and the given Redis read timeout and DSN password.
// It returns the project's cmd/server and a function that rewrites the
// config (the ports stay).
func copyLayout(t *testing.T) (pkg string, writeConfig func(readTimeout, password string)) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "layout")
	if err := os.CopyFS(dst, os.DirFS(layoutDir)); err != nil {
		t.Fatal(err)
	}
	httpAddr, grpcAddr := freeAddr(t), freeAddr(t)
	writeConfig = func(readTimeout, password string) {
		if err := os.WriteFile(filepath.Join(dst, "configs", "config.yaml"), []byte(layoutConfig(httpAddr, grpcAddr, readTimeout, password)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dst, "cmd", "server"), writeConfig
}

// recordLayout records a headless run of the layout project as it is
// configured now, with its default -conf ../../configs.
func recordLayout(t *testing.T, pkg, path string) {
	t.Helper()
	code, _, stderr := runCLI(t, "run", "--headless", "--record", path, pkg)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("run --record %s: exit %d\n%s", path, code, stderr)
	}
}

// TestDiffStockLayout is the acceptance of `diff` and `--baseline` on a
// stock kratos-layout project under the real Delve: recorded twice, the
// second time with one config value changed.
func TestDiffStockLayout(t *testing.T) {
	t.Setenv(redact.HashKeyEnv, "a key for the tests of kratos-trace diff")
	pkg, writeConfig := copyLayout(t)
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl"), filepath.Join(dir, "c.jsonl")
	writeConfig("0.2s", "root")
	recordLayout(t, pkg, a)
	writeConfig("0.4s", "root")
	recordLayout(t, pkg, b)

	if code, out, stderr := runCLI(t, "diff", a, a); code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("diff A A: exit %d, want 0\n%s%s", code, out, stderr)
	}

	// Text: exactly that path, with both values and where each came from
	// (config provenance); the program's times may
	// move on a busy machine, so they are left out for the exact check.
	code, out, stderr := runCLI(t, "diff", "--no-times", a, b)
	want := "--- " + a + "\n+++ " + b + "\n\nBootstrap\n- data.redis.read_timeout: 200ms  (configs/config.yaml:14)\n+ data.redis.read_timeout: 400ms  (configs/config.yaml:14)\n\n1 difference(s): bootstrap 1.\n"
	if code != 1 || out != want {
		t.Errorf("diff --no-times A B: exit %d, want 1\n got:\n%s\nwant:\n%s\n%s", code, out, want, stderr)
	}
	if code, out, _ := runCLI(t, "diff", a, b); code != 1 || !strings.Contains(out, "- data.redis.read_timeout: 200ms  (configs/config.yaml:14)\n+ data.redis.read_timeout: 400ms  (configs/config.yaml:14)\n") {
		t.Errorf("diff A B: exit %d, want 1 and the path\n%s", code, out)
	}

	// JSON: the same change, alone in the sections other than times.
	code, out, stderr = runCLI(t, "diff", "--json", a, b)
	if code != 1 {
		t.Errorf("diff --json A B: exit %d, want 1\n%s", code, stderr)
	}
	var doc struct {
		Same     bool `json:"same"`
		Sections []struct {
			Section string `json:"section"`
			Changes []struct {
				Op, Path, Before, After string
			} `json:"changes"`
		} `json:"sections"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("diff --json is not one JSON document: %v\n%s", err, out)
	}
	for _, s := range doc.Sections {
		switch {
		case s.Section == "bootstrap":
			if len(s.Changes) != 1 || s.Changes[0].Path != "data.redis.read_timeout" || s.Changes[0].Before != "200ms" || s.Changes[0].After != "400ms" || s.Changes[0].Op != "changed" {
				t.Errorf("bootstrap changes %+v, want data.redis.read_timeout 200ms → 400ms alone", s.Changes)
			}
		case s.Section != "times" && len(s.Changes) > 0:
			t.Errorf("section %s has changes: %+v", s.Section, s.Changes)
		}
	}

	// The changed project against the baseline, live.
	code, out, stderr = runCLI(t, "run", "--headless", "--baseline", a, pkg)
	if code != 1 || !strings.Contains(out, "- data.redis.read_timeout: 200ms  (configs/config.yaml:14)\n+ data.redis.read_timeout: 400ms  (configs/config.yaml:14)\n") || !strings.Contains(stderr, "differs from the baseline") {
		t.Errorf("run --headless --baseline A: exit %d, want 1 naming the path\n%s\n%s", code, tail(out, 20), stderr)
	}
	// The same project as the baseline's, without the times: the same.
	writeConfig("0.2s", "root")
	if code, out, stderr := runCLI(t, "run", "--headless", "--no-times", "--baseline", a, pkg); code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("run --baseline on the baseline's project: exit %d, want 0\n%s\n%s", code, tail(out, 20), stderr)
	}

	// A new password: the recordings hold it masked, and the diff says the
	// masked value changed without either password.
	writeConfig("0.2s", "Sup3rS3cretPw")
	recordLayout(t, pkg, c)
	code, out, _ = runCLI(t, "diff", "--no-times", a, c)
	if code != 1 || !strings.Contains(out, "- data.database.source: root:****@tcp(127.0.0.1:3306)/test?parseTime=True&loc=Local  (configs/config.yaml:11; masked; the hashes differ)") {
		t.Errorf("diff A C: exit %d, want 1 and the masked source\n%s", code, out)
	}
	for _, f := range []string{out, readFile(t, c)} {
		if strings.Contains(f, "Sup3rS3cretPw") {
			t.Errorf("the password is shown or recorded:\n%s", f)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// writeEvents writes events as a recording.
func writeEvents(t *testing.T, name string, events []tracer.Event) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var b strings.Builder
	h, _ := json.Marshal(replay.Header{Format: replay.FormatName, Version: replay.FormatVersion, Target: "./demo", Redacted: true})
	b.Write(append(h, '\n'))
	for _, ev := range events {
		line, _ := json.Marshal(ev)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDiffConstructed(t *testing.T) {
	a := writeEvents(t, "a.jsonl", tracertest.DemoEvents())
	// B: two providers swapped, app.after-start gone, the exit status 1.
	events := tracertest.DemoEvents()
	var i, j int
	for k, ev := range events {
		switch ev.Label() {
		case "wire.provider data.NewGreeterRepo":
			i = k
		case "wire.provider biz.NewGreeterUsecase":
			j = k
		}
	}
	events[i], events[j] = events[j], events[i]
	events = slices.DeleteFunc(events, func(ev tracer.Event) bool { return ev.Phase == tracer.PhaseAfterStart })
	code1 := 1
	events[len(events)-1].ExitCode = &code1
	b := writeEvents(t, "b.jsonl", events)

	code, out, stderr := runCLI(t, "diff", a, b)
	want := []string{
		"Phases\n",
		"- wire.provider data.NewGreeterRepo  (after wire.provider data.NewData; moved)\n+ wire.provider data.NewGreeterRepo  (after wire.provider biz.NewGreeterUsecase; moved)\n",
		"- app.after-start  (after app.register)\n",
		"Exit\n- exit: exit status 0\n+ exit: exit status 1\n",
		"3 difference(s): phases 2, exit 1.\n",
	}
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, stderr)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour when not on a terminal:\n%q", out)
	}
	if _, out, _ := runCLI(t, "diff", "--color", "always", a, b); !strings.Contains(out, "\x1b[31m- app.after-start") {
		t.Errorf("--color always does not colour:\n%q", out)
	}
	// B from standard input.
	var stdout, errOut strings.Builder
	code = run(t.Context(), []string{"diff", a, "-"}, strings.NewReader(readFile(t, b)), &stdout, &errOut)
	if code != 1 || !strings.Contains(stdout.String(), "+++ -\n") || !strings.Contains(stdout.String(), "3 difference(s)") {
		t.Errorf("diff A -: exit %d\n%s%s", code, stdout.String(), errOut.String())
	}
	// --baseline on a replay is the same diff.
	code, out, _ = runCLI(t, "replay", "--headless", "--baseline", a, b)
	if code != 1 || !strings.Contains(out, "3 difference(s): phases 2, exit 1.") {
		t.Errorf("replay --baseline: exit %d\n%s", code, tail(out, 20))
	}
	if code, out, _ := runCLI(t, "replay", "--headless", "--baseline", a, a); code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("replay --baseline on itself: exit %d\n%s", code, tail(out, 20))
	}
}

func TestDiffBadInput(t *testing.T) {
	a := writeEvents(t, "a.jsonl", tracertest.DemoEvents())
	notRec := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notRec, []byte("hello\n"), 0o600)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"one recording", []string{"diff", a}, "requires two recordings"},
		{"missing file", []string{"diff", a, "/no/such.jsonl"}, "no such file"},
		{"not a recording", []string{"diff", a, notRec}, "not a kratos-trace recording"},
		{"both stdin", []string{"diff", "-", "-"}, "only one of the recordings can be -"},
		{"bad threshold", []string{"diff", "--time-threshold", "soon", a, a}, "--time-threshold"},
		{"bad colour", []string{"diff", "--color", "pink", a, a}, "--color"},
		{"bad baseline", []string{"replay", "--headless", "--baseline", "/no/such.jsonl", a}, "the baseline"},
		{"bad baseline threshold", []string{"run", "--headless", "--baseline", a, "--time-threshold", "0x", "../../demo"}, "bad factor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitTrouble || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s", code, tt.want, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("a crash:\n%s", stderr)
			}
		})
	}
	code, out, _ := runCLI(t, "diff", "--help")
	if code != 0 {
		t.Fatalf("diff --help: exit %d", code)
	}
	for _, w := range []string{"0 when the boots are the same, 1 when they differ, 2", "--time-threshold", "--no-times", "--json", "- for standard input", "keyed hash"} {
		if !strings.Contains(out, w) {
			t.Errorf("diff --help lacks %q", w)
		}
	}
}

// TestLiveCompareMasksAsRecorded checks the comparison the terminal UI
// makes with --baseline: the live events, in the clear, are masked and
// hashed as the recording of them would be, so that an unchanged secret is
// the same and a changed one is told without being shown.
func TestLiveCompareMasksAsRecorded(t *testing.T) {
	key := redact.NewHashKey([]byte("a key for this test only"))
	withSource := func(dsn string) []tracer.Event {
		events := tracertest.DemoEvents()
		for i := range events {
			if events[i].Bootstrap != nil {
				events[i].Bootstrap.Lookup("data.database.source").Value = dsn
			}
		}
		return events
	}
	// The baseline as `run --record` writes it.
	rec := replay.Record(tracertest.NewFake(withSource("app:Old5ecret@tcp(db:3306)/shop")), nil, replay.RecordOptions{HashKey: key})
	for ev := range rec.Events() {
		if ev.Kind == tracer.KindStop {
			rec.Continue(t.Context())
		}
	}
	rec.Close()
	base := &baseline{rec: &replay.Recording{Path: "base.jsonl", Header: rec.Header(), Events: rec.Recorded()}}
	compare := base.liveCompare(diff.Boot{Name: "live", Redacted: true, HashKey: key.ID()}, true, key)

	if r := compare(withSource("app:Old5ecret@tcp(db:3306)/shop")); r.Differs() {
		t.Errorf("the same secret differs: %+v", r.Sections)
	}
	r := compare(withSource("app:New5ecret@tcp(db:3306)/shop"))
	c := r.LeafChange("data.database.source")
	if r.Count() != 1 || c == nil || !c.Masked {
		t.Fatalf("changes %+v, want the masked source alone", r.Sections)
	}
	out, _ := json.Marshal(r)
	if strings.Contains(string(out), "5ecret") {
		t.Errorf("the comparison shows a secret: %s", out)
	}
}
