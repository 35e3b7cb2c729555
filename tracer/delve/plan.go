package delve

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// KratosModule is the module path of Kratos v2.
const KratosModule = "github.com/go-kratos/kratos/v2"

// planEntry is one breakpoint the trace sets, and what a hit there means.
type planEntry struct {
	tracer.PlannedPhase
	// appExpr is the expression of the *kratos.App at this stop, when there is
	// one: "a" inside App methods, the injector's result at wire.done.
	appExpr string
	// serverVar names the closure variable holding the transport.Server at
	// server.start and server.stop.
	serverVar string
	// inFunc, for a file:line breakpoint, is the function a hit must be in
	// (a line can hold code of several functions, e.g. a closure's); with
	// orClosures its closures count too.
	inFunc     string
	orClosures bool
	// ret marks the entry of a provider's return, in the injector right
	// after the call: its hits are return events, and it is not part of
	// the plan a session shows.
	ret *providerReturn
	// optsExpr is the App's options struct where there is no App yet: "o"
	// inside kratos.New. Elsewhere it is appExpr's opts.
	optsExpr string
	// instanceVar names the local holding the *registry.ServiceInstance at
	// app.register and app.deregister.
	instanceVar string
	// failure marks a breakpoint reached only when the phase failed:
	// errVar holds the error. It is not a phase of its own, so it is left
	// out of the session's plan.
	failure bool
	errVar  string
	// cond, when set, is the breakpoint's condition: a failure's
	// `return err` that also runs when nothing failed stops only when
	// the error is set.
	cond string
	// configSource marks the breakpoint inside config.Load where each
	// source's key-values are read (srcVar, kvsVar); its hits are not
	// phases and are never reported.
	configSource   bool
	srcVar, kvsVar string
	// client marks a discovery phase's breakpoint in kratos' client code,
	// with what to read there (clientplan.go).
	client *clientSite
	// optional marks an entry whose code a program may not link (a client
	// it never builds): when its breakpoint cannot be set it is left out
	// of the plan rather than shown unavailable.
	optional bool
	// marker is a phase with no breakpoint of its own: the attach stop,
	// which the session reports itself.
	marker bool
}

// opts returns the expression of the App's options struct at this stop, or
// "" when the stop has none.
func (e planEntry) opts() string {
	switch {
	case e.optsExpr != "":
		return e.optsExpr
	case e.appExpr != "":
		return e.appExpr + ".opts"
	}
	return ""
}

// accepts reports whether a hit in function fn belongs to this phase.
func (e planEntry) accepts(fn string) bool {
	if e.inFunc == "" || fn == e.inFunc {
		return true
	}
	return e.orClosures && strings.HasPrefix(fn, e.inFunc+".func")
}

// kratosFunc is the full name of a function of the kratos module.
func kratosFunc(name string) string { return KratosModule + name }

// planPhases resolves every phase breakpoint for the main package in mainDir,
// linked against the kratos source in kratosDir ("" when the program does not
// use Kratos). Locations come from function names and from the AST of the
// program's own wire_gen.go and of Kratos' app.go, never from fixed lines.
func planPhases(mainDir, kratosDir string) ([]planEntry, []string) {
	return planFrom(planSources{mainDir: mainDir, kratosLinked: kratosDir != "", kratosDir: kratosDir})
}

// planSources says where planFrom finds the code it parses. For a program
// built here both directories are local and present; for a program built
// elsewhere either may be missing, and the phases that need it fall back to
// function names or are unavailable, with the reason as a note.
type planSources struct {
	// mainDir is the main package's source here; "" when it is not
	// available, and mainMissing then says why.
	mainDir, mainMissing string
	// injector, when mainDir is missing, names the function main calls to
	// build the App (e.g. "wireApp"), traced as the wire phase by name.
	injector string
	// kratosLinked says the program links Kratos; kratosDir is the source of
	// the version it links, "" when it is not available, and kratosMissing
	// then says why.
	kratosLinked             bool
	kratosDir, kratosMissing string
}

// planFrom resolves every phase breakpoint from src; see planPhases.
func planFrom(src planSources) ([]planEntry, []string) {
	mainDir, kratosDir := src.mainDir, src.kratosDir
	var plan []planEntry
	var notes []string
	add := func(p tracer.PhaseID, detail, fn string) {
		plan = append(plan, planEntry{PlannedPhase: tracer.PlannedPhase{Phase: p, Detail: detail, Function: fn}})
	}
	if !src.kratosLinked {
		notes = append(notes, "no Kratos app found: the program does not link "+KratosModule+"; tracing main, flag.Parse and the exit only")
		add(tracer.PhaseMain, "", "main.main")
		add(tracer.PhaseFlagParse, "", "flag.Parse")
		return plan, notes
	}

	var run appRun
	var runErr error
	if kratosDir == "" {
		runErr = errors.New(src.kratosMissing)
	} else {
		run, runErr = parseAppRun(filepath.Join(kratosDir, "app.go"))
	}
	// at returns an entry at a line of the function fn of app.go; missing
	// says what this Kratos version lacks when the line was not found.
	at := func(fn string, p tracer.PhaseID, line int, missing string) planEntry {
		e := planEntry{
			PlannedPhase: tracer.PlannedPhase{Phase: p, File: run.file, Line: line},
			appExpr:      "a",
			inFunc:       kratosFunc(fn),
			orClosures:   true,
		}
		if line == 0 {
			e.Unavailable = fmt.Sprintf("not in this Kratos version: %s (%s)", missing, filepath.Join(kratosDir, "app.go"))
			switch {
			case kratosDir == "":
				// The note says why once; each phase says what it lacks.
				e.Unavailable = "its line is found in Kratos' app.go, which is not available here"
			case runErr != nil:
				e.Unavailable = runErr.Error()
			}
		}
		return e
	}
	// kratos.New, wherever it is called from (wire's newApp, or a main
	// that builds the App by hand), stops at its return: the options are
	// applied, the App does not exist yet.
	appNew := at(".New", tracer.PhaseAppNew, run.newReturn, "kratos.New has no return statement")
	appNew.appExpr, appNew.optsExpr, appNew.orClosures = "", "o", false

	add(tracer.PhaseFlagParse, "", "flag.Parse")
	loads, note := configLoadEntries(kratosDir)
	plan = append(plan, loads...)
	if note != "" {
		notes = append(notes, note)
	}
	add(tracer.PhaseConfigScan, "", kratosFunc("/config.(*config).Scan"))

	var wire *injector
	var err error
	if mainDir == "" {
		err = errors.New(src.mainMissing)
	} else {
		wire, err = findInjector(mainDir)
	}
	switch {
	case err != nil && mainDir == "" && src.injector != "":
		notes = append(notes, err.Error())
		add(tracer.PhaseWire, src.injector, "main."+src.injector)
		plan = append(plan, appNew)
	case err != nil:
		notes = append(notes, err.Error())
		plan = append(plan, planEntry{PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseWire, Unavailable: err.Error()}}, appNew)
	default:
		add(tracer.PhaseWire, wire.name, "main."+wire.name)
		for _, p := range wire.providers {
			add(tracer.PhaseWireProvider, p.detail, p.function)
		}
		plan = append(plan, appNew)
		if wire.returnLine > 0 {
			plan = append(plan, planEntry{
				PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseWireDone, Detail: wire.name, File: wire.file, Line: wire.returnLine},
				appExpr:      wire.appVar,
				inFunc:       "main." + wire.name,
			})
		}
		plan = append(plan, providerReturns(wire)...)
	}

	add(tracer.PhaseAppRun, "", kratosFunc(".(*App).Run"))
	plan[len(plan)-1].appExpr = "a"
	add(tracer.PhaseBuildInstance, "", kratosFunc(".(*App).buildInstance"))
	plan[len(plan)-1].appExpr = "a"
	if runErr != nil {
		notes = append(notes, runErr.Error())
	}

	const runFn, stopFn = ".(*App).Run", ".(*App).Stop"
	plan = append(plan, at(runFn, tracer.PhaseBeforeStart, run.beforeStart, "(*App).Run has no BeforeStart hooks (no loop over opts.beforeStart)"))
	start := at(runFn, tracer.PhaseServerStart, run.serverStart, "(*App).Run starts no server goroutine")
	start.serverVar = run.serverVar
	plan = append(plan, start)
	register := at(runFn, tracer.PhaseRegister, run.register, "(*App).Run has no registrar check")
	register.instanceVar = run.runInstanceVar
	plan = append(plan, register)
	if run.registerFailed > 0 {
		failed := at(runFn, tracer.PhaseRegister, run.registerFailed, "")
		failed.failure, failed.errVar, failed.instanceVar = true, run.registerErr, run.runInstanceVar
		plan = append(plan, failed)
	}
	plan = append(plan,
		at(runFn, tracer.PhaseAfterStart, run.afterStart, "(*App).Run has no AfterStart hooks (no loop over opts.afterStart)"),
		at(runFn, tracer.PhaseRunning, run.running, "(*App).Run does not wait on its errgroup"))
	if run.waitFailed > 0 {
		failed := at(runFn, tracer.PhaseRunning, run.waitFailed, "")
		failed.failure, failed.errVar = true, run.waitErr
		plan = append(plan, failed)
	}
	add(tracer.PhaseStop, "", kratosFunc(stopFn))
	plan[len(plan)-1].appExpr = "a"
	plan = append(plan, at(stopFn, tracer.PhaseBeforeStop, run.beforeStop, "(*App).Stop has no BeforeStop hooks (no loop over opts.beforeStop)"))
	if run.stopReturn > 0 {
		failed := at(stopFn, tracer.PhaseBeforeStop, run.stopReturn, "")
		failed.failure, failed.errVar, failed.cond = true, run.stopErr, run.stopErr+" != nil"
		plan = append(plan, failed)
	}
	deregister := at(stopFn, tracer.PhaseDeregister, run.deregister, "(*App).Stop has no registrar check")
	deregister.instanceVar = run.stopInstanceVar
	plan = append(plan, deregister)
	if run.deregisterFailed > 0 {
		failed := at(stopFn, tracer.PhaseDeregister, run.deregisterFailed, "")
		failed.failure, failed.errVar, failed.instanceVar = true, run.deregisterErr, run.stopInstanceVar
		plan = append(plan, failed)
	}
	stop := at(runFn, tracer.PhaseServerStop, run.serverStop, "(*App).Run stops no server")
	stop.serverVar = run.serverVar
	plan = append(plan, stop,
		at(runFn, tracer.PhaseAfterStop, run.afterStop, "(*App).Run has no AfterStop hooks (no loop over opts.afterStop)"))
	if kratosDir != "" {
		clients, clientNotes := clientEntries(kratosDir)
		plan, notes = append(plan, clients...), append(notes, clientNotes...)
	}
	return plan, notes
}

// injector is the function main calls to build the *kratos.App (wireApp in
// kratos-layout) and the providers it calls, in order.
type injector struct {
	name       string
	file       string
	providers  []provider
	returnLine int
	appVar     string
}

type provider struct {
	detail   string // e.g. "data.NewData"
	function string // e.g. "github.com/x/internal/data.NewData"
	// vars are the injector's variables the provider's results are
	// assigned to, in order ("dataData", "cleanup", "err"), and
	// returnLine the line of the injector's next statement, where they
	// hold them.
	vars       []string
	returnLine int
}

// providerReturn is what a return entry of the plan reads: the variables a
// provider's results were assigned to.
type providerReturn struct {
	vars []string
}

// findInjector parses the main package in dir, as the go command would build
// it (so wire.go with its wireinject tag is left out), and finds the function
// that returns *kratos.App and is called from main.
func findInjector(dir string) (*injector, error) {
	pkg, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, fmt.Errorf("read package %s: %w", dir, err)
	}
	fset := token.NewFileSet()
	type candidate struct {
		decl *ast.FuncDecl
		file *ast.File
		path string
	}
	var cands []candidate
	funcs := map[string]bool{}
	var mainDecl *ast.FuncDecl
	newInMain := false
	for _, name := range pkg.GoFiles {
		path := filepath.Join(dir, name)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		kratosName := importName(f, KratosModule)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil {
				continue
			}
			funcs[fd.Name.Name] = true
			if fd.Name.Name == "main" {
				mainDecl = fd
				newInMain = kratosName != "" && callsPackageFunc(fd.Body, kratosName, "New")
			}
			if kratosName != "" && returnsApp(fd, kratosName) {
				cands = append(cands, candidate{fd, f, path})
			}
		}
	}
	if len(cands) == 0 && newInMain {
		return nil, errors.New("no injector: main builds the App itself with kratos.New, which app.new shows")
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("no function in %s returns *kratos.App", dir)
	}
	pick := cands[0]
	if mainDecl != nil {
		called := calledNames(mainDecl.Body)
		for _, c := range cands {
			if called[c.decl.Name.Name] {
				pick = c
				break
			}
		}
	}
	inj := &injector{name: pick.decl.Name.Name, file: pick.path}
	imports := importsOf(pick.file)
	body := pick.decl.Body.List
	for i, stmt := range body {
		switch s := stmt.(type) {
		case *ast.AssignStmt:
			if len(s.Rhs) != 1 {
				continue
			}
			call, ok := s.Rhs[0].(*ast.CallExpr)
			if !ok {
				continue
			}
			if p, ok := providerOf(call, imports, funcs); ok {
				for _, lhs := range s.Lhs {
					if id, ok := lhs.(*ast.Ident); ok {
						p.vars = append(p.vars, id.Name)
					}
				}
				if i+1 < len(body) && len(p.vars) == len(s.Lhs) {
					p.returnLine = fset.Position(body[i+1].Pos()).Line
				}
				inj.providers = append(inj.providers, p)
			}
		case *ast.ReturnStmt:
			inj.returnLine = fset.Position(s.Pos()).Line
			if len(s.Results) > 0 {
				if id, ok := s.Results[0].(*ast.Ident); ok {
					inj.appVar = id.Name
				}
			}
		}
	}
	if inj.appVar == "" {
		inj.returnLine = 0
	}
	return inj, nil
}

// providerReturns are the entries that see each provider return: a
// breakpoint on the injector's statement after the call, where the
// variables hold what the provider returned. Reading them there is simpler
// and sturdier than stepping out of the provider to read its return
// values.
func providerReturns(wire *injector) []planEntry {
	var out []planEntry
	for _, p := range wire.providers {
		if p.returnLine == 0 {
			continue
		}
		out = append(out, planEntry{
			PlannedPhase: tracer.PlannedPhase{Phase: tracer.PhaseWireProvider, Detail: p.detail, File: wire.file, Line: p.returnLine},
			inFunc:       "main." + wire.name,
			ret:          &providerReturn{vars: p.vars},
		})
	}
	return out
}

// providerOf names the function a wire_gen assignment calls.
func providerOf(call *ast.CallExpr, imports map[string]string, funcs map[string]bool) (provider, bool) {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		if funcs[fn.Name] {
			return provider{detail: "main." + fn.Name, function: "main." + fn.Name}, true
		}
	case *ast.SelectorExpr:
		x, ok := fn.X.(*ast.Ident)
		if !ok {
			return provider{}, false
		}
		if path, ok := imports[x.Name]; ok {
			return provider{detail: x.Name + "." + fn.Sel.Name, function: path + "." + fn.Sel.Name}, true
		}
	}
	return provider{}, false
}

// returnsApp reports whether fd's first result is *<kratosName>.App.
func returnsApp(fd *ast.FuncDecl, kratosName string) bool {
	if fd.Type.Results == nil || len(fd.Type.Results.List) == 0 {
		return false
	}
	star, ok := fd.Type.Results.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == kratosName && sel.Sel.Name == "App"
}

// calledNames returns the names of the plain functions called anywhere in n.
func calledNames(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok {
				out[id.Name] = true
			}
		}
		return true
	})
	return out
}

// callsPackageFunc reports whether n calls pkg.name(...).
func callsPackageFunc(n ast.Node, pkg, name string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == name {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == pkg {
				found = true
			}
		}
		return !found
	})
	return found
}

// importsOf maps each import's name in f to its path.
func importsOf(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := defaultImportName(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		out[name] = path
	}
	return out
}

// importName is the name f uses for the package at path, or "".
func importName(f *ast.File, path string) string {
	for name, p := range importsOf(f) {
		if p == path {
			return name
		}
	}
	return ""
}

// defaultImportName guesses a package's name from its path the way Go code
// conventionally names it: the last element, without a major version suffix.
func defaultImportName(path string) string {
	parts := strings.Split(path, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	if last == "kratos" || strings.HasPrefix(path, KratosModule) && last == "v2" {
		return "kratos"
	}
	return strings.ReplaceAll(last, "-", "_")
}

// appRun holds the lines of Kratos' app.go where the phases inside New,
// (*App).Run and (*App).Stop begin.
type appRun struct {
	file string
	// newReturn is New's return statement, where the options are applied.
	newReturn                          int
	beforeStart, afterStart, afterStop int
	serverStart, serverStop            int
	register, running                  int
	// registerFailed is the first statement run when Register returned an
	// error (Run's `return err`); registerErr names that error variable.
	registerFailed int
	registerErr    string
	// waitFailed is the first statement run when the errgroup's Wait
	// returned an error (Run's `return err` after `if err = eg.Wait(); …`);
	// waitErr names that error variable.
	waitFailed int
	waitErr    string
	// beforeStop and deregister are in Stop; deregisterFailed is Stop's
	// `return err` when Deregister failed, deregisterErr that variable.
	beforeStop, deregister int
	deregisterFailed       int
	deregisterErr          string
	// stopReturn is Stop's last statement, `return err`, where err holds a
	// BeforeStop hook's error; stopErr names it.
	stopReturn int
	stopErr    string
	// instanceVar is the local holding the *registry.ServiceInstance in Run
	// and in Stop ("instance" in every version so far).
	runInstanceVar, stopInstanceVar string
	serverVar                       string
}

// parseAppRun finds the phase lines in Kratos' app.go by the shape of the
// code: New's return; in (*App).Run the loops over
// a.opts.beforeStart/afterStart/afterStop, the goroutines that call
// server.Start and server.Stop, the registrar check and eg.Wait; in
// (*App).Stop the loop over a.opts.beforeStop and the registrar check.
// Versions without some of these (v2.2 has no hooks) leave their lines 0.
func parseAppRun(path string) (appRun, error) {
	run := appRun{file: path}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return run, fmt.Errorf("parse kratos source: %w", err)
	}
	var body, stop, newFn *ast.BlockStmt
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		switch {
		case fd.Name.Name == "Run" && fd.Recv != nil:
			body = fd.Body
		case fd.Name.Name == "Stop" && fd.Recv != nil:
			stop = fd.Body
		case fd.Name.Name == "New" && fd.Recv == nil:
			newFn = fd.Body
		}
	}
	if body == nil {
		return run, fmt.Errorf("no (*App).Run in %s", path)
	}
	line := func(n ast.Node) int { return fset.Position(n.Pos()).Line }
	if newFn != nil {
		for _, stmt := range newFn.List {
			if r, ok := stmt.(*ast.ReturnStmt); ok {
				run.newReturn = line(r)
			}
		}
	}
	for _, stmt := range body.List {
		switch s := stmt.(type) {
		case *ast.RangeStmt:
			switch lastSelector(s.X) {
			case "beforeStart":
				run.beforeStart = line(s)
			case "afterStart":
				run.afterStart = line(s)
			case "afterStop":
				run.afterStop = line(s)
			case "servers":
				findServerGoroutines(s.Body, line, &run)
			}
		case *ast.IfStmt:
			if run.register == 0 && mentions(s.Cond, "registrar") {
				run.register = line(s)
				run.runInstanceVar = registrarCallArg(s.Body, "Register")
				run.registerFailed, run.registerErr = failureReturn(s.Body, "Register", line)
			}
			if run.running == 0 && callsMethod(s.Init, "Wait") {
				run.running = line(s)
				run.waitFailed, run.waitErr = waitFailure(s, line)
			}
		default:
			if run.running == 0 && run.afterStart > 0 && callsMethod(s, "Wait") {
				run.running = line(s)
			}
		}
	}
	if stop != nil {
		for _, stmt := range stop.List {
			switch s := stmt.(type) {
			case *ast.RangeStmt:
				if lastSelector(s.X) == "beforeStop" && run.beforeStop == 0 {
					run.beforeStop = line(s)
				}
			case *ast.IfStmt:
				if run.deregister == 0 && mentions(s.Cond, "registrar") {
					run.deregister = line(s)
					run.stopInstanceVar = registrarCallArg(s.Body, "Deregister")
					run.deregisterFailed, run.deregisterErr = failureReturn(s.Body, "Deregister", line)
				}
			}
		}
		if n := len(stop.List); n > 0 && run.beforeStop > 0 {
			// Stop ends with `return err`, err being the last BeforeStop
			// hook's error when the registrar did not overwrite it.
			if r, ok := stop.List[n-1].(*ast.ReturnStmt); ok && len(r.Results) == 1 {
				if id, ok := r.Results[0].(*ast.Ident); ok {
					run.stopReturn, run.stopErr = line(r), id.Name
				}
			}
		}
	}
	return run, nil
}

// registrarCallArg returns the identifier passed last to the registrar's
// method (Register or Deregister) in n: the ServiceInstance variable.
func registrarCallArg(n ast.Node, method string) string {
	arg := ""
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || arg != "" {
			return arg == ""
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == method && len(call.Args) > 0 {
			if id, ok := call.Args[len(call.Args)-1].(*ast.Ident); ok {
				arg = id.Name
			}
		}
		return true
	})
	return arg
}

// failureReturn finds, in n, the `if err := x.method(...); err != nil {`
// check and returns the line of the first statement of its body (run only
// when the call failed) and the error variable's name.
func failureReturn(n ast.Node, method string, line func(ast.Node) int) (int, string) {
	at, name := 0, ""
	ast.Inspect(n, func(n ast.Node) bool {
		ifs, ok := n.(*ast.IfStmt)
		if !ok || at != 0 {
			return at == 0
		}
		as, ok := ifs.Init.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || registrarCallArg(as.Rhs[0], method) == "" || len(ifs.Body.List) == 0 {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok && mentions(ifs.Cond, id.Name) {
			at, name = line(ifs.Body.List[0]), id.Name
		}
		return false
	})
	return at, name
}

// waitFailure returns, for Run's `if err = eg.Wait(); err != nil … {`,
// the line of the first statement of its body and the error variable.
func waitFailure(ifs *ast.IfStmt, line func(ast.Node) int) (int, string) {
	as, ok := ifs.Init.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(ifs.Body.List) == 0 {
		return 0, ""
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok || !mentions(ifs.Cond, id.Name) {
		return 0, ""
	}
	return line(ifs.Body.List[0]), id.Name
}

// findServerGoroutines finds, in the loop over the servers, the goroutine
// that starts a server (its first statement, before which Run waits) and the
// one that stops it (the statement calling Stop, after ctx.Done).
func findServerGoroutines(loop *ast.BlockStmt, line func(ast.Node) int, run *appRun) {
	ast.Inspect(loop, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok || len(lit.Body.List) == 0 {
			return true
		}
		for _, stmt := range lit.Body.List {
			if v := methodReceiver(stmt, "Start"); v != "" && run.serverStart == 0 {
				run.serverStart = line(lit.Body.List[0])
				run.serverVar = v
			}
			if v := methodReceiver(stmt, "Stop"); v != "" && run.serverStop == 0 {
				// Stop where the goroutine wakes: the statement right after
				// it receives from ctx.Done().
				run.serverStop = line(stmt)
				if first, ok := lit.Body.List[0].(*ast.ExprStmt); ok && isReceive(first.X) && len(lit.Body.List) > 1 {
					run.serverStop = line(lit.Body.List[1])
				}
				if run.serverVar == "" {
					run.serverVar = v
				}
			}
		}
		return false
	})
}

// scanTarget returns the expression whose value a call X.Scan(arg) on
// file:line decodes into: "bc" for c.Scan(&bc), "*p" for c.Scan(p).
func scanTarget(file string, line int) (string, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return "", false
	}
	target := ""
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || target != "" || fset.Position(call.Pos()).Line > line || fset.Position(call.End()).Line < line {
			return target == ""
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Scan" || len(call.Args) != 1 {
			return true
		}
		if u, ok := call.Args[0].(*ast.UnaryExpr); ok && u.Op == token.AND {
			target = types.ExprString(u.X)
		} else {
			target = "*" + types.ExprString(call.Args[0])
		}
		return false
	})
	return target, target != ""
}

// isReceive reports whether e is a channel receive, <-ch.
func isReceive(e ast.Expr) bool {
	u, ok := e.(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW
}

// lastSelector returns "c" for a.b.c.
func lastSelector(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return ""
}

// mentions reports whether n contains a selector or identifier called name.
func mentions(n ast.Node, name string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if x.Sel.Name == name {
				found = true
			}
		case *ast.Ident:
			if x.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// callsMethod reports whether n calls a method called name.
func callsMethod(n ast.Node, name string) bool {
	if n == nil {
		return false
	}
	return methodReceiver(n, name) != ""
}

// methodReceiver returns the receiver identifier of a call x.name(...) in n,
// not looking inside function literals.
func methodReceiver(n ast.Node, name string) string {
	recv := ""
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return recv == ""
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == name {
			if x, ok := sel.X.(*ast.Ident); ok {
				recv = x.Name
			}
		}
		return recv == ""
	})
	return recv
}
