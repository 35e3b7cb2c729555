//go:build linux

package watchdog

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

// startSleeper starts a process that would run for a minute, leading its
// own process group as Delve's programs do, and makes sure it is gone when
// the test ends.
func startSleeper(t *testing.T) (pid int, exe string) {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(waited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-waited
	})
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid, exe
}

// TestWatchdogCleansUpWhatItWasTold: when its pipe closes, the watchdog
// kills the registered processes that still run what they ran, removes the
// registered directories, and leaves alone what was forgotten.
func TestWatchdogCleansUpWhatItWasTold(t *testing.T) {
	killed, exe := startSleeper(t)
	forgotten, _ := startSleeper(t)
	reused, _ := startSleeper(t)
	dir := t.TempDir()
	tmp := filepath.Join(dir, "kratos-trace-1")
	if err := os.MkdirAll(filepath.Join(tmp, "go-build"), 0o700); err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(dir, "kept")
	if err := os.Mkdir(kept, 0o700); err != nil {
		t.Fatal(err)
	}
	commands := strings.Join([]string{
		"dir " + tmp,
		fmt.Sprintf("pid %d %s", killed, exe),
		fmt.Sprintf("pid %d %s", forgotten, exe),
		"dir " + kept,
		fmt.Sprintf("forget pid %d %s", forgotten, exe),
		"forget dir " + kept,
		// A pid now running something else than registered is not killed.
		fmt.Sprintf("pid %d /no/such/program", reused),
	}, "\n") + "\n"
	start := time.Now()
	if code := run(strings.NewReader(commands), func(string) {}); code != 0 {
		t.Fatalf("watchdog exit %d", code)
	}
	if took := time.Since(start); took > Grace {
		t.Errorf("the watchdog took %s", took)
	}
	if !watchedGone(killed) {
		t.Error("the registered process still runs")
	}
	for _, pid := range []int{forgotten, reused} {
		if watchedGone(pid) {
			t.Errorf("process %d was killed, but it was forgotten or runs something else", pid)
		}
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the registered directory is still there: %v", err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("a forgotten directory was removed: %v", err)
	}
}
