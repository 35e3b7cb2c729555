package delve

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// instanceLoad loads a registry.ServiceInstance whole: its strings, the
// metadata map and the endpoints slice.
var instanceLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 2, MaxStringLen: 1024, MaxArrayValues: 64, MaxStructFields: -1}

// knownRegistries are the service registries Kratos' contrib modules
// implement, named by the element of their package path.
var knownRegistries = []string{"etcd", "consul", "nacos", "zookeeper", "kubernetes", "eureka", "polaris", "servicecomb", "discovery"}

// registrarKind names a registrar by its Go type: "etcd" for
// *github.com/go-kratos/kratos/contrib/registry/etcd/v2.Registry, the short
// type (e.g. "*main.memRegistry") for one Kratos does not ship.
func registrarKind(typeName string) string {
	t := strings.TrimLeft(typeName, "*")
	pkg := t
	if dot := strings.LastIndex(t, "."); dot > strings.LastIndex(t, "/") {
		pkg = t[:dot]
	}
	for _, el := range strings.Split(pkg, "/") {
		for _, k := range knownRegistries {
			if el == k {
				return k
			}
		}
	}
	return shortType(typeName)
}

// readRegistrar returns the kind of the registrar held by the interface at
// expr, or "" when it holds nil.
func readRegistrar(c *rpc2.RPCClient, scope api.EvalScope, expr string) (string, error) {
	v, err := c.EvalVariable(scope, expr, api.LoadConfig{MaxVariableRecurse: 0})
	if err != nil {
		return "", fmt.Errorf("read %s: %w", expr, err)
	}
	if isNil(v) || len(v.Children) == 0 {
		return "", nil
	}
	return registrarKind(v.Children[0].Type), nil
}

// readInstance reads the *registry.ServiceInstance at expr; nil when the
// pointer is nil.
func readInstance(c *rpc2.RPCClient, scope api.EvalScope, expr string) (*tracer.ServiceInstance, error) {
	v, err := c.EvalVariable(scope, expr, instanceLoad)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", expr, err)
	}
	if v.Kind == reflect.Ptr {
		if isNil(v) {
			return nil, nil
		}
		v = &v.Children[0]
	}
	if v.Kind != reflect.Struct {
		return nil, fmt.Errorf("%s is a %s, not a ServiceInstance", expr, v.Type)
	}
	inst := &tracer.ServiceInstance{}
	for i := range v.Children {
		f := &v.Children[i]
		switch f.Name {
		case "ID":
			inst.ID = f.Value
		case "Name":
			inst.Name = f.Value
		case "Version":
			inst.Version = f.Value
		case "Metadata":
			// Empty rather than nil, so that JSON says "metadata": {}.
			inst.Metadata = map[string]string{}
			for j := 0; j+1 < len(f.Children); j += 2 {
				inst.Metadata[f.Children[j].Value] = f.Children[j+1].Value
			}
		case "Endpoints":
			for _, e := range f.Children {
				inst.Endpoints = append(inst.Endpoints, e.Value)
			}
		}
	}
	return inst, nil
}

// addRegistration fills ev, at app.register or app.deregister, with the
// registrar's kind and the instance, or marks it skipped when there is
// nothing to do: no registrar, or (at deregister) no registered instance.
func (s *Session) addRegistration(ev *tracer.Event, scope api.EvalScope, e planEntry) {
	kind, err := readRegistrar(s.client, scope, e.opts()+".registrar")
	if err != nil {
		debugf("%s: %v", e.Phase, err)
		return
	}
	if kind == "" {
		ev.Skipped = true
		ev.Reason = "no registrar: the App was built without kratos.Registrar"
		return
	}
	ev.Registrar = kind
	if e.instanceVar == "" {
		return
	}
	inst, err := readInstance(s.client, scope, e.instanceVar)
	switch {
	case err != nil:
		debugf("%s: %v", e.Phase, err)
	case inst == nil && e.Phase == tracer.PhaseDeregister:
		ev.Skipped = true
		ev.Reason = "nothing to deregister: the instance was never registered"
	default:
		ev.Instance = inst
	}
}

// reportFailure reports a phase that failed without killing the program:
// the hit is at the statement a failed call leads to (Run's `return err`
// after Register or after its errgroup's Wait, Stop's after Deregister).
// The error event names the phase and the error's text,
// and the program runs on: what it does with the error comes next.
func (s *Session) reportFailure(h hit) {
	th := h.thread
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	ev := threadEvent(tracer.KindError, th)
	ev.Phase = h.entry.Phase
	text := "an error"
	if h.entry.errVar != "" {
		if t, _, err := s.readErrorText(th.GoroutineID, h.entry.errVar, true); err == nil {
			text = t
		} else {
			debugf("%s failed: %v", h.entry.Phase, err)
		}
	}
	ev.Error = fmt.Sprintf("%s failed: %s", h.entry.Phase, text)
	switch h.entry.Phase {
	case tracer.PhaseRunning:
		s.waitFailure(&ev, text)
	case tracer.PhaseRegister:
		ev.Reason = "Run returns this error at once: no AfterStart hook runs, the servers keep running and nothing is deregistered"
	case tracer.PhaseDeregister:
		ev.Reason = "App.Stop returns this error at once, before it cancels the App's context: Run's errgroup then stops the servers and Run returns the error"
	case tracer.PhaseBeforeStop:
		ev.Reason = "the last BeforeStop hook returned this error (an earlier hook's is lost); App.Stop stops the App anyway and returns it, and Run returns it"
	}
	if h.entry.Phase == tracer.PhaseRegister || h.entry.Phase == tracer.PhaseDeregister {
		if kind, err := readRegistrar(s.client, scope, h.entry.opts()+".registrar"); err == nil {
			ev.Registrar = kind
		}
		if h.entry.instanceVar != "" {
			ev.Instance, _ = readInstance(s.client, scope, h.entry.instanceVar)
		}
	}
	s.refreshServers(scope, h.entry)
	s.addState(&ev)
	s.failed = &ev
	s.deliver(ev, false)
}

// waitFailure fills ev, the error Run's wait on its errgroup returned, with
// the phase it came from. Only App.Stop (app.stop) cancels the servers'
// context by itself; before it, the first error can only be a server
// Start's, since each Stop goroutine waits for that context. After it, the
// error is App.Stop's (a failed Deregister or a BeforeStop hook's, each
// reported already when it failed) or else a server's Stop or Start.
func (s *Session) waitFailure(ev *tracer.Event, text string) {
	const after = "Run returns it at once, so no AfterStop hook runs"
	switch {
	case !s.stopping:
		ev.Phase = tracer.PhaseServerStart
		ev.Error = fmt.Sprintf("%s failed: %s", ev.Phase, text)
		ev.Reason = "a server's Start returned this error while the App ran, before any SIGTERM: Run's errgroup stopped the other servers and " + after
	case s.failed != nil && (s.failed.Phase == tracer.PhaseDeregister || s.failed.Phase == tracer.PhaseBeforeStop):
		// App.Stop's own error, reported when it failed.
		ev.Phase = s.failed.Phase
		ev.Error = fmt.Sprintf("%s failed at shutdown: %s", ev.Phase, text)
		ev.Reason = "App.Stop returned this error to Run's errgroup: " + after
	default:
		ev.Phase = tracer.PhaseServerStop
		ev.Error = fmt.Sprintf("%s failed at shutdown: %s", ev.Phase, text)
		ev.Reason = "after SIGTERM a server's Stop, or its Start returning as it stopped, returned this error: " + after
	}
}

// ownExit is the error event for a program that exits with a failing
// status after Run returned an error (main's log.Fatal or os.Exit): the
// exit is the program's choice, not the tracer's doing. It is nil for any
// other exit.
func (s *Session) ownExit(code int, panicLine string) *tracer.Event {
	if s.failed == nil || code <= 0 || panicLine != "" {
		return nil
	}
	ev := *s.failed
	ev.Error = fmt.Sprintf("%s; then the program chose to exit %d", s.failed.Error, code)
	ev.Reason = fmt.Sprintf("App.Run returned the error and main exited with status %d itself (log.Fatal or os.Exit): the phases before it ran to their end", code)
	return &ev
}

// readErrorText returns the text of the error held by the interface at
// expr on goroutine gid, as Go prints it (see errorFormatter), and whether
// it is whole; with calls, an error of a type it does not know is asked
// through its Error method.
func (s *Session) readErrorText(gid int64, expr string, calls bool) (text string, whole bool, err error) {
	scope := api.EvalScope{GoroutineID: gid}
	v, err := s.client.EvalVariable(scope, expr, errorTextLoad)
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", expr, err)
	}
	if isNil(v) {
		return "", false, fmt.Errorf("%s is nil", expr)
	}
	load := func(e string) (*api.Variable, error) { return s.client.EvalVariable(scope, e, errorTextLoad) }
	var call func(string) (string, bool)
	if calls {
		call = func(e string) (string, bool) { return s.callError(gid, e) }
	}
	text, whole = readErrorValue(load, call, v)
	return text, whole, nil
}
