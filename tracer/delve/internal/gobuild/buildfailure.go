package gobuild

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// A build can fail before anything compiles: a module go cannot download,
// a checksum that does not match go.sum, a go.mod that needs a newer Go, a
// go.sum without the module's entry. go says so in a line of its own (in a
// nested module, without the `# pkg` header of a compile error), often
// after a screen of `go: downloading` lines. moduleCause turns that line
// into one sentence naming the module and its version, and a hint that
// fits; reproduceCommand says how to see the same from the package's own
// module, which in a repository of nested modules is not the directory the
// user is in.

// moduleProblem is what moduleCause found: the sentence and the hint.
type moduleProblem struct {
	msg, hint string
}

var (
	checksumRe = regexp.MustCompile(`verifying (\S+?)@(\S+?)(/go\.mod)?: checksum mismatch`)
	newerGoRe  = regexp.MustCompile(`(\S+) requires go >= (\S+) \(running go (\S+?)(?:; GOTOOLCHAIN=(\S+?))?\)`)
	goSumRe    = regexp.MustCompile(`missing go\.sum entry for module providing package (\S+)`)
	goSumModRe = regexp.MustCompile(`missing go\.sum entry for go\.mod file[^\n]*`)
	replaceRe  = regexp.MustCompile(`(?:^|\s)([^\s@]+)@(\S+?): replacement directory (\S+) does not exist`)
	downloadRe = regexp.MustCompile(`(?:^|\s)([^\s@:]+)@(v[^\s:]+): (.+)`)
	lookupRe   = regexp.MustCompile(`(?:^|: )(module lookup disabled by GOPROXY=off|cannot find module providing package (\S+).*)`)
	fetchingRe = regexp.MustCompile(`go: (?:downloading|finding module for package|found) (\S+) (v\S+)`)
)

// moduleCause reads a failed go command's output (its messages and
// stderr) for a module problem; failed are the packages the build marked
// failed, modDir the directory of the main package's module. It returns
// false for anything else, a compile error above all.
func moduleCause(out string, failed []string, modDir string) (moduleProblem, bool) {
	if m := checksumRe.FindStringSubmatch(out); m != nil {
		return moduleProblem{
			msg:  fmt.Sprintf("module %s %s does not match its checksum in go.sum: the files downloaded are not the ones recorded", m[1], m[2]),
			hint: fmt.Sprintf("if %s %s was legitimately re-published, delete its lines from go.sum and run `%s`; otherwise the proxy or the network altered it", m[1], m[2], inModule(modDir, "go mod tidy")),
		}, true
	}
	if m := newerGoRe.FindStringSubmatch(out); m != nil {
		who := "the go.mod of module " + modulePath(modDir)
		if mod, ver, ok := strings.Cut(m[1], "@"); ok {
			who = fmt.Sprintf("module %s %s", mod, ver)
		} else if !strings.HasSuffix(m[1], "go.mod") {
			who = m[1]
		}
		hint := fmt.Sprintf("install Go %s or later (https://go.dev/dl)", m[2])
		if m[4] == "local" {
			hint += ", or let go fetch it: unset GOTOOLCHAIN or set GOTOOLCHAIN=auto"
		}
		return moduleProblem{msg: fmt.Sprintf("%s needs Go %s, and this is go %s", who, m[2], m[3]), hint: hint}, true
	}
	if m := goSumRe.FindStringSubmatch(out); m != nil {
		mod, ver := requiredModule(modDir, m[1])
		return moduleProblem{
			msg:  fmt.Sprintf("go.sum has no entry for module %s, which provides package %s", withVersion(mod, ver), m[1]),
			hint: fmt.Sprintf("run `%s` to add the missing entries", inModule(modDir, "go mod tidy")),
		}, true
	}
	if m := goSumModRe.FindString(out); m != "" {
		return moduleProblem{msg: "go.sum lacks an entry: " + strings.TrimSpace(m), hint: fmt.Sprintf("run `%s` to add the missing entries", inModule(modDir, "go mod tidy"))}, true
	}
	if m := replaceRe.FindStringSubmatch(out); m != nil {
		return moduleProblem{
			msg:  fmt.Sprintf("module %s %s is replaced by %s, which does not exist", m[1], m[2], m[3]),
			hint: fmt.Sprintf("fix the replace directive in %s, or put the module's source at %s", filepath.Join(modDir, "go.mod"), m[3]),
		}, true
	}
	hint := "check that the version exists and that go may fetch it: `go env GOPROXY GOPRIVATE GONOSUMDB`; a private module needs GOPRIVATE and credentials"
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "go: downloading") {
			continue
		}
		if m := downloadRe.FindStringSubmatch(line); m != nil {
			return moduleProblem{msg: fmt.Sprintf("module %s %s cannot be downloaded: %s", m[1], m[2], downloadReason(m[3], out)), hint: hint}, true
		}
	}
	if m := lookupRe.FindStringSubmatch(out); m != nil {
		// go names no module here: the failed package's module and the
		// version go was downloading, or go.mod requires, do.
		pkg := m[2]
		if pkg == "" && len(failed) > 0 {
			pkg = failed[0]
		}
		mod, ver := requiredModule(modDir, pkg)
		if v := downloading(out, mod); v != "" {
			ver = v
		}
		return moduleProblem{msg: fmt.Sprintf("module %s cannot be downloaded: %s", withVersion(mod, ver), strings.TrimSpace(m[1])), hint: hint}, true
	}
	return moduleProblem{}, false
}

// downloadReason is the reason go gave, on one line: the HTTP status of a
// proxy and the server's own words when it sent some.
func downloadReason(reason, out string) string {
	reason = strings.TrimSpace(reason)
	if i := strings.Index(out, "server response:"); i >= 0 {
		resp, _, _ := strings.Cut(out[i+len("server response:"):], "\n")
		if resp = strings.TrimSpace(resp); resp != "" {
			reason += " (the server says: " + resp + ")"
		}
	}
	return reason
}

// downloading is the version of mod that go said it was downloading.
func downloading(out, mod string) string {
	for _, m := range fetchingRe.FindAllStringSubmatch(out, -1) {
		if m[1] == mod {
			return m[2]
		}
	}
	return ""
}

// withVersion is "mod ver", or mod when the version is not known.
func withVersion(mod, ver string) string {
	if ver == "" {
		return mod
	}
	return mod + " " + ver
}

// requiredModule finds the module that provides pkg among the requirements
// of the go.mod in modDir: the longest module path that is pkg or a prefix
// of it, and its version. When none matches it returns pkg and "".
func requiredModule(modDir, pkg string) (string, string) {
	f, err := os.Open(filepath.Join(modDir, "go.mod"))
	if err != nil {
		return pkg, ""
	}
	defer f.Close()
	best, ver := "", ""
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if c, _, ok := strings.Cut(line, "//"); ok {
			line = strings.TrimSpace(c)
		}
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		case !inBlock:
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		mod := fields[0]
		if (pkg == mod || strings.HasPrefix(pkg, mod+"/")) && len(mod) > len(best) {
			best, ver = mod, fields[1]
		}
	}
	if best == "" {
		return pkg, ""
	}
	return best, ver
}

// modulePath is the module path the go.mod in modDir declares, or modDir
// when it cannot be read.
func modulePath(modDir string) string {
	b, err := os.ReadFile(filepath.Join(modDir, "go.mod"))
	if err != nil {
		return modDir
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return modDir
}

// reproduceCommand is the go build command that shows what a failed build
// of t said, run from the directory of the package's own module: in a
// repository of nested modules `go build ./a/cmd/server` from the root
// would answer that the main module does not contain the package.
func reproduceCommand(t *Target) string {
	if t.ModuleDir == "" {
		return "go build " + t.Pattern
	}
	pkg, err := filepath.Rel(t.ModuleDir, t.Dir)
	if err != nil {
		return "go build " + t.Pattern
	}
	arg := "./" + filepath.ToSlash(pkg)
	if pkg == "." {
		arg = "."
	}
	return inModule(t.ModuleDir, "go build "+arg)
}

// inModule is command run in modDir, as a person types it from the current
// directory: with `cd DIR && ` in front unless modDir is where they are.
func inModule(modDir, command string) string {
	wd, err := os.Getwd()
	if err != nil || modDir == "" {
		return command
	}
	if wd, err = filepath.EvalSymlinks(wd); err != nil {
		return command
	}
	dir := modDir
	if d, err := filepath.EvalSymlinks(modDir); err == nil {
		dir = d
	}
	if dir == wd {
		return command
	}
	if rel, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(rel, "..") {
		dir = rel
	}
	return "cd " + dir + " && " + command
}

// buildFailure is the UserError of a go build of t that failed with err:
// one sentence (a module problem's own, or "does not compile"), the lines
// go printed about it without its `go: downloading` chatter, and a hint
// ending with the command that shows the same.
func buildFailure(t *Target, out string, failed []string, err error) *tracer.UserError {
	ue := &tracer.UserError{
		Msg:    fmt.Sprintf("%s does not compile", t.Pattern),
		Hint:   "fix the errors above; `" + reproduceCommand(t) + "` shows the same",
		Detail: trimCompilerOutput(dropDownloadLines(out)),
		Err:    err,
	}
	if p, ok := moduleCause(out, failed, t.ModuleDir); ok {
		ue.Msg = fmt.Sprintf("%s does not build: %s", t.Pattern, p.msg)
		ue.Hint = p.hint + "; `" + reproduceCommand(t) + "` shows the same"
	}
	return ue
}

// dropDownloadLines removes go's progress lines (`go: downloading m v`,
// `go: finding module for package p`) from out, and a message repeated
// word for word: each package that imports a module go could not get
// fails with the same line.
func dropDownloadLines(out string) string {
	var keep []string
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "go: downloading "), strings.HasPrefix(line, "go: finding module for package "):
			continue
		case strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "\t") && seen[line]:
			continue
		}
		seen[line] = true
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

// listFailure is the UserError of the go list that resolves pattern (the
// directory abs) when it failed with stderr msg: a module problem's own
// sentence when it is one, with the build that shows the same from the
// package's module.
func listFailure(pattern, abs, msg string, err error) *tracer.UserError {
	ue := &tracer.UserError{Msg: fmt.Sprintf("go list %s failed", pattern), Detail: dropDownloadLines(msg), Err: err}
	modDir := enclosingModule(abs)
	if p, ok := moduleCause(msg, nil, modDir); ok {
		t := &Target{Pattern: pattern, Dir: abs, ModuleDir: modDir}
		ue.Msg = fmt.Sprintf("%s does not build: %s", pattern, p.msg)
		ue.Hint = p.hint + "; `" + reproduceCommand(t) + "` shows the same"
	}
	return ue
}

// enclosingModule is the directory of the go.mod nearest above dir, or ""
// when there is none.
func enclosingModule(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
