package gobuild

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

func TestResolveTarget(t *testing.T) {
	twoMains := tracertest.WriteModule(t, map[string]string{
		"go.mod":        "module two\n\ngo 1.26\n",
		"cmd/a/main.go": "package main\n\nfunc main() {}\n",
		"cmd/b/main.go": "package main\n\nfunc main() {}\n",
	})
	layoutish := tracertest.WriteModule(t, map[string]string{
		"go.mod":                 "module lay\n\ngo 1.26\n",
		"cmd/server/main.go":     "package main\n\nfunc main() {}\n",
		"cmd/migrate/main.go":    "package main\n\nfunc main() {}\n",
		"internal/biz/biz.go":    "package biz\n",
		"internal/data/data.go":  "package data\n",
		"internal/conf/empty.go": "package conf\n",
	})
	library := tracertest.WriteModule(t, map[string]string{
		"go.mod": "module lib\n\ngo 1.26\n",
		"lib.go": "package lib\n",
	})
	noModule := t.TempDir()
	if err := os.WriteFile(filepath.Join(noModule, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := tracertest.WriteModule(t, map[string]string{"go.mod": "module empty\n\ngo 1.26\n"})

	tests := []struct {
		name     string
		pattern  string
		wantDir  string // suffix of the resolved dir
		wantErr  string // part of the message
		wantHint string
	}{
		{name: "demo root finds cmd/server", pattern: demoDir, wantDir: "demo/cmd/server"},
		{name: "main package itself", pattern: demoDir + "/cmd/server", wantDir: "demo/cmd/server"},
		{name: "main.go file", pattern: demoDir + "/cmd/server/main.go", wantDir: "demo/cmd/server"},
		{name: "prefers cmd/server", pattern: layoutish, wantDir: "cmd/server"},
		{name: "missing path", pattern: "./no/such/dir", wantErr: "./no/such/dir does not exist", wantHint: "main package"},
		{name: "library package", pattern: library, wantErr: "is not a main package", wantHint: "package main"},
		{name: "no package at all", pattern: empty, wantErr: "holds no Go package"},
		{name: "two mains", pattern: twoMains, wantErr: "holds 2 main packages", wantHint: "cmd/a"},
		{name: "outside a module", pattern: noModule, wantErr: "not inside a Go module"},
		{name: "a plain file", pattern: filepath.Join(library, "go.mod"), wantErr: "is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveTarget(context.Background(), tt.pattern)
			if tt.wantErr != "" {
				var ue *tracer.UserError
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v (%T), want a UserError", err, err)
				}
				if !strings.Contains(ue.Msg, tt.wantErr) {
					t.Errorf("message %q lacks %q", ue.Msg, tt.wantErr)
				}
				if !strings.Contains(ue.Hint, tt.wantHint) {
					t.Errorf("hint %q lacks %q", ue.Hint, tt.wantHint)
				}
				if strings.Contains(ue.Msg, "\n") {
					t.Errorf("message is more than one line: %q", ue.Msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(filepath.ToSlash(got.Dir), tt.wantDir) {
				t.Errorf("dir = %s, want …%s", got.Dir, tt.wantDir)
			}
		})
	}
}

func TestTrimCompilerOutput(t *testing.T) {
	var lines []string
	lines = append(lines, "# example.com/x")
	for i := 0; i < 40; i++ {
		lines = append(lines, "./main.go:1:1: error")
	}
	got := trimCompilerOutput(strings.Join(lines, "\n"))
	if strings.Contains(got, "# example") {
		t.Error("kept the package header")
	}
	if n := strings.Count(got, "\n") + 1; n != maxCompilerLines+1 {
		t.Errorf("%d lines, want %d and a line that says how many more", n, maxCompilerLines+1)
	}
	if !strings.HasSuffix(got, "… and 10 more lines") {
		t.Errorf("last line = %q", got[strings.LastIndex(got, "\n")+1:])
	}
}
