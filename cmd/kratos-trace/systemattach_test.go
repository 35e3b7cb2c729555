package main

import (
	"fmt"
	"os"
	"os/exec"
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
	events, out, stderr := traceSystemFile(t, file, "")
	seqOf := func(service string, phase tracer.PhaseID) int { return firstPhase(t, events, service, phase, out) }
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
	if !strings.Contains(stderr, "greeter: starting: layout attached") {
		t.Errorf("the greeter does not say it starts once the layout is attached\nstderr:\n%s", stderr)
	}
	if !strings.Contains(out+stderr, "leaving it running") {
		t.Errorf("the trace does not say the layout is left running\nstdout:\n%s\nstderr:\n%s", out, stderr)
	}
	checkUntraced(t, l.pid())
	l.answers(t, true)
}

// TestSystemConnectMember traces a system of the demo under a real
// `dlv exec --headless`, reached by connect:, and the kratos-layout
// fixture built here after it: the demo's boot is traced through its Delve
// server up to app.running, the layout starts then, and the shutdown walks
// the layout's and leaves the demo serving under its Delve server.
func TestSystemConnectMember(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo and runs a real Delve server")
	}
	dlv := installDlv(t)
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-gcflags=all=-N -l", "-o", bin, "./cmd/server")
	build.Dir = filepath.Join(repoRoot, "demo")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the demo: %v\n%s", err, out)
	}
	conf, httpAddr, _ := demoConfigDir(t)
	d := startHeadlessDelve(t, dlv, bin, conf)
	layout, err := filepath.Abs("../../tracer/delve/testdata/layout/cmd/server")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "kratos-trace.yaml")
	sys := fmt.Sprintf("services:\n  - name: greeter\n    connect: %s\n  - name: layout\n    package: %s\n    args: [-conf, %s]\n", d.addr, layout, layoutConfigDir(t))
	if err := os.WriteFile(file, []byte(sys), 0o600); err != nil {
		t.Fatal(err)
	}
	events, out, stderr := traceSystemFile(t, file, d.log.String())
	seqOf := func(service string, phase tracer.PhaseID) int { return firstPhase(t, events, service, phase, out) }
	if seqOf("greeter", tracer.PhaseFlagParse) > seqOf("greeter", tracer.PhaseRunning) {
		t.Errorf("the greeter's boot is out of order")
	}
	if l, g := seqOf("layout", tracer.PhaseFlagParse), seqOf("greeter", tracer.PhaseRunning); l < g {
		t.Errorf("the layout started (event %d) before the greeter was at app.running (event %d)", l, g)
	}
	seqOf("layout", tracer.PhaseExit)
	for _, ev := range events {
		if ev.Service == "greeter" && (ev.Phase == tracer.PhaseStop || ev.Kind == tracer.KindExit) {
			t.Errorf("the connected greeter was shut down: %+v", ev)
		}
	}
	if !strings.Contains(out+stderr, "not signalled: it was running before the system (connect)") {
		t.Errorf("the trace does not say the greeter is left running\nstderr:\n%s", stderr)
	}
	serving(t, httpAddr)
	if d.cmd.ProcessState != nil {
		t.Errorf("dlv ended: %v", d.cmd.ProcessState)
	}
}

// traceSystemFile traces the system of file headless, recorded, and
// returns the recorded events and what the trace printed; a trace that
// fails fails the test, with more (e.g. dlv's log) in the message.
func traceSystemFile(t *testing.T, file, more string) (events []tracer.Event, out, stderr string) {
	t.Helper()
	rec := filepath.Join(t.TempDir(), "system.jsonl")
	code, out, stderr := runCLI(t, "run", "--headless", "--system="+file, "--record", rec)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s\n%s", code, stderr, out, more)
	}
	recording, err := replay.Read(rec)
	if err != nil {
		t.Fatal(err)
	}
	return recording.Events, out, stderr
}

// firstPhase is the position of service's first event at phase.
func firstPhase(t *testing.T, events []tracer.Event, service string, phase tracer.PhaseID, out string) int {
	t.Helper()
	for i, ev := range events {
		if ev.Service == service && ev.Phase == phase && ev.IsPhase() {
			return i
		}
	}
	t.Fatalf("%s never reached %s\nstdout:\n%s", service, phase, out)
	return -1
}
