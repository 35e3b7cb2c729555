package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	file := writeSystemFile(t, t.TempDir(), fmt.Sprintf("services:\n  - name: layout\n    attach: %s\n  - name: greeter\n    package: %s/cmd/server\n    args: [-conf, %s]\n", l.name, demo, greeter.Dir))
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
	file := writeSystemFile(t, t.TempDir(), fmt.Sprintf("services:\n  - name: greeter\n    connect: %s\n  - name: layout\n    package: %s\n    args: [-conf, %s]\n", d.addr, layout, layoutConfigDir(t)))
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

// writeSystemFile writes the system file sys into dir and returns its
// path.
func writeSystemFile(t *testing.T, dir, sys string) string {
	t.Helper()
	file := filepath.Join(dir, "kratos-trace.yaml")
	if err := os.WriteFile(file, []byte(sys), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// traceSystemFile traces the system of file headless, recorded, and
// returns the recorded events and what the trace printed; a trace that
// fails fails the test, with more (e.g. dlv's log) in the message. The
// recording must replay as the run printed, and end as the run did: a
// service the run left running (or ended) is no service that "did not
// exit" in the replay.
func traceSystemFile(t *testing.T, file, more string) (events []tracer.Event, out, stderr string) {
	t.Helper()
	rec := filepath.Join(t.TempDir(), "system.jsonl")
	// Unredacted, so that the replay prints the values the run printed.
	code, out, stderr := runCLI(t, "run", "--headless", "--system="+file, "--record", rec, "--no-redact")
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s\n%s", code, stderr, out, more)
	}
	recording, err := replay.Read(rec)
	if err != nil {
		t.Fatal(err)
	}
	checkReplay(t, rec, out)
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

// TestSystemConnectMemberKeys traces a system whose one service is the
// demo, built "elsewhere", under a real `dlv exec --headless` that has
// already let it run past main: restart: traces its boot again,
// substitute_path (a TO relative to the system file) finds its source
// here, and kill_on_exit ends the program and its Delve server at the
// shutdown, which says so.
func TestSystemConnectMemberKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo and runs a real Delve server")
	}
	dlv := installDlv(t)
	bin, builtAt := buildDemoElsewhere(t)
	conf, httpAddr, _ := demoConfigDir(t)
	d := startHeadlessDelve(t, dlv, bin, conf)
	// Past main and serving: without restart: it could not be traced.
	dialDelveWire(t, d.addr).continueAndLeave(t)
	for deadline := time.Now().Add(30 * time.Second); len(takenPorts(httpAddr)) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	serving(t, httpAddr)

	dir := t.TempDir()
	absRepo, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	relRepo, err := filepath.Rel(dir, absRepo)
	if err != nil {
		t.Fatal(err)
	}
	file := writeSystemFile(t, dir, fmt.Sprintf("services:\n  - name: greeter\n    connect: %s\n    restart: true\n    kill_on_exit: true\n    timeout: 20s\n    substitute_path: {%s: %s}\n", d.addr, builtAt, relRepo))
	events, out, stderr := traceSystemFile(t, file, d.log.String())
	if firstPhase(t, events, "greeter", tracer.PhaseFlagParse, out) > firstPhase(t, events, "greeter", tracer.PhaseRunning, out) {
		t.Errorf("the greeter's boot is out of order")
	}
	resolved := 0
	for _, ev := range events {
		if !strings.HasPrefix(ev.File, builtAt) {
			continue
		}
		if ev.Source == nil || ev.SourceMissing != "" {
			t.Errorf("%s at %s:%d: no source through substitute_path (%s)", ev.Label(), ev.File, ev.Line, ev.SourceMissing)
		} else {
			resolved++
		}
	}
	if resolved == 0 {
		t.Errorf("no event at the program's own paths (%s): substitute_path is not exercised", builtAt)
	}
	for _, want := range []string{"greeter: ending it (kill_on_exit)", "greeter: ended the program and its Delve server at " + d.addr} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "leaving it running") {
		t.Errorf("a kill_on_exit service is said to be left running:\n%s", stderr)
	}
	// kill_on_exit ends the Delve server with its program.
	_ = waitEnd(t, d.cmd)
	if pids := processesWithArg(conf); len(pids) > 0 {
		t.Errorf("the demo still runs after the trace: pids %v", pids)
	}
}

// TestSystemAttachMemberEnds traces a system of two running layouts, one
// with sigterm: (its shutdown is walked to its exit) and one with
// kill_on_exit: (ended at the shutdown, which says so); neither is left
// running.
func TestSystemAttachMemberEnds(t *testing.T) {
	walked, killed := startLayout(t), startLayout(t)
	file := writeSystemFile(t, t.TempDir(), fmt.Sprintf("services:\n  - name: walked\n    attach: %s\n    sigterm: true\n  - name: killed\n    attach: \"%d\"\n    kill_on_exit: true\n", walked.name, killed.pid()))
	events, out, stderr := traceSystemFile(t, file, "")
	checkAttachStop(t, events[firstPhase(t, events, "walked", tracer.PhaseAttach, out)], walked)
	last := -1
	for _, ph := range []tracer.PhaseID{tracer.PhaseAttach, tracer.PhaseStop, tracer.PhaseServerStop, tracer.PhaseAfterStop, tracer.PhaseExit} {
		at := firstPhase(t, events, "walked", ph, out)
		if at < last {
			t.Errorf("walked: %s came before the phase listed before it", ph)
		}
		last = at
	}
	for _, ev := range events {
		if ev.Service == "walked" && ev.Kind == tracer.KindExit && (ev.ExitCode == nil || *ev.ExitCode != 0) {
			t.Errorf("walked exited with %v, want status 0", ev.ExitCode)
		}
		if ev.Service == "killed" && ev.IsPhase() && ev.Phase != tracer.PhaseAttach {
			t.Errorf("killed walked %s: it should be ended, not shut down", ev.Phase)
		}
	}
	for _, want := range []string{"killed: ending it (kill_on_exit)", fmt.Sprintf("killed: killed pid %d (--kill-on-exit)", killed.pid()), fmt.Sprintf("walked: pid %d has exited", walked.pid())} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if err := waitEnd(t, walked.cmd); err != nil {
		t.Errorf("walked ended with %v, want status 0", err)
	}
	// Ended, however Delve's kill reports it: waitEnd fails the test
	// should it still run.
	_ = waitEnd(t, killed.cmd)
}

// waitEnd waits for the program the test started to end, and returns how
// it ended; one that still runs after 10 s fails the test.
func waitEnd(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s (pid %d) still runs", filepath.Base(cmd.Path), cmd.Process.Pid)
		return nil
	}
}
