package delve

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// nestedModule writes a repository whose root is one module and whose
// chat/ directory is another, with its main package in chat/cmd/server,
// as go-kratos/examples nests chatroom/. chatMod is chat/go.mod, chatSum
// chat/go.sum ("" for none), main the server's main.go.
func nestedModule(t *testing.T, chatMod, chatSum, main string) (root string) {
	t.Helper()
	files := map[string]string{
		"go.mod":                  "module example.com/root\n\ngo 1.26\n",
		"main.go":                 "package main\n\nfunc main() {}\n",
		"chat/go.mod":             chatMod,
		"chat/cmd/server/main.go": main,
	}
	if chatSum != "" {
		files["chat/go.sum"] = chatSum
	}
	return tracertest.WriteModule(t, files)
}

// buildError starts a trace of target and returns its error: the one Start
// returns, or the error event of the build.
func buildError(t *testing.T, target string) (msg, hint string) {
	t.Helper()
	s, err := Start(context.Background(), Config{Target: target, NoCache: true})
	if err != nil {
		var ue *UserError
		if !errors.As(err, &ue) {
			t.Fatalf("Start: %v, want a UserError", err)
		}
		return ue.Msg + "\n" + ue.Detail, ue.Hint
	}
	defer s.Close()
	var errEv *tracer.Event
	for ev := range s.Events() {
		if ev.Kind == tracer.KindError && errEv == nil {
			e := ev
			errEv = &e
		}
		if ev.Kind == tracer.KindStop {
			t.Fatalf("a program that cannot be built stopped at %s", ev.Label())
		}
	}
	if errEv == nil {
		t.Fatal("no error event for a program that cannot be built")
	}
	return errEv.Error, errEv.Reason
}

// TestBuildFailureKeepsItsCause: a nested module whose dependency cannot be
// had. go prints the cause without a `# pkg` header; the error names the
// module and version in one sentence, keeps go's line, and its hint builds
// the package from its own module's directory (from the repository's root
// `go build ./chat/cmd/server` answers that the main module does not
// contain the package). Nothing is downloaded: go is offline (GOPROXY=off)
// and the modules the cases use are the ones this repository's build
// already put in the module cache.
func TestBuildFailureKeepsItsCause(t *testing.T) {
	const useClipboard = "package main\n\nimport \"github.com/atotto/clipboard\"\n\nfunc main() { _ = clipboard.Unsupported }\n"
	const clipboardMod = "module example.com/chat\n\ngo 1.26\n\nrequire github.com/atotto/clipboard v0.1.4\n"
	tests := []struct {
		name             string
		env              map[string]string
		chatMod, chatSum string
		main             string
		wantMsg          []string
		wantHint         string
	}{
		{
			name:     "replaced by a directory that does not exist",
			chatMod:  "module example.com/chat\n\ngo 1.26\n\nrequire example.com/gone v1.0.0\n\nreplace example.com/gone => ../nowhere\n",
			main:     "package main\n\nimport \"example.com/gone\"\n\nfunc main() { gone.Hello() }\n",
			wantMsg:  []string{"does not build: module example.com/gone v1.0.0 is replaced by ../nowhere, which does not exist", "main.go:3:8: example.com/gone@v1.0.0: replacement directory ../nowhere does not exist"},
			wantHint: "fix the replace directive in",
		},
		{
			name:     "a version go cannot download",
			env:      map[string]string{"GOPROXY": "off", "GOFLAGS": "-mod=mod"},
			chatMod:  "module example.com/chat\n\ngo 1.26\n\nrequire example.com/gone v1.0.0\n",
			main:     "package main\n\nimport \"example.com/gone\"\n\nfunc main() { gone.Hello() }\n",
			wantMsg:  []string{"does not build: module example.com/gone v1.0.0 cannot be downloaded: module lookup disabled by GOPROXY=off", "main.go:3:8: module lookup disabled by GOPROXY=off"},
			wantHint: "go env GOPROXY GOPRIVATE GONOSUMDB",
		},
		{
			name:     "no go.sum entry",
			env:      map[string]string{"GOPROXY": "off"},
			chatMod:  clipboardMod,
			main:     useClipboard,
			wantMsg:  []string{"does not build: go.sum has no entry for module github.com/atotto/clipboard v0.1.4, which provides package github.com/atotto/clipboard", "missing go.sum entry"},
			wantHint: "go mod tidy` to add the missing entries",
		},
		{
			name:     "a checksum mismatch",
			env:      map[string]string{"GOPROXY": "off", "GOFLAGS": "-mod=mod"},
			chatMod:  clipboardMod,
			chatSum:  "github.com/atotto/clipboard v0.1.4 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
			main:     useClipboard,
			wantMsg:  []string{"does not build: module github.com/atotto/clipboard v0.1.4 does not match its checksum in go.sum", "checksum mismatch"},
			wantHint: "delete its lines from go.sum",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			root := nestedModule(t, tt.chatMod, tt.chatSum, tt.main)
			msg, hint := buildError(t, filepath.Join(root, "chat", "cmd", "server"))
			for _, w := range tt.wantMsg {
				if !strings.Contains(msg, w) {
					t.Errorf("the error lacks %q:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, "go: downloading") {
				t.Errorf("the error keeps go's download lines:\n%s", msg)
			}
			chat, _ := filepath.EvalSymlinks(filepath.Join(root, "chat"))
			repro := "`cd " + chat + " && go build ./cmd/server` shows the same"
			if !strings.Contains(hint, tt.wantHint) || !strings.HasSuffix(hint, repro) {
				t.Errorf("hint = %q\nwant %q, ending with %q", hint, tt.wantHint, repro)
			}
		})
	}
}

// TestNewerGoIsNamed: a go.mod that needs a newer Go fails already in the
// go list that resolves the target; the error says which go.mod needs
// which Go, and how to get it.
func TestNewerGoIsNamed(t *testing.T) {
	t.Setenv("GOTOOLCHAIN", "local")
	root := nestedModule(t, "module example.com/chat\n\ngo 1.99\n", "", "package main\n\nfunc main() {}\n")
	msg, hint := buildError(t, filepath.Join(root, "chat", "cmd", "server"))
	if !strings.Contains(msg, "the go.mod of module example.com/chat needs Go 1.99, and this is go 1.") {
		t.Errorf("error = %q, want the module and the Go it needs", msg)
	}
	if !strings.Contains(hint, "install Go 1.99 or later") || !strings.Contains(hint, "GOTOOLCHAIN=auto") {
		t.Errorf("hint = %q", hint)
	}
}
