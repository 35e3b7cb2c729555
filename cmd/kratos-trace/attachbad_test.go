//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildSleeper builds a plain Go program that only sleeps, with the extra
// go build flags given, as NAME in a temporary directory.
func buildSleeper(t *testing.T, name string, flags ...string) string {
	t.Helper()
	src := t.TempDir()
	for file, text := range map[string]string{
		"go.mod":  "module sleeper\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"time\"\n\nfunc main() {\n\tfor {\n\t\ttime.Sleep(time.Second)\n\t}\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(src, file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(t.TempDir(), name)
	build := exec.Command("go", append(append([]string{"build", "-o", bin}, flags...), ".")...)
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess starts bin and ends it with the test.
func startProcess(t *testing.T, bin string, attr *syscall.SysProcAttr) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// TestAttachBadInput: each pid or name that cannot be attached to is
// refused in one sentence with a hint, and the process is left as it was.
func TestAttachBadInput(t *testing.T) {
	name := fmt.Sprintf("sleeper%d", os.Getpid())
	plain := buildSleeper(t, name)
	stripped := startProcess(t, buildSleeper(t, "stripped", "-ldflags=-s -w"), nil)
	notGo := exec.Command("/bin/sleep", "60")
	if err := notGo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = notGo.Process.Kill(); _ = notGo.Wait() })
	// Two copies of one program: its name is ambiguous.
	twins := []*exec.Cmd{startProcess(t, plain, nil), startProcess(t, plain, nil)}
	// A process another tracer holds: started under ptrace by this test.
	traced := exec.Command("/bin/sleep", "60")
	traced.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	if err := traced.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = traced.Process.Kill(); _ = traced.Wait() })
	time.Sleep(200 * time.Millisecond)

	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"no such pid", []string{"attach", "999999999"}, exitFailed, []string{"no process with pid 999999999", "hint: "}},
		{"itself", []string{"attach", fmt.Sprint(os.Getpid())}, exitFailed, []string{"is kratos-trace itself"}},
		{"not Go", []string{"attach", "--headless", fmt.Sprint(notGo.Process.Pid)}, exitFailed, []string{"is not a Go program", "hint: give the pid of the Kratos service"}},
		{"stripped", []string{"attach", "--headless", fmt.Sprint(stripped.Process.Pid)}, exitFailed, []string{"runs a stripped binary", `hint: rebuild it with go build -o server ./cmd/server (without -ldflags="-s -w"`}},
		{"traced", []string{"attach", "--headless", fmt.Sprint(traced.Process.Pid)}, exitFailed, []string{"is already traced by pid ", "hint: a process has one debugger at a time"}},
		{"two of a name", []string{"attach", "--headless", name}, exitFailed, []string{fmt.Sprintf("2 running Go programs are called %q", name), fmt.Sprint(twins[0].Process.Pid), fmt.Sprint(twins[1].Process.Pid), "hint: give the pid"}},
		{"no such name", []string{"attach", "--headless", "no-such-service-here"}, exitFailed, []string{`no running Go program is called "no-such-service-here"`}},
		{"no argument", []string{"attach"}, exitUsage, []string{"requires the PID or NAME"}},
		{"sigterm in the UI", []string{"attach", "--sigterm", "1"}, exitUsage, []string{"--sigterm is for --headless"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			checkRefusal(t, code, stderr, tc.wantCode, tc.want)
		})
	}
	for _, c := range append(twins, stripped, notGo) {
		checkUntraced(t, c.Process.Pid)
	}
}

// TestAttachPlainGo attaches to a Go program that is no Kratos app: it is
// traced as a plain Go program (the attach stop and its goroutines, no App)
// and runs on untraced after the detach.
func TestAttachPlainGo(t *testing.T) {
	skipUnlessAttachAllowed(t)
	c := startProcess(t, buildSleeper(t, "plain"), nil)
	code, stdout, stderr := runCLI(t, "attach", "--headless", "--json", fmt.Sprint(c.Process.Pid))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	ev := jsonEvents(t, stdout)[0]
	if ev.App == nil || !strings.Contains(ev.App.Note, "traced as a plain Go program") || len(ev.Goroutines) == 0 {
		t.Errorf("attach stop: %+v", ev.App)
	}
	checkUntraced(t, c.Process.Pid)
	if err := c.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the program is gone: %v", err)
	}
}
