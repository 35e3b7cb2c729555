//go:build linux

package delve

import (
	"errors"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

func TestParseProcStatus(t *testing.T) {
	st := parseProcStatus("Name:\tserver\nUmask:\t0022\nState:\tt (tracing stop)\nTgid:\t42\nTracerPid:\t4242\nUid:\t0\t0\t0\t0\n")
	if st.name != "server" || st.state != "t" || st.tracerPid != 4242 {
		t.Errorf("%+v", st)
	}
}

func TestCheckAttachPtrace(t *testing.T) {
	for _, tc := range []struct {
		scope string
		root  bool
		want  string // "" for allowed
	}{
		{"0\n", false, ""},
		{"", false, ""},
		{"1\n", true, ""},
		{"1\n", false, "kernel.yama.ptrace_scope is 1"},
		{"2\n", false, "ptrace_scope is 2"},
		{"2\n", true, ""},
		{"3\n", true, "ptrace_scope is 3"},
	} {
		err := checkAttachPtrace(tc.scope, tc.root)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("scope %q root %v: refused: %v", tc.scope, tc.root, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("scope %q root %v: %v, want %q", tc.scope, tc.root, err, tc.want)
		}
		var ue *UserError
		if err != nil && tc.scope == "1\n" && (!errors.As(err, &ue) || !strings.Contains(ue.Hint, "ptrace_scope=0")) {
			t.Errorf("scope 1: the hint does not say how to allow it: %v", err)
		}
	}
}

func TestUnreadableText(t *testing.T) {
	for msg, want := range map[string]string{
		"could not find symbol value for r1":                        tracer.OptimisedAway,
		"could not find loclist entry at 0x1234 for address 0x5678": tracer.OptimisedAway,
		"empty OP stack":     tracer.OptimisedAway,
		"read out of bounds": "<unreadable: read out of bounds>",
	} {
		if got := unreadableText(msg); got != want {
			t.Errorf("%q: %q, want %q", msg, got, want)
		}
	}
}

// TestAttachEntries: an attached program's plan is the attach stop and what
// comes after app.running; the boot has passed.
func TestAttachEntries(t *testing.T) {
	entries, _ := planPhases("testdata/layout/cmd/server", kratosSource(t, "v2.9.2"))
	var got []string
	for _, e := range attachEntries(entries) {
		got = append(got, string(e.Phase))
	}
	if got[0] != string(tracer.PhaseAttach) {
		t.Fatalf("the plan begins with %s", got[0])
	}
	for _, id := range got[1:] {
		if tracer.Order(tracer.PhaseID(id)) <= tracer.Order(tracer.PhaseRunning) {
			t.Errorf("%s is a boot phase: %v", id, got)
		}
	}
	if !strings.Contains(strings.Join(got, " "), "app.stop") || !strings.Contains(strings.Join(got, " "), "server.stop") {
		t.Errorf("no shutdown in %v", got)
	}
}
