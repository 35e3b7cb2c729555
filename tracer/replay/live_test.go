package replay

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// demoDir is the demo service, relative to this package.
const demoDir = "../../demo"

// liveSecret is a password the live test's config holds in a Redis URL; the
// demo logs that URL when nothing answers there, so the secret reaches both
// the Bootstrap tree and the program's output.
const liveSecret = "S3cr3tPa55w0rd"

// writeDemoConfig writes a demo config on free ports, with liveSecret in it.
func writeDemoConfig(t *testing.T) string {
	t.Helper()
	return tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{RedisAddr: "redis://admin:" + liveSecret + "@127.0.0.1:1/0"}).Dir
}

// TestLiveRecordReplaysEqual records a real run of the demo under the real
// Delve, printed by the headless printer, then replays the file through the
// same printer: the replay delivers the recorded events unchanged, and prints
// what the live run printed, with the secret masked.
func TestLiveRecordReplaysEqual(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo under Delve")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	conf := writeDemoConfig(t)
	live, err := delve.Start(ctx, delve.Config{Target: demoDir, Args: []string{"-conf", conf}})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	path := filepath.Join(t.TempDir(), "demo.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := Record(live, f, RecordOptions{Target: demoDir})
	var liveOut, liveLog bytes.Buffer
	res, err := headless.Run(ctx, rec, headless.Options{Out: &liveOut, Log: &liveLog, JSON: true, StopTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("live run: %v\n%s", err, liveLog.String())
	}
	if res.Err != nil && strings.Contains(res.Err.Error, "ptrace is not permitted") {
		tracertest.SkipWithoutPtrace(t, "the real debugger cannot run: "+res.Err.Error)
	}
	if err := rec.Close(); err != nil {
		t.Fatalf("close the recorder: %v", err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("the demo exited %d\n%s", res.ExitCode, liveLog.String())
	}
	if !strings.Contains(liveOut.String(), liveSecret) {
		t.Fatal("the live output does not show the secret, so this test proves nothing about redaction")
	}

	start := time.Now()
	src, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Logf("opened %d events in %s", len(src.Recording().Events), time.Since(start))
	tee := &teeSource{Source: src}
	var replayOut, replayLog bytes.Buffer
	replayRes, err := headless.Run(ctx, tee, headless.Options{Out: &replayOut, Log: &replayLog, JSON: true})
	if err != nil {
		t.Fatalf("replay: %v", err)
	}

	// The replayed event sequence is the recorded one.
	sameEvents(t, tee.seen, rec.Recorded())
	sameEvents(t, tee.seen, src.Recording().Events)
	if got, want := len(replayRes.Phases), len(res.Phases); got != want || replayRes.ExitCode != 0 {
		t.Errorf("replay: %d phases, exit %d; live: %d phases", got, replayRes.ExitCode, want)
	}
	// And it prints what the live run printed, the secret masked.
	if want := strings.ReplaceAll(liveOut.String(), liveSecret, "****"); replayOut.String() != want {
		t.Errorf("the replay printed something else\n--- live (masked)\n%s\n--- replay\n%s", want, replayOut.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"the recording": string(data), "the replay's output": replayOut.String() + replayLog.String()} {
		if strings.Contains(text, liveSecret) {
			t.Errorf("%s holds the secret", name)
		}
	}
	h := src.Recording().Header
	if h.Target != demoDir || h.KratosVersion == "" || !strings.HasPrefix(h.GoVersion, "go") {
		t.Errorf("header = %+v", h)
	}
	for _, ev := range src.Recording().Events {
		if ev.Kind == tracer.KindStop && (ev.Source == nil || len(ev.Source.Lines) == 0) {
			t.Errorf("stop %s has no source snippet", ev.Label())
		}
	}
}

// teeSource keeps every event its Source delivers.
type teeSource struct {
	*Source
	ch   chan tracer.Event
	seen []tracer.Event
}

func (s *teeSource) Events() <-chan tracer.Event {
	if s.ch == nil {
		s.ch = make(chan tracer.Event)
		go func() {
			defer close(s.ch)
			for ev := range s.Source.Events() {
				s.seen = append(s.seen, ev)
				s.ch <- ev
			}
		}()
	}
	return s.ch
}
