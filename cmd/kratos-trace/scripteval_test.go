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
			skipWithoutPtrace(t, stderr)
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

// TestScriptBreakAndWatchLive: a script's own breakpoint in main.newApp
// is set before the program starts, the first continue stops there with
// the watch's value, and Go expressions read newApp's arguments.
func TestScriptBreakAndWatchLive(t *testing.T) {
	conf, httpAddr, _ := demoConfigDir(t)
	path := filepath.Join(t.TempDir(), "break.kts")
	text := `break main.newApp
watch main.flagconf
continue
expect phase == break
expect detail == main.newApp
expect function == main.newApp
expect eval(hs.address) == ` + httpAddr + `
eval len(gs.opts) # not a field: fails, naming the line
continue
sigterm
expect exit_code == 0
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "run", "--headless", "--script", path, "../../demo", "--", "-conf", conf)
	skipWithoutPtrace(t, stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d (one line fails)\nstdout:\n%s\nstderr:\n%s", code, exitFailed, out, stderr)
	}
	for _, want := range []string{
		"● break main.newApp",
		"watch main.flagconf = " + conf + "\n",
		"ok   expect detail == main.newApp",
		"ok   expect eval(hs.address) == " + httpAddr,
		"FAIL " + path + ":8: eval len(gs.opts) # not a field: fails, naming the line: ",
		"● app.running",
		"ok   expect exit_code == 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(stderr, path+":"); n != 1 {
		t.Errorf("%d failed lines on stderr, want 1:\n%s", n, stderr)
	}
}
