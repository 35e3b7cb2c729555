package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestEveryByteOfALongLine runs a program that writes a 3 MiB line and then
// 50 000 lines: every byte arrives in the JSON output events (the long line
// in pieces marked continued), the program exits 0, and so does
// kratos-trace. (The old reader gave up at 1 MiB; the program died of
// SIGPIPE and kratos-trace exited 0.)
func TestEveryByteOfALongLine(t *testing.T) {
	code, out, stderr := runCLI(t, "run", "--headless", "--json", "testdata/programs/bigoutput")
	skipWithoutPtrace(t, stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	unit := "0123456789abcdef日本語"
	var want strings.Builder
	want.WriteString(strings.Repeat(unit, 3<<20/len(unit)) + "\n")
	for i := range 50000 {
		want.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	var got strings.Builder
	pieces := 0
	exitCode := -1
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev tracer.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not JSON: %v: %.200s", err, line)
		}
		switch ev.Kind {
		case tracer.KindOutput:
			if ev.Output.Stream != "stdout" {
				t.Errorf("unexpected %s: %q", ev.Output.Stream, ev.Output.Text)
				continue
			}
			got.WriteString(ev.Output.Text)
			if ev.Output.Continued {
				pieces++
			} else {
				got.WriteString("\n")
			}
		case tracer.KindExit:
			exitCode = *ev.ExitCode
		}
	}
	if exitCode != 0 {
		t.Errorf("the program exited with %d, want 0", exitCode)
	}
	if pieces < 3<<20/(64<<10)-1 {
		t.Errorf("the long line came in %d continued pieces", pieces)
	}
	if got.Len() != want.Len() || got.String() != want.String() {
		t.Errorf("output differs: got %d bytes, want %d", got.Len(), want.Len())
	}
}

// TestKilledBySignalFails: a program killed by a signal makes run exit
// non-zero, naming the signal.
func TestKilledBySignalFails(t *testing.T) {
	code, out, stderr := runCLI(t, "run", "--headless", "testdata/programs/signalled")
	skipWithoutPtrace(t, stderr)
	if code != exitFailed {
		t.Errorf("exit %d, want %d\nstderr:\n%s", code, exitFailed, stderr)
	}
	if !strings.Contains(stderr, "the program was killed by SIGTERM") {
		t.Errorf("stderr does not name the signal:\n%s", stderr)
	}
	if !strings.Contains(out, "The program was killed by SIGTERM.") {
		t.Errorf("the summary does not name the signal:\n%s", out)
	}
}
