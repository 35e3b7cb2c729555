package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/export"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
	"github.com/kratos-trace/kratos-trace/tui"
)

// lessons are the lessons shipped with the demo, in English and Chinese
// (lessons_test.go checks that the list is complete).
var lessons = []string{
	"../../demo/lessons/01-boot.kts",
	"../../demo/lessons/01-boot.zh.kts",
	"../../demo/lessons/02-config.kts",
	"../../demo/lessons/02-config.zh.kts",
	"../../demo/lessons/03-wire.kts",
	"../../demo/lessons/03-wire.zh.kts",
	"../../demo/lessons/04-run-and-shutdown.kts",
	"../../demo/lessons/04-run-and-shutdown.zh.kts",
	"../../demo/lessons/05-where-from.kts",
	"../../demo/lessons/05-where-from.zh.kts",
}

// requestLessons send requests, so they run live, on the replay of their own
// run and on the tour, whose recording holds a request; not on a recording
// of a run without requests.
var requestLessons = []string{
	"../../demo/lessons/06-request.kts",
	"../../demo/lessons/06-request.zh.kts",
}

// dsnSecret is the password the secret config holds; the demo logs the URL
// it is in, so it reaches both the Bootstrap and the program's output.
const dsnSecret = "Pa55w0rdInDsn"

// secretDemoConfig writes a demo config on free ports whose Redis address is
// a URL with dsnSecret in it.
func secretDemoConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// Shaped like the demo's own configs/, so that every lesson holds: a
	// second file moves HTTP, the gRPC timeout is a placeholder.
	yaml := fmt.Sprintf("server:\n  http:\n    addr: %s\n    timeout: 1s\n  grpc:\n    addr: %s\n    timeout: ${GRPC_TIMEOUT:1s}\ndata:\n  database:\n    driver: sqlite\n    source: \":memory:\"\n  redis:\n    network: tcp\n    addr: \"redis://app:%s@127.0.0.1:1/0\"\n",
		freeAddr(t), freeAddr(t), dsnSecret)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	override := fmt.Sprintf("server:\n  http:\n    addr: %s\n", freeAddr(t))
	if err := os.WriteFile(filepath.Join(dir, "zz-override.yaml"), []byte(override), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// skipWithoutPtrace skips the test when the real debugger may not run here;
// in CI (CI set) it fails instead, so that a missing ptrace never passes.
func skipWithoutPtrace(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "ptrace is not permitted") {
		tracertest.SkipWithoutPtrace(t, "the real debugger cannot run: "+stderr)
	}
}

// demoRecording records the scripted demo trace of tracertest into a file,
// for the tests that need a recording but no live run.
func demoRecording(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.jsonl")
	recordEvents(t, path, tracertest.DemoEvents())
	return path
}

// TestRecordReplayExportOnDemo records a real run of the demo whose config
// holds a DSN password, then replays and exports the recording: the replay
// prints what the live run printed (the password masked), the exports are
// valid Trace Event Format with the recorded phase durations, the lessons
// pass on the replay, and the password is in none of the files.
func TestRecordReplayExportOnDemo(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "demo.jsonl")
	liveTrace := filepath.Join(dir, "live.trace.json")
	conf := secretDemoConfig(t)
	code, liveOut, stderr := runCLI(t, "run", "--headless", "--json", "--record", rec, "--trace-out", liveTrace, "../../demo", "--", "-conf", conf)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(liveOut, dsnSecret) {
		t.Fatal("the live output does not show the password, so this test proves nothing about redaction")
	}
	if !strings.Contains(stderr, "recorded ") || !strings.Contains(stderr, "wrote the trace to "+liveTrace) {
		t.Errorf("stderr does not report the files:\n%s", stderr)
	}

	// Replayed as JSON, the event sequence is the live one.
	code, replayOut, replayErr := runCLI(t, "replay", "--json", rec)
	if code != 0 {
		t.Fatalf("replay: exit %d\n%s", code, replayErr)
	}
	// The recording keeps a keyed hash beside each masked value, which the
	// live run has no need of.
	replayOut = regexp.MustCompile(`,"hash":"[0-9a-f]{32}"`).ReplaceAllString(replayOut, "")
	if want := strings.ReplaceAll(liveOut, dsnSecret, "****"); replayOut != want {
		t.Errorf("the replay differs from the live run\n--- live (masked)\n%s\n--- replay\n%s", want, replayOut)
	}
	code, textOut, textErr := runCLI(t, "replay", "--headless", rec)
	if code != 0 || !strings.Contains(textOut, "● config.scan") || !strings.Contains(textOut, "exited with status 0") {
		t.Errorf("replay --headless: exit %d\n%s\n%s", code, textOut, textErr)
	}

	// The export from the recording matches the recording and the live export.
	exported := filepath.Join(dir, "exported.trace.json")
	if code, _, errOut := runCLI(t, "export", rec, "-o", exported); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	recording, err := replay.Read(rec)
	if err != nil {
		t.Fatal(err)
	}
	checkTraceFile(t, exported, recording.Events)
	checkTraceFile(t, liveTrace, recording.Events)

	// The lessons pass on the replay of a plain run.
	for _, lesson := range lessons {
		if code, out, errOut := runCLI(t, "replay", "--script", lesson, rec); code != 0 {
			t.Errorf("%s on the replay: exit %d\n%s\n%s", lesson, code, out, errOut)
		}
	}

	files := map[string]string{"the replay's output": replayOut + replayErr + textOut + textErr}
	for _, path := range []string{rec, liveTrace, exported} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(path)] = string(b)
	}
	for name, text := range files {
		if strings.Contains(text, dsnSecret) {
			t.Errorf("%s holds the DSN password", name)
		}
	}
	if !strings.Contains(files["demo.jsonl"], "redis://app:****@127.0.0.1:1/0") {
		t.Error("the recording lacks the masked URL")
	}
}

// checkTraceFile validates a Trace Event Format file and checks that its
// phase slices last as long as the recording says.
func checkTraceFile(t *testing.T, path string, events []tracer.Event) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	traceEvents, err := export.Validate(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var phases []tracer.Event
	for _, ev := range events {
		if ev.IsPhase() {
			phases = append(phases, ev)
		}
	}
	var slices []map[string]any
	for _, ev := range traceEvents {
		if ev["cat"] == "phase" {
			slices = append(slices, ev)
		}
	}
	if len(slices) != len(phases) {
		t.Fatalf("%s: %d phase slices for %d phases", path, len(slices), len(phases))
	}
	for i := 0; i+1 < len(phases); i++ {
		want := float64(phases[i+1].Elapsed-phases[i].Elapsed) / 1e3
		got, _ := slices[i]["dur"].(float64)
		if slices[i]["name"] != phases[i].Label() || got < want-1 || got > want+1 {
			t.Errorf("%s: slice %d is %v lasting %vµs; the recording has %s lasting %vµs", filepath.Base(path), i, slices[i]["name"], got, phases[i].Label(), want)
		}
	}
}

// TestLessonsLiveAndOnTheirReplay runs each lesson against a live demo while
// recording it, then against the replay of that recording.
func TestLessonsLiveAndOnTheirReplay(t *testing.T) {
	conf, _, _ := demoConfigDir(t)
	for _, lesson := range append(append([]string(nil), lessons...), requestLessons...) {
		t.Run(filepath.Base(lesson), func(t *testing.T) {
			rec := filepath.Join(t.TempDir(), "lesson.jsonl")
			code, out, stderr := runCLI(t, "run", "--script", lesson, "--record", rec, "../../demo", "--", "-conf", conf)
			skipWithoutPtrace(t, stderr)
			if code != 0 {
				t.Fatalf("live: exit %d\n%s\n%s", code, out, stderr)
			}
			if !strings.Contains(out, "note: ") || !strings.Contains(stderr, "passed") {
				t.Errorf("live output:\n%s\n%s", out, stderr)
			}
			code, rout, rerr := runCLI(t, "replay", "--script", lesson, rec)
			if code != 0 {
				t.Fatalf("replay: exit %d\n%s\n%s", code, rout, rerr)
			}
		})
	}
}

func TestLessonsOnTheScriptedDemo(t *testing.T) {
	rec := demoRecording(t)
	for _, lesson := range lessons {
		if code, out, errOut := runCLI(t, "replay", "--script", lesson, rec); code != 0 {
			t.Errorf("%s: exit %d\n%s\n%s", lesson, code, out, errOut)
		}
	}
}

func TestScriptFailures(t *testing.T) {
	dir := t.TempDir()
	rec := demoRecording(t)
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad := write("bad.kts", "break config.scan\ncontinue\nexpect servers.count = 2\nbrake wire\n")
	failing := write("failing.kts", "break wire.done\ncontinue\nexpect servers.count == 3\nexpect phase == wire.done\nquit\n")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
		notErr   []string
	}{
		{"bad script on run, before anything runs", []string{"run", "--script", bad, "./no-such-dir"}, exitFailed,
			[]string{bad + ":3:22: unknown operator \"=\"", bad + ":4:1: unknown command \"brake\""}, []string{"does not exist", "building"}},
		{"bad script on replay", []string{"replay", "--script", bad, rec}, exitFailed,
			[]string{bad + ":3:22:", bad + ":4:1:"}, []string{"replaying"}},
		{"missing script", []string{"replay", "--script", filepath.Join(dir, "nope.kts"), rec}, exitFailed,
			[]string{"read the script", "hint: "}, nil},
		{"expect that does not hold", []string{"replay", "--script", failing, rec}, exitFailed,
			[]string{"failed on 1 line(s)", failing + `:3: expect servers.count == 3: it does not hold: servers.count is "2"`}, nil},
		{"script with json", []string{"replay", "--json", "--script", failing, rec}, exitUsage,
			[]string{"does not go with --json"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tt.wantCode, out, stderr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, w := range tt.notErr {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestReplayBadFiles(t *testing.T) {
	good, err := os.ReadFile(demoRecording(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(good, []byte("\n"))
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	corrupt := append(bytes.Join(lines[:7], nil), []byte("{\"seq\": 7, \"kind\": \"stop\", oops}\n")...)
	corrupt = append(corrupt, bytes.Join(lines[8:], nil)...)
	var header map[string]any
	json.Unmarshal(lines[0], &header)
	header["version"] = replay.FormatVersion + 1
	header["kratos_trace_version"] = "v9.0.0"
	future, _ := json.Marshal(header)
	future = append(append(future, '\n'), bytes.Join(lines[1:], nil)...)
	cut := append(bytes.Join(lines[:20], nil), lines[20][:40]...)

	tests := []struct {
		name     string
		path     string
		wantCode int
		wantErr  []string
		wantOut  []string
	}{
		{"corrupt line", write("corrupt.jsonl", corrupt), exitFailed, []string{"corrupt.jsonl:8: not a valid event: invalid character 'o'", "hint: "}, nil},
		{"future version", write("future.jsonl", future), exitFailed, []string{"future.jsonl was recorded by kratos-trace v9.0.0 in record format version 2", "upgrade kratos-trace"}, nil},
		{"not a recording", write("events.jsonl", bytes.Join(lines[1:], nil)), exitFailed, []string{"events.jsonl:1: not a kratos-trace recording"}, nil},
		{"empty", write("empty.jsonl", nil), exitFailed, []string{"the file is empty"}, nil},
		{"missing", filepath.Join(dir, "nope.jsonl"), exitFailed, []string{"no such file"}, nil},
		{"truncated", write("cut.jsonl", cut), exitOK, []string{"cut.jsonl:21: the line is cut short", "replaying the 19 whole events"}, []string{"● wire.provider server.NewRegistrar", "Summary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "replay", "--headless", tt.path)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr looks like a crash:\n%s", stderr)
			}
		})
	}
}

func TestReplayHelp(t *testing.T) {
	code, out, _ := runCLI(t, "replay", "--help")
	for _, want := range []string{"--headless", "--json", "--script", "nor Delve nor ptrace", "FILE:LINE"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("replay --help lacks %q", want)
		}
	}
	code, out, _ = runCLI(t, "run", "--help")
	for _, want := range []string{"--record", "--no-redact", "--script", "--trace-out"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("run --help lacks %q", want)
		}
	}
}

func TestReplayJSONMatchesRecording(t *testing.T) {
	rec := demoRecording(t)
	code, out, stderr := runCLI(t, "replay", "--json", rec)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	events, err := tracertest.ParseEvents([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, ev := range tracertest.DemoEvents() {
		if ev.Kind != tracer.KindStatus && ev.Kind != tracer.KindSession {
			want = append(want, ev.Seq)
		}
	}
	if len(events) != len(want) {
		t.Fatalf("%d events printed, %d recorded", len(events), len(want))
	}
	for i, ev := range events {
		if ev.Seq != want[i] {
			t.Fatalf("event %d has seq %d, want %d", i, ev.Seq, want[i])
		}
	}
	if !strings.Contains(stderr, "replaying "+rec+": ./demo recorded") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// reportingSource hands the TUI the events of a Source it also reports
// elsewhere. It moves back and forth as the replay it wraps does.
type reportingSource struct {
	tracer.Source
	ch chan tracer.Event
}

func (s *reportingSource) Events() <-chan tracer.Event { return s.ch }

func (s *reportingSource) Previous(ctx context.Context) error {
	return s.Source.(tracer.Rewinder).Previous(ctx)
}

func (s *reportingSource) JumpTo(ctx context.Context, phase tracer.PhaseID) error {
	return s.Source.(tracer.Rewinder).JumpTo(ctx, phase)
}

// TestReplayInTheTUI drives the TUI on a replay with the "next" key until
// the recording's exit has been delivered, then goes back from the end with
// "previous" (the replay stays open after the exit) and quits.
func TestReplayInTheTUI(t *testing.T) {
	rec, err := replay.Read(demoRecording(t))
	if err != nil {
		t.Fatal(err)
	}
	opts := replayTUIOptions(rec)
	delivered := make(chan tracer.Event, 1024)
	start := opts.Start
	opts.Start = func(ctx context.Context) (tracer.Source, error) {
		src, err := start(ctx)
		if err != nil {
			return nil, err
		}
		c := &reportingSource{Source: src, ch: make(chan tracer.Event)}
		go func() {
			defer close(c.ch)
			for ev := range src.Events() {
				delivered <- ev
				c.ch <- ev
			}
		}()
		return c, nil
	}
	keys, typeKeys := io.Pipe()
	opts.Input, opts.Output, opts.NoAnimation = keys, io.Discard, true
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- tui.Run(ctx, opts) }()

	var exit tracer.Event
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for exit.Kind != tracer.KindExit {
		select {
		case exit = <-delivered:
		case <-tick.C:
			typeKeys.Write([]byte("n"))
		case err := <-done:
			t.Fatalf("the TUI ended early: %v", err)
		case <-ctx.Done():
			t.Fatal("the replay did not reach the exit in the TUI")
		}
	}
	typeKeys.Write([]byte("p"))
	select {
	case ev := <-delivered:
		if ev.Kind != tracer.KindStop || ev.Seq >= exit.Seq {
			t.Errorf("after p at the end the replay delivered %s (seq %d), want the last stop before the exit (seq %d)", ev.Label(), ev.Seq, exit.Seq)
		}
	case err := <-done:
		t.Fatalf("the TUI ended early: %v", err)
	case <-ctx.Done():
		t.Fatal("p at the end of the replay did not go back")
	}
	typeKeys.Write([]byte("q"))
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("tui.Run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the TUI did not quit")
	}
}
