package delve

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/request"
)

// routesLoad reads one route of a router, or one gRPC server's services
// with their methods, in one request.
var routesLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 3, MaxStringLen: 512, MaxArrayValues: 128, MaxStructFields: -1}

// examplesTimeout bounds how long the program runs while the gRPC server's
// reflection service describes the methods' messages.
const examplesTimeout = 5 * time.Second

// readRoutes reads the App's HTTP routes (its HTTP servers' routers) and
// gRPC methods (the services registered on its gRPC servers) from the
// program, and makes an example request for each. The gRPC examples come
// from the server's reflection service, so the program runs while they are
// asked for, and is halted again before readRoutes returns. What could not
// be read is an error returned with the routes that could.
func (s *Session) readRoutes(ctx context.Context) ([]tracer.Route, error) {
	routes, grpcMethods, err := s.readRouteList()
	if len(grpcMethods) > 0 {
		var specs []tracer.RequestSpec
		var notes []string
		s.runWhile(func() {
			specs, notes = grpcExamples(ctx, s.req.target, grpcMethods)
		})
		routes = withGRPCExamples(routes, grpcMethods, specs, notes)
	}
	return routes, err
}

// grpcExamples asks the running program's reflection service for the
// methods' messages, within examplesTimeout.
func grpcExamples(ctx context.Context, target request.Target, methods []string) ([]tracer.RequestSpec, []string) {
	ctx, cancel := context.WithTimeout(ctx, examplesTimeout)
	defer cancel()
	return request.GRPCExamples(ctx, target.GRPC, methods)
}

// withGRPCExamples adds a route with its example for each gRPC method.
func withGRPCExamples(routes []tracer.Route, methods []string, specs []tracer.RequestSpec, notes []string) []tracer.Route {
	for i, m := range methods {
		routes = append(routes, tracer.Route{Transport: "grpc", Path: m, Example: specs[i], Note: notes[i]})
	}
	return routes
}

// readRouteList reads the HTTP routes, with their examples, and the gRPC
// methods from the program's memory. A server whose routes cannot be read
// makes it return an error along with the other servers' routes: an empty
// list would say the App serves nothing.
func (s *Session) readRouteList() ([]tracer.Route, []string, error) {
	scope, app, err := s.appScope()
	if err != nil {
		return nil, nil, err
	}
	list, err := s.client.EvalVariable(scope, app+".opts.servers", api.LoadConfig{MaxArrayValues: 64})
	if err != nil {
		return nil, nil, fmt.Errorf("read the App's servers: %w", err)
	}
	var routes []tracer.Route
	var grpcMethods []string
	var errs []error
	for i := int64(0); i < list.Len; i++ {
		expr := fmt.Sprintf("%s.opts.servers[%d]", app, i)
		typeName, sexpr, _, err := serverExpr(s.client, scope, expr)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch serverKind(typeName) {
		case "http":
			r, err := s.readHTTPRoutes(scope, sexpr)
			routes = append(routes, r...)
			errs = append(errs, err)
		case "grpc":
			m, err := s.readGRPCMethods(scope, sexpr)
			grpcMethods = append(grpcMethods, m...)
			errs = append(errs, err)
		}
	}
	return routes, grpcMethods, errors.Join(errs...)
}

// appScope finds the frame of (*App).Run on the program's goroutines: the
// App is its receiver a. It returns the scope and the App's expression
// there; an attached program's App was found at the attach stop already.
func (s *Session) appScope() (api.EvalScope, string, error) {
	if s.app != nil {
		return s.app.scope, s.app.expr, nil
	}
	gs, _, err := s.client.ListGoroutines(0, 64)
	if err != nil {
		return api.EvalScope{}, "", fmt.Errorf("list goroutines: %w", err)
	}
	run := kratosFunc(".(*App).Run")
	for _, g := range gs {
		frames, err := s.client.Stacktrace(g.ID, 32, 0, 0, nil)
		if err != nil {
			continue
		}
		for i, f := range frames {
			if f.Function != nil && f.Function.Name() == run {
				return api.EvalScope{GoroutineID: g.ID, Frame: i}, "a", nil
			}
		}
	}
	return api.EvalScope{}, "", fmt.Errorf("no goroutine is in %s: the App is not running", run)
}

// readHTTPRoutes lists the routes of a kratos HTTP server's router: each
// route's path template and methods.
func (s *Session) readHTTPRoutes(scope api.EvalScope, sexpr string) ([]tracer.Route, error) {
	list, err := s.client.EvalVariable(scope, sexpr+".router.routes", api.LoadConfig{MaxArrayValues: 256})
	if err != nil {
		return nil, fmt.Errorf("read the HTTP server's routes: %w", err)
	}
	var out []tracer.Route
	for j := int64(0); j < list.Len; j++ {
		rc, err := s.client.EvalVariable(scope, fmt.Sprintf("%s.router.routes[%d].routeConf", sexpr, j), routesLoad)
		if err != nil {
			continue
		}
		tmpl, methods := routeOf(rc)
		if tmpl == "" {
			continue
		}
		if len(methods) == 0 {
			methods = []string{"GET"}
		}
		for _, m := range methods {
			out = append(out, tracer.Route{Transport: "http", Method: m, Path: tmpl, Example: request.HTTPExample(m, tmpl)})
		}
	}
	return out, nil
}

// routeOf reads a gorilla/mux routeConf: the path template and the methods
// of its method matcher.
func routeOf(rc *api.Variable) (string, []string) {
	tmpl := ""
	var methods []string
	for _, f := range rc.Children {
		switch f.Name {
		case "regexp":
			if p := field(&f, "path"); p != nil && len(p.Children) > 0 {
				if t := field(&p.Children[0], "template"); t != nil {
					tmpl = t.Value
				}
			}
		case "matchers":
			for _, m := range f.Children {
				if m.Kind != reflect.Interface || len(m.Children) == 0 || !strings.HasSuffix(m.Children[0].Type, "mux.methodMatcher") {
					continue
				}
				for _, v := range m.Children[0].Children {
					methods = append(methods, v.Value)
				}
			}
		}
	}
	return tmpl, methods
}

// readGRPCMethods lists the unary methods of the services registered on a
// kratos gRPC server, as "package.Service/Method"; grpc-go's own services
// (reflection, health) are left out.
func (s *Session) readGRPCMethods(scope api.EvalScope, sexpr string) ([]string, error) {
	v, err := s.client.EvalVariable(scope, sexpr+".Server.services", routesLoad)
	if err != nil {
		return nil, fmt.Errorf("read the gRPC server's services: %w", err)
	}
	if v.Kind != reflect.Map {
		return nil, fmt.Errorf("read the gRPC server's services: a %s, not a map", v.Type)
	}
	var out []string
	for i := 0; i+1 < len(v.Children); i += 2 {
		svc := v.Children[i].Value
		if strings.HasPrefix(svc, "grpc.") {
			continue
		}
		info := &v.Children[i+1]
		if info.Kind == reflect.Ptr && len(info.Children) > 0 {
			info = &info.Children[0]
		}
		if f := field(info, "methods"); f != nil {
			for k := 0; k+1 < len(f.Children); k += 2 {
				out = append(out, svc+"/"+f.Children[k].Value)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// runWhile lets the program run while fn talks to it, then halts it again.
// Phase hits meanwhile wait in s.pending for the next Continue; request
// breakpoints hit outside a request pass unseen.
func (s *Session) runWhile(fn func()) {
	done := make(chan struct{})
	acked := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	go func() {
		<-done
		s.haltUntil(acked)
	}()
	defer close(acked)
	for {
		select {
		case <-done:
			return
		default:
		}
		state, err := s.step("continue")
		if err != nil || state == nil || state.Exited {
			<-done
			return
		}
		hits, _ := s.hitsOf(state)
		for _, h := range hits {
			if !tracer.IsRequestPhase(h.entry.Phase) {
				s.pending = append(s.pending, h)
			}
		}
	}
}
