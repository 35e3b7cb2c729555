package delve

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve/internal/gobuild"
)

// remoteProgram is what the program under a Delve server says about itself.
type remoteProgram struct {
	// mainPath is the main package's import path, mainModule its module's.
	mainPath, mainModule string
	// kratos is the Kratos module the program links (after replacements),
	// nil when it links none.
	kratos    *debug.Module
	goVersion string
	// mainFile, kratosAppFile and flagFile are the files of main.main,
	// Kratos' (*App).Run and flag.Parse as the program reports them.
	mainFile, kratosAppFile, flagFile string
}

// attachRemote reads what the program is from its Delve server, finds the
// source the plan needs here (fetching the Kratos version it links into the
// module cache), and arms the phases. It runs on the session's goroutine.
func (s *Session) attachRemote() error {
	if s.attaching() {
		return s.attachLocal()
	}
	r := s.remote
	addr := r.cfg.Addr
	s.status("connected to Delve %s at %s", r.delveVersion, addr)
	if !r.multiclient && !r.attached {
		s.status("this Delve server serves one client and ends the program when it leaves; start dlv with --accept-multiclient to keep the program running after the trace")
	}
	s.status("the program's own output stays with the Delve server (its terminal, docker logs, kubectl logs)")
	s.clearStaleBreakpoints()
	return s.armFromProgram(nil)
}

// armFromProgram resolves the phase plan from the program under the
// session's Delve server (remotePlan), keeps the entries keep lets through
// (all of them when keep is nil) and arms them, with the user's
// breakpoints. Close ends a source fetch under way.
func (s *Session) armFromProgram(keep func([]planEntry) []planEntry) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	entries, notes, info := s.remotePlan(ctx)
	if keep != nil {
		entries = keep(entries)
	}
	s.mu.Lock()
	s.launched = time.Now()
	s.mu.Unlock()
	s.arm(entries, notes, info)
	return s.armUserBreaks(s.cfg.Breaks)
}

// remotePlan reads what the program under the session's Delve server is
// and resolves the phase plan from it, finding the source the plan needs
// here (fetching the Kratos version it links into the module cache). ctx
// ends the fetch.
func (s *Session) remotePlan(ctx context.Context) ([]planEntry, []string, tracer.Session) {
	r, c := s.remote, s.client
	addr := r.cfg.Addr
	prog := readRemoteProgram(c)
	src := planSources{kratosLinked: prog.kratos != nil || prog.kratosAppFile != ""}
	shownDir := ""

	// The main package, for wire_gen.go.
	if prog.mainFile != "" {
		remoteDir := path.Dir(prog.mainFile)
		shownDir = remoteDir
		r.moduleDir = moduleRoot(remoteDir, prog)
		if local := s.sources.paths.toLocal(remoteDir); isDir(local) {
			src.mainDir, shownDir = local, local
		} else {
			src.mainMissing = fmt.Sprintf("the source of package main (%s) is not available here, so wire's providers are not traced: map it with --substitute-path %s=DIR", remoteDir, moduleRoot(remoteDir, prog))
		}
	} else {
		src.mainMissing = "the Delve server did not say where main.main is, so wire's providers are not traced"
	}
	if src.mainDir == "" {
		if fns, err := c.ListFunctions(`^main\.wireApp$`, 0); err == nil && len(fns) == 1 {
			src.injector = "wireApp"
		}
	}

	// The Kratos version the program links, for app.go.
	version := ""
	if prog.kratos != nil {
		version = prog.kratos.Version
	}
	if version == "" {
		version = versionInPath(prog.kratosAppFile)
	}
	if src.kratosLinked {
		remoteDir := path.Dir(prog.kratosAppFile)
		local, why := s.kratosSourceHere(ctx, prog, remoteDir, version)
		if local != "" {
			src.kratosDir = local
			if prog.kratosAppFile != "" {
				s.sources.paths = s.sources.paths.withRule(remoteDir, local)
			}
		} else {
			src.kratosMissing = why
		}
	}
	s.mapGoroot(ctx, prog)

	entries, notes := planFrom(src)
	return entries, notes, tracer.Session{
		Target:        addr,
		Package:       prog.mainPath,
		Dir:           shownDir,
		KratosVersion: version,
		GoVersion:     prog.goVersion,
	}
}

// clearStaleBreakpoints removes breakpoints an earlier session left behind
// when it lost its connection; their stops would otherwise halt the program
// at places this session knows nothing about.
func (s *Session) clearStaleBreakpoints() {
	bps, err := s.client.ListBreakpoints(false)
	if err != nil {
		return
	}
	for _, bp := range bps {
		if strings.HasPrefix(bp.Name, remoteBreakpointPrefix) {
			debugf("clearing breakpoint %d %s left by an earlier session", bp.ID, bp.Name)
			_, _ = s.client.ClearBreakpoint(bp.ID)
		}
	}
}

// readRemoteProgram asks the program for its build info (the runtime keeps
// it in runtime.modinfo, as debug.ReadBuildInfo reads it) and for where its
// key functions are. What cannot be read stays empty.
func readRemoteProgram(c *rpc2.RPCClient) remoteProgram {
	var prog remoteProgram
	scope := api.EvalScope{GoroutineID: -1}
	if v, err := c.EvalVariable(scope, "runtime.modinfo", api.LoadConfig{MaxStringLen: 1 << 20}); err == nil {
		if info, ok := parseModinfo(v.Value); ok {
			prog.mainPath, prog.mainModule = info.Path, info.Main.Path
			for _, dep := range info.Deps {
				if dep.Path == KratosModule {
					prog.kratos = dep
					if dep.Replace != nil {
						prog.kratos = dep.Replace
					}
				}
			}
		}
	} else {
		debugf("read runtime.modinfo: %v", err)
	}
	if v, err := c.EvalVariable(scope, "runtime.buildVersion", api.LoadConfig{MaxStringLen: 256}); err == nil {
		prog.goVersion = v.Value
	}
	prog.mainFile = functionFile(c, "main.main")
	prog.kratosAppFile = functionFile(c, kratosFunc(".(*App).Run"))
	prog.flagFile = functionFile(c, "flag.Parse")
	return prog
}

// parseModinfo reads the text of runtime.modinfo. The linker wraps it in
// two 16-byte markers, which do not survive Delve's JSON as bytes, so the
// text is taken from its first line on.
func parseModinfo(raw string) (*debug.BuildInfo, bool) {
	start := strings.Index(raw, "path\t")
	end := strings.LastIndexByte(raw, '\n')
	if start < 0 || end < start {
		return nil, false
	}
	text := raw[start : end+1]
	info, err := debug.ParseBuildInfo(text)
	if err != nil {
		// Only the modules matter here: retry without the build settings,
		// whose quoting rules have changed between Go versions.
		var keep []string
		for _, line := range strings.SplitAfter(text, "\n") {
			if !strings.HasPrefix(line, "build\t") {
				keep = append(keep, line)
			}
		}
		if info, err = debug.ParseBuildInfo(strings.Join(keep, "")); err != nil {
			debugf("parse runtime.modinfo: %v", err)
			return nil, false
		}
	}
	return info, true
}

// functionFile is the file of function fn as the program reports it, or "".
func functionFile(c *rpc2.RPCClient, fn string) string {
	locs, _, err := c.FindLocation(api.EvalScope{GoroutineID: -1}, fn, false, nil)
	if err != nil || len(locs) == 0 {
		debugf("find %s: %v", fn, err)
		return ""
	}
	return locs[0].File
}

// kratosVersionPattern finds the version in a module cache path.
var kratosVersionPattern = regexp.MustCompile(`go-kratos/kratos/v2@(v[^/]+)/`)

// versionInPath reads the Kratos version from a path into the module cache,
// e.g. /go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2/app.go.
func versionInPath(file string) string {
	if m := kratosVersionPattern.FindStringSubmatch(file); m != nil {
		return m[1]
	}
	return ""
}

// moduleRoot guesses the program's module directory from its main package
// directory, for the --substitute-path hint: /app/cmd/server → /app.
func moduleRoot(mainDir string, prog remoteProgram) string {
	if prog.mainModule != "" && strings.HasPrefix(prog.mainPath, prog.mainModule+"/") {
		rel := strings.TrimPrefix(prog.mainPath, prog.mainModule)
		if root, ok := strings.CutSuffix(mainDir, rel); ok && root != "" {
			return root
		}
	}
	return mainDir
}

// kratosSourceHere finds the source of the Kratos version the program links:
// where the user's --substitute-path maps it, at the same path (a program
// built on this machine), or in the module cache, downloading it there with
// `go mod download` when it is missing. It returns the directory, or "" and
// why not.
func (s *Session) kratosSourceHere(ctx context.Context, prog remoteProgram, remoteDir, version string) (string, string) {
	if prog.kratosAppFile != "" {
		if local := s.sources.paths.toLocal(remoteDir); hasFile(local, "app.go") {
			return local, ""
		}
	}
	module := KratosModule
	if prog.kratos != nil && prog.kratos.Path != "" && !strings.HasPrefix(prog.kratos.Path, ".") && !strings.HasPrefix(prog.kratos.Path, "/") {
		module = prog.kratos.Path
	}
	missing := func(why string) (string, string) {
		return "", fmt.Sprintf("the Kratos source is not available here (%s), so the phases inside App.Run are traced by function name only: app.run, app.build-instance and app.stop", why)
	}
	if version == "" || version == "(devel)" {
		return missing("the program does not say which version it links; map its Kratos directory with --substitute-path " + remoteDir + "=DIR")
	}
	if dir := filepath.Join(modCache(), escapeModulePath(module)+"@"+version); hasFile(dir, "app.go") {
		return dir, ""
	}
	s.status("fetching the source of %s@%s (go mod download)", module, version)
	dir, err := downloadModule(ctx, module, version)
	if err != nil {
		return missing(err.Error())
	}
	return dir, ""
}

// downloadModule runs `go mod download` for module@version, outside any
// module, and returns the directory it is in.
func downloadModule(ctx context.Context, module, version string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, stderr, err := gobuild.GoCommand(ctx, os.TempDir(), "mod", "download", "-json", module+"@"+version)
	var res struct{ Dir, Error string }
	_ = json.Unmarshal([]byte(out), &res)
	switch {
	case res.Error != "":
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, res.Error)
	case err != nil:
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, stderrOr(stderr, err))
	case res.Dir == "":
		return "", fmt.Errorf("go mod download %s@%s did not say where it put it", module, version)
	}
	return res.Dir, nil
}

// mapGoroot lets the source pane show the standard library (flag.Parse) when
// the program was built by the same Go version as the one here.
func (s *Session) mapGoroot(ctx context.Context, prog remoteProgram) {
	remoteRoot, ok := strings.CutSuffix(prog.flagFile, "/src/flag/flag.go")
	if !ok || prog.goVersion == "" {
		return
	}
	out, _, err := gobuild.GoCommand(ctx, os.TempDir(), "env", "GOROOT", "GOVERSION")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || lines[1] != prog.goVersion {
		return
	}
	s.sources.paths = s.sources.paths.withRule(remoteRoot, lines[0])
}

// scanArgument reads what config.Scan was called with, at its breakpoint, and
// returns an expression for the value it points to that can be read anywhere:
// (*(*"pkg.Bootstrap")(0xc000123456)). At the breakpoint, right after the
// prologue, the argument is not in place yet; one line later it is.
func scanArgument(c *rpc2.RPCClient, gid int64) (string, bool) {
	if _, err := c.SwitchGoroutine(gid); err != nil {
		return "", false
	}
	st, err := c.Next()
	if err != nil || st.Exited {
		return "", false
	}
	if st.NextInProgress {
		_ = c.CancelNext()
	}
	v, err := c.EvalVariable(api.EvalScope{GoroutineID: gid}, "v", api.LoadConfig{FollowPointers: false, MaxVariableRecurse: 1})
	if err != nil || v.Kind != reflect.Interface || len(v.Children) == 0 {
		return "", false
	}
	ptr := v.Children[0]
	if ptr.Kind != reflect.Ptr || len(ptr.Children) == 0 || ptr.Children[0].Addr == 0 {
		return "", false
	}
	return fmt.Sprintf("(*(*%q)(%#x))", strings.TrimPrefix(ptr.Type, "*"), ptr.Children[0].Addr), true
}

func isDir(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

func hasFile(dir, name string) bool {
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && fi.Mode().IsRegular()
}

// stderrOr is the first line of the go command's stderr, or err.
func stderrOr(stderr string, err error) string {
	if line := tracer.FirstLine(stderr); line != "" {
		return line
	}
	return err.Error()
}
