package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/export"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// systemRecording records a system of two demo services, greeter and
// gateway, their events interleaved as a system trace's are; the gateway's
// data.redis.read_timeout is readTimeout.
func systemRecording(t *testing.T, name, readTimeout string) string {
	t.Helper()
	var each [][]tracer.Event
	for _, svc := range []string{"greeter", "gateway"} {
		evs := tracertest.DemoEvents()
		for i := range evs {
			evs[i].Service = svc
			if svc == "gateway" && evs[i].Bootstrap != nil {
				if n := evs[i].Bootstrap.Lookup("data.redis.read_timeout"); n != nil {
					n.Value = readTimeout
				}
			}
		}
		each = append(each, evs)
	}
	var events []tracer.Event
	for i := 0; i < len(each[0]) || i < len(each[1]); i++ {
		for _, evs := range each {
			if i < len(evs) {
				events = append(events, evs[i])
			}
		}
	}
	for i := range events {
		events[i].Seq = i + 1
	}
	path := filepath.Join(t.TempDir(), name)
	recordEvents(t, path, events)
	return path
}

// recordEvents records events to path as a run would, going on at each
// stop.
func recordEvents(t *testing.T, path string, events []tracer.Event) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := replay.Record(tracertest.NewFake(events), f, replay.RecordOptions{})
	for ev := range rec.Events() {
		if ev.Kind == tracer.KindStop {
			rec.Continue(t.Context())
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
}

// exportRecording exports the recording rec with `kratos-trace export`,
// checks that the file is a valid trace, and reads it.
func exportRecording(t *testing.T, rec string) *export.File {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "system.trace.json")
	if code, out, stderr := runCLI(t, "export", "-o", trace, rec); code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, out, stderr)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := export.Validate(data); err != nil {
		t.Fatalf("invalid trace: %v", err)
	}
	var f export.File
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// TestDiffAndExportSystems: `diff` of two system recordings compares them
// service by service, and `export` writes a process per service.
func TestDiffAndExportSystems(t *testing.T) {
	a := systemRecording(t, "a.jsonl", "200ms")
	b := systemRecording(t, "b.jsonl", "500ms")
	if code, out, stderr := runCLI(t, "diff", a, a); code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("diff A A of a system: exit %d, want 0\n%s%s", code, out, stderr)
	}
	code, out, stderr := runCLI(t, "diff", "--no-times", a, b)
	want := "--- " + a + "\n+++ " + b + "\n\ngateway: Bootstrap\n- data.redis.read_timeout: 200ms  (configs/config.yaml:26)\n+ data.redis.read_timeout: 500ms  (configs/config.yaml:26)\n\n1 difference(s): gateway bootstrap 1.\n"
	if code != 1 || out != want {
		t.Errorf("diff --no-times A B: exit %d, want 1\n got:\n%s\nwant:\n%s\n%s", code, out, want, stderr)
	}

	f := exportRecording(t, a)
	procs := map[int]string{}
	for _, te := range f.TraceEvents {
		if te.Ph == "M" && te.Name == "process_name" {
			procs[te.Pid] = te.Args["name"].(string)
		}
	}
	if len(procs) != 2 || procs[2] != "greeter" || procs[3] != "gateway" {
		t.Errorf("processes %v, want greeter and gateway", procs)
	}
}

// checkSystemExportAndDiff exports a real recording of the demo system
// with a request to the gateway: a process per service in start order and
// one flow arrow, from the gateway's request.client slice to the greeter's
// request; and `diff` of the recording with itself exits 0.
func checkSystemExportAndDiff(t *testing.T, rec string) {
	t.Helper()
	if code, out, stderr := runCLI(t, "diff", rec, rec); code != 0 || !strings.Contains(out, "No differences.") {
		t.Errorf("diff of the system's recording with itself: exit %d, want 0\n%s%s", code, out, stderr)
	}
	f := exportRecording(t, rec)
	procs := map[int]string{}
	var flows []export.TraceEvent
	for _, te := range f.TraceEvents {
		if te.Ph == "M" && te.Name == "process_name" {
			procs[te.Pid] = te.Args["name"].(string)
		}
		if te.Ph == "s" || te.Ph == "f" {
			flows = append(flows, te)
		}
	}
	if procs[2] != "greeter" || procs[3] != "gateway" {
		t.Errorf("processes %v, want greeter on 2 and gateway on 3", procs)
	}
	if len(flows) != 2 || flows[0].Ph != "s" || flows[1].Ph != "f" || flows[0].ID != flows[1].ID || flows[0].Pid != 3 || flows[1].Pid != 2 {
		t.Fatalf("flows %+v, want one arrow from the gateway to the greeter", flows)
	}
	in := func(te export.TraceEvent, prefix string) bool {
		for _, s := range f.TraceEvents {
			if s.Ph == "X" && s.Pid == te.Pid && s.Tid == te.Tid && strings.HasPrefix(s.Name, prefix) && s.Ts == te.Ts {
				return true
			}
		}
		return false
	}
	if !in(flows[0], "request.client ") || !in(flows[1], "request.transport ") {
		t.Errorf("the arrow does not go from the gateway's request.client slice to the greeter's request.transport: %+v", flows)
	}
}
