package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScriptEvalLive runs a script that asks the running demo a Go
// expression at app.run: the App it is about to run holds two servers. The
// same check with a wrong value fails and names its line.
func TestScriptEvalLive(t *testing.T) {
	conf, _, _ := demoConfigDir(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		want     string
		wantCode int
	}{
		{"2", 0},
		{"3", exitFailed},
	} {
		t.Run("servers=="+tt.want, func(t *testing.T) {
			path := filepath.Join(dir, "eval-"+tt.want+".kts")
			text := "break app.run\ncontinue\nexpect eval(len(a.opts.servers)) == " + tt.want + "\n"
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := runCLI(t, "run", "--headless", "--script", path, "../../demo", "--", "-conf", conf)
			requirePtraceCLI(t, stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, stderr)
			}
			if tt.wantCode == 0 {
				if !strings.Contains(out, "● app.run") || !strings.Contains(out, "ok   expect eval(len(a.opts.servers)) == 2") {
					t.Errorf("stdout:\n%s", out)
				}
				return
			}
			want := path + `:3: expect eval(len(a.opts.servers)) == 3: it does not hold: eval(len(a.opts.servers)) is "2"`
			if !strings.Contains(stderr, want) || !strings.Contains(out, "FAIL "+want) {
				t.Errorf("the failure does not name line 3 as %q\nstdout:\n%s\nstderr:\n%s", want, out, stderr)
			}
		})
	}
}
