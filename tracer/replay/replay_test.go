package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/redact"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// drive plays src to its end, continuing at every stop, and returns every
// event it delivered.
func drive(t *testing.T, src tracer.Source) []tracer.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var got []tracer.Event
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("the source did not end; %d events so far", len(got))
		case ev, ok := <-src.Events():
			if !ok {
				return got
			}
			got = append(got, ev)
			if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep {
				if err := src.Continue(ctx); err != nil {
					t.Fatalf("continue at %s: %v", ev.Label(), err)
				}
			}
		}
	}
}

// next reads one event, failing the test if none comes.
func next(t *testing.T, src tracer.Source) tracer.Event {
	t.Helper()
	select {
	case ev, ok := <-src.Events():
		if !ok {
			t.Fatal("the event channel was closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return tracer.Event{}
}

// untilStop reads events up to the next stop and returns them.
func untilStop(t *testing.T, src tracer.Source) []tracer.Event {
	t.Helper()
	var out []tracer.Event
	for {
		ev := next(t, src)
		out = append(out, ev)
		if ev.Kind == tracer.KindStop || ev.Kind == tracer.KindStep {
			return out
		}
	}
}

func jsonLines(t *testing.T, events []tracer.Event) []string {
	t.Helper()
	out := make([]string, len(events))
	for i, ev := range events {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

// sameEvents fails the test unless got and want encode to the same JSON,
// event by event.
func sameEvents(t *testing.T, got, want []tracer.Event) {
	t.Helper()
	g, w := jsonLines(t, got), jsonLines(t, want)
	if len(g) != len(w) {
		t.Fatalf("%d events, want %d", len(g), len(w))
	}
	for i := range g {
		if g[i] != w[i] {
			t.Fatalf("event %d differs\n got %s\nwant %s", i, g[i], w[i])
		}
	}
}

// recordDemo records the demo trace of tracertest and returns the bytes.
func recordDemo(t *testing.T, opts RecordOptions) ([]byte, []tracer.Event) {
	t.Helper()
	var buf bytes.Buffer
	rec := Record(tracertest.NewFake(tracertest.DemoEvents()), &buf, opts)
	seen := drive(t, rec)
	if err := rec.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return buf.Bytes(), seen
}

func TestRecordRoundTrip(t *testing.T) {
	data, seen := recordDemo(t, RecordOptions{Version: "v9.9.9-test"})
	sameEvents(t, seen, tracertest.DemoEvents())

	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(seen)+1 {
		t.Fatalf("%d lines for %d events", len(lines), len(seen))
	}
	rec, err := Parse("demo.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	h := rec.Header
	if h.Format != FormatName || h.Version != FormatVersion || h.KratosTrace != "v9.9.9-test" ||
		h.Target != "./demo" || h.KratosVersion != "v2.9.2" || h.GoVersion != "go1.26.8" ||
		h.OS == "" || h.Arch == "" || h.Started.IsZero() || !h.Redacted {
		t.Errorf("header = %+v", h)
	}
	if !rec.Complete() || rec.CutLine != 0 || rec.Warning() != "" {
		t.Errorf("complete=%v cut=%d warning=%q", rec.Complete(), rec.CutLine, rec.Warning())
	}
	want := tracertest.DemoEvents()
	for i := range want {
		want[i] = redact.Event(want[i])
	}
	sameEvents(t, rec.Events, want)

	// Played back with Continue at every stop, the replay delivers the
	// recording unchanged.
	sameEvents(t, drive(t, NewSource(rec, Options{})), rec.Events)
}

func TestRecordHeaderComesFirst(t *testing.T) {
	data, _ := recordDemo(t, RecordOptions{})
	var first map[string]any
	line, _, _ := strings.Cut(string(data), "\n")
	if err := json.Unmarshal([]byte(line), &first); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"format", "version", "kratos_trace_version", "target", "kratos_version", "go_version", "started", "os", "arch"} {
		if _, ok := first[key]; !ok {
			t.Errorf("header lacks %q: %s", key, line)
		}
	}
	// The status events held for the header follow it, in order.
	rec, err := Parse("x", data)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range rec.Events {
		if ev.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
	}
}

func TestRecordRedactsFileNotConsumer(t *testing.T) {
	const password = "Hunter2Secret"
	events := tracertest.DemoEvents()
	for i := range events {
		if events[i].Bootstrap != nil {
			events[i].Bootstrap.Lookup("data.database.source").Value = "root:" + password + "@tcp(127.0.0.1:3306)/shop"
		}
		if events[i].Kind == tracer.KindOutput {
			events[i].Output.Text = "connecting to mysql://root:" + password + "@db/shop"
		}
	}
	for _, noRedact := range []bool{false, true} {
		var buf bytes.Buffer
		rec := Record(tracertest.NewFake(events), &buf, RecordOptions{NoRedact: noRedact})
		seen := drive(t, rec)
		rec.Close()
		if !strings.Contains(strings.Join(jsonLines(t, seen), "\n"), password) {
			t.Error("the consumer did not see the real value")
		}
		inFile := strings.Contains(buf.String(), password)
		inMemory := strings.Contains(strings.Join(jsonLines(t, rec.Recorded()), "\n"), password)
		if inFile != noRedact || inMemory != noRedact {
			t.Errorf("noRedact=%v: password in file %v, in Recorded %v", noRedact, inFile, inMemory)
		}
		if !noRedact && !strings.Contains(buf.String(), "root:****@tcp(127.0.0.1:3306)/shop") {
			t.Error("the masked DSN is not in the file")
		}
	}
}

// failingWriter fails from the nth write on.
type failingWriter struct {
	n      int
	writes int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes >= w.n {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestRecordWriteError(t *testing.T) {
	w := &failingWriter{n: 3}
	rec := Record(tracertest.NewFake(tracertest.DemoEvents()), w, RecordOptions{})
	seen := drive(t, rec)
	if len(seen) != len(tracertest.DemoEvents()) {
		t.Errorf("the consumer saw %d events; a failing file must not stop the trace", len(seen))
	}
	err := rec.Close()
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v, want the write error", err)
	}
	if w.writes != 3 {
		t.Errorf("%d writes after the failure", w.writes-3)
	}
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadTruncated(t *testing.T) {
	data, _ := recordDemo(t, RecordOptions{})
	lines := bytes.SplitAfter(data, []byte("\n"))
	// Ten whole lines (the header and nine events), then half of the next.
	cut := append(bytes.Join(lines[:10], nil), lines[10][:len(lines[10])/2]...)
	path := writeFile(t, cut)
	rec, err := Read(path)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(rec.Events) != 9 || rec.CutLine != 11 || rec.Complete() {
		t.Fatalf("%d events, cut line %d, complete %v", len(rec.Events), rec.CutLine, rec.Complete())
	}
	w := rec.Warning()
	if !strings.Contains(w, path+":11: the line is cut short") || !strings.Contains(w, "9 whole events") {
		t.Errorf("warning = %q", w)
	}
	got := drive(t, NewSource(rec, Options{}))
	sameEvents(t, got, rec.Events)

	// Cut at a line's end: nothing is cut short, but the trace is incomplete.
	rec, err = Parse("p.jsonl", bytes.Join(lines[:10], nil))
	if err != nil {
		t.Fatal(err)
	}
	if rec.CutLine != 0 || rec.Complete() || !strings.Contains(rec.Warning(), "before the program exited") {
		t.Errorf("cut=%d complete=%v warning=%q", rec.CutLine, rec.Complete(), rec.Warning())
	}
}

func TestReadErrors(t *testing.T) {
	data, _ := recordDemo(t, RecordOptions{})
	lines := strings.SplitAfter(string(data), "\n")
	with := func(i int, s string) []byte {
		l := append([]string(nil), lines...)
		l[i] = s
		return []byte(strings.Join(l, ""))
	}
	future := strings.Replace(lines[0], `"version":1`, `"version":7`, 1)
	tests := []struct {
		name string
		data []byte
		want string
		as   any
	}{
		{"corrupt line", with(4, "{\"seq\":4,\"kind\":\"stop\",,}\n"), "rec.jsonl:5: not a valid event: invalid character ','", new(*LineError)},
		{"wrong type", with(6, "{\"seq\":\"six\",\"kind\":\"stop\"}\n"), "rec.jsonl:7: not a valid event: seq should be a JSON number, not a JSON string", new(*LineError)},
		{"no kind", with(3, "{\"seq\":3}\n"), `rec.jsonl:4: not an event: it has no "kind"`, new(*LineError)},
		{"not a recording", []byte(strings.Join(lines[1:], "")), "rec.jsonl:1: not a kratos-trace recording", new(*LineError)},
		{"future version", with(0, future), "was recorded by kratos-trace " + Version() + " in record format version 7, and this kratos-trace", new(*VersionError)},
		{"empty", nil, "the file is empty, not a kratos-trace recording", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.data)
			_, err := Read(path)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), path, "rec.jsonl")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error = %q\nwant it to contain %q", msg, tt.want)
			}
			if tt.as != nil && !errors.As(err, tt.as) {
				t.Errorf("error is a %T", err)
			}
		})
	}
}

// stopLabels returns the labels of the stops in events.
func stopLabels(events []tracer.Event) []string {
	var out []string
	for _, ev := range events {
		if ev.Kind == tracer.KindStop {
			out = append(out, ev.Label())
		}
	}
	return out
}

func demoRecording(t *testing.T) *Recording {
	t.Helper()
	data, _ := recordDemo(t, RecordOptions{})
	rec, err := Parse("demo.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestRewind(t *testing.T) {
	ctx := t.Context()
	rec := demoRecording(t)
	src := NewSource(rec, Options{StayOpen: true})
	defer src.Close()

	first := untilStop(t, src)
	if got := first[len(first)-1]; got.Phase != tracer.PhaseFlagParse {
		t.Fatalf("first stop %s", got.Label())
	}
	if err := src.Previous(ctx); !errors.Is(err, tracer.ErrAtStart) {
		t.Errorf("Previous at the first stop = %v", err)
	}
	src.Continue(ctx)
	untilStop(t, src) // config.load
	src.Continue(ctx)
	scan := untilStop(t, src)
	scanEv := scan[len(scan)-1]
	if scanEv.Phase != tracer.PhaseConfigScan {
		t.Fatalf("third stop %s", scanEv.Label())
	}

	// Back one: only the stop, with its recorded Seq.
	if err := src.Previous(ctx); err != nil {
		t.Fatal(err)
	}
	back := next(t, src)
	if back.Phase != tracer.PhaseConfigLoad || back.Kind != tracer.KindStop || back.Seq >= scanEv.Seq {
		t.Errorf("after Previous: %s %s seq %d", back.Kind, back.Label(), back.Seq)
	}
	// Continue from there delivers the same events as the first time.
	src.Continue(ctx)
	again := untilStop(t, src)
	sameEvents(t, again, scan)

	// Forward jump: the stops on the way become passes.
	if err := src.JumpTo(ctx, tracer.PhaseRunning); err != nil {
		t.Fatal(err)
	}
	fwd := untilStop(t, src)
	if labels := stopLabels(fwd); len(labels) != 1 || labels[0] != "app.running" {
		t.Errorf("stops on a forward jump: %v", labels)
	}
	passes := 0
	for _, ev := range fwd {
		if ev.Kind == tracer.KindPass {
			passes++
		}
	}
	if passes < 10 {
		t.Errorf("%d passes on the way to app.running", passes)
	}

	// Backward jump to the wire phase.
	if err := src.JumpTo(ctx, tracer.PhaseWire); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, src); ev.Phase != tracer.PhaseWire || ev.Kind != tracer.KindStop {
		t.Errorf("after JumpTo(wire): %s %s", ev.Kind, ev.Label())
	}
	if err := src.JumpTo(ctx, "no.such.phase"); !errors.Is(err, tracer.ErrNotInTrace) {
		t.Errorf("JumpTo unknown = %v", err)
	}

	// Play to the end; with StayOpen the channel stays open and Previous
	// goes back to the last stop.
	if err := src.JumpTo(ctx, tracer.PhaseExit); err != nil {
		t.Fatal(err)
	}
	for {
		ev := next(t, src)
		if ev.Kind == tracer.KindStop {
			t.Fatalf("stop %s while jumping to the exit", ev.Label())
		}
		if ev.Kind == tracer.KindExit {
			break
		}
	}
	if err := src.Continue(ctx); !errors.Is(err, tracer.ErrEnded) {
		t.Errorf("Continue at the end = %v", err)
	}
	if err := src.Previous(ctx); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, src); ev.Phase != tracer.PhaseAfterStop {
		t.Errorf("Previous from the end: %s", ev.Label())
	}
	src.Close()
	if _, ok := <-src.Events(); ok {
		t.Error("the channel is open after Close")
	}
	if err := src.Continue(ctx); !errors.Is(err, tracer.ErrEnded) {
		t.Errorf("Continue after Close = %v", err)
	}
}

func TestReplayBreaks(t *testing.T) {
	ctx := t.Context()
	rec := demoRecording(t)
	src := NewSource(rec, Options{})
	defer src.Close()
	for _, p := range tracer.Phases {
		src.SetBreak(p.ID, false)
	}
	// app.register was recorded as a skipped pass; app.build-instance as a
	// stop. Turning both on must pause at the stop only; turning
	// config.scan off must pass it.
	src.SetBreak(tracer.PhaseRegister, true)
	src.SetBreak(tracer.PhaseBuildInstance, true)
	got := drive(t, src)
	if labels := stopLabels(got); strings.Join(labels, ",") != "app.build-instance" {
		t.Errorf("stops = %v", labels)
	}

	// A pass recorded without a break becomes a stop when its break is on.
	events := tracertest.DemoEvents()
	for i := range events {
		if events[i].Kind == tracer.KindStop && events[i].Phase == tracer.PhaseWireDone {
			events[i].Kind = tracer.KindPass
		}
	}
	src2 := NewSource(&Recording{Path: "x", Events: events}, Options{})
	defer src2.Close()
	src2.SetBreak(tracer.PhaseWireDone, true)
	for {
		ev := next(t, src2)
		if ev.Phase == tracer.PhaseWireDone {
			if ev.Kind != tracer.KindStop {
				t.Errorf("wire.done delivered as %s", ev.Kind)
			}
			break
		}
		if ev.Kind == tracer.KindStop {
			src2.Continue(ctx)
		}
	}
}

func TestSignalAndStepContinue(t *testing.T) {
	ctx := t.Context()
	src := NewSource(demoRecording(t), Options{})
	defer src.Close()
	untilStop(t, src)
	for _, cmd := range []func() error{
		func() error { return src.StepOver(ctx) },
		func() error { return src.StepOut(ctx) },
		func() error { return src.Signal(ctx, os.Interrupt) },
	} {
		if err := cmd(); err != nil {
			t.Fatal(err)
		}
		untilStop(t, src)
	}
}

// TestCommandsHonourTheirContext: a command whose context has ended is
// refused and moves nothing; the replay stays where it was.
func TestCommandsHonourTheirContext(t *testing.T) {
	src := NewSource(demoRecording(t), Options{StayOpen: true})
	defer src.Close()
	untilStop(t, src)
	untilStopAfter := func() { src.Continue(t.Context()); untilStop(t, src) }
	untilStopAfter()
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	for name, cmd := range map[string]func() error{
		"Continue": func() error { return src.Continue(ended) },
		"StepOver": func() error { return src.StepOver(ended) },
		"Signal":   func() error { return src.Signal(ended, os.Interrupt) },
		"Previous": func() error { return src.Previous(ended) },
		"JumpTo":   func() error { return src.JumpTo(ended, tracer.PhaseExit) },
	} {
		if err := cmd(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with an ended context: %v, want context.Canceled", name, err)
		}
	}
	// Still paused at config.load: a live command goes on from there.
	if err := src.Continue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := untilStop(t, src); got[len(got)-1].Phase != tracer.PhaseConfigScan {
		t.Errorf("after the refused commands the replay went on to %s", got[len(got)-1].Label())
	}
}

// TestKilledRecorderLeavesPrefix kills a process in the middle of recording
// and reads what it left.
func TestKilledRecorderLeavesPrefix(t *testing.T) {
	if os.Getenv("REPLAY_TEST_RECORDER") != "" {
		recordSlowlyForever(os.Getenv("REPLAY_TEST_RECORDER"))
		return
	}
	path := filepath.Join(t.TempDir(), "killed.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledRecorderLeavesPrefix$")
	cmd.Env = append(os.Environ(), "REPLAY_TEST_RECORDER="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		if bytes.Count(data, []byte("\n")) >= 12 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the recorder wrote nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	rec, err := Read(path)
	if err != nil {
		t.Fatalf("the recording of a killed run is not readable: %v", err)
	}
	if len(rec.Events) < 11 || rec.Complete() || rec.Warning() == "" {
		t.Errorf("%d events, complete %v, warning %q", len(rec.Events), rec.Complete(), rec.Warning())
	}
}

// recordSlowlyForever records the demo trace to path, continuing at each
// stop after a pause, and then waits to be killed.
func recordSlowlyForever(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rec := Record(tracertest.NewFake(tracertest.DemoEvents()), f, RecordOptions{})
	for ev := range rec.Events() {
		if ev.Kind == tracer.KindStop {
			time.Sleep(20 * time.Millisecond)
			rec.Continue(context.Background())
		}
	}
	select {}
}

func TestVersion(t *testing.T) {
	if Version() == "" {
		t.Error("Version is empty")
	}
	old := version
	defer func() { version = old }()
	version = "v1.2.3"
	if Version() != "v1.2.3" {
		t.Errorf("Version() = %q, want the -ldflags value", Version())
	}
	h := Record(tracertest.NewFake(nil), nil, RecordOptions{}).Header()
	if h.KratosTrace != "v1.2.3" {
		t.Errorf("header version %q", h.KratosTrace)
	}
}

// TestReplayPausesAtAHalt: a halt the recording holds waits for Continue,
// as the halted program did, and Previous goes back to it as a halt.
func TestReplayPausesAtAHalt(t *testing.T) {
	ctx := t.Context()
	var events []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		events = append(events, ev)
		if ev.Phase == tracer.PhaseRunning {
			events = append(events, tracer.Event{Kind: tracer.KindHalt, Goroutines: []tracer.Goroutine{{ID: 1, Main: true}}})
		}
	}
	src := NewSource(&Recording{Path: "x", Events: events}, Options{StayOpen: true})
	defer src.Close()
	for ev := next(t, src); ev.Phase != tracer.PhaseRunning; ev = next(t, src) {
		if ev.Kind == tracer.KindStop {
			if err := src.Continue(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := src.Continue(ctx); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, src); ev.Kind != tracer.KindHalt || len(ev.Goroutines) != 1 {
		t.Fatalf("after app.running came %s, want the halt", ev.Kind)
	}
	select {
	case ev := <-src.Events():
		t.Fatalf("the replay went on past the halt to %s %s", ev.Kind, ev.Label())
	case <-time.After(100 * time.Millisecond):
	}
	if err := src.Continue(ctx); err != nil {
		t.Fatalf("continue at the halt: %v", err)
	}
	after := next(t, src)
	if err := src.Previous(ctx); err != nil {
		t.Fatalf("previous from %s: %v", after.Label(), err)
	}
	if ev := next(t, src); ev.Kind != tracer.KindHalt {
		t.Errorf("previous went back to %s %s, want the halt", ev.Kind, ev.Label())
	}
}
