package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// hangFixture is a Kratos service whose main blocks after flag.Parse, in
// main.waitForRegistry, in a read(2) that never returns.
const hangFixture = "../../tracer/delve/testdata/shapes/hang"

// TestStallExitsThree runs a service that hangs at start with --stall: the
// trace must emit a stall event naming the function main waits in, exit 3,
// and leave neither the program nor its build directory behind.
func TestStallExitsThree(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	tag := fmt.Sprintf("stall-test-%d", time.Now().UnixNano())

	t.Run("json", func(t *testing.T) {
		code, out, stderr := runCLI(t, "run", "--headless", "--json", "--stall", "3s", hangFixture, "--", "-conf", tag+"-json")
		skipWithoutPtrace(t, stderr)
		if code != exitStalled {
			t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitStalled, stderr)
		}
		var stall *tracer.Event
		var phases []string
		for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var ev tracer.Event
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
			}
			if ev.IsPhase() {
				phases = append(phases, ev.Label())
			}
			if ev.Kind == tracer.KindStall {
				stall = &ev
			}
		}
		if stall == nil {
			t.Fatalf("no stall event; phases %v\nstderr:\n%s", phases, stderr)
		}
		if stall.Phase != tracer.PhaseFlagParse || time.Duration(stall.SincePrev) < 3*time.Second {
			t.Errorf("stall after %s for %s, want flag.parse for at least 3s", stall.Phase, stall.SincePrev)
		}
		if len(stall.Goroutines) == 0 || !stall.Goroutines[0].Main {
			t.Fatalf("stall goroutines do not start with the main one: %+v", stall.Goroutines)
		}
		main := stall.Goroutines[0]
		found := false
		for _, f := range main.Stack {
			found = found || f.Function == "main.waitForRegistry"
		}
		if !found || main.User.Function != "main.waitForRegistry" {
			t.Errorf("main goroutine (own frame %s) has no main.waitForRegistry in its stack: %+v", main.User.Function, main.Stack)
		}
		for _, want := range []string{"kratos-trace: the trace stalled: no phase for", "main.waitForRegistry", "hint: "} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		checkNothingLeft(t, tmp, tag+"-json")
	})

	t.Run("text", func(t *testing.T) {
		code, out, stderr := runCLI(t, "run", "--headless", "--stall", "1s", hangFixture, "--", "-conf", tag+"-text")
		skipWithoutPtrace(t, stderr)
		if code != exitStalled {
			t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitStalled, stderr)
		}
		for _, want := range []string{
			"!! stall after flag.parse",
			"main.waitForRegistry  (goroutine 1)",
			"syscall.Read(",
			"Goroutines (",
			"[syscall]",
			"The trace stalled: no phase for",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("text output lacks %q:\n%s", want, out)
			}
		}
		checkNothingLeft(t, tmp, tag+"-text")
	})

	t.Run("recorded and replayed", func(t *testing.T) {
		rec := filepath.Join(t.TempDir(), "stall.jsonl")
		code, _, stderr := runCLI(t, "run", "--headless", "--json", "--stall", "1s", "--record", rec, hangFixture, "--", "-conf", tag+"-rec")
		skipWithoutPtrace(t, stderr)
		if code != exitStalled {
			t.Fatalf("run --record: exit %d, want %d\n%s", code, exitStalled, stderr)
		}
		checkNothingLeft(t, tmp, tag+"-rec")
		code, out, stderr := runCLI(t, "replay", "--headless", rec)
		if code != exitStalled || strings.Contains(stderr, "before the program exited") {
			t.Errorf("replay: exit %d, want %d, and no warning of a cut recording\n%s", code, exitStalled, stderr)
		}
		if !strings.Contains(out, "!! stall after flag.parse") || !strings.Contains(out, "main.waitForRegistry") {
			t.Errorf("the replay does not show the stall:\n%s", out)
		}
	})
}

// checkNothingLeft fails if a process with tag in its arguments still runs,
// or a build directory is left in tmp.
func checkNothingLeft(t *testing.T, tmp, tag string) {
	t.Helper()
	if pids := processesWithArg(tag); len(pids) > 0 {
		t.Errorf("the program still runs: pids %v", pids)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "kratos-trace-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestStallBadInput(t *testing.T) {
	code, _, stderr := runCLI(t, "run", "--headless", "--stall", "-1s", hangFixture)
	if code != exitUsage || !strings.Contains(stderr, "--stall -1s is negative") {
		t.Errorf("--stall -1s: exit %d\n%s", code, stderr)
	}
	code, out, _ := runCLI(t, "run", "--help")
	if code != 0 || !strings.Contains(out, "--stall DURATION") || !strings.Contains(out, "exit with status 3") {
		t.Errorf("run --help does not explain --stall:\n%s", out)
	}
	code, out, _ = runCLI(t, "connect", "--help")
	if code != 0 || !strings.Contains(out, "--stall DURATION") {
		t.Errorf("connect --help does not explain --stall:\n%s", out)
	}
}

// TestConnectStall traces the hanging service through a real `dlv exec
// --headless`: a stall there is reported the same way and exits 3, and
// --kill-on-exit ends the program.
func TestConnectStall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the fixture and runs a real Delve server")
	}
	dlv := installDlv(t)
	bin := filepath.Join(t.TempDir(), "hang")
	build := exec.Command("go", "build", "-gcflags=all=-N -l", "-o", bin, "./hang")
	build.Dir = filepath.Dir(hangFixture)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the fixture: %v\n%s", err, out)
	}
	tag := fmt.Sprintf("connect-stall-%d", time.Now().UnixNano())
	d := startHeadlessDelve(t, dlv, bin, tag)
	code, out, stderr := runCLI(t, "connect", "--headless", "--json", "--stall", "2s", "--kill-on-exit", d.addr)
	if code != exitStalled {
		t.Fatalf("exit %d, want %d\nstderr:\n%s\ndlv:\n%s", code, exitStalled, stderr, d.log.String())
	}
	var stall *tracer.Event
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev tracer.Event
		if err := json.Unmarshal([]byte(line), &ev); err == nil && ev.Kind == tracer.KindStall {
			stall = &ev
		}
	}
	if stall == nil || len(stall.Goroutines) == 0 || stall.Goroutines[0].User.Function != "main.waitForRegistry" || stall.Phase != tracer.PhaseFlagParse {
		t.Fatalf("no stall naming main.waitForRegistry after flag.parse in:\n%s", out)
	}
	if !strings.Contains(stderr, "ended the program and its Delve server") {
		t.Errorf("stderr does not say the program was ended:\n%s", stderr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(processesWithArg(tag)) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if pids := processesWithArg(tag); len(pids) > 0 {
		t.Errorf("the program still runs after --kill-on-exit: pids %v", pids)
	}
}

// TestStallQuietWhileServing: --stall watches the boot and the shutdown,
// not the serving between them: a demo that answers two requests and is
// held at app.running longer than the stall time exits 0, and its
// shutdown, counted from SIGTERM, is no stall either.
func TestStallQuietWhileServing(t *testing.T) {
	conf, _, _ := demoConfigDir(t)
	args := append([]string{"run", "--headless", "--json", "--stall", "1s", "--hold", "1500ms"}, acceptanceRequests...)
	code, out, stderr := runCLI(t, append(args, "../../demo", "--", "-conf", conf)...)
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstderr:\n%s", code, stderr)
	}
	if strings.Contains(out, `"kind":"stall"`) {
		t.Errorf("a stall was reported:\n%s", out)
	}
	for _, want := range []string{`"phase":"request.reply"`, `"phase":"app.after-stop"`, `"phase":"exit"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s event", want)
		}
	}
}
