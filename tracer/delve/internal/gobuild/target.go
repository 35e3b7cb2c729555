package gobuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Target is a main package resolved from what the user typed.
type Target struct {
	// Pattern is what the user typed, e.g. "./demo".
	Pattern string
	// ImportPath and Dir are the main package's.
	ImportPath string
	Dir        string
	// ModuleDir is the root of the module that holds the package.
	ModuleDir string
}

// ResolveTarget finds the main package the user means by pattern: a directory
// that is a main package, or a directory holding exactly one main package (or
// a cmd/server one, as kratos-layout has).
func ResolveTarget(ctx context.Context, pattern string) (*Target, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return nil, &tracer.UserError{Msg: "the go command is not on PATH", Hint: "install Go (https://go.dev/dl) and make sure `go version` works", Err: err}
	}
	dir := pattern
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, &tracer.UserError{Msg: fmt.Sprintf("%s does not exist", pattern), Hint: "give the directory of a Go main package, e.g. ./demo or ./cmd/server", Err: err}
	case err != nil:
		return nil, &tracer.UserError{Msg: fmt.Sprintf("cannot read %s: %v", pattern, err), Err: err}
	case !fi.IsDir():
		if strings.HasSuffix(dir, ".go") {
			dir = filepath.Dir(dir)
		} else {
			return nil, &tracer.UserError{Msg: fmt.Sprintf("%s is not a directory", pattern), Hint: "give the directory of a Go main package, e.g. ./demo or ./cmd/server"}
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", pattern, err)
	}

	out, stderr, err := GoCommand(ctx, abs, "list", "-e", "-f", "{{.Name}}\t{{.ImportPath}}\t{{.Dir}}\t{{if .Module}}{{.Module.Dir}}{{end}}\t{{if .Error}}{{.Error.Err}}{{end}}", "./...")
	if err != nil {
		msg := strings.TrimSpace(stderr)
		if strings.Contains(msg, "go.mod file not found") || strings.Contains(msg, "cannot find main module") {
			return nil, &tracer.UserError{Msg: fmt.Sprintf("%s is not inside a Go module", pattern), Hint: "run kratos-trace on a package of a module with a go.mod", Detail: msg, Err: err}
		}
		return nil, listFailure(pattern, abs, msg, err)
	}
	var mains []Target
	var all int
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 5 {
			continue
		}
		if f[0] == "" {
			if strings.Contains(f[4], "does not contain main module") || strings.Contains(f[4], "go.mod file not found") {
				return nil, &tracer.UserError{Msg: fmt.Sprintf("%s is not inside a Go module", pattern), Hint: "run kratos-trace on a package of a module with a go.mod", Detail: f[4]}
			}
			continue
		}
		all++
		if f[0] != "main" {
			continue
		}
		mains = append(mains, Target{Pattern: pattern, ImportPath: f[1], Dir: f[2], ModuleDir: f[3]})
	}
	if len(mains) == 0 {
		if all == 0 {
			return nil, &tracer.UserError{Msg: fmt.Sprintf("%s holds no Go package", pattern), Hint: "give the directory of a Go main package, e.g. ./demo or ./cmd/server"}
		}
		return nil, &tracer.UserError{Msg: fmt.Sprintf("%s is not a main package and holds none", pattern), Hint: "kratos-trace runs programs: give the directory of a `package main`, e.g. ./cmd/server"}
	}
	for _, m := range mains {
		if m.Dir == abs {
			return &m, nil
		}
	}
	if len(mains) == 1 {
		return &mains[0], nil
	}
	// kratos-layout's main is cmd/server: the directory's own comes
	// first, before the cmd/server of a service further down (a
	// monorepo's app/<svc>/cmd/server).
	for _, m := range mains {
		if m.Dir == filepath.Join(abs, "cmd", "server") {
			return &m, nil
		}
	}
	var servers []Target
	for _, m := range mains {
		if strings.HasSuffix(filepath.ToSlash(m.Dir), "/cmd/server") {
			servers = append(servers, m)
		}
	}
	if len(servers) == 1 {
		return &servers[0], nil
	}
	for _, m := range servers {
		// The directory's own cmd/server, beside the services of a
		// monorepo below it (the demo's gateway/cmd/server).
		if m.Dir == filepath.Join(abs, "cmd", "server") {
			return &m, nil
		}
	}
	var names []string
	for _, m := range mains {
		rel, err := filepath.Rel(abs, m.Dir)
		if err != nil {
			rel = m.Dir
		}
		names = append(names, filepath.Join(pattern, rel))
	}
	sort.Strings(names)
	return nil, &tracer.UserError{Msg: fmt.Sprintf("%s holds %d main packages", pattern, len(mains)), Hint: "name one of them: " + strings.Join(names, ", ")}
}

// GoCommand runs the go command in dir and returns its stdout and stderr.
func GoCommand(ctx context.Context, dir string, args ...string) (string, string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}
