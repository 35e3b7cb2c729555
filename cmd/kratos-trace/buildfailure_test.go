package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// writeNestedRepo writes a repository whose chat/ directory is a module of
// its own, its main package in chat/cmd/server, with chatMod as its go.mod.
func writeNestedRepo(t *testing.T, chatMod, main string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":                  "module example.com/root\n\ngo 1.26\n",
		"main.go":                 "package main\n\nfunc main() {}\n",
		"chat/go.mod":             chatMod,
		"chat/cmd/server/main.go": main,
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// errorEvents decodes the error events of --json output.
func errorEvents(t *testing.T, stdout string) []tracer.Event {
	t.Helper()
	var out []tracer.Event
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var ev tracer.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("stdout line %q is not an event: %v", line, err)
		}
		if ev.Kind == tracer.KindError {
			out = append(out, ev)
		}
	}
	return out
}

// TestNestedModuleFailureKeepsItsCause: `run` on the main package of a
// nested module whose dependency cannot be had (a replace to a directory
// that is not there; no download is tried) says why in one sentence, in
// the text and as the --json error event, with a hint that builds the
// package from its own module's directory. A go.mod that needs a newer Go
// fails in the go list that resolves the package: under --json that is an
// error event too.
func TestNestedModuleFailureKeepsItsCause(t *testing.T) {
	root := writeNestedRepo(t,
		"module example.com/chat\n\ngo 1.26\n\nrequire example.com/gone v1.0.0\n\nreplace example.com/gone => ../nowhere\n",
		"package main\n\nimport \"example.com/gone\"\n\nfunc main() { gone.Hello() }\n")
	chat, _ := filepath.EvalSymlinks(filepath.Join(root, "chat"))
	target := filepath.Join(root, "chat", "cmd", "server")
	const cause = "module example.com/gone v1.0.0 is replaced by ../nowhere, which does not exist"
	hint := "`cd " + chat + " && go build ./cmd/server` shows the same"

	code, _, stderr := runCLI(t, "run", "--headless", "--no-cache", target)
	if code != exitFailed || !strings.Contains(stderr, cause) || !strings.Contains(stderr, hint) || !strings.Contains(stderr, "replacement directory ../nowhere does not exist") {
		t.Errorf("exit %d, stderr:\n%s\nwant %q, go's line and %q", code, stderr, cause, hint)
	}

	code, stdout, _ := runCLI(t, "run", "--json", "--no-cache", target)
	errs := errorEvents(t, stdout)
	if code != exitFailed || len(errs) != 1 || !strings.Contains(errs[0].Error, cause) || !strings.HasSuffix(errs[0].Reason, hint) {
		t.Errorf("exit %d, error events %+v\nwant one with %q and a hint ending %q", code, errs, cause, hint)
	}

	t.Setenv("GOTOOLCHAIN", "local")
	newer := writeNestedRepo(t, "module example.com/chat\n\ngo 1.99\n", "package main\n\nfunc main() {}\n")
	code, stdout, stderr = runCLI(t, "run", "--json", "--no-cache", filepath.Join(newer, "chat", "cmd", "server"))
	errs = errorEvents(t, stdout)
	const needs = "the go.mod of module example.com/chat needs Go 1.99"
	if code != exitFailed || len(errs) != 1 || !strings.Contains(errs[0].Error, needs) || !strings.Contains(errs[0].Reason, "install Go 1.99") {
		t.Errorf("exit %d, error events %+v, want one saying %q", code, errs, needs)
	}
	if !strings.Contains(stderr, needs) {
		t.Errorf("stderr lacks %q:\n%s", needs, stderr)
	}
}
