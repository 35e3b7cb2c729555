package delve

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// instanceLoad loads a registry.ServiceInstance whole: its strings, the
// metadata map and the endpoints slice.
var instanceLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 2, MaxStringLen: 1024, MaxArrayValues: 64, MaxStructFields: -1}

// errorLoad reaches the text of the usual error types: errors.New's
// *errorString, fmt.Errorf's *wrapError, a gRPC status three pointers deep.
var errorLoad = api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 4, MaxStringLen: 1024, MaxArrayValues: 8, MaxStructFields: -1}

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
			for j := 0; j+1 < len(f.Children); j += 2 {
				if inst.Metadata == nil {
					inst.Metadata = map[string]string{}
				}
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
// after Register). The error event names the phase and the error's text,
// and the program runs on: what it does with the error comes next.
func (s *Session) reportFailure(h hit) {
	th := h.thread
	scope := api.EvalScope{GoroutineID: th.GoroutineID}
	ev := threadEvent(tracer.KindError, th)
	ev.Phase = h.entry.Phase
	text := "an error"
	if h.entry.errVar != "" {
		if t, err := readErrorText(s.client, scope, h.entry.errVar); err == nil {
			text = t
		} else {
			debugf("%s failed: %v", h.entry.Phase, err)
		}
	}
	ev.Error = fmt.Sprintf("%s failed: %s", h.entry.Phase, text)
	if h.entry.Phase == tracer.PhaseRegister {
		ev.Reason = "Run returns this error at once: no AfterStart hook runs, the servers keep running and nothing is deregistered"
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

// readErrorText returns the message of the error held by the interface at
// expr without calling its Error method (a call would run the program):
// the first string field of the value, looked for breadth first, which is
// where errors.New, fmt.Errorf, gRPC statuses and etcd's errors keep it.
func readErrorText(c *rpc2.RPCClient, scope api.EvalScope, expr string) (string, error) {
	v, err := c.EvalVariable(scope, expr, errorLoad)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", expr, err)
	}
	if isNil(v) {
		return "", fmt.Errorf("%s is nil", expr)
	}
	concrete := v
	if v.Kind == reflect.Interface && len(v.Children) > 0 {
		concrete = &v.Children[0]
	}
	// Errors with no fields, whose text only their method knows.
	switch t := strings.TrimLeft(concrete.Type, "*"); {
	case t == "context.deadlineExceededError":
		return "context deadline exceeded", nil
	}
	queue := []*api.Variable{concrete}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for i := range cur.Children {
			ch := &cur.Children[i]
			if ch.Kind == reflect.String && ch.Value != "" {
				return ch.Value, nil
			}
			queue = append(queue, ch)
		}
	}
	return "", fmt.Errorf("no message in %s (%s)", expr, filepath.Base(concrete.Type))
}
