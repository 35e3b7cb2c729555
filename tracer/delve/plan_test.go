package delve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/tracertest"
)

// kratosSource returns the module cache directory of a kratos version, or
// skips when it has not been downloaded.
func kratosSource(t *testing.T, version string) string {
	t.Helper()
	dir := filepath.Join(modCache(), escapeModulePath(KratosModule)+"@"+version)
	if _, err := os.Stat(filepath.Join(dir, "app.go")); err != nil {
		t.Skipf("kratos %s is not in the module cache (%v)", version, err)
	}
	return dir
}

// lineOf returns the 1-based line of the first line in file containing s.
func lineOf(t *testing.T, file, s string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", file, s)
	return 0
}

func TestParseAppRunV292(t *testing.T) {
	dir := kratosSource(t, "v2.9.2")
	app := filepath.Join(dir, "app.go")
	run, err := parseAppRun(app)
	if err != nil {
		t.Fatal(err)
	}
	// Each phase line is found by its code, so the test does not hard-code
	// numbers either.
	checks := []struct {
		name string
		got  int
		code string
	}{
		{"before-start", run.beforeStart, "range a.opts.beforeStart"},
		{"server.start", run.serverStart, "wg.Done() // here is to ensure"},
		{"server.stop", run.serverStop, "stopCtx := context.WithoutCancel(octx)"},
		{"register", run.register, "if a.opts.registrar != nil {"},
		{"after-start", run.afterStart, "range a.opts.afterStart"},
		{"running", run.running, "if err = eg.Wait()"},
		{"after-stop", run.afterStop, "range a.opts.afterStop"},
	}
	for _, c := range checks {
		if want := lineOf(t, app, c.code); c.got != want {
			t.Errorf("%s at line %d, want %d (%q)", c.name, c.got, want, c.code)
		}
	}
	if run.serverVar != "server" {
		t.Errorf("serverVar = %q, want server", run.serverVar)
	}
}

func TestFindInjectorDemo(t *testing.T) {
	inj, err := findInjector(filepath.Join(demoDir, "cmd", "server"))
	if err != nil {
		t.Fatal(err)
	}
	if inj.name != "wireApp" || filepath.Base(inj.file) != "wire_gen.go" {
		t.Errorf("injector = %s in %s, want wireApp in wire_gen.go (wire.go is build-tagged out)", inj.name, inj.file)
	}
	var got []string
	for _, p := range inj.providers {
		got = append(got, p.detail)
	}
	want := "data.NewData data.NewGreeterRepo biz.NewGreeterUsecase service.NewGreeterService server.NewGRPCServer server.NewHTTPServer server.NewRegistrar main.newApp"
	if strings.Join(got, " ") != want {
		t.Errorf("providers = %v, want %s", got, want)
	}
	if inj.providers[0].function != "github.com/kratos-trace/kratos-trace/demo/internal/data.NewData" {
		t.Errorf("provider function = %s", inj.providers[0].function)
	}
	if inj.appVar != "app" || inj.returnLine != lineOf(t, inj.file, "return app, func()") {
		t.Errorf("return at %d holding %q", inj.returnLine, inj.appVar)
	}
}

func TestFindInjectorRenamed(t *testing.T) {
	dir := tracertest.WriteModule(t, map[string]string{
		"go.mod": "module renamed\n\ngo 1.26\n",
		"main.go": `package main

import kr "github.com/go-kratos/kratos/v2"

func buildApp() *kr.App { return kr.New() }

func initApp() (*kr.App, error) {
	app := buildApp()
	return app, nil
}

func main() {
	app, _ := initApp()
	_ = app
}
`,
	})
	inj, err := findInjector(dir)
	if err != nil {
		t.Fatal(err)
	}
	if inj.name != "initApp" {
		t.Errorf("injector = %s, want initApp (the one main calls)", inj.name)
	}
	if len(inj.providers) != 1 || inj.providers[0].function != "main.buildApp" {
		t.Errorf("providers = %+v", inj.providers)
	}
}

func TestPlanWithoutKratos(t *testing.T) {
	plan, notes := planPhases(t.TempDir(), "")
	if len(plan) != 2 || plan[0].Phase != tracer.PhaseMain || plan[1].Phase != tracer.PhaseFlagParse {
		t.Errorf("plan = %+v, want main and flag.parse only", plan)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "no Kratos app") {
		t.Errorf("notes = %v", notes)
	}
}

func TestScanTarget(t *testing.T) {
	dir := tracertest.WriteModule(t, map[string]string{"main.go": `package main

func main() {
	var bc Bootstrap
	if err := c.Scan(&bc); err != nil {
		panic(err)
	}
	p := &Other{}
	_ = c.Scan(p)
}
`})
	file := filepath.Join(dir, "main.go")
	for line, want := range map[int]string{5: "bc", 9: "*p"} {
		got, ok := scanTarget(file, line)
		if !ok || got != want {
			t.Errorf("line %d: %q %v, want %q", line, got, ok, want)
		}
	}
	if _, ok := scanTarget(file, 3); ok {
		t.Error("found a Scan call on a line without one")
	}
}

func TestProtoName(t *testing.T) {
	for in, want := range map[string]string{
		"Http":         "http",
		"Grpc":         "grpc",
		"ReadTimeout":  "read_timeout",
		"Addr":         "addr",
		"HTTPAddr":     "http_addr",
		"MaxIdleConns": "max_idle_conns",
		"Dsn2":         "dsn2",
	} {
		if got := protoName(in); got != want {
			t.Errorf("protoName(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestShortType(t *testing.T) {
	for in, want := range map[string]string{
		"*github.com/x/internal/conf.Server_HTTP": "*conf.Server_HTTP",
		"[]*github.com/x/conf.Item":               "[]*conf.Item",
		"string":                                  "string",
	} {
		if got := shortType(in); got != want {
			t.Errorf("shortType(%s) = %s, want %s", in, got, want)
		}
	}
}

// planByPhase indexes a plan's entries by phase; failure entries are left
// out, as the session's plan leaves them out.
func planByPhase(plan []planEntry) map[tracer.PhaseID]planEntry {
	out := map[tracer.PhaseID]planEntry{}
	for _, e := range plan {
		if !e.failure {
			out[e.Phase] = e
		}
	}
	return out
}

func TestParseAppNewAndStop(t *testing.T) {
	for _, version := range []string{"v2.9.2", "v2.8.3"} {
		t.Run(version, func(t *testing.T) {
			app := filepath.Join(kratosSource(t, version), "app.go")
			run, err := parseAppRun(app)
			if err != nil {
				t.Fatal(err)
			}
			checks := []struct {
				name string
				got  int
				code string
			}{
				{"app.new", run.newReturn, "return &App{"},
				{"register failed", run.registerFailed, "registrar.Register(rctx, instance); err != nil {"},
				{"before-stop", run.beforeStop, "range a.opts.beforeStop"},
				{"deregister", run.deregister, "if a.opts.registrar != nil && instance != nil {"},
			}
			for _, c := range checks {
				want := lineOf(t, app, c.code)
				if c.name == "register failed" {
					want++ // the `return err` inside the check
				}
				if c.got != want {
					t.Errorf("%s at line %d, want %d (%q)", c.name, c.got, want, c.code)
				}
			}
			if run.registerErr != "err" || run.runInstanceVar != "instance" || run.stopInstanceVar != "instance" {
				t.Errorf("register error %q, instances %q/%q; want err, instance, instance", run.registerErr, run.runInstanceVar, run.stopInstanceVar)
			}
		})
	}
}

func TestPlanKratosV22DegradesWithReasons(t *testing.T) {
	// Kratos v2.2's app.go (copied unchanged into testdata): no hooks at
	// all, Register and Deregister already there.
	dir, err := filepath.Abs("testdata/kratos-v2.2.0")
	if err != nil {
		t.Fatal(err)
	}
	plan, notes := planPhases(filepath.Join(demoDir, "cmd", "server"), dir)
	for _, n := range notes {
		if strings.Contains(n, "app.go") {
			t.Errorf("a note about app.go: %s (a version without hooks is no error)", n)
		}
	}
	by := planByPhase(plan)
	for _, id := range []tracer.PhaseID{tracer.PhaseBeforeStart, tracer.PhaseAfterStart, tracer.PhaseAfterStop, tracer.PhaseBeforeStop} {
		e, ok := by[id]
		if !ok {
			t.Errorf("%s is not in the plan", id)
			continue
		}
		if !strings.HasPrefix(e.Unavailable, "not in this Kratos version: ") || !strings.Contains(e.Unavailable, "hooks") {
			t.Errorf("%s unavailable = %q, want a reason naming the missing hooks", id, e.Unavailable)
		}
	}
	app := filepath.Join(dir, "app.go")
	for id, code := range map[tracer.PhaseID]string{
		tracer.PhaseAppNew:      "return &App{",
		tracer.PhaseServerStart: "wg.Done()",
		tracer.PhaseRegister:    "if a.opts.registrar != nil {",
		tracer.PhaseRunning:     "if err := eg.Wait()",
		tracer.PhaseDeregister:  "if a.opts.registrar != nil && instance != nil {",
		tracer.PhaseServerStop:  "sctx, cancel := context.WithTimeout",
	} {
		e := by[id]
		if e.Unavailable != "" || e.Line != lineOf(t, app, code) {
			t.Errorf("%s at line %d (unavailable %q), want line %d (%q)", id, e.Line, e.Unavailable, lineOf(t, app, code), code)
		}
	}
	// v2.2 registers with `if err := …Register(…); err != nil`: the failure
	// is still found, with the shadowing err.
	found := false
	for _, e := range plan {
		if e.failure && e.Phase == tracer.PhaseRegister {
			found = e.errVar == "err" && e.Line == lineOf(t, app, "registrar.Register(rctx, instance); err != nil {")+1
		}
	}
	if !found {
		t.Error("no failure breakpoint for Register in v2.2")
	}
}

func TestPlanOrdersAppNewBeforeWireDone(t *testing.T) {
	plan, _ := planPhases(filepath.Join(demoDir, "cmd", "server"), kratosSource(t, "v2.9.2"))
	var order []string
	for _, e := range plan {
		if e.ret != nil {
			continue // newApp's return is armed with wire.done, at its line
		}
		if e.Phase == tracer.PhaseWireProvider && e.Detail == "main.newApp" || e.Phase == tracer.PhaseAppNew || e.Phase == tracer.PhaseWireDone {
			order = append(order, string(e.Phase))
		}
	}
	if strings.Join(order, " ") != "wire.provider app.new wire.done" {
		t.Errorf("order = %v, want newApp's provider, app.new, wire.done", order)
	}
	e := planByPhase(plan)[tracer.PhaseAppNew]
	if e.opts() != "o" || e.inFunc != kratosFunc(".New") || e.Unavailable != "" {
		t.Errorf("app.new entry = %+v", e)
	}
}

func TestFindInjectorHandBuiltMain(t *testing.T) {
	dir := tracertest.WriteModule(t, map[string]string{
		"go.mod": "module handbuilt\n\ngo 1.26\n",
		"main.go": `package main

import "github.com/go-kratos/kratos/v2"

func main() {
	app := kratos.New(kratos.Name("hand"))
	_ = app.Run()
}
`,
	})
	_, err := findInjector(dir)
	if err == nil || !strings.Contains(err.Error(), "main builds the App itself with kratos.New") {
		t.Errorf("err = %v, want the hand-built main named", err)
	}
}

func TestRegistrarKind(t *testing.T) {
	for in, want := range map[string]string{
		"*github.com/go-kratos/kratos/contrib/registry/etcd/v2.Registry":   "etcd",
		"*github.com/go-kratos/kratos/contrib/registry/consul/v2.Registry": "consul",
		"*github.com/go-kratos/kratos/contrib/registry/nacos/v2.Registry":  "nacos",
		"*main.memRegistry":                 "*main.memRegistry",
		"*example.com/etcdish/reg.Registry": "*reg.Registry",
	} {
		if got := registrarKind(in); got != want {
			t.Errorf("registrarKind(%s) = %s, want %s", in, got, want)
		}
	}
}
