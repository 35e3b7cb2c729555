package delve

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/go-delve/delve/service/api"
	"github.com/go-delve/delve/service/rpc2"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// maxInstances bounds the instances read from one list a resolver
// received; Kratos itself keeps a subset of 25.
const maxInstances = 32

// clientTracker is what the session knows of the program's clients, in the
// order they were built: each client's target, registry and the endpoints
// it sees now. The run goroutine owns it.
type clientTracker struct {
	order []string
	byKey map[string]*tracer.Client
	// resolvers maps a resolver's address to its client's key, for a list
	// that does not say whose it is (an empty one).
	resolvers map[uint64]string
}

// client returns the tracked client of transport and target, adding it.
func (t *clientTracker) client(transport, target string) *tracer.Client {
	key := transport + " " + target
	if t.byKey == nil {
		t.byKey, t.resolvers = map[string]*tracer.Client{}, map[uint64]string{}
	}
	c, ok := t.byKey[key]
	if !ok {
		c = &tracer.Client{Transport: transport, Target: target}
		t.byKey[key] = c
		t.order = append(t.order, key)
	}
	return c
}

// snapshot copies the clients for an event; nil when there are none.
func (t *clientTracker) snapshot() []tracer.Client {
	if len(t.order) == 0 {
		return nil
	}
	out := make([]tracer.Client, 0, len(t.order))
	for _, k := range t.order {
		c := *t.byKey[k]
		c.Endpoints = slices.Clone(c.Endpoints)
		out = append(out, c)
	}
	return out
}

// addDiscovery fills ev, at discovery.dial or discovery.update, with what
// the client's code holds there, and keeps the client's state.
func (s *Session) addDiscovery(ev *tracer.Event, scope api.EvalScope, site *clientSite) {
	var err error
	if ev.Phase == tracer.PhaseDiscoveryDial {
		err = s.readDial(ev, scope, site)
	} else {
		err = s.readUpdate(ev, scope, site)
	}
	if err != nil {
		debugf("%s: %v", ev.Phase, err)
	}
}

// readDial reads a client's applied options: its endpoint, the registry
// given with WithDiscovery and its timeout. A client without discovery
// passes as skipped: it dials its endpoint directly.
func (s *Session) readDial(ev *tracer.Event, scope api.EvalScope, site *clientSite) error {
	opts := site.optionsVar
	target, err := s.client.EvalVariable(scope, opts+".endpoint", shallowLoad)
	if err != nil {
		return fmt.Errorf("read %s.endpoint: %w", opts, err)
	}
	c := tracer.Client{Transport: site.transport, Target: target.Value}
	c.Registry, err = readRegistrar(s.client, scope, opts+".discovery")
	if err != nil {
		debugf("discovery.dial: %v", err)
	}
	if v, err := s.client.EvalVariable(scope, opts+".timeout", shallowLoad); err == nil {
		c.Timeout, _ = durationOf(v)
	}
	tracked := s.clients.client(c.Transport, c.Target)
	tracked.Registry, tracked.Timeout = c.Registry, c.Timeout
	if !isDiscoveryTarget(c.Target) || c.Registry == "" {
		tracked.Endpoints = []string{c.Target}
		ev.Skipped = true
		ev.Reason = fmt.Sprintf("no discovery: the %s client dials %s directly", c.Transport, c.Target)
	}
	ev.Detail = c.Label()
	ev.Discovery = &tracer.Discovery{Client: *tracked}
	return nil
}

// isDiscoveryTarget reports whether a client's endpoint is resolved through
// a registry: discovery:///NAME.
func isDiscoveryTarget(target string) bool {
	return strings.HasPrefix(target, "discovery:")
}

// readUpdate reads the instance list a resolver received and whether Kratos
// kept anything of it: an empty result is refused, with Kratos' reason, and
// the client keeps the endpoints it had.
func (s *Session) readUpdate(ev *tracer.Event, scope api.EvalScope, site *clientSite) error {
	instances, err := readInstanceList(s.client, scope, site.listVar)
	if err != nil {
		return err
	}
	kept, err := s.client.EvalVariable(scope, "len("+site.acceptedVar+")", shallowLoad)
	if err != nil {
		return fmt.Errorf("read len(%s): %w", site.acceptedVar, err)
	}
	addr, target := s.resolverTarget(scope, site)
	if target == "" && len(instances) > 0 {
		target = "discovery:///" + instances[0].Name
	}
	key := site.transport + " " + target
	if target == "" {
		key = s.clients.resolvers[addr]
		_, target, _ = strings.Cut(key, " ")
	}
	c := s.clients.client(site.transport, target)
	if addr != 0 {
		s.clients.resolvers[addr] = key
	}
	d := &tracer.Discovery{Instances: instances}
	if kept.Value == "0" {
		d.Refused = site.refused
		c.Refused = site.refused
	} else {
		c.Refused = ""
		c.Endpoints = schemeEndpoints(instances, site.transport)
	}
	d.Client = *c
	d.Client.Endpoints = slices.Clone(c.Endpoints)
	ev.Detail = c.Label()
	ev.Discovery = d
	return nil
}

// schemeEndpoints are the endpoints a client of transport takes from the
// instances: the first of each instance's with its scheme (grpc://,
// http://), as kratos' endpoint.ParseEndpoint picks it.
func schemeEndpoints(instances []tracer.ServiceInstance, transport string) []string {
	var out []string
	for _, in := range instances {
		for _, e := range in.Endpoints {
			if strings.HasPrefix(e, transport+"://") {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// readInstanceList reads the []*registry.ServiceInstance at expr.
func readInstanceList(c *rpc2.RPCClient, scope api.EvalScope, expr string) ([]tracer.ServiceInstance, error) {
	v, err := c.EvalVariable(scope, expr, api.LoadConfig{MaxArrayValues: 0})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", expr, err)
	}
	if v.Kind != reflect.Slice {
		return nil, fmt.Errorf("%s is a %s, not a list of instances", expr, v.Type)
	}
	out := []tracer.ServiceInstance{}
	for i := 0; i < int(v.Len) && i < maxInstances; i++ {
		in, err := readInstance(c, scope, fmt.Sprintf("%s[%d]", expr, i))
		if err != nil {
			return nil, err
		}
		if in != nil {
			out = append(out, *in)
		}
	}
	return out, nil
}

// resolverTarget returns the resolver's address and the target of the
// client it resolves for: the HTTP resolver keeps its Target; the gRPC one
// reaches it through its ClientConn, the grpc-go wrapper whose ClientConn
// holds the dialled target. The target is "" where it cannot be read.
func (s *Session) resolverTarget(scope api.EvalScope, site *clientSite) (uint64, string) {
	r := site.recvVar
	var addr uint64
	if v, err := s.client.EvalVariable(scope, r, api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 0}); err == nil && v.Kind == reflect.Ptr && len(v.Children) > 0 {
		addr = v.Children[0].Addr
	}
	if site.transport == "http" {
		v, err := s.client.EvalVariable(scope, r+".target", shallowLoad)
		if err != nil || len(v.Children) == 0 {
			return addr, ""
		}
		f := map[string]string{}
		for _, ch := range v.Children[0].Children {
			f[ch.Name] = ch.Value
		}
		return addr, f["Scheme"] + "://" + f["Authority"] + "/" + f["Endpoint"]
	}
	cc, _, err := concreteValue(s.client, scope, r+".cc")
	if err != nil {
		debugf("discovery.update: %v", err)
		return addr, ""
	}
	v, err := s.client.EvalVariable(scope, cc+".cc.target", shallowLoad)
	if err != nil {
		debugf("discovery.update: read the target: %v", err)
		return addr, ""
	}
	return addr, v.Value
}

// concreteValue returns an expression for the struct a pointer held by the
// interface at expr points to, by its address: (*(*"T")(0xADDR)), which
// reaches its fields whatever the interface's static type; and T.
func concreteValue(c *rpc2.RPCClient, scope api.EvalScope, expr string) (string, string, error) {
	v, err := c.EvalVariable(scope, expr, api.LoadConfig{FollowPointers: true, MaxVariableRecurse: 1, MaxStructFields: 0})
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", expr, err)
	}
	if isNil(v) || len(v.Children) == 0 {
		return "", "", fmt.Errorf("%s is nil", expr)
	}
	p := v.Children[0]
	if p.Kind != reflect.Ptr || len(p.Children) == 0 || p.Children[0].Addr == 0 {
		return "", "", fmt.Errorf("%s holds a %s, not a pointer", expr, p.Type)
	}
	typ := strings.TrimPrefix(p.Type, "*")
	return fmt.Sprintf("(*(*%q)(%#x))", typ, p.Children[0].Addr), typ, nil
}

// leaseOf reads the lease an etcd registrar keeps its instances under (its
// options' ttl); 0 for another registrar, or when it cannot be read.
func (s *Session) leaseOf(scope api.EvalScope, registrarExpr string) time.Duration {
	expr, _, err := concreteValue(s.client, scope, registrarExpr)
	if err != nil {
		return 0
	}
	v, err := s.client.EvalVariable(scope, expr+".opts.ttl", shallowLoad)
	if err != nil {
		return 0
	}
	n, ok := rawDuration(v.Value)
	if !ok {
		return 0
	}
	return time.Duration(n)
}
