package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRealTerminal runs the TUI in a real terminal, a 120x40 tmux pane, on
// the demo under the real Delve, as a person would: tui/testdata's
// tmux-check.sh walks the boot, SIGTERM and the shutdown, then quits in the
// middle of a boot; tmux-inspect.sh selects a frame, evaluates, watches,
// sets a breakpoint on a Source line, halts the serving program and looks
// at a goroutine; tmux-requests.sh stops a request sent with curl at a
// breakpoint set from the prompt, then sends requests with R and steps at a
// reply; tmux-system.sh traces the demo system and switches the panes
// between its services; cmd/kratos-trace/testdata's tmux-attach.sh
// attaches to the running kratos-layout fixture, follows a request,
// detaches, and walks its shutdown on a second attach. Each checks that the
// terminal is restored and nothing is left behind. Goldens and teatest
// flows cover the views and keys; this covers the terminal itself.
func TestRealTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the real TUI in tmux for a minute")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed: .ci/run installs it, and CI must run the real-terminal check")
		}
		t.Skip("tmux is not installed")
	}
	for _, script := range []string{"../../tui/testdata/tmux-check.sh", "../../tui/testdata/tmux-inspect.sh", "../../tui/testdata/tmux-requests.sh", "../../tui/testdata/tmux-system.sh", "testdata/tmux-attach.sh"} {
		t.Run(filepath.Base(script), func(t *testing.T) {
			cmd := exec.Command("bash", filepath.FromSlash(script))
			// tmux-attach.sh runs the layout fixture on these.
			cmd.Env = append(os.Environ(), "OUT="+t.TempDir(), "HTTP_ADDR="+freeAddr(t), "GRPC_ADDR="+freeAddr(t))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", script, err, out)
			}
		})
	}
}
