package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// TestSystemAttachMember traces a system of the stock kratos-layout,
// already running (a plain go build) and attached to by name, and the
// demo greeter built and started here after it: the layout's attach stop
// shows its App, the greeter starts once that stop is reported and walks
// its whole lifecycle, and the shutdown signals the greeter and detaches
// from the layout, which still serves and is neither traced nor stopped.
func TestSystemAttachMember(t *testing.T) {
	l := startLayout(t)
	greeter := tracertest.WriteDemoConfig(t, tracertest.DemoConfigOptions{})
	demo, err := filepath.Abs("../../demo")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "kratos-trace.yaml")
	sys := fmt.Sprintf("services:\n  - name: layout\n    attach: %s\n  - name: greeter\n    package: %s/cmd/server\n    args: [-conf, %s]\n", l.name, demo, greeter.Dir)
	if err := os.WriteFile(file, []byte(sys), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := filepath.Join(dir, "system.jsonl")
	code, out, stderr := runCLI(t, "run", "--headless", "--system="+file, "--record", rec)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s", code, stderr, out)
	}
	recording, err := replay.Read(rec)
	if err != nil {
		t.Fatal(err)
	}
	events := recording.Events
	seqOf := func(service string, phase tracer.PhaseID) int {
		for i, ev := range events {
			if ev.Service == service && ev.Phase == phase && ev.IsPhase() {
				return i
			}
		}
		t.Fatalf("%s never reached %s\nstdout:\n%s", service, phase, out)
		return -1
	}
	attachAt := seqOf("layout", tracer.PhaseAttach)
	checkAttachStop(t, events[attachAt], l)
	last := -1
	for _, ph := range []tracer.PhaseID{tracer.PhaseFlagParse, tracer.PhaseConfigScan, tracer.PhaseAppRun, tracer.PhaseRunning,
		tracer.PhaseStop, tracer.PhaseAfterStop, tracer.PhaseExit} {
		at := seqOf("greeter", ph)
		if at < last {
			t.Errorf("greeter: %s came before the phase listed before it", ph)
		}
		last = at
	}
	if g := seqOf("greeter", tracer.PhaseFlagParse); g < attachAt {
		t.Errorf("the greeter started (event %d) before the layout's attach stop (event %d)", g, attachAt)
	}
	for _, ev := range events {
		if ev.Service == "layout" && (ev.Phase == tracer.PhaseStop || ev.Kind == tracer.KindExit) {
			t.Errorf("the attached layout was shut down: %+v", ev)
		}
	}
	for _, want := range []string{"layout", "greeter"} {
		if !strings.Contains(out, want+" ") && !strings.Contains(out, want+":") {
			t.Errorf("stdout names no %s:\n%s", want, out)
		}
	}
	if !strings.Contains(out+stderr, "leaving it running") {
		t.Errorf("the trace does not say the layout is left running\nstdout:\n%s\nstderr:\n%s", out, stderr)
	}
	checkUntraced(t, l.pid())
	l.answers(t, true)
}
