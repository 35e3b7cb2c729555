package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// TestTourHeadlessNeedsNoGo runs the built binary's tour with a PATH that
// holds no go command, in each language: it prints every phase with its
// note and exits 0.
func TestTourHeadlessNeedsNoGo(t *testing.T) {
	bin := buildKratosTrace(t)
	empty := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		env  []string
		lang tracer.Lang
	}{
		{"default", []string{"tour", "--headless"}, []string{"LANG=C"}, tracer.English},
		{"--lang zh", []string{"tour", "--headless", "--lang", "zh"}, []string{"LANG=C"}, tracer.Chinese},
		{"LANG=zh_CN", []string{"tour", "--headless"}, []string{"LANG=zh_CN.UTF-8"}, tracer.Chinese},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), bin, tt.args...)
			// No go, no GOROOT, no module cache, not the repository.
			cmd.Env = append([]string{"PATH=" + empty, "HOME=" + empty, "LC_ALL=", "LC_MESSAGES="}, tt.env...)
			cmd.Dir = empty
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %v\nstderr:\n%s", tt.args, err, errOut.String())
			}
			if strings.Contains(errOut.String(), "building") {
				t.Errorf("the tour built something:\n%s", errOut.String())
			}
			text := out.String()
			for _, p := range tracer.Phases {
				if tracer.NotInEveryBoot(p.ID) {
					// Not in a launched boot of the demo (see
					// tracer.NotInEveryBoot).
					continue
				}
				n, _ := tracer.NoteFor(p.ID, tt.lang)
				if !strings.Contains(text, "✎ "+n.Explain) {
					t.Errorf("the tour lacks the %s note of %s", tt.lang, p.ID)
				}
			}
			end := map[tracer.Lang]string{tracer.English: "The program exited with status 0.", tracer.Chinese: "程序已退出，退出码 0。"}[tt.lang]
			if !strings.HasSuffix(text, end+"\n") {
				t.Errorf("the tour does not end with %q:\n%s", end, text)
			}
		})
	}
}

func TestTourUsage(t *testing.T) {
	code, out, _ := runCLI(t, "tour", "--help")
	for _, want := range []string{"--headless", "--lang", "neither Go nor the demo's source nor ptrace", "Windows"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("tour --help lacks %q", want)
		}
	}
	if code, _, stderr := runCLI(t, "tour", "--lang", "fr"); code != exitUsage || !strings.Contains(stderr, "en and zh") {
		t.Errorf("tour --lang fr: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "tour", "extra"); code != exitUsage {
		t.Errorf("tour extra: exit %d\n%s", code, stderr)
	}
	// Not on a terminal, the tour is printed.
	code, out, stderr := runCLI(t, "tour")
	if code != 0 || !strings.Contains(stderr, "not a terminal") || !strings.Contains(out, "● app.running") {
		t.Errorf("tour off a terminal: exit %d\n%s", code, stderr)
	}
}

// TestCrossBuild builds kratos-trace for Windows, the system furthest from
// the one the tests run on (no ptrace, no Unix signals). macOS shares the
// Unix code and is left out: a cold cross-build takes minutes of CI's two
// cores. -short skips it.
func TestCrossBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling takes minutes on a cold cache; run without -short")
	}
	for _, target := range [][2]string{{"windows", "amd64"}} {
		t.Run(target[0]+"/"+target[1], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(t.TempDir(), "kratos-trace"), ".")
			cmd.Env = append(os.Environ(), "GOOS="+target[0], "GOARCH="+target[1], "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("GOOS=%s GOARCH=%s go build: %v\n%s", target[0], target[1], err, out)
			}
		})
	}
}
