package delve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-trace/kratos-trace/tracer"
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
	want := "data.NewData data.NewGreeterRepo biz.NewGreeterUsecase service.NewGreeterService server.NewGRPCServer server.NewHTTPServer main.newApp"
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
	dir := writeModule(t, map[string]string{
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
	dir := writeModule(t, map[string]string{"main.go": `package main

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
