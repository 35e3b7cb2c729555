package delve

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// appRef is where the App of a running program is read: an expression of
// the App struct itself and the scope to evaluate it in.
type appRef struct {
	scope api.EvalScope
	expr  string
}

// reportAttach emits the attach stop: the program, paused where Delve
// attached to it, with what its App holds. It then arms the request
// breakpoints, as app.running does, and stays paused.
func (s *Session) reportAttach() {
	ev := tracer.Event{Kind: tracer.KindStop, Phase: tracer.PhaseAttach}
	app := &tracer.AppInfo{Optimized: s.remote.attach.target.optimized}
	ev.Goroutines = s.readGoroutines()
	if len(ev.Goroutines) > 0 {
		g := ev.Goroutines[0]
		ev.Goroutine = g.ID
		ev.File, ev.Line, ev.Function = g.User.File, g.User.Line, g.User.Function
		ev.Stack = g.Stack
	}
	if s.remote.attach.target.kratos == nil {
		app.Note = "the program does not link " + KratosModule + ": it is traced as a plain Go program (halt, breakpoints, eval), with no App, servers or requests"
	} else if ref, err := s.findApp(); err != nil {
		app.Note = err.Error()
	} else {
		s.app = &ref
		s.readApp(ref, app, &ev)
		s.mu.Lock()
		s.req.serving = true
		s.mu.Unlock()
		s.armRequests()
		s.mu.Lock()
		app.Routes = append([]tracer.Route(nil), s.req.routes...)
		for _, m := range s.req.grpcMethods {
			app.Routes = append(app.Routes, tracer.Route{Transport: "grpc", Path: m})
		}
		s.mu.Unlock()
	}
	s.bootstrap, app.BootstrapFrom = s.findBootstrap()
	ev.App = app
	s.current = tracer.PhaseAttach
	s.addState(&ev)
	s.addHaltValues(&ev)
	s.deliver(ev, true)
}

// findApp finds the running App: the receiver a of (*App).Run on the main
// goroutine, or of a closure of Run or Stop on another (an optimised build
// may keep a only there). It returns an expression of the App by its
// address, which reads the same from any goroutine.
func (s *Session) findApp() (appRef, error) {
	gs, _, err := s.client.ListGoroutines(0, 0)
	if err != nil {
		return appRef{}, fmt.Errorf("list goroutines: %w", err)
	}
	prefix := kratosFunc(".(*App).")
	inRun := false
	for _, g := range gs {
		frames, err := s.client.Stacktrace(g.ID, 32, 0, 0, nil)
		if err != nil {
			continue
		}
		for i, f := range frames {
			if f.Function == nil || !strings.HasPrefix(f.Function.Name(), prefix) {
				continue
			}
			inRun = inRun || f.Function.Name() == kratosFunc(".(*App).Run")
			scope := api.EvalScope{GoroutineID: g.ID, Frame: i}
			v, err := s.client.EvalVariable(scope, "a", api.LoadConfig{MaxVariableRecurse: 0})
			if err != nil || v.Unreadable != "" || v.Kind != reflect.Ptr || len(v.Children) == 0 || v.Children[0].Addr == 0 {
				continue
			}
			expr := fmt.Sprintf("(*(*%q)(%#x))", strings.TrimPrefix(v.Type, "*"), v.Children[0].Addr)
			return appRef{scope: api.EvalScope{GoroutineID: g.ID, Frame: i}, expr: expr}, nil
		}
	}
	if inRun {
		return appRef{}, fmt.Errorf("the App could not be read: the receiver of %s was optimised away on every goroutine; build with -gcflags=\"all=-N -l\" to read it", kratosFunc(".(*App).Run"))
	}
	return appRef{}, fmt.Errorf("no goroutine is in %s: the App is not running (not started yet, or shutting down)", kratosFunc(".(*App).Run"))
}

// readApp fills app, and ev's servers, instance and registrar, from the
// running App at ref.
func (s *Session) readApp(ref appRef, app *tracer.AppInfo, ev *tracer.Event) {
	opts := ref.expr + ".opts"
	if v, err := s.client.EvalVariable(ref.scope, opts, instanceLoad); err == nil {
		app.ID, app.Name, app.Version = fieldString(v, "id"), fieldString(v, "name"), fieldString(v, "version")
		if md := field(v, "metadata"); md != nil {
			for j := 0; j+1 < len(md.Children); j += 2 {
				if app.Metadata == nil {
					app.Metadata = map[string]string{}
				}
				app.Metadata[md.Children[j].Value] = md.Children[j+1].Value
			}
		}
	} else {
		debugf("attach: read %s: %v", opts, err)
	}
	if list, err := readServers(s.client, ref.scope, opts); err == nil {
		s.servers.update(list)
		// Run waits in eg.Wait: every server's Start is under way.
		for _, ks := range list {
			s.servers.setState(ks.key, tracer.ServerListening)
		}
	} else {
		debugf("attach: servers: %v", err)
	}
	if inst, err := readInstance(s.client, ref.scope, ref.expr+".instance"); err == nil && inst != nil {
		ev.Instance = inst
		app.Endpoints = inst.Endpoints
	}
	if kind, err := readRegistrar(s.client, ref.scope, opts+".registrar"); err == nil {
		ev.Registrar = kind
	}
}

// findBootstrap reads the Bootstrap the program was configured with, where
// it can still be found: a local of main.main (bc in kratos-layout) while
// App.Run waits. It returns the tree and where it came from, or nil and why
// it could not be had.
func (s *Session) findBootstrap() (*tracer.Node, string) {
	frames, err := s.client.Stacktrace(1, 64, 0, 0, nil)
	if err != nil {
		return nil, "the main goroutine's stack could not be read: " + err.Error()
	}
	frame := -1
	for i, f := range frames {
		if f.Function != nil && f.Function.Name() == "main.main" {
			frame = i
			break
		}
	}
	if frame < 0 {
		return nil, "main.main is not on the main goroutine's stack, so its Bootstrap cannot be read"
	}
	scope := api.EvalScope{GoroutineID: 1, Frame: frame}
	locals, err := s.client.ListLocalVariables(scope, api.LoadConfig{})
	if err != nil {
		return nil, "main.main's locals could not be read: " + err.Error()
	}
	for _, v := range locals {
		if !strings.HasSuffix(v.Type, ".Bootstrap") {
			continue
		}
		where := fmt.Sprintf("%s in main.main's frame (%s)", v.Name, v.Type)
		if v.Unreadable != "" {
			return nil, fmt.Sprintf("%s was optimised away: main.main no longer uses it while App.Run waits, so a build with optimisations keeps it nowhere; build with -gcflags=\"all=-N -l\" to read it", where)
		}
		root, err := readTree(s.client, scope, v.Name, v.Type)
		if err != nil {
			return nil, fmt.Sprintf("%s could not be read: %v", where, err)
		}
		return root, where
	}
	if frames[frame].Function != nil && s.remote.attach.target.optimized {
		return nil, "main.main holds no Bootstrap any more: a build with optimisations keeps no local main no longer uses while App.Run waits; build with -gcflags=\"all=-N -l\" to read it"
	}
	return nil, "main.main has no local of a Bootstrap type, so there is no Bootstrap to show"
}
