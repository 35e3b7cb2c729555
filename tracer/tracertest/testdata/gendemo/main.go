// Command gendemo writes testdata/demo.jsonl, a scripted trace of the demo
// service, for tests of the trace consumers. It reads the source snippets from
// the repository's demo/ and from Kratos in the module cache, and writes them
// under the paths a developer's machine would show, with fixed times, so the
// fixture is deterministic.
//
// A recording of a live run in the same format may replace the file at any
// time; nothing but tests of the consumers depends on it.
//
//	go run ./tracer/tracertest/testdata/gendemo -o tracer/tracertest/testdata/demo.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/provenance"
)

const (
	userRepo   = "/home/user/kratos-trace"
	kratosDir  = "/root/go/pkg/mod/github.com/go-kratos/kratos/v2@v2.9.2"
	goroot     = "/usr/local/go/src"
	errgroupGo = "/root/go/pkg/mod/golang.org/x/sync@v0.24.0/errgroup/errgroup.go"
	snippetPad = 10
)

func main() {
	repo := flag.String("repo", ".", "root of the kratos-trace repository (for demo/ sources)")
	modcache := flag.String("modcache", "/root/go/pkg/mod", "Go module cache holding kratos v2.9.2")
	out := flag.String("o", "tracer/tracertest/testdata/demo.jsonl", "file to write")
	flag.Parse()

	g := &generator{
		repo:     *repo,
		modcache: *modcache,
		base:     time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC),
		files:    map[string][]string{},
	}
	events, err := g.trace()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, ev := range events {
		b, err := json.Marshal(ev)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gendemo:", err)
			os.Exit(1)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

type generator struct {
	repo, modcache string
	base           time.Time
	files          map[string][]string

	events  []tracer.Event
	elapsed time.Duration // since launch
	wall    time.Duration // since base, for Event.Time
	err     error
}

// localPath maps a path as the fixture shows it to the file to read here.
func (g *generator) localPath(path string) string {
	switch {
	case strings.HasPrefix(path, userRepo+"/"):
		return filepath.Join(g.repo, strings.TrimPrefix(path, userRepo+"/"))
	case strings.HasPrefix(path, "/root/go/pkg/mod/"):
		return filepath.Join(g.modcache, strings.TrimPrefix(path, "/root/go/pkg/mod/"))
	}
	return path
}

func (g *generator) lines(path string) []string {
	if l, ok := g.files[path]; ok {
		return l
	}
	b, err := os.ReadFile(g.localPath(path))
	if err != nil {
		if g.err == nil {
			g.err = err
		}
		return nil
	}
	l := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	g.files[path] = l
	return l
}

// find returns the first line (1-based) of path containing needle.
func (g *generator) find(path, needle string) int {
	for i, l := range g.lines(path) {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	if g.err == nil {
		g.err = fmt.Errorf("%s: no line contains %q", path, needle)
	}
	return 1
}

// findAfter returns the first line of path containing needle after the
// first line containing after.
func (g *generator) findAfter(path, after, needle string) int {
	start := g.find(path, after)
	for i, l := range g.lines(path)[start:] {
		if strings.Contains(l, needle) {
			return start + i + 1
		}
	}
	if g.err == nil {
		g.err = fmt.Errorf("%s: no line contains %q after %q", path, needle, after)
	}
	return 1
}

func (g *generator) snippet(path string, line int) *tracer.Snippet {
	all := g.lines(path)
	first := max(1, line-snippetPad)
	last := min(len(all), line+snippetPad)
	if first > last {
		return nil
	}
	return &tracer.Snippet{First: first, Lines: append([]string(nil), all[first-1:last]...)}
}

func (g *generator) emit(ev tracer.Event) {
	ev.Seq = len(g.events) + 1
	ev.Time = g.base.Add(g.wall)
	g.events = append(g.events, ev)
}

// phase emits a phase event after d has passed.
func (g *generator) phase(kind tracer.Kind, id tracer.PhaseID, detail string, d time.Duration, at loc, gid int64, stack []tracer.Frame, st *state) {
	g.elapsed += d
	g.wall += d
	ev := tracer.Event{
		Kind:      kind,
		Phase:     id,
		Detail:    detail,
		File:      at.file,
		Line:      at.line,
		Function:  at.fn,
		Goroutine: gid,
		Elapsed:   tracer.Duration(g.elapsed),
		SincePrev: tracer.Duration(d),
		Stack:     stack,
		Source:    g.snippet(at.file, at.line),
	}
	if st.bootstrap != nil {
		ev.Bootstrap = st.bootstrap
	}
	ev.ConfigSources = st.configSources
	if st.servers != nil {
		ev.Servers = append([]tracer.Server(nil), st.servers...)
	}
	g.emit(ev)
}

func (g *generator) output(stream, text string) {
	g.wall += 50 * time.Microsecond
	var phase tracer.PhaseID
	for i := len(g.events) - 1; i >= 0; i-- {
		if g.events[i].IsPhase() {
			phase = g.events[i].Phase
			break
		}
	}
	g.emit(tracer.Event{Kind: tracer.KindOutput, Phase: phase, Output: &tracer.OutputLine{Stream: stream, Text: text}})
}

func (g *generator) status(text string, d time.Duration) {
	g.wall += d
	g.emit(tracer.Event{Kind: tracer.KindStatus, Status: text})
}

type loc struct {
	file string
	line int
	fn   string
}

type state struct {
	configSources []tracer.ConfigSource
	bootstrap     *tracer.Node
	servers       []tracer.Server
}

func frame(at loc) tracer.Frame { return tracer.Frame{Function: at.fn, File: at.file, Line: at.line} }

func leaf(name, typ, value string) *tracer.Node {
	return &tracer.Node{Name: name, Type: typ, Value: value}
}

func branch(name, typ string, children ...*tracer.Node) *tracer.Node {
	return &tracer.Node{Name: name, Type: typ, Children: children}
}

func bootstrap() *tracer.Node {
	return branch("bc", "conf.Bootstrap",
		branch("server", "*conf.Server",
			branch("http", "*conf.Server_HTTP",
				leaf("network", "string", ""),
				leaf("addr", "string", "127.0.0.1:8000"),
				leaf("timeout", "*durationpb.Duration", "1s"),
			),
			branch("grpc", "*conf.Server_GRPC",
				leaf("network", "string", ""),
				leaf("addr", "string", "127.0.0.1:9000"),
				leaf("timeout", "*durationpb.Duration", "1s"),
			),
		),
		branch("data", "*conf.Data",
			branch("database", "*conf.Data_Database",
				leaf("driver", "string", "sqlite"),
				leaf("source", "string", "kratos-trace-demo.db"),
			),
			branch("redis", "*conf.Data_Redis",
				leaf("network", "string", "tcp"),
				leaf("addr", "string", "127.0.0.1:6379"),
				leaf("read_timeout", "*durationpb.Duration", "0.2s"),
				leaf("write_timeout", "*durationpb.Duration", "0.2s"),
			),
		),
	)
}

// configSources are the demo's config sources as its main loads them from
// its package directory: the files of ../../configs in name order, then an
// env source with no KRATOS_ variable set.
func (g *generator) configSources() ([]provenance.Source, provenance.Options, error) {
	dir := filepath.Join(g.repo, "demo", "configs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, provenance.Options{}, err
	}
	file := provenance.Source{Kind: provenance.KindFile, Type: "*github.com/go-kratos/kratos/v2/config/file.file", Path: "../../configs"}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, provenance.Options{}, err
		}
		file.KVs = append(file.KVs, provenance.KeyValue{Key: e.Name(), Value: string(data), Format: strings.TrimPrefix(filepath.Ext(e.Name()), ".")})
	}
	env := provenance.Source{Kind: provenance.KindEnv, Type: "*github.com/go-kratos/kratos/v2/config/env.env", Prefixes: []string{"KRATOS_"}}
	opts := provenance.Options{WorkDir: userRepo + "/demo/cmd/server", Root: userRepo + "/demo"}
	return []provenance.Source{file, env}, opts, nil
}

func logLine(level, ts, caller, msg string) string {
	return fmt.Sprintf("%s ts=%s caller=%s service.id=devbox service.name=kratos-trace-demo service.version=v0.1.0 msg=%s", level, ts, caller, msg)
}

func (g *generator) trace() ([]tracer.Event, error) {
	var (
		demo     = userRepo + "/demo"
		mainGo   = demo + "/cmd/server/main.go"
		wireGen  = demo + "/cmd/server/wire_gen.go"
		dataGo   = demo + "/internal/data/data.go"
		repoGo   = demo + "/internal/data/greeter.go"
		bizGo    = demo + "/internal/biz/greeter.go"
		svcGo    = demo + "/internal/service/greeter.go"
		grpcGo   = demo + "/internal/server/grpc.go"
		httpGo   = demo + "/internal/server/http.go"
		regGo    = demo + "/internal/server/registry.go"
		appGo    = kratosDir + "/app.go"
		configGo = kratosDir + "/config/config.go"
		procGo   = goroot + "/runtime/proc.go"
		flagGo   = goroot + "/flag/flag.go"
		asmS     = goroot + "/runtime/asm_amd64.s"
		modPath  = "github.com/kratos-trace/kratos-trace/demo"
		kratos   = "github.com/go-kratos/kratos/v2"
	)
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

	runtimeMain := tracer.Frame{Function: "runtime.main", File: procGo, Line: 290}
	goexit := tracer.Frame{Function: "runtime.goexit", File: asmS, Line: 1771}
	errgroupGoFunc := tracer.Frame{Function: "golang.org/x/sync/errgroup.(*Group).Go.func1", File: errgroupGo, Line: 93}
	mainAt := func(needle string) loc { return loc{mainGo, g.find(mainGo, needle), "main.main"} }
	inMain := func(at loc, needle string) []tracer.Frame {
		return []tracer.Frame{frame(at), frame(mainAt(needle)), runtimeMain, goexit}
	}
	inWire := func(at loc) []tracer.Frame {
		call := strings.TrimPrefix(strings.TrimPrefix(at.fn, modPath+"/internal/"), "main.") + "("
		wl := loc{wireGen, g.find(wireGen, call), "main.wireApp"}
		return []tracer.Frame{frame(at), frame(wl), frame(mainAt("wireApp(")), runtimeMain, goexit}
	}
	appLine := func(needle string) int { return g.find(appGo, needle) }
	runAt := func(needle string) loc { return loc{appGo, appLine(needle), kratos + ".(*App).Run"} }
	inRun := func(at loc) []tracer.Frame {
		return []tracer.Frame{frame(at), frame(mainAt("app.Run()")), runtimeMain, goexit}
	}
	st := &state{}

	// Before the program runs: the live source resolves, builds and launches.
	g.status("resolving ./demo", 0)
	g.status("building ./demo with -gcflags=all=-N -l", ms(180))
	g.status("launching github.com/kratos-trace/kratos-trace/demo/cmd/server under Delve", 2740*time.Millisecond)

	plan := []tracer.PlannedPhase{
		{Phase: tracer.PhaseFlagParse, Function: "flag.Parse"},
		{Phase: tracer.PhaseConfigLoad, Function: kratos + "/config.(*config).Load", File: configGo, Line: g.findAfter(configGo, "func (c *config) Load()", "c.reader.Resolve()")},
		{Phase: tracer.PhaseConfigScan, Function: kratos + "/config.(*config).Scan", File: configGo, Line: g.find(configGo, "func (c *config) Scan(")},
		{Phase: tracer.PhaseWire, Detail: "wireApp", Function: "main.wireApp", File: wireGen, Line: g.find(wireGen, "func wireApp(")},
	}
	type prov struct {
		detail, file, needle string
	}
	providers := []prov{
		{"data.NewData", dataGo, "func NewData("},
		{"data.NewGreeterRepo", repoGo, "func NewGreeterRepo("},
		{"biz.NewGreeterUsecase", bizGo, "func NewGreeterUsecase("},
		{"service.NewGreeterService", svcGo, "func NewGreeterService("},
		{"server.NewGRPCServer", grpcGo, "func NewGRPCServer("},
		{"server.NewHTTPServer", httpGo, "func NewHTTPServer("},
		{"server.NewRegistrar", regGo, "func NewRegistrar("},
		{"main.newApp", mainGo, "func newApp("},
	}
	provFn := func(p prov) string {
		if strings.HasPrefix(p.detail, "main.") {
			return p.detail
		}
		return modPath + "/internal/" + p.detail
	}
	for _, p := range providers {
		plan = append(plan, tracer.PlannedPhase{Phase: tracer.PhaseWireProvider, Detail: p.detail, Function: provFn(p), File: p.file, Line: g.find(p.file, p.needle)})
	}
	plan = append(plan,
		tracer.PlannedPhase{Phase: tracer.PhaseAppNew, File: appGo, Line: appLine("return &App{")},
		tracer.PlannedPhase{Phase: tracer.PhaseWireDone, Detail: "wireApp", File: wireGen, Line: g.find(wireGen, "return app, func()")},
		tracer.PlannedPhase{Phase: tracer.PhaseAppRun, Function: kratos + ".(*App).Run", File: appGo, Line: appLine("func (a *App) Run()")},
		tracer.PlannedPhase{Phase: tracer.PhaseBuildInstance, Function: kratos + ".(*App).buildInstance", File: appGo, Line: appLine("func (a *App) buildInstance()")},
		tracer.PlannedPhase{Phase: tracer.PhaseBeforeStart, File: appGo, Line: appLine("range a.opts.beforeStart")},
		tracer.PlannedPhase{Phase: tracer.PhaseServerStart, File: appGo, Line: appLine("wg.Done() // here is")},
		tracer.PlannedPhase{Phase: tracer.PhaseRegister, File: appGo, Line: appLine("if a.opts.registrar != nil {")},
		tracer.PlannedPhase{Phase: tracer.PhaseAfterStart, File: appGo, Line: appLine("range a.opts.afterStart")},
		tracer.PlannedPhase{Phase: tracer.PhaseRunning, File: appGo, Line: appLine("if err = eg.Wait()")},
		tracer.PlannedPhase{Phase: tracer.PhaseStop, Function: kratos + ".(*App).Stop", File: appGo, Line: appLine("func (a *App) Stop()")},
		tracer.PlannedPhase{Phase: tracer.PhaseBeforeStop, File: appGo, Line: appLine("range a.opts.beforeStop")},
		tracer.PlannedPhase{Phase: tracer.PhaseDeregister, File: appGo, Line: appLine("if a.opts.registrar != nil && instance != nil {")},
		tracer.PlannedPhase{Phase: tracer.PhaseServerStop, File: appGo, Line: appLine("stopCtx := context.WithoutCancel(octx)")},
		tracer.PlannedPhase{Phase: tracer.PhaseAfterStop, File: appGo, Line: appLine("range a.opts.afterStop")},
	)
	g.wall += ms(40)
	g.emit(tracer.Event{Kind: tracer.KindSession, Session: &tracer.Session{
		Target:        "./demo",
		Package:       modPath + "/cmd/server",
		Dir:           demo + "/cmd/server",
		Args:          []string{"-conf", demo + "/configs"},
		WorkingDir:    demo,
		KratosVersion: "v2.9.2",
		GoVersion:     "go1.26.8",
		Plan:          plan,
	}})

	planLine := func(id tracer.PhaseID) int {
		for _, p := range plan {
			if p.Phase == id {
				return p.Line
			}
		}
		g.err = fmt.Errorf("no %s in the plan", id)
		return 0
	}

	// main: flag.Parse, where the breakpoint on the function stops.
	at := loc{flagGo, g.find(flagGo, "func Parse() {"), "flag.Parse"}
	g.phase(tracer.KindStop, tracer.PhaseFlagParse, "", ms(12.412), at, 1, inMain(at, "flag.Parse()"), st)

	// config.
	at = loc{configGo, plan[1].Line, kratos + "/config.(*config).Load"}
	sources, popts, err := g.configSources()
	if err != nil {
		return nil, err
	}
	st.configSources = provenance.Describe(sources, popts)
	g.phase(tracer.KindStop, tracer.PhaseConfigLoad, "", ms(1.846), at, 1, inMain(at, "c.Load()"), st)
	g.output("stdout", logLine("DEBUG", "2026-05-04T10:00:03.3Z", "config/config.go:104", "config loaded: config.yaml format: yaml"))
	// config.scan stops in main once Scan has returned, so Bootstrap is
	// filled; its origins are computed from the demo's own config files.
	at = mainAt("c.Scan(&bc)")
	st.bootstrap = bootstrap()
	if notes := provenance.Annotate(st.bootstrap, sources, popts); len(notes) > 0 {
		return nil, fmt.Errorf("config provenance: %v", notes)
	}
	g.phase(tracer.KindStop, tracer.PhaseConfigScan, "", ms(2.315), at, 1, []tracer.Frame{frame(at), runtimeMain, goexit}, st)

	// wire.
	at = loc{wireGen, plan[3].Line, "main.wireApp"}
	g.phase(tracer.KindStop, tracer.PhaseWire, "wireApp", ms(0.934), at, 1, []tracer.Frame{frame(at), frame(mainAt("wireApp(")), runtimeMain}, st)
	provTimes := []float64{0.412, 3.127, 0.208, 0.119, 0.342, 0.518, 0.231, 0.287}
	for i, p := range providers {
		at = loc{p.file, g.find(p.file, p.needle), provFn(p)}
		g.phase(tracer.KindStop, tracer.PhaseWireProvider, p.detail, ms(provTimes[i]), at, 1, inWire(at), st)
		if p.detail == "data.NewData" {
			g.output("stdout", logLine("INFO", "2026-05-04T10:00:03.4Z", "data/data.go:68", "sqlite database at /tmp/kratos-trace-demo/kratos-trace-demo.db"))
			g.output("stdout", logLine("WARN", "2026-05-04T10:00:03.4Z", "data/data.go:72", "redis 127.0.0.1:6379 unreachable, cache disabled: dial tcp 127.0.0.1:6379: connect: connection refused"))
		}
		if p.detail == "server.NewRegistrar" {
			g.output("stdout", logLine("WARN", "2026-05-04T10:00:03.4Z", "server/registry.go:48", "etcd 127.0.0.1:2379 unreachable, not registering: dial tcp 127.0.0.1:2379: connect: connection refused"))
		}
	}
	st.servers = []tracer.Server{
		{Kind: "grpc", Type: "*grpc.Server", Network: "tcp", Address: "127.0.0.1:9000", Timeout: "1s", State: tracer.ServerCreated,
			Services: []string{"helloworld.v1.Greeter"}},
		{Kind: "http", Type: "*http.Server", Network: "tcp", Address: "127.0.0.1:8000", Timeout: "1s", State: tracer.ServerCreated,
			Services: []string{"GET /helloworld/{name}"}},
	}
	// kratos.New, called by newApp, returns: the servers are known.
	at = loc{appGo, appLine("return &App{"), kratos + ".New"}
	newAppAt := loc{mainGo, g.find(mainGo, "return kratos.New("), "main.newApp"}
	g.phase(tracer.KindStop, tracer.PhaseAppNew, "", ms(0.146), at, 1,
		[]tracer.Frame{frame(at), frame(newAppAt), frame(loc{wireGen, g.find(wireGen, "newApp("), "main.wireApp"}), frame(mainAt("wireApp(")), runtimeMain, goexit}, st)
	at = loc{wireGen, planLine(tracer.PhaseWireDone), "main.wireApp"}
	g.phase(tracer.KindStop, tracer.PhaseWireDone, "wireApp", ms(0.403), at, 1, []tracer.Frame{frame(at), frame(mainAt("wireApp(")), runtimeMain}, st)

	// run.
	at = loc{appGo, planLine(tracer.PhaseAppRun), kratos + ".(*App).Run"}
	g.phase(tracer.KindStop, tracer.PhaseAppRun, "", ms(0.611), at, 1, inRun(at), st)
	at = loc{appGo, planLine(tracer.PhaseBuildInstance), kratos + ".(*App).buildInstance"}
	g.phase(tracer.KindStop, tracer.PhaseBuildInstance, "", ms(0.187), at, 1,
		[]tracer.Frame{frame(at), frame(runAt("a.buildInstance()")), frame(mainAt("app.Run()")), runtimeMain}, st)
	st.servers[0].Endpoint = "grpc://127.0.0.1:9000?isSecure=false"
	st.servers[1].Endpoint = "http://127.0.0.1:8000?isSecure=false"
	at = runAt("range a.opts.beforeStart")
	g.phase(tracer.KindStop, tracer.PhaseBeforeStart, "", ms(0.534), at, 1, inRun(at), st)
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:03.5Z", "server/main.go:53", "hook: before start"))

	startAt := loc{appGo, planLine(tracer.PhaseServerStart), kratos + ".(*App).Run.func2"}
	startStack := []tracer.Frame{frame(startAt), errgroupGoFunc, goexit}
	st.servers[0].State = tracer.ServerStarting
	g.phase(tracer.KindStop, tracer.PhaseServerStart, "grpc 127.0.0.1:9000", ms(0.298), startAt, 23, startStack, st)
	st.servers[1].State = tracer.ServerStarting
	g.phase(tracer.KindStop, tracer.PhaseServerStart, "http 127.0.0.1:8000", ms(0.164), startAt, 25, startStack, st)
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:03.5Z", "grpc/server.go:231", "[gRPC] server listening on: 127.0.0.1:9000"))
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:03.5Z", "http/server.go:330", "[HTTP] server listening on: 127.0.0.1:8000"))

	at = runAt("if a.opts.registrar != nil {")
	g.elapsed += ms(0.091)
	g.wall += ms(0.091)
	g.emit(tracer.Event{Kind: tracer.KindPass, Phase: tracer.PhaseRegister, File: at.file, Line: at.line, Function: at.fn, Goroutine: 1,
		Elapsed: tracer.Duration(g.elapsed), SincePrev: tracer.Duration(ms(0.091)), Skipped: true, Reason: "no registrar: the App was built without kratos.Registrar",
		Bootstrap: st.bootstrap, Servers: append([]tracer.Server(nil), st.servers...), Source: g.snippet(at.file, at.line)})

	st.servers[0].State = tracer.ServerListening
	st.servers[1].State = tracer.ServerListening
	at = runAt("range a.opts.afterStart")
	g.phase(tracer.KindStop, tracer.PhaseAfterStart, "", ms(0.122), at, 1, inRun(at), st)
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:03.5Z", "server/main.go:61", "hook: after start, endpoints [grpc://127.0.0.1:9000?isSecure=false http://127.0.0.1:8000?isSecure=false]"))
	at = runAt("if err = eg.Wait()")
	g.phase(tracer.KindStop, tracer.PhaseRunning, "", ms(0.245), at, 1, inRun(at), st)

	// shutdown, after SIGTERM.
	stopAt := loc{appGo, planLine(tracer.PhaseStop), kratos + ".(*App).Stop"}
	inStop := func(at loc) []tracer.Frame {
		return []tracer.Frame{frame(at), {Function: kratos + ".(*App).Run.func3", File: appGo, Line: appLine("return a.Stop()")}, errgroupGoFunc, goexit}
	}
	g.phase(tracer.KindStop, tracer.PhaseStop, "", 4817*time.Millisecond, stopAt, 27, inStop(stopAt), st)
	at = loc{appGo, planLine(tracer.PhaseBeforeStop), kratos + ".(*App).Stop"}
	g.phase(tracer.KindStop, tracer.PhaseBeforeStop, "", ms(0.198), at, 27, inStop(at), st)
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:08.3Z", "server/main.go:69", "hook: before stop"))
	at = loc{appGo, planLine(tracer.PhaseDeregister), kratos + ".(*App).Stop"}
	g.elapsed += ms(0.084)
	g.wall += ms(0.084)
	g.emit(tracer.Event{Kind: tracer.KindPass, Phase: tracer.PhaseDeregister, File: at.file, Line: at.line, Function: at.fn, Goroutine: 27,
		Elapsed: tracer.Duration(g.elapsed), SincePrev: tracer.Duration(ms(0.084)), Skipped: true, Reason: "no registrar: the App was built without kratos.Registrar",
		Bootstrap: st.bootstrap, Servers: append([]tracer.Server(nil), st.servers...), Source: g.snippet(at.file, at.line)})
	stopSrvAt := loc{appGo, planLine(tracer.PhaseServerStop), kratos + ".(*App).Run.func1"}
	stopStack := []tracer.Frame{frame(stopSrvAt), errgroupGoFunc, goexit}
	g.phase(tracer.KindStop, tracer.PhaseServerStop, "grpc 127.0.0.1:9000", ms(0.377), stopSrvAt, 22, stopStack, st)
	st.servers[0].State = tracer.ServerStopped
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:08.3Z", "grpc/server.go:246", "[gRPC] server stopping"))
	g.phase(tracer.KindStop, tracer.PhaseServerStop, "http 127.0.0.1:8000", ms(0.256), stopSrvAt, 24, stopStack, st)
	st.servers[1].State = tracer.ServerStopped
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:08.3Z", "http/server.go:345", "[HTTP] server stopping"))
	at = runAt("range a.opts.afterStop")
	g.phase(tracer.KindStop, tracer.PhaseAfterStop, "", ms(1.092), at, 1, inRun(at), st)
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:08.3Z", "server/main.go:69", "hook: after stop"))
	g.output("stdout", logLine("INFO", "2026-05-04T10:00:08.3Z", "data/data.go:79", "closing the data resources"))

	// exit: the process is gone, so the event has no location.
	g.elapsed += ms(0.804)
	g.wall += ms(0.804)
	code := 0
	g.emit(tracer.Event{Kind: tracer.KindExit, Phase: tracer.PhaseExit,
		Elapsed: tracer.Duration(g.elapsed), SincePrev: tracer.Duration(ms(0.804)), ExitCode: &code,
		Bootstrap: st.bootstrap, Servers: append([]tracer.Server(nil), st.servers...)})
	return g.events, g.err
}
