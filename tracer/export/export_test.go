package export

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func exportDemo(t *testing.T) (*File, []map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, tracertest.DemoEvents(), Options{Name: "kratos-trace ./demo", Metadata: map[string]string{"target": "./demo"}}); err != nil {
		t.Fatal(err)
	}
	events, err := Validate(buf.Bytes())
	if err != nil {
		t.Fatalf("invalid trace: %v", err)
	}
	var f File
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	return &f, events
}

func TestExportPhaseDurationsMatchRecord(t *testing.T) {
	f, _ := exportDemo(t)
	var phases []tracer.Event
	for _, ev := range tracertest.DemoEvents() {
		if ev.IsPhase() {
			phases = append(phases, ev)
		}
	}
	var slices []TraceEvent
	for _, ev := range f.TraceEvents {
		if ev.Cat == "phase" {
			slices = append(slices, ev)
		}
	}
	if len(slices) != len(phases) {
		t.Fatalf("%d phase events in the export, %d in the record", len(slices), len(phases))
	}
	for i, ph := range phases {
		s := slices[i]
		if s.Name != ph.Label() || s.Tid != tidLifecycle {
			t.Errorf("slice %d is %q on tid %d, want %q", i, s.Name, s.Tid, ph.Label())
		}
		if s.Ts != float64(ph.Elapsed)/1e3 {
			t.Errorf("%s: ts %v, want %v", s.Name, s.Ts, float64(ph.Elapsed)/1e3)
		}
		if i == len(phases)-1 {
			if s.Ph != "i" || ph.Kind != tracer.KindExit {
				t.Errorf("last phase %s is %q", s.Name, s.Ph)
			}
			continue
		}
		// A phase lasts until the next one begins: the next event's
		// since_prev.
		want := float64(phases[i+1].SincePrev) / 1e3
		if s.Ph != "X" || s.Dur == nil || math.Abs(*s.Dur-want) > 0.001 {
			t.Errorf("%s: dur %v, want %v (since_prev of %s)", s.Name, s.Dur, want, phases[i+1].Label())
		}
	}
}

func TestExportNestsPhasesInGroups(t *testing.T) {
	f, _ := exportDemo(t)
	var groups []TraceEvent
	for _, ev := range f.TraceEvents {
		if ev.Cat == "group" {
			groups = append(groups, ev)
		}
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	if got := strings.Join(names, " "); got != "main config wire run shutdown" {
		t.Errorf("groups = %s", got)
	}
	for _, ev := range f.TraceEvents {
		if ev.Cat != "phase" {
			continue
		}
		end := ev.Ts
		if ev.Dur != nil {
			end += *ev.Dur
		}
		info, _ := tracer.Info(tracer.PhaseID(strings.Fields(ev.Name)[0]))
		found := false
		for _, g := range groups {
			if g.Name == string(info.Group) && g.Ts <= ev.Ts && end <= g.Ts+*g.Dur+1e-6 {
				found = true
			}
		}
		if !found {
			t.Errorf("phase %s [%v, %v] is not inside its group %s", ev.Name, ev.Ts, end, info.Group)
		}
	}
}

func TestExportServerTracks(t *testing.T) {
	f, _ := exportDemo(t)
	threads := map[int]string{}
	for _, ev := range f.TraceEvents {
		if ev.Ph == "M" && ev.Name == "thread_name" {
			threads[ev.Tid] = ev.Args["name"].(string)
		}
	}
	states := map[string][]string{}
	marks := map[string]int{}
	for _, ev := range f.TraceEvents {
		name := threads[ev.Tid]
		if !strings.HasPrefix(name, "server ") {
			continue
		}
		switch ev.Ph {
		case "X":
			states[name] = append(states[name], ev.Name)
		case "i":
			marks[name]++
		}
	}
	if len(states) != 2 {
		t.Fatalf("server tracks: %v", threads)
	}
	for name, st := range states {
		if got := strings.Join(st, " "); got != "created starting listening stopped" {
			t.Errorf("%s states: %s", name, got)
		}
		if marks[name] != 2 {
			t.Errorf("%s has %d start/stop marks, want 2", name, marks[name])
		}
	}
	if threads[tidOutput] != "output" {
		t.Errorf("no output track: %v", threads)
	}
}

func TestExportRedacts(t *testing.T) {
	events := tracertest.DemoEvents()
	for i := range events {
		if events[i].Kind == tracer.KindOutput {
			events[i].Output.Text = "dsn root:TopSecret1@tcp(db:3306)/x"
		}
	}
	for _, noRedact := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Write(&buf, events, Options{NoRedact: noRedact}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(buf.String(), "TopSecret1"); got != noRedact {
			t.Errorf("noRedact=%v: secret in export = %v", noRedact, got)
		}
	}
}

func TestExportEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// TestExportBreakStaysInItsGroup: a stop at a breakpoint of the user's own
// is a phase slice in the group it happened in, not a group of its own
// that splits the wire group in two.
func TestExportBreakStaysInItsGroup(t *testing.T) {
	ms := func(n int) tracer.Duration { return tracer.Duration(n * 1e6) }
	code := 0
	events := []tracer.Event{
		{Seq: 1, Kind: tracer.KindStop, Phase: tracer.PhaseWire, Detail: "wireApp", Elapsed: ms(1)},
		{Seq: 2, Kind: tracer.KindStop, Phase: tracer.PhaseWireProvider, Detail: "main.newApp", Elapsed: ms(2)},
		{Seq: 3, Kind: tracer.KindStop, Phase: tracer.PhaseBreak, Detail: "main.newApp", Elapsed: ms(2)},
		{Seq: 4, Kind: tracer.KindReturn, Phase: tracer.PhaseWireProvider, Detail: "main.newApp", Elapsed: ms(3)},
		{Seq: 5, Kind: tracer.KindStop, Phase: tracer.PhaseWireDone, Detail: "wireApp", Elapsed: ms(3)},
		{Seq: 6, Kind: tracer.KindStop, Phase: tracer.PhaseAppRun, Elapsed: ms(4)},
		{Seq: 7, Kind: tracer.KindExit, Phase: tracer.PhaseExit, Elapsed: ms(5), ExitCode: &code},
	}
	var buf bytes.Buffer
	if err := Write(&buf, events, Options{Name: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	var groups, phases []string
	for _, ev := range f.TraceEvents {
		switch ev.Cat {
		case "group":
			groups = append(groups, ev.Name)
		case "phase":
			phases = append(phases, ev.Name)
		}
	}
	if strings.Join(groups, ",") != "wire,run,shutdown" {
		t.Errorf("groups %v, want wire, run and the exit's shutdown", groups)
	}
	if !strings.Contains(strings.Join(phases, ","), "wire.provider main.newApp,break main.newApp,wire.done wireApp") {
		t.Errorf("phases %v", phases)
	}
}

// TestOutputName: an output line longer than 80 runes is named by its first
// 77 and "...", counted in runes whatever their bytes, so that a line whose
// first 320 bytes are 80 four-byte runes is cut as any other.
func TestOutputName(t *testing.T) {
	emoji := strings.Repeat("😀", 80) // 320 bytes
	for _, tt := range []struct {
		name, text, want string
	}{
		{"short", "listening on :8000", "listening on :8000"},
		{"80 ASCII runes", strings.Repeat("a", 80), strings.Repeat("a", 80)},
		{"81 ASCII runes", strings.Repeat("a", 81), strings.Repeat("a", 77) + "..."},
		{"80 four-byte runes", emoji, emoji},
		{"80 four-byte runes and more", emoji + "!", strings.Repeat("😀", 77) + "..."},
		{"three-byte runes across 320 bytes", strings.Repeat("汉", 200), strings.Repeat("汉", 77) + "..."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := outputName(tt.text); got != tt.want {
				t.Errorf("outputName = %q (%d runes), want %q", got, len([]rune(got)), tt.want)
			}
		})
	}
	// Through Write: the instant is named so, its args keep the line.
	long := emoji + " and the rest of the line"
	var buf bytes.Buffer
	err := Write(&buf, []tracer.Event{{Kind: tracer.KindOutput, Output: &tracer.OutputLine{Stream: "stdout", Text: long}}}, Options{NoRedact: true})
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	for _, ev := range f.TraceEvents {
		if ev.Tid == tidOutput && ev.Ph == "i" {
			if !strings.HasSuffix(ev.Name, "...") || ev.Args["text"] != long {
				t.Errorf("output instant %q, args %v", ev.Name, ev.Args)
			}
			return
		}
	}
	t.Errorf("no output instant in %s", buf.String())
}
